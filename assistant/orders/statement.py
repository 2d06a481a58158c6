"""The monthly statement: a client's orders of one month as confirmed, so the client or their
relatives can check the store's invoice. Lines, offers and the fees the client pays come from
the order sheet kept in the outbox row, i.e. exactly what the store was sent; fees the
municipality paid are noted from the order's fees as charged. Each order shows its state, so
one the store has not received yet is not mistaken for one it has."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Order, OutboxMessage
from assistant.orders.basket import client_of
from assistant.orders.errors import ServiceError
from assistant.orders.money import format_sek
from assistant.orders.pricing import Fee
from assistant.orders.sheet import OrderSheet
from assistant.orders.slots import LOCAL_TZ, MONTHS, as_utc
from assistant.orders.statement_pdf import (
    Statement,
    StatementLine,
    StatementOrder,
    statement_pdf,
)
from assistant.orders.status import OrderStatus, status_label

PLACED = (OrderStatus.CONFIRMED, OrderStatus.SENT, OrderStatus.NEEDS_ATTENTION)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    if not (isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12):
        raise ServiceError("Ogiltig månad.")
    if not 2000 <= year <= 2100:
        raise ServiceError("Ogiltigt år.")
    start = datetime(year, month, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def fee_notes(order: Order) -> list[str]:
    """ "Leveransavgift 79,00 kr betalas av kommunen." for each fee someone else paid."""
    fees = [Fee.from_json(item) for item in order.fee_detail or []]
    return [
        f"{fee.label} {format_sek(fee.municipality_amount)} betalas av kommunen."
        for fee in fees
        if fee.municipality_amount
    ]


def monthly_statement(session: Session, client_id: int, year: int, month: int) -> Statement:
    """Orders confirmed in that (Swedish local) month, oldest first."""
    client = client_of(session, client_id)
    start, end = month_bounds(year, month)
    rows = session.execute(
        select(Order, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.order_id == Order.id)
        .where(
            Order.client_id == client.id,
            Order.status.in_(PLACED),
            Order.confirmed_at >= start,
            Order.confirmed_at < end,
        )
        .order_by(Order.confirmed_at, Order.id)
    ).all()
    orders = []
    for order, outbox in rows:
        sheet = OrderSheet.from_json(outbox.payload["sheet"])
        when = as_utc(order.confirmed_at).astimezone(LOCAL_TZ)
        orders.append(
            StatementOrder(
                order_id=order.id,
                delivered=f"beställd {when:%Y-%m-%d}, leverans {sheet.slot}",
                store=order.store.name,
                lines=[
                    StatementLine(ln.name, ln.quantity_text, ln.discount, ln.total, ln.offer)
                    for ln in sheet.lines
                ],
                fees=dict(sheet.fees),
                total=order.total_ore,
                notes=fee_notes(order),
                status=status_label(order.status),
            )
        )
    return Statement(client.display_name, f"{MONTHS[month - 1]} {year}", orders)


def monthly_statement_pdf(session: Session, client_id: int, year: int, month: int) -> bytes:
    return statement_pdf(monthly_statement(session, client_id, year, month))
