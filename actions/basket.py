"""The basket step of the actions: the client's basket in the order service, or a demo basket.

A conversation of the app (`client-<id>`) changes the client's real basket through
`assistant.orders`; any other sender gets a basket kept in this process only, so that
`rasa shell` and the tests can hold a whole conversation without a database.
Refusals come back as `ServiceError` with a Swedish message; nothing is changed then.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, select

from actions.catalog import CardInfo, client_id_of, demo_product, sessions
from assistant.db import session_scope
from assistant.db.models import Product as ProductRow
from assistant.db.models import PurchaseHistory
from assistant.orders import (
    ServiceError,
    add_item,
    add_wish,
    available_slots,
    basket_for,
    book_slot,
    confirm_order,
    format_sek,
    price_order,
    remove_line,
    set_quantity,
)
from assistant.orders.basket import display_name
from assistant.orders.slots import slot_label
from assistant.orders.status import status_text
from assistant.web.packages import packages_for

__all__ = ["Basket", "Line", "ServiceError", "basket_of"]
MAX_SLOTS_OFFERED = 3
MAX_USUAL = 12


@dataclass(frozen=True)
class Line:
    id: int
    name: str
    quantity: Decimal


class Basket(Protocol):
    def card(self, key: str) -> CardInfo | None: ...
    def add(self, key: str, quantity: Decimal | int, unit: str | None, spoken: str) -> str: ...
    def note_for_staff(self, spoken: str) -> bool: ...
    def lines(self) -> list[Line]: ...
    def set_quantity(self, line_id: int, quantity: Decimal | int) -> None: ...
    def remove(self, line_id: int) -> None: ...
    def total_text(self) -> str: ...
    def slots(self) -> list[tuple[int, str]]: ...
    def book(self, slot_id: int) -> str: ...
    def confirm(self) -> str: ...
    def usual(self) -> list[tuple[str, Decimal]]: ...


class ClientBasket:
    """The client's basket in the order service; one short transaction per call."""

    def __init__(self, client_id: int) -> None:
        self.client_id = client_id

    def card(self, key: str) -> CardInfo | None:
        with session_scope(sessions()) as session:
            row = session.get(ProductRow, int(key)) if key.isdigit() else None
            if row is None:
                return None
            return CardInfo(
                key,
                row.name,
                row.brand or "",
                row.size_text or "",
                row.price_ore / 100,
                f"/api/products/{row.id}/image",
            )

    def add(self, key: str, quantity: Decimal | int, unit: str | None, spoken: str) -> str:
        with session_scope(sessions()) as session:
            row = session.get(ProductRow, int(key)) if key.isdigit() else None
            if row is None:
                raise ServiceError("Varan finns inte i sortimentet.")
            if row.sold_by == "kg" and unit in ("kg", "g"):
                amount: Decimal | int = Decimal(quantity) / (1000 if unit == "g" else 1)
            else:
                amount = packages_for(
                    quantity, unit, row.size_amount, row.size_unit, row.size_count or 1
                )
            add_item(session, self.client_id, row.id, amount, spoken_text=spoken[:200])
            return display_name(row)

    def note_for_staff(self, spoken: str) -> bool:
        """Something not found in the catalog: a wish in the basket for staff to settle."""
        with session_scope(sessions()) as session:
            add_wish(session, self.client_id, spoken[:200])
        return True

    def lines(self) -> list[Line]:
        with session_scope(sessions()) as session:
            basket = basket_for(session, self.client_id)
            return [
                Line(ln.id, display_name(ln.product) if ln.product else ln.spoken_text, ln.quantity)
                for ln in basket.lines
            ]

    def set_quantity(self, line_id: int, quantity: Decimal | int) -> None:
        with session_scope(sessions()) as session:
            set_quantity(session, self.client_id, line_id, quantity)

    def remove(self, line_id: int) -> None:
        with session_scope(sessions()) as session:
            remove_line(session, self.client_id, line_id)

    def total_text(self) -> str:
        with session_scope(sessions()) as session:
            breakdown = price_order(session, basket_for(session, self.client_id))
            text = f"Totalt {format_sek(breakdown.total)} med avgifter"
            if breakdown.approximate:
                text = f"Ungefär {format_sek(breakdown.total)} med avgifter"
            return " ".join([text + ".", *breakdown.problems])

    def slots(self) -> list[tuple[int, str]]:
        with session_scope(sessions()) as session:
            basket = basket_for(session, self.client_id)
            found = available_slots(session, basket.store_id)[:MAX_SLOTS_OFFERED]
            return [(s.id, slot_label(s.starts_at, s.ends_at)) for s in found]

    def book(self, slot_id: int) -> str:
        with session_scope(sessions()) as session:
            slot = book_slot(session, self.client_id, slot_id)
            return slot_label(slot.starts_at, slot.ends_at)

    def confirm(self) -> str:
        with session_scope(sessions()) as session:
            order = confirm_order(session, self.client_id, f"chat-{uuid.uuid4()}", "client")
            return f"{status_text(order.status)} Totalt {format_sek(order.total_ore)}."

    def usual(self) -> list[tuple[str, Decimal]]:
        """The client's most often bought products, each with the quantity bought last time."""
        with session_scope(sessions()) as session:
            store_id = basket_for(session, self.client_id).store_id
            rows = session.execute(
                select(PurchaseHistory.product_id, func.count(), func.max(PurchaseHistory.id))
                .join(ProductRow, ProductRow.id == PurchaseHistory.product_id)
                .where(
                    PurchaseHistory.client_id == self.client_id,
                    ProductRow.store_id == store_id,
                    ProductRow.active,
                )
                .group_by(PurchaseHistory.product_id)
                .order_by(func.count().desc())
                .limit(MAX_USUAL)
            ).all()
            last = {r[2]: session.get(PurchaseHistory, r[2]) for r in rows}
            return [(str(r[0]), last[r[2]].quantity) for r in rows if last[r[2]]]


