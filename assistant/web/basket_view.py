"""What the client page shows of the basket: lines, the priced total with fees, slots, summary.

Everything is read from the order service (basket, pricing, slots) and turned into Swedish
text here; nothing in this module writes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from assistant.db.models import Client, Order, OrderLine
from assistant.orders.basket import display_name, line_count, price_order, wish_waiting_text
from assistant.orders.booking import available_slots
from assistant.orders.money import format_sek
from assistant.orders.pricing import Breakdown, PricedLine, client_fee_rows
from assistant.orders.slots import as_utc, slot_label


@dataclass(frozen=True)
class LineView:
    id: int
    product_id: int | None
    name: str
    brand: str
    size: str
    quantity: Decimal
    quantity_text: str
    step: Decimal
    sold_by: str
    substitution: str
    total: str
    regular: str
    offer: str
    saving: str
    approximate: bool
    waiting: bool = False  # a wish the assistant could not match: staff pick the product
    spoken_text: str = ""

    @property
    def image_url(self) -> str:
        return f"/api/products/{self.product_id}/image" if self.product_id else ""

    @property
    def less(self) -> str:
        return _number(self.quantity - self.step)

    @property
    def more(self) -> str:
        return _number(self.quantity + self.step)


@dataclass(frozen=True)
class SlotView:
    id: int
    label: str
    chosen: bool


@dataclass
class BasketView:
    lines: list[LineView]
    goods: str
    discount: str
    fees: list[tuple[str, str]]
    total: str
    total_ore: int
    approximate: bool
    range_text: str
    problems: list[str]
    items: str
    slots: list[SlotView] = field(default_factory=list)
    slot_label: str = ""
    summary: str = ""
    idempotency_key: str = ""

    @property
    def orderable(self) -> bool:
        return bool(self.lines) and not self.problems


def _number(value: Decimal) -> str:
    """2 -> "2", 0.500 -> "0,5" (Swedish decimal comma, no trailing zeros)."""
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace(".", ",")


def quantity_text(quantity: Decimal, sold_by: str) -> str:
    """ "2 st", "0,5 kg"."""
    return f"{_number(Decimal(quantity))} {'kg' if sold_by == 'kg' else 'st'}"


def _line(line: OrderLine, priced: PricedLine) -> LineView:
    product = line.product
    sold_by = product.sold_by if product else "st"
    return LineView(
        id=line.id,
        product_id=line.product_id,
        name=display_name(product) if product else (line.spoken_text or "Okänd vara"),
        brand=(product.brand or "") if product else "",
        size=(product.size_text or "") if product else "",
        quantity=Decimal(line.quantity),
        quantity_text=quantity_text(line.quantity, sold_by),
        step=Decimal("0.1") if sold_by == "kg" else Decimal(1),
        sold_by=sold_by,
        substitution=line.substitution,
        total=("ca " if priced.approximate else "") + format_sek(priced.total),
        regular=format_sek(priced.regular),
        offer=priced.offer,
        saving=format_sek(priced.discount) if priced.discount else "",
        approximate=priced.approximate,
        waiting=line.status == "needs_staff",
        spoken_text=line.spoken_text or "",
    )


def _items_text(count: Decimal) -> str:
    number = _number(count)
    return f"{number} vara" if count == 1 else f"{number} varor"


def _waiting(basket: Order) -> list[str]:
    return [wish_waiting_text(line) for line in basket.lines if line.status == "needs_staff"]


def basket_view(session: Session, client: Client, basket: Order) -> BasketView:
    """The basket priced now, the store's bookable slots and, when ready, the summary."""
    breakdown: Breakdown = price_order(session, basket)
    fees = client_fee_rows(breakdown.fee_items)
    view = BasketView(
        lines=[
            _line(line, priced) for line, priced in zip(basket.lines, breakdown.lines, strict=True)
        ],
        goods=format_sek(breakdown.goods),
        discount=format_sek(breakdown.discount) if breakdown.discount else "",
        fees=fees,
        total=("ca " if breakdown.approximate else "") + format_sek(breakdown.total),
        total_ore=breakdown.total,
        approximate=breakdown.approximate,
        range_text=(
            f"mellan {format_sek(breakdown.low)} och {format_sek(breakdown.high)}"
            if breakdown.approximate
            else ""
        ),
        problems=[] if not basket.lines else [*_waiting(basket), *breakdown.problems],
        items=_items_text(line_count(basket)),
    )
    if not view.orderable:
        return view
    slots = available_slots(session, basket.store_id)
    chosen = basket.slot
    if chosen is not None and all(slot.id != chosen.id for slot in slots):
        slots.insert(0, chosen)  # the held slot counts as booked, so it is not "available"
    view.slots = [
        SlotView(s.id, slot_label(as_utc(s.starts_at), as_utc(s.ends_at)), s.id == basket.slot_id)
        for s in slots
    ]
    if chosen is not None:
        view.slot_label = slot_label(as_utc(chosen.starts_at), as_utc(chosen.ends_at))
        view.summary = f"Du beställer {view.items} för {view.total}, leverans {view.slot_label}"
        view.idempotency_key = secrets.token_urlsafe(24)
    return view
