"""Fees, minimum order and weekly delivery times the bundled demo stores get on first start,
so that an order can be placed on a fresh install.

The figures are typical of Swedish online grocery with home delivery in the 2020s (picking
fee waived from an order value, delivery free from a higher one, an invoice fee, a minimum
order) and differ a little per store so that the differences show. Admins change them under
"Butiker".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import SlotPattern, Store
from assistant.orders.slot_patterns import PatternFields, ensure_slots
from assistant.orders.store_channel import folder_name

WEEKDAYS_MON_FRI = range(5)


def weekly(
    days: Iterable[int], windows: Iterable[tuple[int, int]], capacity: int, cutoff_hours: int
) -> tuple[PatternFields, ...]:
    """The same windows (start hour, end hour) on each of `days` (0 = Monday)."""
    windows = list(windows)
    return tuple(
        PatternFields(day, time(start), time(end), capacity, cutoff_hours)
        for day in days
        for start, end in windows
    )


@dataclass(frozen=True, slots=True)
class StoreDefaults:
    """Öre; a `*_free_from` of None means the fee is always charged."""

    picking: int
    picking_free_from: int | None
    delivery: int
    delivery_free_from: int | None
    invoice: int
    minimum_order: int
    patterns: tuple[PatternFields, ...]


DEMO_STORES = {
    "Coop": StoreDefaults(
        picking=5900,
        picking_free_from=90000,
        delivery=7900,
        delivery_free_from=120000,
        invoice=2900,
        minimum_order=40000,
        patterns=weekly(WEEKDAYS_MON_FRI, [(10, 12), (16, 18)], capacity=10, cutoff_hours=18),
    ),
    "Hemköp": StoreDefaults(
        picking=6900,
        picking_free_from=100000,
        delivery=9900,
        delivery_free_from=120000,
        invoice=3900,
        minimum_order=30000,
        patterns=weekly(WEEKDAYS_MON_FRI, [(9, 11), (17, 19)], capacity=8, cutoff_hours=20)
        + weekly([5], [(10, 12)], capacity=8, cutoff_hours=20),
    ),
    "Willys": StoreDefaults(
        picking=4900,
        picking_free_from=80000,
        delivery=5900,
        delivery_free_from=120000,
        invoice=1900,
        minimum_order=30000,
        patterns=weekly(WEEKDAYS_MON_FRI, [(10, 12), (16, 18)], capacity=10, cutoff_hours=18),
    ),
    "Willys 2023": StoreDefaults(  # delivery always free
        picking=5500,
        picking_free_from=100000,
        delivery=0,
        delivery_free_from=None,
        invoice=0,
        minimum_order=35000,
        patterns=weekly(range(6), [(10, 12), (17, 19)], capacity=12, cutoff_hours=16),
    ),
}
OTHER_DEMO_STORE = StoreDefaults(
    picking=5900,
    picking_free_from=100000,
    delivery=6900,
    delivery_free_from=120000,
    invoice=2900,
    minimum_order=30000,
    patterns=weekly(WEEKDAYS_MON_FRI, [(10, 12), (16, 18)], capacity=10, cutoff_hours=18),
)


def _untouched(store: Store) -> bool:
    fees = (
        store.picking_fee_ore,
        store.delivery_fee_ore,
        store.invoice_fee_ore,
        store.minimum_order_ore,
    )
    return not any(fees) and not store.patterns


def give_demo_defaults(session: Session, store_name: str, now: datetime | None = None) -> bool:
    """Fees, minimum order, weekly times and the file-drop channel (the order sheet in
    $HANDLA_DATA_DIR/outgoing/<store>/) for a demo store an admin has not set up yet; its slots
    for the coming two weeks are made at once. Returns whether it changed."""
    store = session.scalars(select(Store).where(Store.name == store_name)).one_or_none()
    if store is None or not _untouched(store):
        return False
    defaults = DEMO_STORES.get(store.name, OTHER_DEMO_STORE)
    store.picking_fee_ore = defaults.picking
    store.picking_free_from_ore = defaults.picking_free_from
    store.delivery_fee_ore = defaults.delivery
    store.delivery_free_from_ore = defaults.delivery_free_from
    store.invoice_fee_ore = defaults.invoice
    store.minimum_order_ore = defaults.minimum_order
    if not store.order_target:  # a working way to hand orders over from the first start
        store.order_channel, store.order_target = "file", folder_name(store.name)
        store.secret_ref = None
    session.add_all(
        SlotPattern(
            store_id=store.id,
            weekday=p.weekday,
            starts=p.starts,
            ends=p.ends,
            capacity=p.capacity,
            cutoff_hours=p.cutoff_hours,
            active=True,
        )
        for p in defaults.patterns
    )
    session.flush()
    ensure_slots(session, store.id, now)
    return True
