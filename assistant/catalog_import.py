"""Import a catalog file into the database: upsert by (store, key), one transaction per file.

Re-importing the same file changes nothing. A newer feed updates prices, replaces offers and
marks the products of that store that are no longer in the feed inactive (order lines and
purchase history keep pointing at them). Unreadable rows are reported, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from assistant.db import session_scope
from assistant.db.models import Offer, Product, Store
from assistant.orders.store_defaults import give_demo_defaults
from catalog_matcher.catalog_files import CatalogFormatError, RowError, open_catalog
from catalog_matcher.product import Product as Record

__all__ = ["CatalogFormatError", "ImportReport", "import_catalog", "import_demo_catalog"]


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
    return value == stored


def _store_key(record: Record) -> str:
    prefix = f"{record.store}:"
    return record.key[len(prefix) :] if record.key.startswith(prefix) else record.key


def _upsert_store(
    session: Session,
    name: str,
    records: list[Record],
    report: ImportReport,
    now: datetime,
    lines: dict[str, int],
) -> None:
    store = session.scalars(select(Store).where(Store.name == name)).one_or_none()
    if store is None:
        store = Store(name=name)
        session.add(store)
        session.flush()
    existing = {
        p.key: p
        for p in session.scalars(
            select(Product)
            .where(Product.store_id == store.id)
            .options(selectinload(Product.offers))
        )
    }
    seen: set[str] = set()
    accepted = 0
    for record in records:
        key = _store_key(record)
        seen.add(key)
        columns = _columns(record)
        if reason := _too_long(key, columns):
            report.rejected.append(RowError(lines.get(record.key, 0), f"{reason} ({key})"))
            continue
        offers = _offers(record)
        product = existing.get(key)
        if product is None:
            product = Product(store_id=store.id, key=key, updated_at=now, **columns)
            product.offers = [
                Offer(kind=k, quantity=q, price_ore=p, label=lb) for k, q, p, lb in offers
            ]
            session.add(product)
            report.added += 1
            accepted += 1
            continue
        current_offers = [(o.kind, o.quantity, o.price_ore, o.label) for o in product.offers]
        changed = [c for c, v in columns.items() if not _same(v, getattr(product, c))]
        accepted += 1
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
    for key, product in existing.items():
        if key not in seen and product.active:
            product.active = False
            product.updated_at = now
            report.deactivated += 1
    report.stores[name] = accepted


def import_catalog(
    sessions: sessionmaker[Session],
    path: str | Path,
    store: str | None = None,
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Import one file in one transaction. `store` selects one store of a multi-store file, or
    names the store of a single-store file (default: from the file name).
    Raises CatalogFormatError when the file as a whole cannot be read."""
    path = Path(path)
    catalog = open_catalog(path, store)
    if store is None and catalog.format != "stores-2020":
        catalog = open_catalog(path, default_store_name(path))
    report = ImportReport(path=path, format=catalog.format, notes=list(catalog.notes))
    by_store: dict[str, list[Record]] = {}
    lines: dict[str, int] = {}
    for number, row in enumerate(catalog.rows, start=2):
        if on_row:
            on_row()
        if isinstance(row, RowError):
            if row.repeat:
                report.repeats += 1
            else:
                report.rejected.append(row)
            continue
        by_store.setdefault(row.store, []).append(row)
        if store is None:  # one item per data row; a store filter skips rows, lines unknown
            lines[row.key] = number
    now = datetime.now(UTC)
    with session_scope(sessions) as session:
        for name, records in by_store.items():
            _upsert_store(session, name, records, report, now, lines)
    return report


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