@dataclass
class DemoBasket:
    """A basket in this process only, for senders that are no client (shell, tests)."""

    items: dict[int, tuple[str, Decimal]] = field(default_factory=dict)
    next_id: int = 1
    slot: str = ""

    def usual(self) -> list[tuple[str, Decimal]]:
        return []  # no purchase history without a client

    def card(self, key: str) -> CardInfo | None:
        product = demo_product(key)
        if product is None:
            return None
        return CardInfo(
            key, product.name, product.brand, product.size_text, float(product.price), ""
        )

    def add(self, key: str, quantity: Decimal | int, unit: str | None, spoken: str) -> str:
        product = demo_product(key)
        if product is None:
            raise ServiceError("Varan finns inte i sortimentet.")
        size = product.size
        pieces = packages_for(
            quantity,
            unit,
            size.amount if size else None,
            size.unit if size else None,
            size.count if size else 1,
        )
        self.items[self.next_id] = (product.name, Decimal(pieces))
        self.next_id += 1
        return product.name

    def note_for_staff(self, spoken: str) -> bool:
        return False  # no staff behind a sender that is not a client

    def lines(self) -> list[Line]:
        return [Line(i, name, q) for i, (name, q) in self.items.items()]

    def set_quantity(self, line_id: int, quantity: Decimal | int) -> None:
        name, _ = self.items[line_id]
        if Decimal(quantity) <= 0:
            del self.items[line_id]
        else:
            self.items[line_id] = (name, Decimal(quantity))

    def remove(self, line_id: int) -> None:
        self.items.pop(line_id, None)

    def total_text(self) -> str:
        return "Det här är en provkorg utan priser."

    def slots(self) -> list[tuple[int, str]]:
        return [(1, "torsdag 10–12"), (2, "fredag 14–16")]

    def book(self, slot_id: int) -> str:
        self.slot = dict(self.slots()).get(slot_id, "")
        if not self.slot:
            raise ServiceError("Den tiden finns inte.")
        return self.slot

    def confirm(self) -> str:
        if not self.items:
            raise ServiceError("Korgen är tom.")
        self.items.clear()
        return "Provbeställningen är klar (provläge: inget skickas till butiken)."


_demo_baskets: dict[str, DemoBasket] = {}
MAX_DEMO_BASKETS = 1000


def basket_of(sender_id: str) -> Basket:
    client_id = client_id_of(sender_id)
    if client_id is not None:
        return ClientBasket(client_id)
    if sender_id not in _demo_baskets and len(_demo_baskets) >= MAX_DEMO_BASKETS:
        _demo_baskets.pop(next(iter(_demo_baskets)))
    return _demo_baskets.setdefault(sender_id, DemoBasket())
