"""The catalog matcher over a store's products in the database, one index per store (cached).

Matcher keys are the database product ids as text, so a candidate maps straight back to a row
(and the client's purchase history maps onto them as the matcher's prior).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assistant.db.models import Product, PurchaseHistory
from catalog_matcher import CatalogIndex, ItemMatch, Purchase
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


def catalog_version(session: Session, store_id: int) -> tuple:
    """Changes whenever an import (in this or another process) adds, changes or deactivates a
    product of the store (each sets updated_at): one cheap query instead of a stale index."""
    return tuple(
        session.execute(
            select(func.max(Product.updated_at), func.count(Product.id)).where(
                Product.store_id == store_id
            )
        ).one()
    )


def store_index(cache: dict[int, tuple[tuple, CatalogIndex]], session: Session,
                store_id: int) -> CatalogIndex:  # fmt: skip
    """The store's index, rebuilt when its catalog changed since it was cached."""
    version = catalog_version(session, store_id)
    cached = cache.get(store_id)
    if cached is None or cached[0] != version:
        rows = session.scalars(
            select(Product)
            .where(Product.store_id == store_id, Product.active)
            .options(selectinload(Product.offers))
            .order_by(Product.id)  # the same ranking of equal matches on every database
        )
        cache[store_id] = (version, CatalogIndex([_record(row) for row in rows]))
    return cache[store_id][1]


def purchase_prior(session: Session, client_id: int) -> list[Purchase]:
    """What the client has bought and how often: their usual "mjölk" comes first and settles
    a word that alone names many kinds (the matcher's history prior)."""
    rows = session.execute(
        select(PurchaseHistory.product_id, func.count())
        .where(PurchaseHistory.client_id == client_id)
        .group_by(PurchaseHistory.product_id)
    )
    return [Purchase(key=str(product_id), count=count) for product_id, count in rows]


def match_item(index: CatalogIndex, text: str, history: list[Purchase] | None = None) -> ItemMatch:
    return index.match_item(text.strip()[:MAX_ITEM_TEXT], history)
