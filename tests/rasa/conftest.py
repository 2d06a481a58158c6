"""A small seeded shop for the real Rasa and action servers: one store with two milks, a
bread and a cheese, a client and a delivery slot, in a fresh SQLite file that
HANDLA_DATABASE_URL points at (the action server reads it from the environment)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actions import catalog
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client, Product, Store
from assistant.orders.catalog_index import forget_indexes
from tests.helpers.seed import add_slot

PRODUCTS = [
    ("Mellanmjölk 1,5%", "Arla", 1790, "Mejeri"),
    ("Mellanmjölk 1,5%", "Garant", 1350, "Mejeri"),
    ("Lantbröd", "Pågen", 3200, "Bröd"),
    ("Formfranska", "Skogaholm", 2590, "Bröd"),
    ("Rågbröd", "Pågen", 2990, "Bröd"),
]


@pytest.fixture
def shop(
    migrated_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[int]:
    url = migrated_sqlite_url
    monkeypatch.setenv("HANDLA_DATABASE_URL", url)
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path))
    catalog.sessions.cache_clear()
    forget_indexes()
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        store = Store(name="Willys Test", order_channel="file", order_target="willys-test")
        session.add(store)
        session.flush()
        for name, brand, price, department in PRODUCTS:
            session.add(Product(store_id=store.id, key=f"{brand}-{name}", name=name, brand=brand,
                                size_text="1 l" if "mjölk" in name else "500g",
                                size_amount=1000 if "mjölk" in name else 500,
                                size_unit="ml" if "mjölk" in name else "g",
                                price_ore=price, department=department))  # fmt: skip
        client = Client(display_name="Åsa Öberg", store_id=store.id)
        session.add(client)
        add_slot(session, store, datetime.now(UTC) + timedelta(days=2), capacity=3)
        session.flush()
        client_id = client.id
    yield client_id
    catalog.sessions.cache_clear()
    forget_indexes()
    engine.dispose()
