"""Back-off for the outbox worker: when to try again, and when to give up for staff."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 6
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
NEEDS_ATTENTION = "needs_attention"


def next_attempt_at(attempts: int, now: datetime) -> datetime | None:
    """After `attempts` failed tries: the next try time, or None when it needs staff attention.

    Delays double from 30 s (30 s, 1 min, 2 min, ...) and are capped at one hour.
    """
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)
    return now + delay
