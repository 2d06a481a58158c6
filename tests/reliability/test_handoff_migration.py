"""The migrations after 0003 on a database that already has stores, slots, clients and orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from assistant.db import make_engine
from assistant.db.migrate import alembic_config
from assistant.db.models import Base


def _seed_0003(url: str) -> None:
    now = datetime.now(UTC)
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(text(
            "INSERT INTO store (id, name, order_channel, order_target, picking_fee_ore,"
            " delivery_fee_ore, invoice_fee_ore, minimum_order_ore)"
            " VALUES (1, 'Butiken', 'email', 'order@butik.se', 0, 0, 0, 0)"
        ))  # fmt: skip
        c.execute(
            text("INSERT INTO delivery_slot (store_id, starts_at, ends_at, capacity, booked,"
                 " cutoff_at) VALUES (1, :a, :b, 5, 1, :c)"),
            {"a": now, "b": now + timedelta(hours=2), "c": now - timedelta(hours=1)},
        )  # fmt: skip
        c.execute(
            text("INSERT INTO client (id, display_name, store_id, substitution, speech_rate,"
                 " preferences, created_at) VALUES (1, 'Greta', 1, 'ask', 1.0, '{}', :n)"),
            {"n": now},
        )  # fmt: skip
        c.execute(
            text('INSERT INTO "order" (id, client_id, store_id, status, goods_ore,'
                 " discount_ore, fees_ore, total_ore, created_at)"
                 " VALUES (1, 1, 1, 'confirmed', 0, 0, 0, 0, :n)"),
            {"n": now},
        )  # fmt: skip
        c.execute(
            text("INSERT INTO outbox_message (order_id, adapter, payload, attempts,"
                 " next_attempt_at, status) VALUES (1, 'email', '{}', 0, :n, 'pending')"),
            {"n": now},
        )  # fmt: skip
    engine.dispose()


def test_upgrade_keeps_every_row_and_matches_the_models(database_url: str) -> None:
    """SQLite copies `store` to change its CHECK: with foreign keys on, dropping the old table
    would cascade to the slots and clients, so the migration turns them off for the copy."""
    config = alembic_config(database_url)
    command.upgrade(config, "0003")
    _seed_0003(database_url)
    command.upgrade(config, "head")
    engine = make_engine(database_url)
    try:
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM delivery_slot")).scalar() == 1
            assert c.execute(text("SELECT store_id FROM client")).scalar() == 1
            assert c.execute(text("SELECT status FROM outbox_message")).scalar() == "pending"
            context = MigrationContext.configure(c, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            if engine.dialect.name == "sqlite":
                assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with engine.begin() as c:
            c.execute(text("UPDATE store SET order_channel = 'file', order_target = 'butiken'"))
        with pytest.raises(IntegrityError), engine.begin() as c:
            c.execute(text("UPDATE store SET order_channel = 'fax'"))
    finally:
        engine.dispose()
    command.downgrade(config, "0003")
    command.upgrade(config, "head")
