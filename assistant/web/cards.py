"""What a product picture card shows: name, brand, size, price and offer badge, in Swedish."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.db.models import Product
from assistant.orders.money import format_sek


@dataclass(frozen=True)
class ProductCard:
    id: int
    name: str
    brand: str
    size: str
    price: str
    offer: str

    @property
    def image_url(self) -> str:
        return f"/api/products/{self.id}/image"


def _card(row: Product) -> ProductCard:
    price = format_sek(row.price_ore) + ("/kg" if row.sold_by == "kg" else "")
    offer = row.offers[0] if row.offers else None
    badge = (offer.label or f"{offer.quantity} för {format_sek(offer.price_ore)}") if offer else ""
    return ProductCard(row.id, row.name, row.brand or "", row.size_text or "", price, badge)


def product_cards(session: Session, ids: list[int]) -> list[ProductCard]:
    """Cards in the order of `ids` (the matcher's ranking)."""
    rows = session.scalars(
        select(Product).where(Product.id.in_(ids)).options(selectinload(Product.offers))
    )
    by_id = {row.id: _card(row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]
