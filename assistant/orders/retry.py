"""Back-off for the outbox workers: when to try again, and when staff should be told.

An order is handed over at once; should that fail it is tried again after 15 s and 30 s.
After those three quick attempts (about 45 seconds) the order "needs attention": staff see it
on their page and can fix the store's settings, send it again or cancel it. The worker keeps
trying in the background meanwhile (1, 2, 4 … minutes, at most every 30 minutes), so a store
that was only down for a while still gets the order and it becomes "sent" by itself. It stops
trying on its own once the delivery time has begun: a store should not get an order for a
delivery that should already be under way; staff decide then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

QUICK_ATTEMPTS = 3
QUICK_DELAYS = (timedelta(seconds=15), timedelta(seconds=30))
SLOW_BASE = timedelta(minutes=1)
MAX_DELAY = timedelta(minutes=30)


def retry_delay(attempts: int) -> timedelta:
    """The wait after `attempts` failed attempts (1-based)."""
    if attempts <= len(QUICK_DELAYS):
        return QUICK_DELAYS[max(attempts, 1) - 1]
    slow: timedelta = SLOW_BASE * 2 ** (attempts - QUICK_ATTEMPTS)
    return min(slow, MAX_DELAY)


def next_attempt_at(attempts: int, now: datetime) -> datetime:
    return now + retry_delay(attempts)


def needs_staff(attempts: int) -> bool:
    """True once the quick attempts have failed: the order then needs attention."""
    return attempts >= QUICK_ATTEMPTS
