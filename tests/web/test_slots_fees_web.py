"""Weekly delivery times and fee rules through the browser's forms: admins set them up ("Sparat"),
the client sees the fees they pay before ordering, and the municipality's monthly report
(page and CSV). Admins only; every refusal writes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.config import load_settings
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import DeliverySlot, Product, SlotPattern, StaffUser, Store
from assistant.orders.slots import LOCAL_TZ
from assistant.staff_accounts import hash_password
from assistant.web.app import create_app

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld

NBSP = "\u00a0"
PASSWORD = "rätt-lösenord-123"


def _text(html: str) -> str:
    """The page's words: tags out, no-break spaces as spaces, runs of white space as one."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace(NBSP, " ").split())


def _post(web: WebWorld, path: str, **data: str):
    token = web.csrf("/staff/clients")
    return web.client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _rows(url: str, model) -> int:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        found = session.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return found


def _confirm(client: TestClient, client_id: int):
    """Tap "Beställ" twice on the summary the client page shows."""
    page = client.get(f"/clients/{client_id}").text
    form = re.search(r'action="/clients/\d+/confirm" data-confirm>(.*?)</form>', page, re.S)
    assert form, "no summary to confirm"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    return client.post(f"/clients/{client_id}/confirm", data={**fields, "armed": "1"},
                       follow_redirects=False)  # fmt: skip


def _weekday_in_three_days() -> int:
    return (datetime.now(LOCAL_TZ) + timedelta(days=3)).weekday()


PATTERN = {"start": "10:00", "end": "12:00", "capacity": "6", "cutoff_hours": "18", "active": "1"}


def test_admin_sets_up_weekly_times_and_sees_saved(web: WebWorld, migrated_url: str) -> None:
    web.login("anna")
    day = str(_weekday_in_three_days())
    assert _post(web, "/admin/stores/1/patterns", weekday=day, **PATTERN).status_code == 403
    web.login("chef")
    empty = web.client.get("/admin/stores/1/slots").text
    assert "Butiken har inga veckotider" in empty
    added = _post(web, "/admin/stores/1/patterns", weekday=day, **PATTERN)
    assert added.status_code == 303 and added.headers["location"].endswith("#patterns")
    page = _text(web.client.get("/admin/stores/1/slots").text)
    assert re.search(r"Sparat: \w+dag 10–12 varje vecka \(2 nya tider\)\.", page)
    assert "6 leveranser, sista beställning 18 timmar före" in page
    assert "Sparat" not in web.client.get("/admin/stores/1/slots").text  # shown once
    assert _rows(migrated_url, DeliverySlot) == 2

    before = _rows(migrated_url, SlotPattern), _rows(migrated_url, DeliverySlot)
    for bad, words in [({"end": "09:00"}, "sluta efter"), ({"capacity": "-1"}, "heltal"),
                       ({"start": "tio"}, "skriv en tid"), ({"weekday": "8"}, "veckodag"),
                       ({}, "redan en veckotid")]:  # fmt: skip
        refused = _post(web, "/admin/stores/1/patterns", **{"weekday": day, **PATTERN, **bad})
        assert refused.status_code == 422 and words in refused.text, bad
        assert 'role="alert"' in refused.text
    assert (_rows(migrated_url, SlotPattern), _rows(migrated_url, DeliverySlot)) == before

    listing = web.client.get("/admin/stores/1/slots").text
    pattern_id = re.search(r"/admin/stores/1/patterns/(\d+)/delete", listing).group(1)
    changed = _post(web, f"/admin/stores/1/patterns/{pattern_id}", weekday=day,
                    **{**PATTERN, "capacity": "9"})  # fmt: skip
    assert changed.status_code == 303
    page = web.client.get("/admin/stores/1/slots").text
    assert "Sparat:" in page and page.count("<td>9</td>") == 2
    gone = _post(web, f"/admin/stores/1/patterns/{pattern_id}/delete")
    assert gone.status_code == 303
    assert "Veckotiden är borttagen." in web.client.get("/admin/stores/1/slots").text
    assert _rows(migrated_url, DeliverySlot) == 0


