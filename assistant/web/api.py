"""JSON for the page's scripts and for tests, staff-authenticated like the page: the basket
with its open choices, the client's orders and the day's chat."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.chat.history import todays_messages
from assistant.db.models import Order, StaffUser
from assistant.orders.basket_state import basket_state
from assistant.orders.slots import as_utc, slot_label
from assistant.web.deps import DB_SESSION
from assistant.web.security import client_for, current_staff

router = APIRouter(prefix="/api/clients/{client_id}")
MAX_ORDERS = 100


@router.get("/basket")
def basket(
    client_id: int, staff: StaffUser = Depends(current_staff), session: Session = DB_SESSION
) -> dict[str, Any]:
    """Lines (products, open choices and wishes, each with its status), the open choices with
    their cards, and the totals as the page shows them."""
    client = client_for(session, staff, client_id)
    return {"client_id": client.id, **basket_state(session, client).to_json()}


@router.get("/orders")
def orders(
    client_id: int, staff: StaffUser = Depends(current_staff), session: Session = DB_SESSION
) -> list[dict[str, Any]]:
    """The client's placed orders, newest first."""
    client = client_for(session, staff, client_id)
    rows = session.scalars(
        select(Order)
        .where(Order.client_id == client.id, Order.status != "basket")
        .order_by(Order.id.desc())
        .limit(MAX_ORDERS)
    )
    return [
        {
            "id": order.id,
            "status": order.status,
            "total_ore": order.total_ore,
            "slot": slot_label(as_utc(order.slot.starts_at), as_utc(order.slot.ends_at))
            if order.slot
            else None,
            "confirmed_at": as_utc(order.confirmed_at).isoformat() if order.confirmed_at else None,
            "lines": [
                {"product_id": line.product_id, "quantity": float(line.quantity)}
                for line in order.lines
            ],
        }
        for order in rows
    ]


@router.get("/chat")
def chat(
    client_id: int, staff: StaffUser = Depends(current_staff), session: Session = DB_SESSION
) -> list[dict[str, Any]]:
    client = client_for(session, staff, client_id)
    return [
        {"speaker": m.speaker, "text": m.text, "payload": m.payload, "at": as_utc(m.at).isoformat()}
        for m in todays_messages(session, client.id)
    ]
