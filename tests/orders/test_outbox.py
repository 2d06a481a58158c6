"""Hand-off through the outbox to a real webhook receiver and a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from assistant.adapters.channels import Channels
from assistant.adapters.webhook import SIGNATURE_HEADER, sign
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import AuditEvent, Order, OutboxMessage, Store
from assistant.orders import (
    ServiceError,
    add_item,
    book_slot,
    confirm_order,
    deliver_pending,
    resume_outbox,
    retry_order,
    start_outbox_worker,
)
from assistant.orders.retry import MAX_ATTEMPTS

CHANNELS = Channels(timeout=5)


def confirmed(sessions, shop, key: str = "key-1") -> int:
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.milk, 4)
        book_slot(s, shop.client, shop.slot, shop.now)
        return confirm_order(s, shop.client, key, shop.staff, shop.now).id


def state(sessions, order_id: int) -> tuple[str, str, int]:
    with session_scope(sessions) as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order_id)).one()
        return s.get(Order, order_id).status, row.status, row.attempts


def test_receiver_failing_twice_then_ok_gets_the_order_exactly_once(
    sessions, webhook_shop, receiver
):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    receiver.fail = 2
    now = shop.now
    assert deliver_pending(sessions, now, channels=CHANNELS) == 0
    assert (
        deliver_pending(sessions, now + timedelta(seconds=10), channels=CHANNELS) == 0
    )  # backing off
    assert deliver_pending(sessions, now + timedelta(seconds=31), channels=CHANNELS) == 0
    assert state(sessions, order_id) == ("confirmed", "pending", 2)
    assert deliver_pending(sessions, now + timedelta(seconds=92), channels=CHANNELS) == 1
    for minutes in (5, 60, 600):
        assert deliver_pending(sessions, now + timedelta(minutes=minutes), channels=CHANNELS) == 0
    assert receiver.attempts == 3
    ((headers, body),) = receiver.received
    assert headers[SIGNATURE_HEADER] == sign(b"hemligt", body)
    assert headers["Idempotency-Key"] == "key-1"
    sheet = json.loads(body)
    assert sheet["order_id"] == order_id and sheet["client_name"] == "Åsa Öberg"
    assert sheet["total"] == 5000 + 12700
    assert state(sessions, order_id) == ("sent", "delivered", 3)
    with session_scope(sessions) as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "system")).all()
    assert actions == ["delivery_failed", "delivery_failed", "delivered"]


def test_after_the_last_retry_staff_see_needs_attention_and_can_retry(
    sessions, webhook_shop, receiver
):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    receiver.fail = 100
    when = shop.now
    for _ in range(MAX_ATTEMPTS):
        deliver_pending(sessions, when, channels=CHANNELS)
        when += timedelta(hours=2)
    assert state(sessions, order_id) == ("needs_attention", "failed", MAX_ATTEMPTS)
    with session_scope(sessions) as s:
        row = s.scalars(select(OutboxMessage)).one()
        assert "503" in row.last_error
    assert deliver_pending(sessions, when + timedelta(days=1), channels=CHANNELS) == 0
    with pytest.raises(ServiceError), session_scope(sessions) as s:
        retry_order(s, 999999, actor=shop.staff)
    receiver.fail = 0
    with session_scope(sessions) as s:
        retry_order(s, order_id, actor=shop.staff)
    assert deliver_pending(sessions, channels=CHANNELS) == 1  # retry is due now (real time)
    assert state(sessions, order_id)[:2] == ("sent", "delivered")
    assert len(receiver.received) == 1


def test_crash_between_confirm_and_hand_off_is_resumed_at_start(
    migrated_url, sessions, webhook_shop, receiver
):
    order_id = confirmed(sessions, webhook_shop)
    sessions.kw["bind"].dispose()  # the app process dies here; nothing was handed off
    engine = make_engine(migrated_url)  # ... and starts again
    restarted = make_sessionmaker(engine)
    try:
        assert resume_outbox(restarted, webhook_shop.now, channels=CHANNELS) == 0
        assert resume_outbox(restarted, webhook_shop.now, channels=CHANNELS) == 0
    finally:
        engine.dispose()
    assert len(receiver.received) == 1
    assert state(sessions, order_id)[:2] == ("sent", "delivered")


class Crash(BaseException):
    """Stands in for the process being killed in the middle of a hand-off."""


class CrashingChannels(Channels):
    def deliver(self, store, sheet, key):  # noqa: ANN001
        raise Crash


def test_crash_during_hand_off_is_taken_again_after_the_lease(sessions, webhook_shop, receiver):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    with pytest.raises(Crash):
        deliver_pending(sessions, shop.now, channels=CrashingChannels())
    assert state(sessions, order_id) == ("confirmed", "pending", 1)
    # Another worker meanwhile must leave the claimed row alone ...
    assert resume_outbox(sessions, shop.now + timedelta(seconds=5), channels=CHANNELS) == 1
    assert receiver.received == []
    # ... until the dead worker's lease has run out.
    lease = timedelta(seconds=CHANNELS.lease_seconds)
    assert resume_outbox(sessions, shop.now + lease, channels=CHANNELS) == 0
    assert len(receiver.received) == 1
    assert state(sessions, order_id) == ("sent", "delivered", 2)


def test_background_worker_hands_off_and_stops(sessions, webhook_shop, receiver):
    order_id = confirmed(sessions, webhook_shop)
    with session_scope(sessions) as s:  # due for the real clock, whatever day the tests run
        s.scalars(select(OutboxMessage)).one().next_attempt_at = datetime.now(UTC)
    worker = start_outbox_worker(sessions, interval=0.05, channels=CHANNELS)
    try:
        worker.wake()
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert not worker.is_alive()
    assert len(receiver.received) == 1
    assert state(sessions, order_id)[:2] == ("sent", "delivered")


def test_email_store_gets_the_order_sheet_over_real_smtp(sessions, shop):
    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
            messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with session_scope(sessions) as s:
        store = s.get(Store, shop.store)
        store.order_channel, store.order_target = "email", "order@willys.example"
    order_id = confirmed(sessions, shop)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        channels = Channels(smtp_host="127.0.0.1", smtp_port=port, smtp_sender="handla@example.se")
        assert deliver_pending(sessions, shop.now, channels=channels) == 1
        assert deliver_pending(sessions, shop.now + timedelta(hours=1), channels=channels) == 0
    finally:
        controller.stop()
    (envelope,) = messages
    assert envelope.rcpt_tos == ["order@willys.example"]
    msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert f"Beställning {order_id}" in msg["Subject"]
    assert msg["Message-ID"] == "<key-1@handla>"
    text = msg.get_body(("plain",)).get_content()
    assert "4 st Mellanmjölk 1,5 l" in text and "2 för 25\xa0kr" in text
    (attachment,) = list(msg.iter_attachments())
    assert "Mellanmjölk" in attachment.get_content()
    assert state(sessions, order_id)[:2] == ("sent", "delivered")
