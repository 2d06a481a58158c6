"""Delivery slots for admins: a store's weekly times (add, change, remove), its coming slots
(change the number of places, remove or close one) and an extra single slot.

Times are entered in Swedish local time (Europe/Stockholm) and stored in UTC. The rules live
in `assistant.orders.slot_patterns`; this module parses the forms and shows the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.db.models import StaffUser, Store
from assistant.orders.errors import ServiceError
from assistant.orders.slot_patterns import (
    PatternFields,
    add_pattern,
    add_slot,
    delete_pattern,
    delete_slot,
    get_pattern,
    pattern_label,
    set_slot_capacity,
    store_patterns,
    upcoming_slots,
    update_pattern,
)
from assistant.orders.slots import WEEKDAYS, as_utc, cutoff_label, slot_label
from assistant.orders.store_settings import get_store
from assistant.web.deps import AdminDep, SessionDep
from assistant.web.notice import saved, take_notice
from assistant.web.security import require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")
CSRF = [Depends(require_csrf)]
MAX_NUMBER = 6  # characters of a number field


@dataclass(frozen=True)
class SlotRow:
    id: int
    label: str
    cutoff: str
    booked: int
    capacity: int
    from_pattern: bool


def _path(store: Store) -> str:
    return f"/admin/stores/{store.id}/slots"


def _page(
    request: Request,
    session: Session,
    staff: StaffUser,
    store: Store,
    status_code: int = 200,
    **extra: object,
) -> Response:
    patterns = store_patterns(session, store.id)
    slots = upcoming_slots(session, store.id, datetime.now(UTC))
    rows = [
        SlotRow(
            s.id,
            slot_label(as_utc(s.starts_at), as_utc(s.ends_at)),
            cutoff_label(as_utc(s.cutoff_at)),
            s.booked,
            s.capacity,
            s.pattern_id is not None,
        )
        for s in slots
    ]
    return render(
        request,
        "admin_slots.html",
        status_code=status_code,
        staff=staff,
        store=store,
        rows=rows,
        patterns=[(p, pattern_label(p)) for p in patterns],
        weekdays=list(enumerate(WEEKDAYS)),
        notice=take_notice(request),
        **extra,
    )


class SlotForm(BaseModel):
    """The fields of the slot and weekly-time forms, as typed."""

    day: str = ""
    weekday: str = ""
    start: str = ""
    end: str = ""
    capacity: str = ""
    cutoff_hours: str = ""
    active: str = "1"

    def pattern(self) -> PatternFields:
        return PatternFields(
            weekday=_number(self.weekday, "Veckodag"),
            starts=_time(self.start, "Från"),
            ends=_time(self.end, "Till"),
            capacity=_number(self.capacity, "Antal leveranser"),
            cutoff_hours=_number(self.cutoff_hours, "Sista beställning"),
            active=self.active == "1",
        )


SlotFormDep = Annotated[SlotForm, Form()]


def _number(text: str, label: str) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > MAX_NUMBER:
        raise ServiceError(f"{label}: skriv ett heltal.")
    return int(text)


def _time(text: str, label: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ServiceError(f"{label}: skriv en tid, till exempel 10:00.") from None


@dataclass(frozen=True)
class SlotsChange:
    """One change to a store's weekly times or slots, by an admin."""

    request: Request
    session: Session
    staff: StaffUser
    store: Store

    def run(self, action: Callable[[], str], anchor: str) -> Response:
        """Call the service; on a refusal nothing is written and the page explains why, else
        back to the page with what was done."""
        try:
            message = action()
        except ServiceError as refusal:
            self.session.rollback()
            return _page(
                self.request, self.session, self.staff, self.store, 422, error=refusal.message
            )
        return saved(self.request, _path(self.store), message, anchor)


def slots_change(
    store_id: int, request: Request, staff: AdminDep, session: SessionDep
) -> SlotsChange:
    return SlotsChange(request, session, staff, get_store(session, store_id))


ChangeDep = Annotated[SlotsChange, Depends(slots_change)]


@router.get("/stores/{store_id}/slots")
def slots(store_id: int, request: Request, staff: AdminDep, session: SessionDep) -> Response:
    return _page(request, session, staff, get_store(session, store_id))


@router.post("/stores/{store_id}/slots", dependencies=CSRF)
def add_single_slot(form: SlotFormDep, change: ChangeDep) -> Response:
    def add() -> str:
        try:
            day = date.fromisoformat(form.day.strip())
        except ValueError:
            raise ServiceError("Dag: välj en dag.") from None
        slot = add_slot(
            change.session,
            change.store.id,
            day,
            _time(form.start, "Från"),
            _time(form.end, "Till"),
            _number(form.capacity, "Antal leveranser"),
            _number(form.cutoff_hours, "Sista beställning"),
        )
        return f"Sparat: {slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at))} är tillagd."

    return change.run(add, "#slots")


@router.post("/stores/{store_id}/slots/{slot_id}/capacity", dependencies=CSRF)
def change_capacity(slot_id: int, form: SlotFormDep, change: ChangeDep) -> Response:
    def set_capacity() -> str:
        capacity = _number(form.capacity, "Antal leveranser")
        slot = set_slot_capacity(change.session, slot_id, capacity, store_id=change.store.id)
        label = slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at))
        return f"Sparat: {label} tar {capacity} leveranser."

    return change.run(set_capacity, "#slots")


@router.post("/stores/{store_id}/slots/{slot_id}/delete", dependencies=CSRF)
def remove_slot(slot_id: int, change: ChangeDep) -> Response:
    return change.run(
        lambda: delete_slot(change.session, slot_id, store_id=change.store.id), "#slots"
    )


@router.post("/stores/{store_id}/patterns", dependencies=CSRF)
def add_weekly_time(form: SlotFormDep, change: ChangeDep) -> Response:
    def add() -> str:
        pattern, done = add_pattern(change.session, change.store.id, form.pattern())
        return f"Sparat: {pattern_label(pattern)} varje vecka ({done.created} nya tider)."

    return change.run(add, "#patterns")


@router.post("/stores/{store_id}/patterns/{pattern_id}", dependencies=CSRF)
def change_weekly_time(pattern_id: int, form: SlotFormDep, change: ChangeDep) -> Response:
    def update() -> str:
        session = change.session
        done = update_pattern(session, pattern_id, form.pattern(), store_id=change.store.id)
        label = pattern_label(get_pattern(session, pattern_id))
        return " ".join(filter(None, [f"Sparat: {label}.", done.kept_text]))

    return change.run(update, "#patterns")


@router.post("/stores/{store_id}/patterns/{pattern_id}/delete", dependencies=CSRF)
def remove_weekly_time(pattern_id: int, change: ChangeDep) -> Response:
    def remove() -> str:
        done = delete_pattern(change.session, pattern_id, store_id=change.store.id)
        return " ".join(filter(None, ["Veckotiden är borttagen.", done.kept_text]))

    return change.run(remove, "#patterns")
