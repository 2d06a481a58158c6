"""Delivery-slot rules: capacity and cut-off, refused with a clear Swedish message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class SlotRefused(ValueError):
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