def _book_for_greta(web: WebWorld, url: str) -> int:
    """Milk in Greta's basket and the first slot of a fresh weekly time held; the slot id."""
    web.login("chef")
    _post(web, "/admin/stores/1/patterns", weekday=str(_weekday_in_three_days()), **PATTERN)
    web.login("anna")
    greta = web.anna_client_id
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        milk = session.scalar(select(Product.id).where(Product.size_text == "1l",
                                                       Product.name.startswith("Mellan")))  # fmt: skip
    engine.dispose()
    assert (
        _post(web, f"/clients/{greta}/basket", product_id=str(milk), quantity="4").status_code
        == 303
    )
    page = web.client.get(f"/clients/{greta}").text
    slot_id = re.search(r'name="slot_id" value="(\d+)"', page).group(1)
    assert _post(web, f"/clients/{greta}/slot", slot_id=slot_id).status_code == 303
    return int(slot_id)


def test_a_booked_slot_cannot_be_removed_or_made_smaller(web: WebWorld, migrated_url: str) -> None:
    slot = _book_for_greta(web, migrated_url)
    web.login("chef")
    page = web.client.get("/admin/stores/1/slots").text
    assert "Har bokningar" in page
    refused = _post(web, f"/admin/stores/1/slots/{slot}/delete")
    assert refused.status_code == 422
    assert "kan inte tas bort: den har en bokning" in _text(refused.text)
    smaller = _post(web, f"/admin/stores/1/slots/{slot}/capacity", capacity="0")
    assert smaller.status_code == 422 and "kan inte vara lägre än 1" in _text(smaller.text)
    assert _post(web, f"/admin/stores/1/slots/{slot}/capacity", capacity="2").status_code == 303
    assert "tar 2 leveranser" in _text(web.client.get("/admin/stores/1/slots").text)
    assert _post(web, f"/admin/stores/2/slots/{slot}/delete").status_code == 404
    assert _post(web, "/admin/stores/1/slots/999999/delete").status_code == 422


def test_free_from_values_and_who_pays_show_before_ordering(
    web: WebWorld, migrated_url: str
) -> None:
    web.login("chef")
    fees = {"picking_fee_ore": "49", "picking_free_from_ore": "50", "delivery_fee_ore": "29",
            "delivery_free_from_ore": "", "invoice_fee_ore": "19",
            "minimum_order_ore": "50"}  # fmt: skip
    assert _post(web, "/admin/stores/1/fees", **fees).status_code == 303
    stores = web.client.get("/admin/stores").text
    assert "Sparat: avgifter för Testbutiken." in stores
    assert 'name="picking_free_from_ore" inputmode="decimal" value="50,00"' in stores
    assert 'name="delivery_free_from_ore" inputmode="decimal" value=""' in stores
    bad = _post(web, "/admin/stores/1/fees", **{**fees, "delivery_free_from_ore": "-1"})
    assert bad.status_code == 422 and "Fri leverans från ordervärde" in bad.text

    _book_for_greta(web, migrated_url)  # 4 × 14,95 = 59,80
    greta = web.anna_client_id
    web.login("chef")
    assert (
        _post(web, "/admin/stores/1/fees", **{**fees, "minimum_order_ore": "100"}).status_code
        == 303
    )
    page = _text(web.client.get(f"/clients/{greta}").text)
    assert "Det fattas 40,20 kr till minsta ordervärdet 100 kr." in page
    assert _post(web, "/admin/stores/1/fees", **fees).status_code == 303
    form = {"display_name": "Greta", "store_id": "1", "substitution": "ask", "speech_rate": "1.0",
            "staff_id": "1", "unit": "Hemtjänst Norr", "picking_payer": "client",
            "delivery_payer": "municipality", "payment": "other"}  # fmt: skip
    saved = _post(web, f"/admin/clients/{greta}", **form)
    assert saved.status_code == 303
    clients = web.client.get("/admin/clients").text
    assert "Sparat: Greta." in clients and "Hemtjänst Norr" in clients
    assert 'value="Hemtjänst Norr"' in web.client.get(f"/admin/clients/{greta}").text
    refused = _post(web, f"/admin/clients/{greta}", **{**form, "delivery_payer": "grannen"})
    assert refused.status_code == 422 and 'role="alert"' in refused.text

    web.login("anna")
    page = _text(web.client.get(f"/clients/{greta}").text)
    assert "Plockavgift (fri från 50 kr) 0 kr" in page
    assert "Leveransavgift (betalas av kommunen) 0 kr" in page
    assert "Fakturaavgift" not in page  # Greta does not pay by invoice
    assert "Att betala 59,80 kr" in page
    assert "Du beställer 4 varor för 59,80 kr" in page
    done = _confirm(web.client, greta)
    assert done.status_code == 303
    receipt = _text(web.client.get(done.headers["location"]).text)
    assert "Leveransavgift (betalas av kommunen) 0 kr" in receipt
    assert "Att betala 59,80 kr" in receipt and "på fakturan" not in receipt

    assert web.client.get("/admin/fees").status_code == 403
    web.login("chef")
    month = datetime.now(LOCAL_TZ).strftime("%Y-%m")
    report = _text(web.client.get(f"/admin/fees?month={month}").text)
    assert "Hemtjänst Norr 1 1 0,00 kr 29,00 kr 29,00 kr" in report
    download = web.client.get(f"/admin/fees.csv?month={month}")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][0] == "Hemtjänst Norr" and rows[1][3] == "Greta"
    assert rows[1][5:] == ["0,00", "29,00", "29,00", "59,80"]
    assert web.client.get("/admin/fees?month=2026-13").status_code == 422
    assert web.client.get("/admin/fees?month=x").status_code == 422


