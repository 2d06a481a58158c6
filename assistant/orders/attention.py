"""What waits for staff: wishes the assistant could not match (the queue), orders the store has
not received (send again, or cancel)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from assistant.db import changed_rows
from assistant.db.enums import LineStatus, OutboxStatus
from assistant.db.models import Order, OrderLine, OutboxMessage
from assistant.orders.basket import Actor, actor_text, record
from assistant.orders.booking import give_back
from assistant.orders.errors import ServiceError
from assistant.orders.slots import as_utc
from assistant.orders.status import OrderStatus
from assistant.orders.store_channel import channel_problem

OPEN = (OrderStatus.CONFIRMED, OrderStatus.NEEDS_ATTENTION)
FAILURES = ("needs_attention", "delivery_failed")
"""The audit actions whose detail holds a hand-off's error."""
RETRYABLE = (OutboxStatus.PENDING, OutboxStatus.FAILED)


def _order(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None or order.status == OrderStatus.BASKET:
        raise ServiceError("Beställningen finns inte.")
    return order


def retry_order(
    session: Session, order_id: int, *, actor: Actor, now: datetime | None = None
) -> Order:
    """Staff: try an order that needs attention again now (e.g. after fixing the store's
    settings). It is "confirmed" again and gets the quick attempts once more."""
    who = actor_text(actor)
    now = as_utc(now or datetime.now(UTC))
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None or order.status != OrderStatus.NEEDS_ATTENTION:
        raise ServiceError("Ordern väntar inte på åtgärd.")
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.order_id == order.id, OutboxMessage.status.in_(RETRYABLE))
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    order.status = OrderStatus.CONFIRMED
    record(session, order, who, "retry")
    session.flush()
    return order


def cancel_order(
    session: Session, order_id: int, *, actor: Actor, now: datetime | None = None
) -> Order:
    """Cancel an order the store has not received: no more hand-off attempts, and its place in
    the delivery slot is given back (`booked - 1`). Refused once the store has it ("sent"), and
    while a hand-off is under way (it ends within seconds; then cancel again)."""
    who = actor_text(actor)
    now = as_utc(now or datetime.now(UTC))
    order = _order(session, order_id)
    if order.status == OrderStatus.SENT:
        raise ServiceError(
            "Butiken har redan fått beställningen. Ring butiken om den ska avbeställas."
        )
    if order.status == OrderStatus.CANCELLED:
        raise ServiceError("Beställningen är redan avbruten.")
    session.execute(  # a row a worker is handing over right now keeps its lease: refused below
        update(OutboxMessage)
        .where(
            OutboxMessage.order_id == order.id,
            OutboxMessage.status.in_(RETRYABLE),
            or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until <= now),
        )
        .values(status=OutboxStatus.CANCELLED, leased_until=None)
        .execution_options(synchronize_session=False)
    )
    under_way = session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.order_id == order.id, OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    if under_way is not None:
        raise ServiceError(
            "Beställningen håller på att lämnas till butiken just nu. Försök igen om en stund."
        )
    cancelled = changed_rows(
        session.execute(
            update(Order)
            .where(Order.id == order.id, Order.status.in_(OPEN))
            .values(status=OrderStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )
    )
    if cancelled != 1:  # the store took it a moment ago
        raise ServiceError("Beställningen har just lämnats till butiken och kan inte avbrytas.")
    previous = order.status
    if order.slot_id is not None:
        give_back(session, order.slot_id)
    session.expire(order)
    if order.slot is not None:
        session.expire(order.slot, ["booked"])
    record(session, order, who, "cancelled", previous=previous, slot_id=order.slot_id)
    session.flush()
    return order


def waiting_for_staff(session: Session, client_ids: Sequence[int]) -> list[OrderLine]:
    """Basket lines of these clients (from chat or voice) where the assistant could not pick the
    product: the staff queue, by client."""
    return list(
        session.scalars(
            select(OrderLine)
            .join(Order, Order.id == OrderLine.order_id)
            .where(
                OrderLine.status == LineStatus.NEEDS_STAFF,
                Order.status == OrderStatus.BASKET,
                Order.client_id.in_(client_ids),
            )
            .order_by(Order.client_id, OrderLine.id)
        )
    )


@dataclass(frozen=True)
class NeedsAttention:
    order: Order
    last_error: str
    store_problem: str | None
    """What is wrong with the store's settings, if anything (`channel_problem`)."""


def needing_attention(session: Session, client_ids: Sequence[int]) -> list[NeedsAttention]:
    """These clients' orders the store has not received after the first quick attempts (the
    worker keeps trying in the background), oldest first, with the last error."""
    orders = session.scalars(
        select(Order)
        .where(Order.status == OrderStatus.NEEDS_ATTENTION, Order.client_id.in_(client_ids))
        .order_by(Order.confirmed_at)
    )
    return [NeedsAttention(o, last_error(o), channel_problem(o.store)) for o in orders]


def last_error(order: Order) -> str:
    for event in reversed(order.events):
        if event.action in FAILURES:
            return str((event.detail or {}).get("error", ""))
    return ""
