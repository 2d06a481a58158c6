"""The outbox workers: hand confirmed orders to their stores, retry, and ask staff for help.

One hand-off, step by step (each step its own short transaction, nothing held open while the
store is being talked to):

1. Claim: pick a due row (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so parallel workers take
   different rows without waiting on each other) and take it with a conditional UPDATE that
   sets a lease (``leased_until``); on SQLite that UPDATE alone decides between workers. A row
   whose store already has a hand-off under way is left for later, so one slow store holds
   at most one worker (on PostgreSQL an advisory lock per store keeps two claims for the same
   store from passing that check together). In the same transaction an attempt is written ("sending", with the key
   the store will see) and an earlier attempt a crashed worker left "sending" becomes
   "interrupted". Committed before anything is sent.
2. Hand-off, with a total deadline (``Channels.timeout``, shorter than the lease).
3. Finish: the attempt "done" (row "delivered", order "sent") or "failed" (next try per
   ``retry.py``; after the quick attempts the order "needs_attention").

A process killed at any step leaves at worst an attempt "sending" under a lease; when the lease
ends another worker (or the restarted app) sends again under the same key. What the store then
sees, per channel, is in the README ("How a store receives orders").
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Exists,
    SQLColumnExpression,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased, sessionmaker

from assistant.adapters.channels import Channels, StoreTarget
from assistant.db import changed_rows, session_scope
from assistant.db.enums import AttemptState, OutboxStatus
from assistant.db.models import AuditEvent, DeliveryAttempt, Order, OutboxMessage
from assistant.orders.retry import needs_staff, next_attempt_at
from assistant.orders.sheet import DeliveryFailed, OrderSheet
from assistant.orders.slots import as_utc
from assistant.orders.status import OrderStatus

log = logging.getLogger(__name__)
BATCH = 20
WORKERS = 2
CLAIM_TRIES = 5
HOST = socket.gethostname()[:50]


@dataclass(frozen=True, slots=True)
class Claim:
    """A row this worker holds the lease on, and what the hand-off needs."""

    row_id: int
    attempt_id: int
    order_id: int
    attempts: int
    target: StoreTarget
    sheet: OrderSheet
    key: str


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until <= now),
    )


def _store_busy(store_id: SQLColumnExpression[int] | int, now: datetime) -> Exists:
    """Another hand-off to this store is under way (its lease has not ended)."""
    other, other_order = aliased(OutboxMessage), aliased(Order)
    return (
        exists()
        .where(other.order_id == other_order.id)
        .where(other_order.store_id == store_id, other.status == OutboxStatus.PENDING)
        .where(other.leased_until > now)
    )


STORE_LOCKS = 0x48_41  # "HA": the first key of Handla's PostgreSQL advisory locks


def _store_lock(session: Session, store_id: int) -> bool:
    """PostgreSQL: only one claim per store at a time (until the claim commits), so the
    "store busy" check of the next claim sees this one's lease; two claims in READ COMMITTED
    would otherwise both see none. SQLite writes one at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:ns, :store)"),
            {"ns": STORE_LOCKS, "store": store_id},
        )
    )


def _worker_name() -> str:
    return f"{HOST}:{os.getpid()}:{threading.current_thread().name}"[:100]


def claim_next(factory: sessionmaker[Session], now: datetime, channels: Channels) -> Claim | None:
    """Take the next due row (see the module docstring); None when nothing is due."""
    lease_until = now + timedelta(seconds=channels.lease_seconds)
    passed: list[int] = []
    with session_scope(factory) as session:
        for _ in range(CLAIM_TRIES):
            candidate = session.execute(
                select(OutboxMessage.id, Order.store_id)
                .join(Order, Order.id == OutboxMessage.order_id)
                .where(*_due(now), ~_store_busy(Order.store_id, now))
                .where(OutboxMessage.id.not_in(passed))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(1)
                .with_for_update(of=OutboxMessage, skip_locked=True)
            ).first()
            if candidate is None:
                return None
            row_id, store_id = candidate
            if not _store_lock(session, store_id):
                passed.append(row_id)  # another worker is claiming for this store right now
                continue
            taken = changed_rows(
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id, *_due(now), ~_store_busy(store_id, now))
                    .values(attempts=OutboxMessage.attempts + 1, leased_until=lease_until)
                    .execution_options(synchronize_session=False)
                )
            )
            if taken == 1:
                return _start_attempt(session, row_id, now, channels)
            passed.append(row_id)  # another worker was quicker (SQLite)
    return None


