"""A small seeded shop for the actions: one store, two kinds of milk and a bread, a client and
a delivery slot, in a fresh SQLite file that HANDLA_DATABASE_URL points at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actions import catalog
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Client, DeliverySlot, Product, Store


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    url = f"sqlite:///{tmp_path / 'handla.sqlite3'}"
    upgrade_database(url)
    monkeypatch.setenv("HANDLA_DATABASE_URL", url)
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path))
    catalog.sessions.cache_clear()
    catalog._store_indexes.clear()
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        store = Store(name="Willys Test", order_channel="file", order_target="willys-test")
        session.add(store)
        session.flush()
        for name, brand, price in [
            ("Mellanmjölk 1,5%", "Arla", 1790),
            ("Mellanmjölk 1,5%", "Garant", 1350),
            ("Lantbröd", "Pågen", 3200),
        ]:
            session.add(Product(store_id=store.id, key=f"{brand}-{name}", name=name,
                                brand=brand, size_text="1 l", price_ore=price))  # fmt: skip
        client = Client(display_name="Åsa Öberg", store_id=store.id)
        session.add(client)
        starts = datetime.now(UTC) + timedelta(days=2)
        session.add(DeliverySlot(store_id=store.id, starts_at=starts, capacity=3,
                                 ends_at=starts + timedelta(hours=2),
                                 cutoff_at=starts - timedelta(hours=12)))  # fmt: skip
        session.flush()
        client_id = client.id
    yield client_id
    catalog.sessions.cache_clear()
    catalog._store_indexes.clear()
    engine.dispose()
