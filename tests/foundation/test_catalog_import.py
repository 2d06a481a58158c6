"""Catalog import on SQLite and PostgreSQL: real demo files, bad files, re-import and updates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from assistant.catalog_import import CatalogFormatError, import_catalog, import_demo_catalog
from assistant.cli import main
from assistant.config import PROJECT_ROOT
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Offer, Product, Store

DEMO = PROJECT_ROOT / "demo_catalog"
HEADER = "store,article_number,name,brand,size,price,department,offer_label,offer_price\n"


@pytest.fixture
def sessions(migrated_url: str):
    engine = make_engine(migrated_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def _write(tmp_path: Path, text: str, name: str = "feed.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _products(sessions, store: str = "Testbutiken") -> dict[str, Product]:
    with session_scope(sessions) as s:
        rows = s.scalars(select(Product).join(Store).where(Store.name == store)).all()
        for row in rows:
            _ = row.offers
        return {p.key: p for p in rows}


def test_demo_files_import_and_reimport_changes_nothing(sessions) -> None:
    first = import_catalog(sessions, DEMO / "stores_2020.csv")
    assert set(first.stores) == {"Coop", "Hemköp", "Willys"}
    assert sum(first.stores.values()) + first.repeats + len(first.rejected) == 9477
    willys = import_catalog(sessions, DEMO / "willys_2023.csv")
    assert willys.stores.keys() == {"Willys 2023"}
    assert sum(willys.stores.values()) + willys.repeats + len(willys.rejected) == 6304
    assert all(row.line > 1 and row.reason for row in willys.rejected)
    again = import_catalog(sessions, DEMO / "stores_2020.csv")
    assert again.changes == 0 and again.unchanged == sum(first.stores.values())
    assert import_catalog(sessions, DEMO / "willys_2023.csv").changes == 0
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count(Offer.id))) > 0
        assert s.scalar(select(func.count(Product.id)).where(Product.size_unit.is_not(None))) > 0


def test_newer_feed_updates_prices_replaces_offers_and_deactivates(sessions, tmp_path) -> None:
    old = _write(tmp_path, HEADER + "Testbutiken,1,Mjölk,Arla,1l,12.90,Mejeri,2 för 25:-,\n"
                 "Testbutiken,2,Smör,Bregott,600g,49.90,Mejeri,,\n")  # fmt: skip
    assert import_catalog(sessions, old).added == 2
    new = _write(tmp_path, HEADER + "Testbutiken,1,Mjölk,Arla,1l,13.50,Mejeri,,\n", "new.csv")
    report = import_catalog(sessions, new)
    assert (report.updated, report.deactivated, report.added) == (1, 1, 0)
    products = _products(sessions)
    assert products["1"].price_ore == 1350 and products["1"].offers == []
    assert products["2"].active is False
    assert import_catalog(sessions, new).changes == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Testbutiken,1,Mjölk,Arla,1l,-5,Mejeri,,\n", ""),
        ("Testbutiken,1,Mjölk,Arla,1l,gratis,Mejeri,,\n", ""),
    ],
    ids=["negative", "non-numeric"],
)
def test_bad_prices_are_rejected_with_line_numbers(sessions, tmp_path, text, reason) -> None:
    path = _write(tmp_path, HEADER + "Testbutiken,2,Smör,,500g,40,Mejeri,,\n" + text)
    report = import_catalog(sessions, path)
    assert report.added == 1
    assert [row.line for row in report.rejected] == [3]


def test_duplicate_article_numbers_keep_the_first(sessions, tmp_path) -> None:
    path = _write(tmp_path, HEADER + "Testbutiken,1,Mjölk,,1l,12,Mejeri,,\n"
                  "Testbutiken,1,Fil,,1l,15,Mejeri,,\n")  # fmt: skip
    report = import_catalog(sessions, path)
    assert report.added == 1 and report.rejected[0].line == 3
    assert _products(sessions)["1"].name == "Mjölk"


def test_latin1_file_is_read_with_a_note(sessions, tmp_path) -> None:
    path = _write(tmp_path, HEADER + "Testbutiken,1,Ärtsoppa,,500g,20,Konserver,,\n",
                  encoding="latin-1")  # fmt: skip
    report = import_catalog(sessions, path)
    assert report.notes and _products(sessions)["1"].name == "Ärtsoppa"


@pytest.mark.parametrize("text", ["", "store,article_number,brand\nA,1,x\n"], ids=["empty", "cols"])
def test_unreadable_files_raise_and_import_nothing(sessions, tmp_path, text) -> None:
    with pytest.raises(CatalogFormatError):
        import_catalog(sessions, _write(tmp_path, text))
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count(Product.id))) == 0


def test_demo_catalog_imported_only_when_empty(sessions, tmp_path) -> None:
    _write(tmp_path, HEADER + "Testbutiken,1,Mjölk,,1l,12,Mejeri,,\n", "a.csv")
    assert len(import_demo_catalog(sessions, tmp_path)) == 1
    assert import_demo_catalog(sessions, tmp_path) == []


def test_cli_prints_summary_and_rejected_rows(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path))
    path = _write(tmp_path, HEADER + "Testbutiken,1,Mjölk,,1l,x,Mejeri,,\n")
    assert main(["catalog", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "rad 2:" in out and "0 nya" in out
    assert main(["catalog", "import", str(tmp_path / "missing.csv")]) == 2
