"""The client's placed orders, newest first: for the order history on the client page (date,
total, state, a link to each receipt) and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Order
from assistant.orders.money import format_sek
from assistant.orders.slots import LOCAL_TZ, MONTHS, as_utc, slot_label
from assistant.orders.status import OrderStatus, status_label

RECENT = 5
"""Orders shown on the client page (older ones are on the monthly statement)."""


def placed_orders(session: Session, client_id: int, limit: int) -> list[Order]:
    """The client's orders that left the basket (any state), newest first."""
    return list(
        session.scalars(
            select(Order)
            .where(Order.client_id == client_id, Order.status != OrderStatus.BASKET)
            .order_by(Order.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class PastOrder:
    id: int
    placed: str
    """ "12 mars 2026" (Swedish local date of the confirmation)."""
    slot: str
    total: str
    status: str
    """The short label ("Skickad till butiken")."""


def order_slot_label(order: Order) -> str:
    """ "torsdag 3/12 10–12", or "" when the order has no slot."""
    slot = order.slot
    return slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at)) if slot else ""


def recent_orders(session: Session, client_id: int, limit: int = RECENT) -> list[PastOrder]:
    shown = []
    for order in placed_orders(session, client_id, limit):
        placed = ""
        if order.confirmed_at is not None:
            day = as_utc(order.confirmed_at).astimezone(LOCAL_TZ)
            placed = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        shown.append(
            PastOrder(
                order.id,
                placed,
                order_slot_label(order),
                format_sek(order.total_ore),
                status_label(order.status),
            )
        )
    return shown
