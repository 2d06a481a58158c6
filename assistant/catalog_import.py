"""Import a catalog file into the database: upsert by (store, key), one transaction per file,
read and written in batches (a large file does not need a large memory).

Re-importing the same file changes nothing. A newer feed updates prices, replaces offers and
marks the products of that store that are no longer in the feed inactive (order lines and
purchase history keep pointing at them). Unreadable rows are reported, never fatal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from assistant.db import session_scope
from assistant.db.models import Offer, Product, Store
from assistant.orders.store_defaults import give_demo_defaults
from catalog_matcher.catalog_files import CatalogFormatError, RowError, open_catalog
from catalog_matcher.product import Product as Record

log = logging.getLogger(__name__)

__all__ = ["CatalogFormatError", "ImportReport", "import_catalog", "import_demo_catalog"]

MAX_ROWS = 250_000
"""A store's whole assortment is a few tens of thousands of products; more is a mistake."""
BATCH = 500


@dataclass
class ImportReport:
    path: Path
    format: str = ""
    notes: list[str] = field(default_factory=list)
    stores: dict[str, int] = field(default_factory=dict)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    repeats: int = 0
    rows: int = 0
    rejected: list[RowError] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.added + self.updated + self.deactivated

    def summary(self) -> str:
        stores = ", ".join(f"{name} {count}" for name, count in self.stores.items()) or "inga"
        return (
            f"{self.path.name}: {sum(self.stores.values())} varor ({stores}); "
            f"{self.added} nya, {self.updated} ändrade, {self.unchanged} oförändrade, "
            f"{self.deactivated} inaktiverade, {len(self.rejected)} rader avvisade, "
            f"{self.repeats} upprepade rader; {self.changes} ändringar"
        )


