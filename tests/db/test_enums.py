"""The StrEnum states round-trip as their values on both backends (psycopg would write a bare
Enum member by its name), in ORM writes, in UPDATE … VALUES and in comparisons."""

from __future__ import annotations

from sqlalchemy import select, text, update

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.enums import LineStatus, OrderStatus, OutboxStatus, StaffRole
from assistant.db.models import (
    ATTEMPT_STATES,
    LINE_STATUSES,
    ORDER_STATUSES,
    OUTBOX_STATUSES,
    Client,
    Order,
    OrderLine,
    OutboxMessage,
    StaffUser,
    Store,
)


def test_states_are_stored_as_their_values_and_read_back_as_members(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as s:
        store = Store(name="Butiken")
        s.add(store)
        s.flush()
        client = Client(display_name="Greta", store_id=store.id)
        s.add_all([client, StaffUser(username="eva", password_hash="x", role=StaffRole.ADMIN)])
        s.flush()
        order = Order(client_id=client.id, store_id=store.id, status=OrderStatus.BASKET)
        s.add(order)
        s.flush()
        s.add(OrderLine(order_id=order.id, quantity=1, status=LineStatus.NEEDS_STAFF))
        s.add(OutboxMessage(order_id=order.id, adapter="email", payload={}))
        s.flush()
        s.execute(update(Order).where(Order.id == order.id).values(status=OrderStatus.CONFIRMED))
    with session_scope(sessions) as s:
        raw = s.execute(
            text('SELECT o.status, l.status, m.status, u.role FROM "order" o, order_line l, '
                 "outbox_message m, staff_user u")
        ).one()  # fmt: skip
        assert tuple(raw) == ("confirmed", "needs_staff", "pending", "admin")
        order = s.scalars(select(Order).where(Order.status == OrderStatus.CONFIRMED)).one()
        assert order.status is OrderStatus.CONFIRMED
        assert order.lines[0].status is LineStatus.NEEDS_STAFF
        message = s.scalars(select(OutboxMessage)).one()
        assert message.status is OutboxStatus.PENDING
        assert s.scalars(select(StaffUser)).one().role is StaffRole.ADMIN
    engine.dispose()


def test_the_check_constraints_list_the_enums_values() -> None:
    assert ORDER_STATUSES == ("basket", "confirmed", "sent", "needs_attention", "cancelled")
    assert LINE_STATUSES == ("ok", "needs_staff", "needs_choice")
    assert OUTBOX_STATUSES == ("pending", "delivered", "failed", "cancelled")
    assert ATTEMPT_STATES == ("sending", "done", "failed", "interrupted")
