"""Hand-off through the outbox to a real webhook receiver, a real SMTP server and a folder:
attempts, back-off, escalation to staff, retry and cancel."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.adapters.channels import Channels
from assistant.adapters.email import message_id
from assistant.adapters.webhook import SIGNATURE_HEADER, sign
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import (
    AuditEvent,
    DeliveryAttempt,
    DeliverySlot,
    Order,
    OutboxMessage,
    Store,
)
from assistant.orders import (
    ServiceError,
    add_item,
    book_slot,
    cancel_order,
    confirm_order,
    deliver_pending,
    resume_outbox,
    retry_order,
    start_outbox_worker,
)
from assistant.orders.outbox import claim_next

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


def attempts(sessions) -> list[tuple[str, str]]:
    with session_scope(sessions) as s:
        rows = s.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).all()
        return [(a.state, a.key) for a in rows]


def system_actions(sessions) -> list[str]:
    with session_scope(sessions) as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "system")))


def test_receiver_failing_twice_then_ok_gets_the_order_exactly_once(
    sessions, webhook_shop, receiver
):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    receiver.fail = 2
    now = shop.now
    assert deliver_pending(sessions, now, channels=CHANNELS) == 0
    assert deliver_pending(sessions, now + timedelta(seconds=10), channels=CHANNELS) == 0
    assert receiver.attempts == 1  # backing off
    assert deliver_pending(sessions, now + timedelta(seconds=15), channels=CHANNELS) == 0
    assert state(sessions, order_id) == ("confirmed", "pending", 2)
    assert deliver_pending(sessions, now + timedelta(seconds=45), channels=CHANNELS) == 1
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
    assert attempts(sessions) == [("failed", "key-1"), ("failed", "key-1"), ("done", "key-1")]
    assert system_actions(sessions) == ["delivery_failed", "delivery_failed", "delivered"]


def test_three_quick_failures_need_attention_and_the_worker_keeps_trying(
    sessions, webhook_shop, receiver
):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    receiver.fail = 100
    for seconds in (0, 15, 45):  # the quick attempts: within about a minute
        deliver_pending(sessions, shop.now + timedelta(seconds=seconds), channels=CHANNELS)
    assert state(sessions, order_id) == ("needs_attention", "pending", 3)
    with session_scope(sessions) as s:
        assert "503" in s.scalars(select(OutboxMessage)).one().last_error
    deliver_pending(sessions, shop.now + timedelta(seconds=105), channels=CHANNELS)
    assert state(sessions, order_id) == ("needs_attention", "pending", 4)
    receiver.fail = 0  # the store is back: the background retry delivers by itself
    assert deliver_pending(sessions, shop.now + timedelta(minutes=4), channels=CHANNELS) == 1
    assert state(sessions, order_id) == ("sent", "delivered", 5)
    assert system_actions(sessions) == [
        "delivery_failed",
        "delivery_failed",
        "needs_attention",
        "delivery_failed",
        "delivered",
    ]
    assert len(receiver.received) == 1


def test_retrying_stops_when_the_delivery_time_begins_and_staff_can_send_again(
    sessions, webhook_shop, receiver
):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    receiver.fail = 100
    with session_scope(sessions) as s:
        starts = s.get(DeliverySlot, shop.slot).starts_at.replace(tzinfo=UTC)
    deliver_pending(sessions, shop.now, channels=CHANNELS)
    deliver_pending(sessions, starts - timedelta(seconds=5), channels=CHANNELS)
    assert state(sessions, order_id) == ("needs_attention", "failed", 2)
    assert deliver_pending(sessions, starts + timedelta(days=1), channels=CHANNELS) == 0
    assert receiver.attempts == 2
    with pytest.raises(ServiceError, match="väntar inte"), session_scope(sessions) as s:
        retry_order(s, 999999, actor=shop.staff)
    receiver.fail = 0
    with session_scope(sessions) as s:
        retry_order(s, order_id, actor=shop.staff)
    assert state(sessions, order_id) == ("confirmed", "pending", 0)
    assert deliver_pending(sessions, channels=CHANNELS) == 1  # due now (real time)
    assert state(sessions, order_id)[:2] == ("sent", "delivered")
    assert len(receiver.received) == 1
    with pytest.raises(ServiceError, match="väntar inte"), session_scope(sessions) as s:
        retry_order(s, order_id, actor=shop.staff)


def booked(sessions, slot_id: int) -> int:
    with session_scope(sessions) as s:
        return s.get(DeliverySlot, slot_id).booked


def test_cancel_frees_the_slot_stops_the_hand_off_and_is_refused_once_sent(
    sessions, webhook_shop, receiver
):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    assert booked(sessions, shop.slot) == 1
    receiver.fail = 100
    for seconds in (0, 15, 45):
        deliver_pending(sessions, shop.now + timedelta(seconds=seconds), channels=CHANNELS)
    with session_scope(sessions) as s:
        order = cancel_order(s, order_id, actor=shop.staff, now=shop.now + timedelta(minutes=1))
        assert order.status == "cancelled"
    assert state(sessions, order_id)[:2] == ("cancelled", "cancelled")
    assert booked(sessions, shop.slot) == 0
    receiver.fail = 0
    assert deliver_pending(sessions, shop.now + timedelta(hours=1), channels=CHANNELS) == 0
    assert receiver.received == []
    with session_scope(sessions) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "cancelled")).one()
        assert (event.actor, event.detail["previous"]) == (str(shop.staff), "needs_attention")
    with pytest.raises(ServiceError, match="redan avbruten"), session_scope(sessions) as s:
        cancel_order(s, order_id, actor=shop.staff)
    assert booked(sessions, shop.slot) == 0  # a second cancel gives nothing back twice

    with session_scope(sessions) as s:  # an order the store has is not cancelled here
        add_item(s, shop.other_client, shop.bread, 3)
        book_slot(s, shop.other_client, shop.slot, shop.now)
        sent_id = confirm_order(s, shop.other_client, "key-2", shop.staff, shop.now).id
    assert deliver_pending(sessions, shop.now, channels=CHANNELS) == 1
    with pytest.raises(ServiceError, match="redan fått"), session_scope(sessions) as s:
        cancel_order(s, sent_id, actor=shop.staff)
    assert state(sessions, sent_id)[0] == "sent" and booked(sessions, shop.slot) == 1
    with pytest.raises(ServiceError, match="finns inte"), session_scope(sessions) as s:
        cancel_order(s, 999999, actor=shop.staff)


def test_cancel_waits_for_a_hand_off_under_way(sessions, webhook_shop):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    claim = claim_next(sessions, shop.now, CHANNELS)  # a worker is talking to the store now
    assert claim is not None and claim.order_id == order_id
    with pytest.raises(ServiceError, match="just nu"), session_scope(sessions) as s:
        cancel_order(s, order_id, actor=shop.staff, now=shop.now)
    assert state(sessions, order_id)[:2] == ("confirmed", "pending")
    assert booked(sessions, shop.slot) == 1
    later = shop.now + timedelta(seconds=CHANNELS.lease_seconds)  # that worker died
    with session_scope(sessions) as s:
        cancel_order(s, order_id, actor=shop.staff, now=later)
    assert state(sessions, order_id)[:2] == ("cancelled", "cancelled")


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
    """Stands in for the process being killed in the middle of a hand-off (the real kill -9 is
    in tests/reliability)."""


class CrashingChannels(Channels):
    def deliver(self, store, sheet, key):  # noqa: ANN001
        raise Crash


def test_crash_during_hand_off_is_taken_again_after_the_lease(sessions, webhook_shop, receiver):
    shop = webhook_shop
    order_id = confirmed(sessions, shop)
    with pytest.raises(Crash):
        deliver_pending(sessions, shop.now, channels=CrashingChannels())
    assert state(sessions, order_id) == ("confirmed", "pending", 1)
    assert attempts(sessions) == [("sending", "key-1")]  # written before the hand-off
    # Another worker meanwhile must leave the claimed row alone ...
    assert resume_outbox(sessions, shop.now + timedelta(seconds=5), channels=CHANNELS) == 1
    assert receiver.received == []
    # ... until the dead worker's lease has run out; then it sends under the same key.
    lease = timedelta(seconds=CHANNELS.lease_seconds)
    assert resume_outbox(sessions, shop.now + lease, channels=CHANNELS) == 0
    assert len(receiver.received) == 1
    assert state(sessions, order_id) == ("sent", "delivered", 2)
    assert attempts(sessions) == [("interrupted", "key-1"), ("done", "key-1")]


def test_background_workers_hand_off_and_stop(sessions, webhook_shop, receiver):
    order_id = confirmed(sessions, webhook_shop)
    with session_scope(sessions) as s:  # due for the real clock, whatever day the tests run
        s.scalars(select(OutboxMessage)).one().next_attempt_at = datetime.now(UTC)
    worker = start_outbox_worker(sessions, interval=0.05, channels=CHANNELS, workers=3)
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


def test_email_store_gets_the_order_sheet_over_real_smtp(sessions, shop, mail_server):
    with session_scope(sessions) as s:
        store = s.get(Store, shop.store)
        store.order_channel, store.order_target = "email", "order@willys.example"
    order_id = confirmed(sessions, shop)
    mail_server.fail = 1
    channels = Channels(smtp_host="127.0.0.1", smtp_port=mail_server.port,
                        smtp_sender="handla@example.se")  # fmt: skip
    assert deliver_pending(sessions, shop.now, channels=channels) == 0
    assert deliver_pending(sessions, shop.now + timedelta(seconds=15), channels=channels) == 1
    assert deliver_pending(sessions, shop.now + timedelta(hours=1), channels=channels) == 0
    expected_id = message_id(order_id, "key-1", "handla@example.se")
    assert mail_server.seen == [expected_id, expected_id]  # the repeat is recognisable
    (msg,) = mail_server.accepted
    assert mail_server.recipients == [["order@willys.example"]]
    assert f"Beställning {order_id}" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    assert "4 st Mellanmjölk 1,5 l" in text and "2 för 25\xa0kr" in text
    (attachment,) = list(msg.iter_attachments())
    assert "Mellanmjölk" in attachment.get_content()
    assert state(sessions, order_id)[:2] == ("sent", "delivered")
    assert [key for _, key in attempts(sessions)] == [expected_id, expected_id]


def test_file_drop_store_gets_csv_and_pdf_in_its_folder(sessions, shop, tmp_path):
    with session_scope(sessions) as s:
        store = s.get(Store, shop.store)
        store.order_channel, store.order_target, store.secret_ref = "file", "willys-vaxjo", None
    order_id = confirmed(sessions, shop)
    channels = Channels(data_dir=tmp_path)
    assert deliver_pending(sessions, shop.now, channels=channels) == 1
    folder = tmp_path / "outgoing" / "willys-vaxjo"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"bestallning-{order_id}-key-1.csv", f"bestallning-{order_id}-key-1.pdf"]
    csv_text = (folder / names[0]).read_text(encoding="utf-8-sig")
    assert "Mellanmjölk 1,5 l" in csv_text and "Totalt" in csv_text
    assert (folder / names[1]).read_bytes().startswith(b"%PDF")
    assert state(sessions, order_id)[:2] == ("sent", "delivered")
    assert attempts(sessions) == [("done", f"bestallning-{order_id}-key-1")]
