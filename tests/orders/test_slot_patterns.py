"""Weekly slot patterns: slots two weeks ahead, idempotent and safe with two writers at once,
right local times across DST, changes and deletions that never touch a booked slot, single
slot changes, and the demo stores ready to order on a fresh install (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assistant.catalog_import import import_demo_catalog
from assistant.db import session_scope
from assistant.db.models import Client, DeliverySlot, Order, Product, SlotPattern, Store
from assistant.orders.basket import add_item, price_order
from assistant.orders.booking import available_slots, book_slot
from assistant.orders.confirm import confirm_order
from assistant.orders.errors import ServiceError
from assistant.orders.slot_patterns import (
    PatternFields,
    add_pattern,
    add_slot,
    delete_pattern,
    delete_slot,
    ensure_slots,
    refresh_all_slots,
    refresh_slots,
    set_slot_capacity,
    slot_times,
    update_pattern,
)
from assistant.orders.slots import LOCAL_TZ, as_utc, slot_label
from assistant.orders.store_defaults import DEMO_STORES, give_demo_defaults

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08.00 in Stockholm
WEEKDAY_10_12 = [PatternFields(day, time(10), time(12), 10, 18) for day in range(5)]


def _store(sessions, name: str = "Hemköp Ljungby") -> int:
    with session_scope(sessions) as s:
        store = Store(name=name)
        s.add(store)
        s.flush()
        return store.id


def _patterns(sessions, store_id: int, fields: list[PatternFields], now: datetime = MONDAY):
    with session_scope(sessions) as s:
        return [add_pattern(s, store_id, f, now)[0].id for f in fields]


def _slots(sessions, store_id: int) -> list[DeliverySlot]:
    with session_scope(sessions) as s:
        return list(
            s.scalars(
                select(DeliverySlot)
                .where(DeliverySlot.store_id == store_id)
                .order_by(DeliverySlot.starts_at)
            )
        )


def _local(slot: DeliverySlot) -> tuple[date, time, time]:
    start = as_utc(slot.starts_at).astimezone(LOCAL_TZ)
    return start.date(), start.time(), as_utc(slot.ends_at).astimezone(LOCAL_TZ).time()


def test_a_weekly_pattern_makes_two_weeks_of_slots_once(sessions):
    store = _store(sessions)
    _patterns(sessions, store, WEEKDAY_10_12)
    slots = _slots(sessions, store)
    # Monday 23/11 10–12 (still to come at 08.00) up to Monday 7/12, weekdays only
    assert len(slots) == 11
    assert {_local(s)[0].weekday() for s in slots} == {0, 1, 2, 3, 4}
    first = slots[0]
    assert _local(first) == (date(2026, 11, 23), time(10), time(12))
    assert (first.capacity, first.booked) == (10, 0)
    assert as_utc(first.cutoff_at).astimezone(LOCAL_TZ) == datetime(2026, 11, 22, 16,
                                                                     tzinfo=LOCAL_TZ)  # fmt: skip
    with session_scope(sessions) as s:
        assert ensure_slots(s, store, MONDAY) == 0
        assert ensure_slots(s, None, MONDAY + timedelta(days=1)) == 1  # Tuesday 8/12
    assert len(_slots(sessions, store)) == 12


def test_slots_keep_their_local_times_across_both_dst_changes(sessions):
    store = _store(sessions)
    autumn = datetime(2026, 10, 22, 12, 0, tzinfo=UTC)  # Thursday; summer time ends Sunday 25/10
    fields = [PatternFields(day, time(10), time(12), 5, 18) for day in (4, 6, 0)]
    _patterns(sessions, store, fields, autumn)
    by_day = {_local(s)[0]: s for s in _slots(sessions, store)}
    friday, sunday, monday = (by_day[date(2026, 10, d)] for d in (23, 25, 26))
    assert all(_local(s)[1:] == (time(10), time(12)) for s in by_day.values())
    assert as_utc(friday.starts_at).hour == 8 and as_utc(monday.starts_at).hour == 9
    # the cut-off is 16.00 the day before on the clock, whatever the night's length
    assert as_utc(sunday.starts_at) - as_utc(sunday.cutoff_at) == timedelta(hours=19)
    assert as_utc(sunday.cutoff_at).astimezone(LOCAL_TZ).hour == 16
    assert as_utc(monday.starts_at) - as_utc(monday.cutoff_at) == timedelta(hours=18)
    # spring: summer time starts Sunday 28/3/2027
    start, end, cutoff = slot_times(date(2027, 3, 29), time(10), time(12), 18)
    assert (start.hour, end.hour) == (8, 10) and cutoff == datetime(2027, 3, 28, 14, tzinfo=UTC)
    start, _end, cutoff = slot_times(date(2027, 3, 28), time(10), time(12), 18)
    assert start.hour == 8 and start - cutoff == timedelta(hours=17)


def test_two_writers_at_once_make_each_slot_once(sessions):
    store = _store(sessions)
    with session_scope(sessions) as s:  # patterns without slots yet
        s.add_all(SlotPattern(store_id=store, weekday=f.weekday, starts=f.starts, ends=f.ends,
                              capacity=5, cutoff_hours=18, active=True)
                  for f in WEEKDAY_10_12)  # fmt: skip
    made: list[int] = []
    errors: list[BaseException] = []
    first = sessions()
    made.append(ensure_slots(first, store, MONDAY))  # not committed yet

    def second() -> None:
        try:
            with session_scope(sessions) as s:
                made.append(ensure_slots(s, store, MONDAY))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    other = threading.Thread(target=second)
    other.start()
    other.join(0.5)  # the second writer waits for the first one's rows
    first.commit()
    first.close()
    other.join()
    assert errors == []
    assert sorted(made) == [0, 11]
    assert len(_slots(sessions, store)) == 11


def test_the_housekeeper_makes_slots_at_most_once_an_hour(sessions):
    store = _store(sessions)
    with session_scope(sessions) as s:
        s.add(SlotPattern(store_id=store, weekday=0, starts=time(8), ends=time(9),
                          capacity=4, cutoff_hours=2, active=False))  # fmt: skip
        refresh_slots(s, store, MONDAY)  # stamps the store
        s.add(SlotPattern(store_id=store, weekday=1, starts=time(16), ends=time(18),
                          capacity=4, cutoff_hours=2, active=True))  # fmt: skip
    with session_scope(sessions) as s:
        refresh_all_slots(s, MONDAY + timedelta(minutes=30))
        assert available_slots(s, store, MONDAY + timedelta(minutes=30)) == []
    with session_scope(sessions) as s:
        refresh_all_slots(s, MONDAY + timedelta(hours=1))
        found = available_slots(s, store, MONDAY + timedelta(hours=1))
        labels = [slot_label(as_utc(x.starts_at), as_utc(x.ends_at)) for x in found]
    assert labels == ["tisdag 24/11 16–18", "tisdag 1/12 16–18"]


def _at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10), LOCAL_TZ).astimezone(UTC)


def _book(sessions, store: int, when: date) -> int:
    """A client of the store holds the slot starting 10.00 on `when`; returns the slot id."""
    with session_scope(sessions) as s:
        client = Client(display_name=f"Kund {when}", store_id=store)
        s.add(client)
        s.flush()
        slot_id = s.scalar(
            select(DeliverySlot.id).where(
                DeliverySlot.store_id == store,
                DeliverySlot.starts_at == _at_ten(when),
            )
        )
        book_slot(s, client.id, slot_id, MONDAY)
        return slot_id


def test_changing_a_pattern_moves_only_unbooked_future_slots(sessions):
    store = _store(sessions)
    (monday,) = _patterns(sessions, store, [WEEKDAY_10_12[0]])
    booked = _book(sessions, store, date(2026, 11, 30))
    with session_scope(sessions) as s:
        closed = s.scalar(
            select(DeliverySlot.id).where(DeliverySlot.starts_at == _at_ten(date(2026, 12, 7)))
        )
        delete_slot(s, closed, MONDAY, store_id=store)
    with session_scope(sessions) as s:
        change = update_pattern(s, monday, PatternFields(0, time(10), time(12), 6, 24), MONDAY)
    assert change.kept_booked == 1 and "finns kvar" in change.kept_text
    rows = {_local(s)[0]: (s.capacity, s.booked, s.id) for s in _slots(sessions, store)}
    assert rows[date(2026, 11, 23)][:2] == (6, 0)  # made again from the new pattern
    assert rows[date(2026, 11, 30)] == (10, 1, booked)  # booked: as it was
    assert rows[date(2026, 12, 7)] == (0, 0, closed)  # closed by an admin: stays closed
    with session_scope(sessions) as s:
        update_pattern(s, monday, PatternFields(0, time(9), time(11), 6, 24), MONDAY)
    times = sorted((_local(s)[0], _local(s)[1]) for s in _slots(sessions, store))
    assert times == [(date(2026, 11, 23), time(9)), (date(2026, 11, 30), time(9)),
                     (date(2026, 11, 30), time(10)), (date(2026, 12, 7), time(9)),
                     (date(2026, 12, 7), time(10))]  # fmt: skip
    with session_scope(sessions) as s:
        update_pattern(s, monday, PatternFields(0, time(9), time(11), 6, 24, active=False),
                       MONDAY)  # fmt: skip
    assert {s.id for s in _slots(sessions, store)} == {booked, closed}


def test_deleting_a_pattern_keeps_booked_slots(sessions):
    store = _store(sessions)
    (monday,) = _patterns(sessions, store, [WEEKDAY_10_12[0]])
    booked = _book(sessions, store, date(2026, 11, 30))
    with session_scope(sessions) as s:
        change = delete_pattern(s, monday, MONDAY)
    assert (change.removed, change.kept_booked) == (2, 1)
    (left,) = _slots(sessions, store)
    assert (left.id, left.booked, left.pattern_id) == (booked, 1, None)
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count()).select_from(SlotPattern)) == 0
        with pytest.raises(ServiceError, match="finns inte"):
            delete_pattern(s, monday, MONDAY)


def test_patterns_are_checked_before_anything_is_written(sessions):
    store = _store(sessions)
    _patterns(sessions, store, [WEEKDAY_10_12[0]])
    for bad, words in [
        (PatternFields(7, time(10), time(12), 10, 18), "veckodag"),
        (PatternFields(0, time(12), time(10), 10, 18), "sluta efter"),
        (PatternFields(1, time(10), time(12), 0, 18), "Antal leveranser"),
        (PatternFields(1, time(10), time(12), 10, 400), "Sista beställning"),
        (PatternFields(0, time(10), time(11), 10, 18), "redan en veckotid"),
    ]:
        with pytest.raises(ServiceError, match=words), session_scope(sessions) as s:
            add_pattern(s, store, bad, MONDAY)
    assert len(_slots(sessions, store)) == 3


def test_single_slots_capacity_never_below_bookings_and_no_removal_when_booked(sessions):
    store = _store(sessions)
    _patterns(sessions, store, [WEEKDAY_10_12[0]])
    booked = _book(sessions, store, date(2026, 11, 30))
    with session_scope(sessions) as s:
        assert set_slot_capacity(s, booked, 3, store_id=store).capacity == 3
        with pytest.raises(ServiceError, match="har redan en bokning. Antalet kan inte vara"):
            set_slot_capacity(s, booked, 0, store_id=store)
        with pytest.raises(ServiceError, match="kan inte tas bort: den har en bokning"):
            delete_slot(s, booked, MONDAY, store_id=store)
        with pytest.raises(ServiceError, match="finns inte"):
            set_slot_capacity(s, booked, 3, store_id=store + 1)
    with session_scope(sessions) as s:
        extra = add_slot(s, store, date(2026, 12, 24), time(8), time(10), 5, 24, MONDAY)
        with pytest.raises(ServiceError, match="redan en leveranstid"):
            add_slot(s, store, date(2026, 12, 24), time(8), time(9), 5, 24, MONDAY)
        with pytest.raises(ServiceError, match="förflutna"):
            add_slot(s, store, date(2026, 11, 23), time(8), time(9), 5, 24, MONDAY)
    first = min(_slots(sessions, store), key=lambda x: x.starts_at).id
    with session_scope(sessions) as s:
        assert delete_slot(s, extra.id, MONDAY, store_id=store).endswith("är borttagen.")
        assert "stängd" in delete_slot(s, first, MONDAY, store_id=store)
    with session_scope(sessions) as s:
        ensure_slots(s, store, MONDAY)  # a closed slot of a pattern does not come back
        assert s.get(DeliverySlot, first).capacity == 0
        assert s.get(DeliverySlot, extra.id) is None
        shown = [x.id for x in available_slots(s, store, MONDAY)]
    assert shown == [x.id for x in _slots(sessions, store) if x.id not in (first,) and x.capacity]


def _small_demo_catalog(folder: Path) -> Path:
    """The bundled demo files cut to their first rows (every store of them keeps products)."""
    source = Path(__file__).resolve().parents[2] / "demo_catalog"
    folder.mkdir()
    with (source / "stores_2020.csv").open(encoding="utf-8") as big:
        rows = big.readlines()
    picked = [rows[0]] + [row for store in ("Coop", "Hemköp", "Willys")
                          for row in [r for r in rows if r.startswith(f"{store},")][:40]]  # fmt: skip
    (folder / "stores_2020.csv").write_text("".join(picked), encoding="utf-8")
    with (source / "willys_2023.csv").open(encoding="utf-8") as big:
        (folder / "willys_2023.csv").write_text("".join(big.readlines()[:120]), encoding="utf-8")
    return folder


def test_demo_stores_are_ready_to_order_on_first_start(sessions, tmp_path):
    catalog = _small_demo_catalog(tmp_path / "catalog")
    assert import_demo_catalog(sessions, catalog)
    with session_scope(sessions) as s:
        stores = {store.name: store for store in s.scalars(select(Store))}
        assert set(stores) == set(DEMO_STORES)
        for name, defaults in DEMO_STORES.items():
            store = stores[name]
            assert (store.picking_fee_ore, store.minimum_order_ore) == (
                defaults.picking, defaults.minimum_order)  # fmt: skip
            assert 30000 <= store.minimum_order_ore <= 40000
            assert len(store.patterns) == len(defaults.patterns)
        assert stores["Willys 2023"].delivery_fee_ore == 0  # the store with free delivery
        willys = stores["Willys"].id
        client = Client(display_name="Greta", store_id=willys)
        s.add(client)
        s.flush()
        client_id = client.id
        products = s.scalars(
            select(Product).where(Product.store_id == willys, Product.sold_by == "st")
            .order_by(Product.price_ore.desc()).limit(8)
        ).all()  # fmt: skip
        for product in products:
            add_item(s, client_id, product.id, 3)
    now = datetime.now(UTC)
    with session_scope(sessions) as s:
        slots = available_slots(s, willys, now)
        assert len(slots) >= 8  # Monday–Friday, twice a day, two weeks ahead
        book_slot(s, client_id, slots[0].id, now)
        basket = s.scalars(select(Order).where(Order.client_id == client_id)).one()
        breakdown = price_order(s, basket, now)
        assert breakdown.orderable, breakdown.problems
        order = confirm_order(s, client_id, "first-order", "client", now,
                              expected_total_ore=breakdown.total)  # fmt: skip
        assert order.status == "confirmed" and order.total_ore == breakdown.total
    with session_scope(sessions) as s:  # an admin's own figures are never overwritten
        assert not give_demo_defaults(s, "Willys")