@pytest.fixture
def fresh_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The app on an empty SQLite database with a cut-down copy of the bundled demo catalog."""
    source = Path(__file__).resolve().parents[2] / "demo_catalog"
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    with (source / "willys_2023.csv").open(encoding="utf-8") as big:
        (catalog / "willys_2023.csv").write_text("".join(big.readlines()[:200]), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'handla.sqlite3'}"
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path / "data"))
    upgrade_database(url)
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        session.add(StaffUser(username="chef", password_hash=hash_password(PASSWORD),
                              role="admin"))  # fmt: skip
    engine.dispose()
    settings = dataclasses.replace(load_settings(), database_url=url, catalog_dir=catalog)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client, url
    app.state.engine.dispose()


def test_an_order_can_be_placed_right_after_the_first_start(fresh_install) -> None:
    client, url = fresh_install
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "chef", "password": PASSWORD, "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/clients").text)[1]
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        store = session.scalars(select(Store)).one()
        assert store.name == "Willys 2023" and store.minimum_order_ore == 35000
        products = session.scalars(select(Product.id).where(Product.store_id == store.id)
                                   .order_by(Product.price_ore.desc()).limit(6)).all()  # fmt: skip
        now = datetime.now(UTC)
        assert session.scalar(select(func.count()).where(DeliverySlot.starts_at > now)) >= 8
    engine.dispose()
    made = client.post("/admin/clients", data={
        "csrf_token": token, "display_name": "Greta", "store_id": str(store.id),
        "substitution": "ask", "speech_rate": "1.0", "unit": "Hemtjänst Norr"},
        follow_redirects=False)  # fmt: skip
    greta = int(made.headers["location"].rsplit("-", 1)[1])
    for product in products:
        client.post(f"/clients/{greta}/basket", data={"csrf_token": token,
                    "product_id": str(product), "quantity": "2"})  # fmt: skip
    page = client.get(f"/clients/{greta}").text
    assert "När ska varorna komma?" in page and "Butiken har inga lediga" not in page
    slot_id = re.search(r'name="slot_id" value="(\d+)"', page).group(1)
    client.post(f"/clients/{greta}/slot", data={"csrf_token": token, "slot_id": slot_id})
    done = _confirm(client, greta)
    assert done.status_code == 303
    assert "Tack!" in client.get(done.headers["location"]).text
