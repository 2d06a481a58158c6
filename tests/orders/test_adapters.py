import email
import email.policy
import json
import socket

import pytest
from aiosmtpd.controller import Controller

from assistant.adapters import DeliveryFailed, OrderSheet, SheetLine
from assistant.adapters.email import deliver_email
from assistant.adapters.webhook import SIGNATURE_HEADER, deliver_webhook, sign

SHEET = OrderSheet(
    order_id=7,
    client_name="Åsa Öberg",
    address="Storgatan 1, Växjö",
    slot="torsdag 10–12",
    lines=[SheetLine("101", "Mellanmjölk 1,5 l", "2", 2500)],
    fees={"leverans": 5900},
    total=8400,
)


def test_webhook_signed_post(receiver, monkeypatch):
    monkeypatch.setenv("STORE_SECRET", "hemligt")
    deliver_webhook(receiver.url, SHEET, "key-1", "STORE_SECRET")
    ((headers, body),) = receiver.received
    assert headers[SIGNATURE_HEADER] == sign(b"hemligt", body)
    assert headers["Idempotency-Key"] == "key-1"
    assert json.loads(body)["client_name"] == "Åsa Öberg"


def test_webhook_failure_raises(receiver, monkeypatch):
    monkeypatch.setenv("STORE_SECRET", "hemligt")
    receiver.fail = 1
    with pytest.raises(DeliveryFailed, match="503"):
        deliver_webhook(receiver.url, SHEET, "key-1", "STORE_SECRET")
    assert receiver.received == []
    monkeypatch.delenv("STORE_SECRET")
    with pytest.raises(DeliveryFailed, match="saknas"):
        deliver_webhook(receiver.url, SHEET, "key-1", "STORE_SECRET")


def test_email_to_real_smtp_server():
    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        deliver_email("127.0.0.1", port, SHEET, "key-1", "handla@example.se", "butik@example.se")
    finally:
        controller.stop()
    (envelope,) = messages
    msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "Åsa Öberg" in msg["Subject"]
    assert "Mellanmjölk" in msg.get_body(("plain",)).get_content()
    assert "<html" in msg.get_body(("html",)).get_content()
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "bestallning-7.csv"
    assert "Mellanmjölk" in attachment.get_content() and "Totalt" in attachment.get_content()


def test_email_unreachable_server_raises():
    with pytest.raises(DeliveryFailed):
        deliver_email("127.0.0.1", 1, SHEET, "k", "a@example.se", "b@example.se", timeout=2)
