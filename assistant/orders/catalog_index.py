"""The catalog matcher over a store's products in the database, one index per store and process.

Matcher keys are the database product ids as text, so a candidate maps straight back to a row
(and the client's purchase history maps onto them as the matcher's prior). The index is
rebuilt when an import (in this or another process) changed the store's catalog.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assistant.db.models import Client, Product, PurchaseHistory
from catalog_matcher import CatalogIndex, Purchase
from catalog_matcher.product import Offer as OfferRecord
from catalog_matcher.product import Product as Record
from catalog_matcher.product import Size

MAX_ITEM_TEXT = 500
_cache: dict[tuple[str, int], tuple[tuple[object, ...], CatalogIndex]] = {}
_lock = threading.Lock()


def _record(row: Product) -> Record:
    size = None
    if row.size_amount is not None and row.size_unit in ("g", "ml", "st", "m"):
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
        sold_by="kg" if row.sold_by == "kg" else "st",
        department=row.department or "",
        subcategory=row.subcategory or "",
        organic=row.organic,
        offer=OfferRecord(
            "multibuy" if offer.kind == "multibuy" else "reduction",
            offer.quantity,
            Decimal(offer.price_ore) / 100,
            offer.label,
        )
        if offer
        else None,
    )


def catalog_version(session: Session, store_id: int) -> tuple[object, ...]:
    """Changes whenever an import (in this or another process) adds, changes or deactivates a
    product of the store (each sets updated_at): one cheap query instead of a stale index."""
    return tuple(
        session.execute(
            select(func.max(Product.updated_at), func.count(Product.id)).where(
                Product.store_id == store_id
            )
        ).one()
    )


def store_index(session: Session, store_id: int) -> CatalogIndex:
    """The store's index, rebuilt when its catalog changed since it was cached."""
    version = catalog_version(session, store_id)
    key = (str(session.get_bind().engine.url), store_id)  # tests run many databases in one process
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = session.scalars(
            select(Product)
            .where(Product.store_id == store_id, Product.active)
            .options(selectinload(Product.offers))
            .order_by(Product.id)  # the same ranking of equal matches on every database
        )
        index = CatalogIndex([_record(row) for row in rows])
        _cache[key] = (version, index)
        return index


def forget_indexes() -> None:
    """Drop every cached index (tests that reuse store ids in new databases)."""
    with _lock:
        _cache.clear()


def purchase_prior(session: Session, client_id: int) -> list[Purchase]:
    """What the client has bought and how often: their usual "mjölk" comes first and settles
    a word that alone names many kinds (the matcher's history prior)."""
    rows = session.execute(
        select(PurchaseHistory.product_id, func.count())
        .where(PurchaseHistory.client_id == client_id)
        .group_by(PurchaseHistory.product_id)
    )
    return [Purchase(key=str(product_id), count=count) for product_id, count in rows]


def client_index(session: Session, client: Client) -> CatalogIndex | None:
    """The index of the client's store (None when the client has no store yet)."""
    return store_index(session, client.store_id) if client.store_id is not None else None


def warm_index(session: Session, client_id: int) -> None:
    """Build (or check) the client's store index in a read-only transaction, so that a turn's
    write transaction never holds the database while an index is built."""
    client = session.get(Client, client_id)
    if client is not None:
        client_index(session, client)
