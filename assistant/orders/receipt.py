"""A placed order as the client and staff see it afterwards: the lines with their prices and
offers, the fees and the total as the store was sent them, the slot and the order's state."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.enums import OrderStatus
from assistant.db.models import Order, OutboxMessage
from assistant.orders.errors import ServiceError
from assistant.orders.money import format_sek
from assistant.orders.pricing import Fee, client_fee_rows
from assistant.orders.sheet import OrderSheet
from assistant.orders.slots import LOCAL_TZ, as_utc, slot_label


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: str
    offer: str
    saving: str
    total: str
    substitution: str


@dataclass
class Receipt:
    order_id: int
    status: str
    slot: str
    confirmed: str
    lines: list[ReceiptLine] = field(default_factory=list)
    regular: str = ""
    discount: str = ""
    fees: list[tuple[str, str]] = field(default_factory=list)
    total: str = ""
    total_ore: int = 0


def _sheet(session: Session, order: Order) -> OrderSheet | None:
    payload = session.scalar(
        select(OutboxMessage.payload).where(OutboxMessage.order_id == order.id).limit(1)
    )
    if not payload or "sheet" not in payload:
        return None
    return OrderSheet.from_json(payload["sheet"])


def order_receipt(session: Session, client_id: int, order_id: int) -> Receipt:
    """The receipt of one of the client's placed orders (ServiceError when there is none)."""
    order = session.get(Order, order_id) if 0 < order_id < 2**31 else None
    if order is None or order.client_id != client_id or order.status == OrderStatus.BASKET:
        raise ServiceError("Beställningen finns inte.")
    sheet = _sheet(session, order)
    slot = order.slot
    confirmed = as_utc(order.confirmed_at).astimezone(LOCAL_TZ) if order.confirmed_at else None
    receipt = Receipt(
        order_id=order.id,
        status=order.status,
        slot=slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at)) if slot else "",
        confirmed=f"{confirmed:%Y-%m-%d %H.%M}" if confirmed else "",
        total=format_sek(order.total_ore),
        total_ore=order.total_ore,
    )
    if sheet is None:
        return receipt
    receipt.lines = [
        ReceiptLine(
            name=line.name,
            quantity=line.quantity_text,
            offer=line.offer,
            saving=format_sek(line.discount) if line.discount else "",
            total=format_sek(line.total),
            substitution=line.substitution,
        )
        for line in sheet.lines
    ]
    discount = sum(line.discount for line in sheet.lines)
    receipt.regular = format_sek(sum(line.total for line in sheet.lines) + discount)
    receipt.discount = format_sek(discount) if discount else ""
    receipt.fees = client_fee_rows(Fee.from_json(item) for item in order.fee_detail or [])
    return receipt
