"""Weekly delivery-slot patterns and the concrete slots made from them, and admin changes to
single slots.

A pattern says "every Monday 10–12, 10 deliveries, last order 18 hours before" in Swedish
local time. `ensure_slots` makes the missing `DeliverySlot` rows for the coming two weeks; it
only inserts what is missing (INSERT … ON CONFLICT DO NOTHING on the (store, start) unique
key), so two processes may run it at once. Listing slots runs it at most once an hour per store
(`refresh_slots`), so the two weeks roll forward by themselves.

A slot somebody has booked (or holds in a basket: `booked` counts both) is never moved or
removed: changing or deleting a pattern only touches its future slots without bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Executable, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assistant.db import changed_rows
from assistant.db.models import DeliverySlot, SlotPattern, Store
from assistant.orders.errors import ServiceError
from assistant.orders.slots import LOCAL_TZ, WEEKDAYS, as_utc, clock, slot_label

GENERATE_DAYS = 14
REFRESH_EVERY = timedelta(hours=1)
MAX_CAPACITY = 1000
MAX_CUTOFF_HOURS = 14 * 24


def _local(day: date, at: time) -> datetime:
    """Local wall-clock time on `day` as UTC (zoneinfo picks the right offset across DST)."""
    return datetime.combine(day, at, LOCAL_TZ).astimezone(UTC)


def slot_times(
    day: date, starts: time, ends: time, cutoff_hours: int
) -> tuple[datetime, datetime, datetime]:
    """(start, end, cut-off) in UTC for a slot on `day`. The cut-off counts hours on the local
    clock, so "18 hours before 10–12" is 16.00 the day before, also across a DST change."""
    cutoff = datetime.combine(day, starts) - timedelta(hours=cutoff_hours)
    return _local(day, starts), _local(day, ends), _local(cutoff.date(), cutoff.time())


def _insert_missing(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert the slots whose (store, start) does not exist yet; returns how many were new."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    key = ["store_id", "starts_at"]
    statement: Executable
    if dialect == "postgresql":
        statement = postgresql.insert(DeliverySlot).on_conflict_do_nothing(index_elements=key)
    elif dialect == "sqlite":
        statement = sqlite.insert(DeliverySlot).on_conflict_do_nothing(index_elements=key)
    else:
        raise RuntimeError(f"slot generation does not support {dialect}")
    statement = statement.returning(DeliverySlot.id)
    rows = sorted(rows, key=lambda row: (row["store_id"], row["starts_at"]))  # one lock order
    return len(session.execute(statement, rows).all())


def _wanted(patterns: list[SlotPattern], now: datetime, days: int) -> list[dict[str, Any]]:
    today = now.astimezone(LOCAL_TZ).date()
    rows = []
    for pattern in patterns:
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            if day.weekday() != pattern.weekday:
                continue
            starts, ends, cutoff = slot_times(
                day, pattern.starts, pattern.ends, pattern.cutoff_hours
            )
            if starts > now:
                rows.append(
                    {
                        "store_id": pattern.store_id,
                        "starts_at": starts,
                        "ends_at": ends,
                        "capacity": pattern.capacity,
                        "booked": 0,
                        "cutoff_at": cutoff,
                        "pattern_id": pattern.id,
                    }
                )
    return rows


def _generate(session: Session, store_id: int | None, now: datetime, days: int) -> int:
    query = select(SlotPattern).where(SlotPattern.active)
    if store_id is not None:
        query = query.where(SlotPattern.store_id == store_id)
    return _insert_missing(session, _wanted(list(session.scalars(query)), now, days))


def ensure_slots(
    session: Session,
    store_id: int | None = None,
    now: datetime | None = None,
    days: int = GENERATE_DAYS,
) -> int:
    """Make the missing slots of the active patterns (of one store, or all) from now until
    `days` days ahead; returns how many slots were created."""
    now = as_utc(now or datetime.now(UTC))
    created = _generate(session, store_id, now, days)
    stores = update(Store) if store_id is None else update(Store).where(Store.id == store_id)
    session.execute(
        stores.values(slots_generated_at=now).execution_options(synchronize_session=False)
    )
    return created


def refresh_all_slots(session: Session, now: datetime | None = None) -> None:
    """`refresh_slots` for every store with a weekly pattern (the housekeeper's round)."""
    stores = session.scalars(select(SlotPattern.store_id).where(SlotPattern.active).distinct())
    for store_id in list(stores):
        refresh_slots(session, store_id, now)


def refresh_slots(session: Session, store_id: int, now: datetime | None = None) -> None:
    """`ensure_slots` for one store when its slots were last made an hour ago or more. The
    conditional UPDATE of the store's stamp lets one request (or process) do it."""
    now = as_utc(now or datetime.now(UTC))
    claimed = session.execute(
        update(Store)
        .where(
            Store.id == store_id,
            or_(
                Store.slots_generated_at.is_(None),
                Store.slots_generated_at <= now - REFRESH_EVERY,
                Store.slots_generated_at > now,  # the clock went back (or a test's "now")
            ),
        )
        .values(slots_generated_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(claimed) == 1:
        _generate(session, store_id, now, GENERATE_DAYS)


# Patterns


@dataclass(frozen=True, slots=True)
class PatternFields:
    """A pattern as an admin entered it: weekday 0 (Monday)–6, local times."""

    weekday: int
    starts: time
    ends: time
    capacity: int
    cutoff_hours: int
    active: bool = True

    def check(self) -> None:
        if not (isinstance(self.weekday, int) and 0 <= self.weekday <= 6):
            raise ServiceError("Välj en veckodag.")
        if self.ends <= self.starts:
            raise ServiceError("Tiden måste sluta efter att den börjar.")
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise ServiceError(f"Antal leveranser: mellan 1 och {MAX_CAPACITY}.")
        if not 0 <= self.cutoff_hours <= MAX_CUTOFF_HOURS:
            raise ServiceError(f"Sista beställning: mellan 0 och {MAX_CUTOFF_HOURS} timmar före.")


@dataclass(frozen=True, slots=True)
class PatternChange:
    """What a change of a pattern did to its slots."""

    created: int = 0
    removed: int = 0
    kept_booked: int = 0

    @property
    def kept_text(self) -> str:
        """What stayed because it has bookings, in Swedish ("" when nothing)."""
        if self.kept_booked == 1:
            return "En kommande tid har redan bokningar och finns kvar som den var."
        if self.kept_booked:
            return (
                f"{self.kept_booked} kommande tider har redan bokningar och finns kvar som de var."
            )
        return ""


def store_patterns(session: Session, store_id: int) -> list[SlotPattern]:
    """A store's weekly times, Monday first, earliest first."""
    return list(
        session.scalars(
            select(SlotPattern)
            .where(SlotPattern.store_id == store_id)
            .order_by(SlotPattern.weekday, SlotPattern.starts)
        )
    )


def upcoming_slots(session: Session, store_id: int, now: datetime) -> list[DeliverySlot]:
    """A store's slots that have not ended, booked or not, earliest first (the admin's list)."""
    return list(
        session.scalars(
            select(DeliverySlot)
            .where(DeliverySlot.store_id == store_id, DeliverySlot.ends_at > now)
            .order_by(DeliverySlot.starts_at)
        )
    )


def pattern_label(pattern: SlotPattern) -> str:
    """ "måndag 10–12"."""
    return f"{WEEKDAYS[pattern.weekday]} {clock(pattern.starts)}–{clock(pattern.ends)}"


def get_pattern(session: Session, pattern_id: int, store_id: int | None = None) -> SlotPattern:
    pattern = session.get(SlotPattern, pattern_id) if isinstance(pattern_id, int) else None
    if pattern is None or (store_id is not None and pattern.store_id != store_id):
        raise ServiceError("Veckotiden finns inte.")
    return pattern


def _refuse_twin(
    session: Session, store_id: int, fields: PatternFields, own_id: int | None
) -> None:
    twin = session.scalar(
        select(SlotPattern.id).where(
            SlotPattern.store_id == store_id,
            SlotPattern.weekday == fields.weekday,
            SlotPattern.starts == fields.starts,
            SlotPattern.id != (own_id or 0),
        )
    )
    if twin is not None:
        raise ServiceError("Butiken har redan en veckotid som börjar den dagen och tiden.")


def add_pattern(
    session: Session, store_id: int, fields: PatternFields, now: datetime | None = None
) -> tuple[SlotPattern, PatternChange]:
    """A new weekly time for the store; its slots for the coming two weeks are made at once."""
    if session.get(Store, store_id) is None:
        raise ServiceError("Butiken finns inte.")
    fields.check()
    _refuse_twin(session, store_id, fields, None)
    pattern = SlotPattern(
        store_id=store_id,
        weekday=fields.weekday,
        starts=fields.starts,
        ends=fields.ends,
        capacity=fields.capacity,
        cutoff_hours=fields.cutoff_hours,
        active=fields.active,
    )
    session.add(pattern)
    session.flush()
    created = _generate(session, store_id, as_utc(now or datetime.now(UTC)), GENERATE_DAYS)
    return pattern, PatternChange(created=created)


def _future_slots(pattern_id: int, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return DeliverySlot.pattern_id == pattern_id, DeliverySlot.starts_at > now


def _remove_unbooked(session: Session, pattern_id: int, now: datetime, *, closed: bool) -> int:
    """Delete the pattern's future slots without bookings (`closed`: those an admin closed
    too); returns how many went."""
    conditions = [*_future_slots(pattern_id, now), DeliverySlot.booked == 0]
    if not closed:
        conditions.append(DeliverySlot.capacity > 0)
    result = session.execute(
        delete(DeliverySlot).where(*conditions).execution_options(synchronize_session=False)
    )
    return changed_rows(result)


def _booked_count(session: Session, pattern_id: int, now: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(*_future_slots(pattern_id, now), DeliverySlot.booked > 0)
        )
        or 0
    )


def update_pattern(
    session: Session,
    pattern_id: int,
    fields: PatternFields,
    now: datetime | None = None,
    *,
    store_id: int | None = None,
) -> PatternChange:
    """Change a weekly time: its future slots without bookings are made again from the new
    pattern (a slot an admin closed stays closed); booked slots stay as they were."""
    now = as_utc(now or datetime.now(UTC))
    pattern = get_pattern(session, pattern_id, store_id)
    fields.check()
    _refuse_twin(session, pattern.store_id, fields, pattern.id)
    removed = _remove_unbooked(session, pattern.id, now, closed=False)
    for name in ("weekday", "starts", "ends", "capacity", "cutoff_hours", "active"):
        setattr(pattern, name, getattr(fields, name))
    session.flush()
    created = _generate(session, pattern.store_id, now, GENERATE_DAYS) if pattern.active else 0
    session.expire_all()  # slots changed behind the session's back
    return PatternChange(created, removed, _booked_count(session, pattern.id, now))


def delete_pattern(
    session: Session, pattern_id: int, now: datetime | None = None, *, store_id: int | None = None
) -> PatternChange:
    """Remove a weekly time and its future slots without bookings; booked slots stay (as
    single slots)."""
    now = as_utc(now or datetime.now(UTC))
    pattern = get_pattern(session, pattern_id, store_id)
    removed = _remove_unbooked(session, pattern.id, now, closed=True)
    kept = _booked_count(session, pattern.id, now)
    session.execute(
        update(DeliverySlot)
        .where(DeliverySlot.pattern_id == pattern.id)
        .values(pattern_id=None)
        .execution_options(synchronize_session=False)
    )
    session.delete(pattern)
    session.flush()
    session.expire_all()
    return PatternChange(removed=removed, kept_booked=kept)


# Single slots


def _slot(session: Session, slot_id: int, store_id: int | None = None) -> DeliverySlot:
    slot = session.get(DeliverySlot, slot_id) if isinstance(slot_id, int) else None
    if slot is None or (store_id is not None and slot.store_id != store_id):
        raise ServiceError("Leveranstiden finns inte.")
    return slot


def _bookings_text(booked: int) -> str:
    return "en bokning" if booked == 1 else f"{booked} bokningar"


def add_slot(
    session: Session,
    store_id: int,
    day: date,
    starts: time,
    ends: time,
    capacity: int,
    cutoff_hours: int,
    now: datetime | None = None,
) -> DeliverySlot:
    """One extra slot (not from a pattern), e.g. before a holiday."""
    now = as_utc(now or datetime.now(UTC))
    if session.get(Store, store_id) is None:
        raise ServiceError("Butiken finns inte.")
    PatternFields(day.weekday(), starts, ends, capacity, cutoff_hours).check()
    start_at, end_at, cutoff = slot_times(day, starts, ends, cutoff_hours)
    if cutoff <= now:
        raise ServiceError("Tiden ligger i det förflutna eller efter sista beställningstid.")
    taken = session.scalar(
        select(DeliverySlot.id).where(
            DeliverySlot.store_id == store_id, DeliverySlot.starts_at == start_at
        )
    )
    if taken is not None:
        raise ServiceError("Det finns redan en leveranstid som börjar då. Ändra den i listan.")
    slot = DeliverySlot(
        store_id=store_id,
        starts_at=start_at,
        ends_at=end_at,
        capacity=capacity,
        booked=0,
        cutoff_at=cutoff,
    )
    session.add(slot)
    session.flush()
    return slot


def set_slot_capacity(
    session: Session, slot_id: int, capacity: int, *, store_id: int | None = None
) -> DeliverySlot:
    """Change how many deliveries a slot takes; 0 closes it. Never below its bookings (the
    UPDATE checks that in the same statement, so a booking in between cannot slip past)."""
    slot = _slot(session, slot_id, store_id)
    if not (isinstance(capacity, int) and 0 <= capacity <= MAX_CAPACITY):
        raise ServiceError(f"Antal leveranser: mellan 0 och {MAX_CAPACITY}.")
    changed = session.execute(
        update(DeliverySlot)
        .where(DeliverySlot.id == slot.id, DeliverySlot.booked <= capacity)
        .values(capacity=capacity)
        .execution_options(synchronize_session=False)
    )
    session.refresh(slot)
    if changed_rows(changed) != 1:
        raise ServiceError(
            f"{slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at))} har redan "
            f"{_bookings_text(slot.booked)}. Antalet kan inte vara lägre än {slot.booked}."
        )
    return slot


def delete_slot(
    session: Session, slot_id: int, now: datetime | None = None, *, store_id: int | None = None
) -> str:
    """Remove a slot nobody has booked; returns what happened, in Swedish. A future slot of a
    weekly pattern is closed (0 places) instead, so the pattern does not make it again."""
    now = as_utc(now or datetime.now(UTC))
    slot = _slot(session, slot_id, store_id)
    label = slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at))
    from_pattern = slot.pattern_id is not None and as_utc(slot.starts_at) > now
    unbooked = (DeliverySlot.id == slot.id, DeliverySlot.booked == 0)
    statement: Executable = (
        update(DeliverySlot).where(*unbooked).values(capacity=0)
        if from_pattern
        else delete(DeliverySlot).where(*unbooked)
    )
    done = session.execute(statement, execution_options={"synchronize_session": False})
    if changed_rows(done) != 1:
        session.refresh(slot)
        raise ServiceError(
            f"{label} kan inte tas bort: den har {_bookings_text(slot.booked)}. Sätt antalet "
            f"leveranser till {slot.booked} om inga fler ska kunna boka."
        )
    if from_pattern:
        session.refresh(slot)
        return f"{label} är stängd och kommer inte tillbaka från veckotiderna."
    session.expunge(slot)
    return f"{label} är borttagen."
