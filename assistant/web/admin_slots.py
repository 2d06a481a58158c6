"""Delivery slots for admins: list a store's coming slots and add new ones.

Times are entered in Swedish local time (Europe/Stockholm) and stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import DeliverySlot, StaffUser, Store
from assistant.orders.slots import LOCAL_TZ as LOCAL
from assistant.orders.slots import as_utc, slot_label
from assistant.web.deps import DB_SESSION
from assistant.web.security import require_admin, require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")


def _store(session: Session, store_id: int) -> Store:
    store = session.get(Store, store_id)
    if store is None:
        raise HTTPException(status_code=404, detail="Butiken finns inte.")
    return store


def _page(request: Request, session: Session, staff: StaffUser, store: Store, **extra: object):
    slots = session.scalars(
        select(DeliverySlot)
        .where(DeliverySlot.store_id == store.id, DeliverySlot.ends_at > datetime.now(UTC))
        .order_by(DeliverySlot.starts_at)
    ).all()
    rows = [
        (slot_label(as_utc(s.starts_at), as_utc(s.ends_at)), s.booked, s.capacity) for s in slots
    ]
    return render(request, "admin_slots.html", staff=staff, store=store, rows=rows, **extra)


@router.get("/stores/{store_id}/slots")
def slots(
    store_id: int,
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    return _page(request, session, staff, _store(session, store_id))


@router.post("/stores/{store_id}/slots", dependencies=[Depends(require_csrf)])
def add_slot(
    store_id: int,
    request: Request,
    day: date = Form(),
    start: time = Form(),
    end: time = Form(),
    capacity: int = Form(ge=1, le=1000),
    cutoff_hours: int = Form(ge=0, le=14 * 24),
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    store = _store(session, store_id)
    starts = datetime.combine(day, start, LOCAL).astimezone(UTC)
    ends = datetime.combine(day, end, LOCAL).astimezone(UTC)
    cutoff = starts - timedelta(hours=cutoff_hours)
    error = None
    if ends <= starts:
        error = "Tiden måste sluta efter att den börjar."
    elif cutoff <= datetime.now(UTC):
        error = "Tiden ligger i det förflutna eller efter sista beställningstid."
    if error:
        return _page(request, session, staff, store, status_code=422, error=error)
    session.add(DeliverySlot(store_id=store.id, starts_at=starts, ends_at=ends,
                             capacity=capacity, booked=0, cutoff_at=cutoff))  # fmt: skip
    return RedirectResponse(f"/admin/stores/{store.id}/slots", status_code=303)
