"""A slow store: the whole hand-off has one deadline (a store trickling a byte every few
moments is cut off), and it holds at most one worker while the other stores are served."""

from __future__ import annotations

import pytest
from handoff_support import (
    SECRET_ENV,
    MailStore,
    TricklingServer,
    WebhookStore,
    confirm,
    order_status,
    seed_shop,
    wait_for,
)
from sqlalchemy import select

from assistant.adapters import DeliveryFailed, OrderSheet, SheetLine
from assistant.adapters.channels import Channels
from assistant.adapters.email import deliver_email
from assistant.adapters.webhook import deliver_webhook
from assistant.db import session_scope
from assistant.db.models import DeliveryAttempt, OutboxMessage
from assistant.orders import start_outbox_worker
from assistant.orders.outbox import hand_off_next

SHEET = OrderSheet(7, "Åsa Öberg", "Storgatan 1", "torsdag 10–12",
                   [SheetLine("101", "Mellanmjölk", "2", 2500)], {}, 2500)  # fmt: skip
HTTP_HEADERS = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def test_a_webhook_trickling_its_answer_is_cut_off_at_the_deadline(monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "butikens-hemlighet")
    store = TricklingServer(HTTP_HEADERS, pause=0.3)
    try:
        url = f"http://127.0.0.1:{store.port}/orders"
        with pytest.raises(DeliveryFailed, match="svarar inte"):
            deliver_webhook(url, SHEET, "key-1", SECRET_ENV, timeout=1)
        assert store.hung_up.wait(5)
    finally:
        store.close()
    # a per-read timeout would have listened to all of it (each byte comes well within 1 s)
    assert store.sent < len(HTTP_HEADERS)


def test_an_smtp_server_trickling_its_greeting_is_cut_off_at_the_deadline():
    banner = b"220 butik.example ESMTP redo\r\n"
    server = TricklingServer(banner, pause=0.3, read_first=False)
    try:
        with pytest.raises(DeliveryFailed, match="E-post"):
            deliver_email("127.0.0.1", server.port, SHEET, "key-1", "a@kommun.se", "b@butik.se",
                          timeout=1)  # fmt: skip
        assert server.hung_up.wait(5)
    finally:
        server.close()
    assert server.sent < len(banner)


def test_the_worker_records_a_cut_off_attempt_and_tries_again_later(sessions, tmp_path):
    store = TricklingServer(HTTP_HEADERS, pause=0.3)
    try:
        shop = seed_shop(sessions, f"http://127.0.0.1:{store.port}/orders")
        order_id = confirm(sessions, shop, shop.webhook_store)
        channels = Channels(timeout=1, lease_seconds=5, data_dir=tmp_path)
        assert hand_off_next(sessions, channels=channels) is False
    finally:
        store.close()
    with session_scope(sessions) as s:
        (attempt,) = s.scalars(select(DeliveryAttempt)).all()
        row = s.scalars(select(OutboxMessage)).one()
        assert attempt.state == "failed" and "svarar inte" in attempt.error
        assert (row.status, row.leased_until) == ("pending", None)
    assert order_status(sessions, order_id) == "confirmed"


def test_a_slow_store_holds_one_worker_while_the_others_are_served(sessions, tmp_path):
    slow, mail = WebhookStore(), MailStore()
    worker = None
    try:
        shop = seed_shop(sessions, slow.url, clients_per_store=3)
        slow.hold, slow.take_held = True, True
        slow_orders = [confirm(sessions, shop, shop.webhook_store, n) for n in range(3)]
        mail_order = confirm(sessions, shop, shop.mail_store)
        file_order = confirm(sessions, shop, shop.file_store)
        channels = Channels(smtp_port=mail.port, timeout=20, lease_seconds=40, data_dir=tmp_path)
        worker = start_outbox_worker(sessions, interval=0.05, channels=channels, workers=2)
        assert slow.arrived.wait(20)
        wait_for(lambda: order_status(sessions, mail_order) == "sent", what="the e-mail store")
        wait_for(lambda: order_status(sessions, file_order) == "sent", what="the file store")
        # the slow store is still answering its first order; its other orders wait their turn
        assert not slow.release.is_set() and len(slow.keys) == 1
        assert [order_status(sessions, o) for o in slow_orders] == ["confirmed"] * 3
        with session_scope(sessions) as s:
            states = s.scalars(select(DeliveryAttempt.state).where(
                DeliveryAttempt.channel == "webhook")).all()  # fmt: skip
        assert states == ["sending"]
        slow.release.set()
        for order_id in slow_orders:
            wait_for(lambda o=order_id: order_status(sessions, o) == "sent", what="the slow store")
    finally:
        if worker is not None:
            worker.stop()
        slow.close()
        mail.close()
    assert len(slow.distinct) == len(slow.keys) == 3
    assert len(mail.message_ids) == 1