def _start_attempt(session: Session, row_id: int, now: datetime, channels: Channels) -> Claim:
    session.execute(
        update(DeliveryAttempt)
        .where(DeliveryAttempt.outbox_id == row_id, DeliveryAttempt.state == AttemptState.SENDING)
        .values(state=AttemptState.INTERRUPTED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    row = session.get(OutboxMessage, row_id, populate_existing=True)
    if row is None:  # claimed in this transaction: it cannot have gone
        raise RuntimeError(f"outbox row {row_id} vanished")
    store = row.order.store
    target = StoreTarget(store.order_channel, store.order_target, store.secret_ref)
    sheet = OrderSheet.from_json(row.payload["sheet"])
    key = str(row.payload["key"])
    attempt = DeliveryAttempt(
        outbox_id=row.id,
        channel=target.channel,
        key=channels.repeat_key(target, sheet, key)[:200],
        state=AttemptState.SENDING,
        worker=_worker_name(),
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    return Claim(row.id, attempt.id, row.order_id, row.attempts, target, sheet, key)


def _audit(session: Session, order_id: int, action: str, **detail: object) -> None:
    session.add(AuditEvent(order_id=order_id, actor="system", action=action, detail=detail))


def _finish_delivered(session: Session, claim: Claim, now: datetime) -> None:
    session.execute(  # the store has it, even if a takeover had marked this attempt
        update(DeliveryAttempt)
        .where(DeliveryAttempt.id == claim.attempt_id)
        .values(state=AttemptState.DONE, finished_at=now, error=None)
        .execution_options(synchronize_session=False)
    )
    delivered = changed_rows(
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claim.row_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(
                status=OutboxStatus.DELIVERED, delivered_at=now, leased_until=None, last_error=None
            )
            .execution_options(synchronize_session=False)
        )
    )
    if not delivered:  # only after a lost lease: staff cancelled it, or another worker won
        status = session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.id == claim.row_id)
        )
        log.warning("outbox row %s: delivered again although %s", claim.row_id, status)
        _audit(session, claim.order_id, "delivered_again", attempts=claim.attempts, was=status)
        return
    session.execute(
        update(Order)
        .where(
            Order.id == claim.order_id,
            Order.status.in_([OrderStatus.CONFIRMED, OrderStatus.NEEDS_ATTENTION]),
        )
        .values(status=OrderStatus.SENT)
        .execution_options(synchronize_session=False)
    )
    _audit(session, claim.order_id, "delivered", attempts=claim.attempts)


def _finish_failed(
    session: Session, claim: Claim, error: str, started: datetime, now: datetime
) -> None:
    still_mine = changed_rows(
        session.execute(
            update(DeliveryAttempt)
            .where(
                DeliveryAttempt.id == claim.attempt_id,
                DeliveryAttempt.state == AttemptState.SENDING,
            )
            .values(state=AttemptState.FAILED, finished_at=now, error=error[:2000])
            .execution_options(synchronize_session=False)
        )
    )
    row = session.get(OutboxMessage, claim.row_id, populate_existing=True)
    if not still_mine or row is None or row.status != OutboxStatus.PENDING:
        return  # another worker took the row over after our lease ended; it decides
    order = row.order
    row.last_error, row.leased_until = error[:2000], None
    retry_at = next_attempt_at(claim.attempts, started)  # counted from the attempt's start
    slot = order.slot
    gives_up = slot is not None and retry_at >= as_utc(slot.starts_at)
    if gives_up:
        row.status = OutboxStatus.FAILED
    else:
        row.next_attempt_at = retry_at
    detail = {"attempts": claim.attempts, "error": error[:500]}
    if (gives_up or needs_staff(claim.attempts)) and order.status == OrderStatus.CONFIRMED:
        order.status = OrderStatus.NEEDS_ATTENTION
        _audit(session, order.id, "needs_attention", **detail, retrying=not gives_up)
    else:
        _audit(session, order.id, "delivery_failed", **detail)


