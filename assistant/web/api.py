"""JSON for the page's scripts and for tests, staff-authenticated like the page: the basket
with its open choices, the client's orders and the day's chat."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from assistant.chat.history import todays_messages
from assistant.orders.basket_state import basket_state
from assistant.orders.history import order_slot_label, placed_orders
from assistant.orders.slots import as_utc
from assistant.web.deps import SessionDep, StaffDep
from assistant.web.security import client_for

router = APIRouter(prefix="/api/clients/{client_id}")
MAX_ORDERS = 100


@router.get("/basket")
def basket(client_id: int, staff: StaffDep, session: SessionDep) -> dict[str, Any]:
    """Lines (products, open choices and wishes, each with its status), the open choices with
    their cards, and the totals as the page shows them."""
    client = client_for(session, staff, client_id)
    return {"client_id": client.id, **basket_state(session, client).to_json()}


@router.get("/orders")
def orders(client_id: int, staff: StaffDep, session: SessionDep) -> list[dict[str, Any]]:
    """The client's placed orders, newest first."""
    client = client_for(session, staff, client_id)
    return [
        {
            "id": order.id,
            "status": order.status,
            "total_ore": order.total_ore,
            "slot": order_slot_label(order) or None,
            "confirmed_at": as_utc(order.confirmed_at).isoformat() if order.confirmed_at else None,
            "lines": [
                {"product_id": line.product_id, "quantity": float(line.quantity)}
                for line in order.lines
            ],
        }
        for order in placed_orders(session, client.id, MAX_ORDERS)
    ]


@router.get("/chat")
def chat(client_id: int, staff: StaffDep, session: SessionDep) -> list[dict[str, Any]]:
    client = client_for(session, staff, client_id)
    return [
        {"speaker": m.speaker, "text": m.text, "payload": m.payload, "at": as_utc(m.at).isoformat()}
        for m in todays_messages(session, client.id)
    ]
