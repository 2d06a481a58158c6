"""Migrations, model round-trips and constraints on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import (
    AuditEvent,
    Base,
    Client,
    DeliverySlot,
    Offer,
    Order,
    OrderLine,
    OutboxMessage,
    Product,
    PurchaseHistory,
    StaffUser,
    Store,
)


@pytest.fixture
def sessions(migrated_url: str):
    engine = make_engine(migrated_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_migrations_create_every_table_and_are_idempotent(database_url: str) -> None:
    upgrade_database(database_url)
    upgrade_database(database_url)
    engine = make_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def _store(session) -> Store:
    store = Store(name="Testbutiken", order_channel="webhook", order_target="http://x/",
                  picking_fee_ore=4900, delivery_fee_ore=2900, invoice_fee_ore=1900,
                  minimum_order_ore=30000)  # fmt: skip
    session.add(store)
    session.flush()
    return store


def test_full_order_round_trips(sessions) -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    with session_scope(sessions) as s:
        store = _store(s)
        slot = DeliverySlot(store=store, starts_at=now, ends_at=now + timedelta(hours=2),
                            capacity=5, booked=1, cutoff_at=now - timedelta(hours=12))  # fmt: skip
        product = Product(store=store, key="7310865004703", name="Mellanmjölk 1,5%",
                          brand="Arla", size_amount=Decimal("1500"), size_unit="ml",
                          price_ore=1895, department="Mejeri", organic=True)  # fmt: skip
        product.offers.append(Offer(kind="multibuy", quantity=2, price_ore=3000,
                                    label="2 för 30:-", valid_to=date(2026, 12, 1)))  # fmt: skip
        client = Client(display_name="Greta", store=store, preferences={"mjölk": "Arla"})
        staff = StaffUser(username="anna", password_hash="x", role="staff", clients=[client])
        s.add_all([slot, product, client, staff])
        s.flush()
        order = Order(client=client, store=store, slot=slot, idempotency_key="k1",
                      status="confirmed", goods_ore=3000, fees_ore=9700, total_ore=12700,
                      confirmed_at=now, confirmed_by=staff)  # fmt: skip
        order.lines.append(OrderLine(product=product, spoken_text="två mjölk",
                                     quantity=Decimal("2"), unit_price_ore=1895))  # fmt: skip
        order.events.append(AuditEvent(actor=str(staff.id), action="confirmed", detail={"n": 1}))
        s.add_all([order, PurchaseHistory(client=client, product=product, quantity=Decimal("2"))])
        s.flush()
        s.add(OutboxMessage(order=order, adapter="webhook", payload={"order": order.id}))

    with session_scope(sessions) as s:
        order = s.scalars(select(Order)).one()
        assert order.lines[0].quantity == Decimal("2")
        assert order.lines[0].product.offers[0].label == "2 för 30:-"
        assert order.confirmed_by.username == "anna"
        assert order.confirmed_at.replace(tzinfo=UTC) == now
        assert order.events[0].detail == {"n": 1}
        assert order.client.staff[0].username == "anna"
        assert order.client.preferences == {"mjölk": "Arla"}
        assert s.scalars(select(OutboxMessage)).one().status == "pending"
        assert s.scalars(select(Product)).one().size_amount == Decimal("1500")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda st: Product(store=st, key="1", name="a", price_ore=-1), id="neg-price"),
        pytest.param(lambda st: Store(name="Testbutiken"), id="dup-store"),
        pytest.param(lambda st: Store(name="B", order_channel="fax"), id="bad-channel"),
        pytest.param(lambda st: Client(display_name="x", substitution="maybe"), id="bad-subst"),
        pytest.param(lambda st: StaffUser(username="u", password_hash="h", role="god"), id="role"),
    ],
)
def test_constraints_reject_bad_rows(sessions, make) -> None:
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        store = _store(s)
        s.add(make(store))
        s.flush()


def test_unique_product_key_per_store_and_idempotency_key(sessions) -> None:
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        store = _store(s)
        s.add_all([Product(store=store, key="1", name="a", price_ore=1),
                   Product(store=store, key="1", name="b", price_ore=2)])  # fmt: skip
        s.flush()
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        store = _store(s)
        client = Client(display_name="x")
        s.add_all([Order(client=client, store=store, idempotency_key="k"),
                   Order(client=client, store=store, idempotency_key="k")])  # fmt: skip
        s.flush()


def test_foreign_keys_are_enforced(sessions) -> None:
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        s.add(Product(store_id=999, key="1", name="a", price_ore=1))
        s.flush()


def test_one_open_basket_per_client(sessions) -> None:
    with session_scope(sessions) as s:
        store = _store(s)
        client = Client(display_name="Greta", store=store)
        s.add_all([Order(client=client, store=store, status="confirmed"),
                   Order(client=client, store=store, status="confirmed"),
                   Order(client=client, store=store, status="basket")])  # fmt: skip
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        client = s.scalars(select(Client)).one()
        s.add(Order(client=client, store=client.store, status="basket"))


def test_models_match_the_migrations(migrated_url: str) -> None:
    """The migrations build exactly the schema the models describe (tables, columns, types,
    indexes and unique constraints), so a model change without its migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(migrated_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
