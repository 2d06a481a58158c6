"""Delivery slots: what can be booked, and holding a slot for the basket without overbooking.

Booking holds a place at once (`booked + 1`) with a conditional UPDATE that only succeeds while
the slot has room and is before its cut-off, so two people can never take the last place;
choosing another slot gives the old place back.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.db import changed_rows
from assistant.db.enums import OrderStatus
from assistant.db.models import DeliverySlot, Order
from assistant.orders.basket import Actor, basket_for, record
from assistant.orders.errors import ServiceError
from assistant.orders.slots import SlotRefused, SlotState, as_utc, check_bookable

MAX_SLOTS_SHOWN = 60


def available_slots(
    session: Session, store_id: int, now: datetime | None = None
) -> list[DeliverySlot]:
    """The store's coming slots that still have room and are before their cut-off. Reading
    them writes nothing (pages and the chat read in read-only transactions); the weekly
    patterns' slots are made at start and by the housekeeper (`assistant.housekeeping`)."""
    now = as_utc(now or datetime.now(UTC))
    return list(
        session.scalars(
            select(DeliverySlot)
            .where(
                DeliverySlot.store_id == store_id,
                DeliverySlot.starts_at > now,
                DeliverySlot.cutoff_at > now,
                DeliverySlot.booked < DeliverySlot.capacity,
            )
            .order_by(DeliverySlot.starts_at)
            .limit(MAX_SLOTS_SHOWN)
        )
    )


def slot_state(slot: DeliverySlot) -> SlotState:
    return SlotState(as_utc(slot.starts_at), as_utc(slot.cutoff_at), slot.capacity, slot.booked)


def _take_place(session: Session, slot_id: int, now: datetime) -> bool:
    result = session.execute(
        update(DeliverySlot)
        .where(
            DeliverySlot.id == slot_id,
            DeliverySlot.booked < DeliverySlot.capacity,
            DeliverySlot.cutoff_at > now,
            DeliverySlot.starts_at > now,
        )
        .values(booked=DeliverySlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return changed_rows(result) == 1


def give_back(session: Session, slot_id: int) -> None:
    session.execute(
        update(DeliverySlot)
        .where(DeliverySlot.id == slot_id, DeliverySlot.booked > 0)
        .values(booked=DeliverySlot.booked - 1)
        .execution_options(synchronize_session=False)
    )


def _move_basket(session: Session, basket_id: int, old: int | None, new: int | None) -> bool:
    """Point the basket at `new` only if nobody changed its slot meanwhile."""
    result = session.execute(
        update(Order)
        .where(
            Order.id == basket_id,
            Order.status == OrderStatus.BASKET,
            Order.slot_id.is_(None) if old is None else Order.slot_id == old,
        )
        .values(slot_id=new)
        .execution_options(synchronize_session=False)
    )
    return changed_rows(result) == 1


def book_slot(
    session: Session,
    client_id: int,
    slot_id: int,
    now: datetime | None = None,
    *,
    actor: Actor = "client",
) -> DeliverySlot:
    """Hold `slot_id` for the client's basket (giving back a slot held before).

    Raises SlotRefused (a ServiceError) for an unknown, past, closed or full slot.
    """
    now = as_utc(now or datetime.now(UTC))
    basket = basket_for(session, client_id)
    slot = session.get(DeliverySlot, slot_id) if isinstance(slot_id, int) else None
    if slot is None or slot.store_id != basket.store_id:
        raise SlotRefused("Den leveranstiden finns inte för kundens butik.")
    old = basket.slot_id
    if old == slot.id:
        return slot
    check_bookable(slot_state(slot), now)
    if not _move_basket(session, basket.id, old, slot.id):
        raise ServiceError("Korgen ändrades samtidigt i ett annat fönster. Försök igen.")
    if not _take_place(session, slot.id, now):
        _move_basket(session, basket.id, slot.id, old)  # undo: nothing is left changed
        raise SlotRefused("Den leveranstiden blev just fullbokad. Välj en annan tid.")
    if old is not None:
        give_back(session, old)
    session.expire(basket, ["slot_id", "slot"])
    session.expire(slot, ["booked"])
    if old is not None and (previous := session.get(DeliverySlot, old)) is not None:
        session.expire(previous, ["booked"])
    record(session, basket, actor, "book_slot", slot_id=slot.id, previous=old)
    return slot


def release_slot(session: Session, client_id: int, *, actor: Actor = "client") -> None:
    """Give back the basket's held slot (e.g. when the basket is emptied)."""
    basket = basket_for(session, client_id)
    old = basket.slot_id
    if old is None:
        return
    if not _move_basket(session, basket.id, old, None):
        raise ServiceError("Korgen ändrades samtidigt i ett annat fönster. Försök igen.")
    give_back(session, old)
    session.expire(basket, ["slot_id", "slot"])
    if (previous := session.get(DeliverySlot, old)) is not None:
        session.expire(previous, ["booked"])
    record(session, basket, actor, "release_slot", slot_id=old)
