"""Delivery-slot rules: capacity and cut-off, refused with a clear Swedish message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from assistant.orders.errors import ServiceError


class SlotRefused(ServiceError, ValueError):
    """A slot that cannot be booked; str(error) is the Swedish message for the client."""


@dataclass(frozen=True, slots=True)
class SlotState:
    starts_at: datetime
    cutoff_at: datetime
    capacity: int
    booked: int


def check_bookable(slot: SlotState, now: datetime) -> None:
    if slot.starts_at <= now:
        raise SlotRefused("Den tiden har redan varit. Välj en annan leveranstid.")
    if now >= slot.cutoff_at:
        raise SlotRefused("Det går inte längre att beställa till den tiden. Välj en senare tid.")
    if slot.booked >= slot.capacity:
        raise SlotRefused("Den leveranstiden är fullbokad. Välj en annan tid.")


LOCAL_TZ = ZoneInfo("Europe/Stockholm")
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def clock(t: datetime | time) -> str:
    """10:00 -> "10", 16:30 -> "16.30" (as Swedish times are said and written)."""
    return f"{t.hour}" if t.minute == 0 else f"{t.hour}.{t.minute:02d}"


def slot_label(starts_at: datetime, ends_at: datetime) -> str:
    """'torsdag 3/12 10–12' in Swedish local time."""
    start, end = starts_at.astimezone(LOCAL_TZ), ends_at.astimezone(LOCAL_TZ)
    return f"{WEEKDAYS[start.weekday()]} {start.day}/{start.month} {clock(start)}–{clock(end)}"


def cutoff_label(cutoff_at: datetime) -> str:
    """'onsdag 2/12 kl. 16' in Swedish local time."""
    local = cutoff_at.astimezone(LOCAL_TZ)
    return f"{WEEKDAYS[local.weekday()]} {local.day}/{local.month} kl. {clock(local)}"


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they are stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