def ore(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


def default_store_name(path: Path) -> str:
    """Store name for files whose rows do not name one: 'willys_2023.csv' -> 'Willys 2023'."""
    return path.stem.replace("_", " ").strip().title()


def _columns(record: Record) -> dict[str, Any]:
    size = record.size
    return {
        "article_number": record.article_number or None,
        "name": record.name,
        "brand": record.brand or None,
        "size_text": record.size_text or None,
        "size_amount": size.amount if size else None,
        "size_unit": size.unit if size else None,
        "size_count": size.count if size else 1,
        "size_pieces": size.pieces if size else 0,
        "size_approximate": size.approximate if size else False,
        "price_ore": ore(record.price),
        "sold_by": record.sold_by,
        "compare_price_ore": ore(record.compare_price),
        "compare_unit": record.compare_unit or None,
        "department": record.department or None,
        "subcategory": record.subcategory or None,
        "organic": record.organic,
        "image_url": record.image_url or None,
        "active": True,
    }


def _offers(record: Record) -> list[tuple[str, int, int, str]]:
    offer = record.offer
    if offer is None:
        return []
    return [(offer.kind, offer.quantity, ore(offer.price) or 0, offer.label)]


def _too_long(key: str, columns: dict[str, Any]) -> str | None:
    """A reason when a text does not fit its column (PostgreSQL would refuse the whole file)."""
    table = Product.__table__.c
    for name, value in [("key", key), *columns.items()]:
        limit = getattr(table[name].type, "length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            return f"{name} är längre än {limit} tecken"
    return None


def _same(value: Any, stored: Any) -> bool:
    if isinstance(value, Decimal) and stored is not None:
        return Decimal(value) == Decimal(stored)
    return bool(value == stored)


def _store_key(record: Record) -> str:
    prefix = f"{record.store}:"
    return record.key[len(prefix) :] if record.key.startswith(prefix) else record.key


class _Writer:
    """Writes batches of records into one transaction, keeping only each store's id and the
    keys it has seen (for deactivating what the file no longer lists): memory stays small
    however long the file is."""

    def __init__(self, session: Session, report: ImportReport, now: datetime) -> None:
        self.session, self.report, self.now = session, report, now
        self.store_ids: dict[str, int] = {}
        self.seen: dict[int, set[str]] = {}

    def _store_id(self, name: str) -> int:
        if name not in self.store_ids:
            store = self.session.scalars(select(Store).where(Store.name == name)).one_or_none()
            if store is None:
                store = Store(name=name)
                self.session.add(store)
                self.session.flush()
            self.store_ids[name] = store.id
            self.seen[store.id] = set()
        return self.store_ids[name]

    def write(self, name: str, batch: list[tuple[int, Record]]) -> None:
        store_id, report, now = self._store_id(name), self.report, self.now
        seen = self.seen[store_id]
        keys = [_store_key(record) for _, record in batch]
        existing = {
            p.key: p
            for p in self.session.scalars(
                select(Product)
                .where(Product.store_id == store_id, Product.key.in_(keys))
                .options(selectinload(Product.offers))
            )
        }
        for (line, record), key in zip(batch, keys, strict=True):
            seen.add(key)
            columns = _columns(record)
            if reason := _too_long(key, columns):
                report.rejected.append(RowError(line, f"{reason} ({key})"))
                continue
            report.stores[name] += 1
            offers = _offers(record)
            product = existing.get(key)
            if product is None:
                product = Product(store_id=store_id, key=key, updated_at=now, **columns)
                product.offers = [
                    Offer(kind=k, quantity=q, price_ore=p, label=lb) for k, q, p, lb in offers
                ]
                self.session.add(product)
                report.added += 1
                continue
            current_offers = [(o.kind, o.quantity, o.price_ore, o.label) for o in product.offers]
            changed = [c for c, v in columns.items() if not _same(v, getattr(product, c))]
            if not changed and current_offers == offers:
                report.unchanged += 1
                continue
            for column in changed:
                setattr(product, column, columns[column])
            if current_offers != offers:
                product.offers = [
                    Offer(kind=k, quantity=q, price_ore=p, label=lb) for k, q, p, lb in offers
                ]
            product.updated_at = now
            report.updated += 1
        self.session.flush()
        self.session.expunge_all()  # written: nothing of this batch needs to stay in memory

    def finish(self) -> None:
        """Products of the file's stores that the file no longer lists become inactive."""
        for store_id, seen in self.seen.items():
            listed = self.session.execute(
                select(Product.id, Product.key)
                .where(Product.store_id == store_id, Product.active)
                .execution_options(yield_per=5000)
            )
            stale = [product_id for product_id, key in listed if key not in seen]
            for start in range(0, len(stale), BATCH):
                self.session.execute(
                    update(Product)
                    .where(Product.id.in_(stale[start : start + BATCH]))
                    .values(active=False, updated_at=self.now)
                )
            self.report.deactivated += len(stale)


Progress = Callable[[int, float], None]
"""Called now and then during an import with the rows read and the fraction of the file."""


def import_catalog(
    sessions: sessionmaker[Session],
    path: str | Path,
    store: str | None = None,
    on_progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportReport:
    """Import one file in one transaction, reading it as it goes (memory does not grow with the
    file beyond a few dozen bytes a product). `store` selects one store of a multi-store file,
    or names the store of a single-store file (default: from the file name).
    Raises CatalogFormatError when the file as a whole cannot be read or has more than
    `max_rows` rows; nothing is written then."""
    path = Path(path)
    catalog = open_catalog(path, store)
    if store is None and catalog.format != "stores-2020":
        catalog.close()
        catalog = open_catalog(path, default_store_name(path))
    report = ImportReport(path=path, format=catalog.format, notes=list(catalog.notes))
    try:
        with session_scope(sessions) as session:
            writer = _Writer(session, report, datetime.now(UTC))
            pending: dict[str, list[tuple[int, Record]]] = {}
            for number, row in enumerate(catalog.rows, start=2):
                report.rows += 1
                if report.rows > max_rows:
                    limit = f"{max_rows:_}".replace("_", " ")
                    raise CatalogFormatError(
                        f"{path.name}: filen har fler än {limit} rader; dela upp den per butik"
                    )
                if on_progress and report.rows % BATCH == 0:
                    on_progress(report.rows, catalog.bytes_read() / max(catalog.size, 1))
                if isinstance(row, RowError):
                    if row.repeat:
                        report.repeats += 1
                    else:
                        report.rejected.append(row)
                    continue
                report.stores.setdefault(row.store, 0)
                batch = pending.setdefault(row.store, [])
                # one item per data row; a store filter skips rows, so their lines are unknown
                batch.append((number if store is None else 0, row))
                if len(batch) >= BATCH:
                    writer.write(row.store, batch)
                    batch.clear()
            for name, batch in pending.items():
                writer.write(name, batch)
            writer.finish()
    finally:
        catalog.close()
    if on_progress:
        on_progress(report.rows, 1.0)
    log.info("catalog %s imported: %s", path.name, report.summary())
    return report


def check_catalog(path: Path) -> None:
    """Raises CatalogFormatError when the file is no catalog at all (its rows are not read)."""
    open_catalog(path).close()


DEMO_PATTERNS = ("*.csv", "*.json")


def import_demo_catalog(sessions: sessionmaker[Session], catalog_dir: Path) -> list[ImportReport]:
    """On first start: import every catalog file in catalog_dir when there are no products, and
    give the demo stores fees, a minimum order, weekly delivery times and, when they have no way
    to receive orders, the file-drop channel (the order sheet in $HANDLA_DATA_DIR/outgoing/)."""
    with session_scope(sessions) as session:
        if session.scalar(select(func.count(Product.id))):
            return []
    files = sorted(p for pattern in DEMO_PATTERNS for p in catalog_dir.glob(pattern))
    reports = [import_catalog(sessions, path) for path in files]
    with session_scope(sessions) as session:
        for name in sorted({name for report in reports for name in report.stores}):
            give_demo_defaults(session, name)
    return reports
