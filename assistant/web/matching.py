"""The catalog matcher over a store's products in the database, one index per store (cached).

Matcher keys are the database product ids as text, so a candidate maps straight back to a row.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.db.models import Product
from catalog_matcher import CatalogIndex, ItemMatch
from catalog_matcher.product import Offer as OfferRecord
from catalog_matcher.product import Product as Record
from catalog_matcher.product import Size

MAX_ITEM_TEXT = 200


def _record(row: Product) -> Record:
    size = None
    if row.size_amount is not None and row.size_unit:
        size = Size(
            Decimal(row.size_amount),
            row.size_unit,  # type: ignore[arg-type]
            count=row.size_count,
            approximate=row.size_approximate,
            pieces=row.size_pieces,
        )
    offer = row.offers[0] if row.offers else None
    return Record(
        key=str(row.id),
        store=str(row.store_id),
        name=row.name,
        brand=row.brand or "",
        size=size,
        size_text=row.size_text or "",
        price=Decimal(row.price_ore) / 100,
        sold_by=row.sold_by,  # type: ignore[arg-type]
        department=row.department or "",
        subcategory=row.subcategory or "",
        organic=row.organic,
        offer=OfferRecord(offer.kind, offer.quantity, Decimal(offer.price_ore) / 100, offer.label)  # type: ignore[arg-type]
        if offer
        else None,
    )


def store_index(cache: dict[int, CatalogIndex], session: Session, store_id: int) -> CatalogIndex:
    if store_id not in cache:
        rows = session.scalars(
            select(Product)
            .where(Product.store_id == store_id, Product.active)
            .options(selectinload(Product.offers))
            .order_by(Product.id)  # the same ranking of equal matches on every database
        )
        cache[store_id] = CatalogIndex([_record(row) for row in rows])
    return cache[store_id]


def match_item(index: CatalogIndex, text: str) -> ItemMatch:
    return index.match_item(text.strip()[:MAX_ITEM_TEXT])
