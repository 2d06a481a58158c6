"""What a product picture card shows: name, brand, size, price and offer badge, in Swedish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.db.models import Product
from assistant.orders.basket import best_offer, offer_label
from assistant.orders.money import format_sek
from assistant.orders.slots import LOCAL_TZ
from assistant.web.packages import basket_quantity


@dataclass(frozen=True)
class ProductCard:
    id: int
    name: str
    brand: str
    size: str
    price: str
    offer: str
    quantity: str = "1"
    """What tapping the card puts in the basket (packages, or kg for weight items)."""

    @property
    def image_url(self) -> str:
        return f"/api/products/{self.id}/image"


def _card(row: Product, quantity: Decimal | int, unit: str | None, today: date) -> ProductCard:
    price = format_sek(row.price_ore) + ("/kg" if row.sold_by == "kg" else "")
    offer = best_offer(row.offers, today)
    badge = offer_label(offer) if offer else ""
    amount = basket_quantity(quantity, unit, row)
    return ProductCard(row.id, row.name, row.brand or "", row.size_text or "", price, badge, amount)


def product_cards(
    session: Session, ids: list[int], quantity: Decimal | int = 1, unit: str | None = None
) -> list[ProductCard]:
    """Cards in the order of `ids` (the matcher's ranking), each carrying the basket quantity
    for the spoken amount ("två liter" of a 1 l milk is 2)."""
    rows = session.scalars(
        select(Product).where(Product.id.in_(ids)).options(selectinload(Product.offers))
    )
    today = datetime.now(LOCAL_TZ).date()
    by_id = {row.id: _card(row, quantity, unit, today) for row in rows}
    return [by_id[i] for i in ids if i in by_id]
