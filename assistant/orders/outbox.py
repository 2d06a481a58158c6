"""The outbox worker: hands confirmed orders to their stores, retries, and asks staff for help.

Each due row is claimed with a conditional UPDATE that also moves `next_attempt_at` a lease
ahead and counts the attempt, so two workers (or two app processes) never send the same row
at once. The hand-off happens outside any transaction (a slow store must not lock the
database); success then marks the row delivered and the order "sent". A process that dies
mid hand-off leaves the row claimed; when the lease ends any worker takes it again. The
store also gets the same `Idempotency-Key` header / Message-ID on every attempt, so the rare
crash after the store answered but before we wrote "delivered" is recognisable on its side.
After the last retry the row is "failed" and the order "needs_attention" for staff.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from assistant.adapters.channels import Channels, StoreTarget
from assistant.adapters.sheet import DeliveryFailed, OrderSheet
from assistant.db import session_scope
from assistant.db.models import AuditEvent, Order, OutboxMessage
from assistant.orders.basket import Actor, actor_text
from assistant.orders.errors import ServiceError
from assistant.orders.retry import NEEDS_ATTENTION, next_attempt_at
from assistant.orders.slots import as_utc

log = logging.getLogger(__name__)
BATCH = 20


def _claim(factory: sessionmaker[Session], row_id: int, now: datetime, lease: timedelta):
    """Take the row if it is still due; returns what the hand-off needs, or None."""
    with session_scope(factory) as session:
        taken = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
            )
            .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            return None
        row = session.get(OutboxMessage, row_id)
        store = row.order.store
        target = StoreTarget(store.order_channel, store.order_target, store.secret_ref)
        sheet = OrderSheet.from_json(row.payload["sheet"])
        return target, sheet, str(row.payload["key"]), row.attempts, row.order_id


def _finish(
    factory: sessionmaker[Session],
    row_id: int,
    order_id: int,
    attempts: int,
    error: str | None,
    now: datetime,
) -> None:
    with session_scope(factory) as session:
        row = session.get(OutboxMessage, row_id)
        order = session.get(Order, order_id)
        if error is None:
            row.status, row.delivered_at, row.last_error = "delivered", now, None
            order.status = "sent"
            action, detail = "delivered", {"attempts": attempts}
        else:
            row.last_error = error[:2000]
            retry_at = next_attempt_at(attempts, now)
            if retry_at is None:
                row.status, order.status = "failed", NEEDS_ATTENTION
                action, detail = NEEDS_ATTENTION, {"attempts": attempts, "error": error[:500]}
            else:
                row.next_attempt_at = retry_at
                action, detail = "delivery_failed", {"attempts": attempts, "error": error[:500]}
        session.add(AuditEvent(order_id=order_id, actor="system", action=action, detail=detail))


def deliver_one(
    factory: sessionmaker[Session], row_id: int, now: datetime, channels: Channels
) -> bool:
    """Claim, hand off and record one outbox row; True when the store took it now."""
    claimed = _claim(factory, row_id, now, timedelta(seconds=channels.lease_seconds))
    if claimed is None:
        return False
    target, sheet, key, attempts, order_id = claimed
    error = None
    try:
        channels.deliver(target, sheet, key)
    except DeliveryFailed as failure:
        error = str(failure)
    except Exception as failure:  # a bug in an adapter must not stop the worker
        log.exception("outbox row %s: adapter error", row_id)
        error = f"{type(failure).__name__}: {failure}"
    _finish(factory, row_id, order_id, attempts, error, now)
    return error is None


def deliver_pending(
    session_factory: sessionmaker[Session],
    now: datetime | None = None,
    *,
    channels: Channels | None = None,
    limit: int = BATCH,
) -> int:
    """One worker step: try every due row (up to `limit`); returns how many were delivered."""
    now = as_utc(now or datetime.now(UTC))
    channels = channels or Channels.from_settings()
    with session_scope(session_factory) as session:
        due = session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
    return sum(deliver_one(session_factory, row_id, now, channels) for row_id in due)


def resume_outbox(
    session_factory: sessionmaker[Session],
    now: datetime | None = None,
    *,
    channels: Channels | None = None,
) -> int:
    """At start: deliver everything that is due (orders confirmed before a crash or stop).

    Rows a dead process had claimed become due when their lease ends. Returns how many rows
    are still pending afterwards (waiting for a retry or a lease).
    """
    now = as_utc(now or datetime.now(UTC))
    while deliver_pending(session_factory, now, channels=channels):
        pass
    with session_scope(session_factory) as session:
        waiting = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
    if waiting:
        log.info("outbox: %s order(s) waiting for a retry", waiting)
    return int(waiting or 0)


def retry_order(session: Session, order_id: int, *, actor: Actor) -> Order:
    """Staff: send an order that needs attention again (after fixing the store's settings)."""
    who = actor_text(actor)
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None or order.status != NEEDS_ATTENTION:
        raise ServiceError("Ordern väntar inte på åtgärd.")
    now = datetime.now(UTC)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.order_id == order.id, OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    order.status = "confirmed"
    session.add(AuditEvent(order_id=order.id, actor=who, action="retry", detail={}))
    session.flush()
    return order


class OutboxWorker(threading.Thread):
    """A daemon thread running `deliver_pending` every `interval` seconds until `stop()`.

    `wake()` (e.g. right after a confirm) runs a step at once instead of waiting.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        interval: float = 2.0,
        channels: Channels | None = None,
    ) -> None:
        super().__init__(name="handla-outbox", daemon=True)
        self._factory = session_factory
        self._interval = interval
        self._channels = channels
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 15) -> None:
        self._stopping.set()
        self._wake.set()
        self.join(timeout)

    def run(self) -> None:
        try:
            resume_outbox(self._factory, channels=self._channels)
        except Exception:
            log.exception("outbox: resume failed; the loop will try again")
        while not self._stopping.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stopping.is_set():
                break
            try:
                deliver_pending(self._factory, channels=self._channels)
            except Exception:  # e.g. the database restarting; try again next round
                log.exception("outbox: step failed")


def start_outbox_worker(
    session_factory: sessionmaker[Session],
    interval: float = 2.0,
    channels: Channels | None = None,
) -> OutboxWorker:
    """Start the background worker (it first resumes what a previous run left)."""
    worker = OutboxWorker(session_factory, interval, channels)
    worker.start()
    return worker
