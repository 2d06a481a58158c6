"""The basket as the client sees it: priced lines, open choices with their cards, wishes for
staff, totals that add up line by line, bookable slots and the summary before ordering.

One read model for the tablet page, the JSON API and the chat ("vad har jag i korgen"), built
from the order service (basket, pricing, slots). Nothing here writes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.db.enums import LineStatus
from assistant.db.models import Client, Order, OrderLine, Product
from assistant.orders.basket import find_basket, line_count, price_order, priced_lines
from assistant.orders.booking import available_slots
from assistant.orders.choices import (
    choice_waiting_text,
    open_lines,
    shown_candidates,
    wish_waiting_text,
)
from assistant.orders.money import format_sek
from assistant.orders.pricing import PricedLine, client_fee_rows
from assistant.orders.product_view import (
    ProductCard,
    compare_text,
    display_name,
    line_total_text,
    product_card,
    quantity_text,
    size_text,
    step_for,
    unit_price_text,
)
from assistant.orders.slots import LOCAL_TZ, as_utc, slot_label
from assistant.orders.wording import choice_question, lines_text, number_text


@dataclass(frozen=True)
class LineView:
    id: int
    product_id: int
    name: str
    brand: str
    size: str
    quantity: Decimal
    quantity_text: str
    step: Decimal
    sold_by: str
    unit_price: str
    compare: str
    eco: bool
    substitution: str
    total: str
    total_ore: int
    regular: str
    offer: str
    saving: str
    approximate: bool
    spoken_text: str
    has_alternatives: bool

    @property
    def image_url(self) -> str:
        return f"/api/products/{self.product_id}/image"

    @property
    def less(self) -> str:
        return number_text(max(Decimal(0), self.quantity - self.step)).replace(",", ".")

    @property
    def more(self) -> str:
        return number_text(self.quantity + self.step).replace(",", ".")


@dataclass(frozen=True)
class ChoiceView:
    """An open question: a choice among cards, or a wish waiting for staff."""

    id: int
    status: str
    spoken_text: str
    said: str
    question: str
    cards: list[ProductCard]
    more: bool
    """There are other cards to see ("Visa andra")."""


@dataclass(frozen=True)
class SlotView:
    id: int
    label: str
    chosen: bool


@dataclass
class BasketState:
    lines: list[LineView] = field(default_factory=list)
    choices: list[ChoiceView] = field(default_factory=list)
    regular: str = format_sek(0)
    discount: str = ""
    fees: list[tuple[str, str]] = field(default_factory=list)
    total: str = format_sek(0)
    total_ore: int = 0
    goods_ore: int = 0
    approximate: bool = False
    range_text: str = ""
    problems: list[str] = field(default_factory=list)
    items: str = lines_text(0)
    slots: list[SlotView] = field(default_factory=list)
    slot_id: int | None = None
    slot_label: str = ""
    summary: str = ""
    store_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.lines and not self.choices

    @property
    def orderable(self) -> bool:
        return bool(self.lines) and not self.problems

    def to_json(self) -> dict[str, Any]:
        def line(view: LineView) -> dict[str, Any]:
            data = asdict(view)
            data["quantity"] = float(view.quantity)
            data["step"] = float(view.step)
            data["status"] = LineStatus.OK
            data["price_ore"] = view.total_ore
            data["image_url"] = view.image_url
            return data

        return {
            "lines": [line(v) for v in self.lines]
            + [
                {
                    "id": c.id,
                    "product_id": None,
                    "name": c.spoken_text,
                    "brand": "",
                    "size": "",
                    "quantity": None,
                    "status": c.status,
                    "spoken_text": c.spoken_text,
                    "price_ore": 0,
                }
                for c in self.choices
            ],
            "choices": [
                {
                    "line_id": c.id,
                    "status": c.status,
                    "spoken_text": c.spoken_text,
                    "said": c.said,
                    "question": c.question,
                    "cards": [card.to_json() for card in c.cards],
                    "more": c.more,
                }
                for c in self.choices
            ],
            "regular": self.regular,
            "discount": self.discount,
            "fees": [{"label": label, "amount": amount} for label, amount in self.fees],
            "total": self.total,
            "total_ore": self.total_ore,
            "goods_ore": self.goods_ore,
            "approximate": self.approximate,
            "problems": self.problems,
            "items": self.items,
            "orderable": self.orderable,
            "slot": {"id": self.slot_id, "label": self.slot_label} if self.slot_id else None,
            "slots": [asdict(s) for s in self.slots],
            "summary": self.summary,
        }


def _line_view(line: OrderLine, priced: PricedLine) -> LineView:
    product = line.product
    assert product is not None
    pieces = int(line.said_quantity) if product.sold_by == "kg" and line.said_unit == "st" and line.said_quantity else 0  # fmt: skip
    return LineView(
        id=line.id,
        product_id=product.id,
        name=display_name(product),
        brand=product.brand or "",
        size=size_text(product),
        quantity=Decimal(line.quantity),
        quantity_text=quantity_text(product, Decimal(line.quantity), pieces),
        step=step_for(product),
        sold_by=product.sold_by,
        unit_price=unit_price_text(product),
        compare=compare_text(product),
        eco=bool(product.organic),
        substitution=line.substitution,
        total=line_total_text(priced),
        total_ore=priced.total,
        regular=format_sek(priced.regular),
        offer=priced.offer,
        saving=format_sek(priced.discount) if priced.discount else "",
        approximate=priced.approximate,
        spoken_text=line.spoken_text or "",
        has_alternatives=any(c != product.id for c in line.candidates or []),
    )


def _cards(session: Session, line: OrderLine, today: date) -> list[ProductCard]:
    keys = (
        shown_candidates(line)
        if line.status == LineStatus.NEEDS_CHOICE
        else list(line.candidates or [])
    )
    rows = {
        p.id: p
        for p in session.scalars(
            select(Product)
            .where(Product.id.in_(keys), Product.active)
            .options(selectinload(Product.offers))
        )
    }
    said = line.said_quantity or line.quantity
    return [product_card(rows[k], said, line.said_unit, today) for k in keys if k in rows][:4]


def choice_view(session: Session, line: OrderLine, now: datetime | None = None) -> ChoiceView:
    today = (now or datetime.now(UTC)).astimezone(LOCAL_TZ).date()
    cards = _cards(session, line, today)
    brand = ""
    if line.choice_reason == "brand" and line.spoken_text:
        brand = line.spoken_text.split()[-1].capitalize()
    said = line.said_quantity or line.quantity
    return ChoiceView(
        id=line.id,
        status=line.status,
        spoken_text=line.spoken_text or "",
        said=f"{number_text(said)} {line.said_unit}" if line.said_unit else number_text(said),
        question=choice_question(line, brand),
        cards=cards,
        more=line.status == LineStatus.NEEDS_CHOICE and len(line.candidates or []) > len(cards),
    )


def basket_state(
    session: Session, client: Client, basket: Order | None = None, now: datetime | None = None
) -> BasketState:
    """The client's basket as shown (an empty state when there is none; nothing is created)."""
    basket = basket if basket is not None else find_basket(session, client.id)
    if basket is None:
        return BasketState(store_id=client.store_id)
    breakdown = price_order(session, basket, now)
    lines = priced_lines(basket)
    opened = open_lines(basket)
    fees = client_fee_rows(breakdown.fee_items)
    regular = sum(p.regular for p in breakdown.lines)
    waiting = [
        choice_waiting_text(ln) if ln.status == LineStatus.NEEDS_CHOICE else wish_waiting_text(ln)
        for ln in opened
    ]
    state = BasketState(
        lines=[_line_view(ln, p) for ln, p in zip(lines, breakdown.lines, strict=True)],
        choices=[choice_view(session, ln, now) for ln in opened],
        regular=format_sek(regular),
        discount=format_sek(breakdown.discount) if breakdown.discount else "",
        fees=fees,
        total=("ca " if breakdown.approximate else "") + format_sek(breakdown.total),
        total_ore=breakdown.total,
        goods_ore=breakdown.goods,
        approximate=breakdown.approximate,
        range_text=(
            f"mellan {format_sek(breakdown.low)} och {format_sek(breakdown.high)}"
            if breakdown.approximate
            else ""
        ),
        problems=[*waiting, *(breakdown.problems if lines else [])],
        items=lines_text(line_count(basket)),
        store_id=basket.store_id,
        slot_id=basket.slot_id,
    )
    chosen = basket.slot
    if chosen is not None:
        state.slot_label = slot_label(as_utc(chosen.starts_at), as_utc(chosen.ends_at))
    if not state.orderable:
        return state
    slots = available_slots(session, basket.store_id, now)
    if chosen is not None and all(slot.id != chosen.id for slot in slots):
        slots.insert(0, chosen)  # the held slot counts as booked, so it is not "available"
    state.slots = [
        SlotView(s.id, slot_label(as_utc(s.starts_at), as_utc(s.ends_at)), s.id == basket.slot_id)
        for s in slots
    ]
    if chosen is not None:
        state.summary = f"Du beställer {state.items} för {state.total}, leverans {state.slot_label}"
    return state