def hand_off_next(
    factory: sessionmaker[Session], now: datetime | None = None, channels: Channels | None = None
) -> bool | None:
    """Claim, hand off and record one due row: True when the store took it, False when the
    attempt failed, None when nothing was due."""
    now = as_utc(now or datetime.now(UTC))
    channels = channels or Channels.from_settings()
    claim = claim_next(factory, now, channels)
    if claim is None:
        return None
    started = time.monotonic()
    error = None
    try:
        channels.deliver(claim.target, claim.sheet, claim.key)
    except DeliveryFailed as failure:
        error = str(failure)
    except Exception as failure:  # a bug in an adapter must not stop the worker
        log.exception("outbox row %s: adapter error", claim.row_id)
        error = f"{type(failure).__name__}: {failure}"
    finished = now + timedelta(seconds=time.monotonic() - started)
    with session_scope(factory) as session:
        if error is None:
            _finish_delivered(session, claim, finished)
        else:
            _finish_failed(session, claim, error, now, finished)
    return error is None


def deliver_pending(
    session_factory: sessionmaker[Session],
    now: datetime | None = None,
    *,
    channels: Channels | None = None,
    limit: int = BATCH,
) -> int:
    """One worker step: hand off due rows one after another (up to `limit`); returns how
    many the stores took."""
    now = as_utc(now or datetime.now(UTC))
    channels = channels or Channels.from_settings()
    delivered = 0
    for _ in range(limit):
        result = hand_off_next(session_factory, now, channels)
        if result is None:
            break
        delivered += result
    return delivered


def resume_outbox(
    session_factory: sessionmaker[Session],
    now: datetime | None = None,
    *,
    channels: Channels | None = None,
) -> int:
    """Deliver everything that is due (orders confirmed before a crash or stop).

    Rows a dead process had claimed become due when their lease ends. Returns how many rows
    are still pending afterwards (waiting for a retry or a lease).
    """
    now = as_utc(now or datetime.now(UTC))
    while deliver_pending(session_factory, now, channels=channels):
        pass
    with session_scope(session_factory, read_only=True) as session:
        waiting = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        )
    return int(waiting or 0)


class OutboxWorker:
    """`workers` daemon threads, each handing off due rows one at a time and, when nothing is
    due, waiting `interval` seconds or until `wake()` (e.g. right after a confirm).

    `stop()` lets a hand-off under way finish (it ends within its deadline), so a SIGTERM in
    the middle of a slow hand-off does not leave it for a resend."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        interval: float = 2.0,
        channels: Channels | None = None,
        workers: int = WORKERS,
    ) -> None:
        self._factory = session_factory
        self._interval = interval
        self._channels = channels or Channels.from_settings()
        self._stopping = threading.Event()
        self._events = [threading.Event() for _ in range(max(workers, 1))]
        self._threads = [
            threading.Thread(
                target=self._run, args=(event,), name=f"handla-outbox-{n}", daemon=True
            )
            for n, event in enumerate(self._events, start=1)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def wake(self) -> None:
        for event in self._events:
            event.set()

    def stop(self, timeout: float = 15) -> None:
        self._stopping.set()
        self.wake()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0))

    def is_alive(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def _run(self, event: threading.Event) -> None:
        while not self._stopping.is_set():
            try:
                handled = hand_off_next(self._factory, channels=self._channels)
            except Exception:  # e.g. the database restarting; try again after a pause
                log.exception("outbox: step failed")
                handled = None
            if handled is None and not self._stopping.is_set():
                event.wait(self._interval)
                event.clear()


def start_outbox_worker(
    session_factory: sessionmaker[Session],
    interval: float = 2.0,
    channels: Channels | None = None,
    workers: int = WORKERS,
) -> OutboxWorker:
    """Start the background workers (they first take what a previous run left)."""
    worker = OutboxWorker(session_factory, interval, channels, workers)
    worker.start()
    return worker
