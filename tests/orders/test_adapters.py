import csv
import email
import email.policy
import io
import json
import socket

import pytest
from aiosmtpd.controller import Controller

from assistant.adapters import DeliveryFailed, OrderSheet, SheetLine
from assistant.adapters.email import build_message, deliver_email, message_id
from assistant.adapters.filedrop import deliver_file
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


def test_csv_cells_that_look_like_formulas_are_shown_as_text():
    sheet = OrderSheet(
        order_id=8,
        client_name="Åsa",
        address="",
        slot="",
        lines=[
            SheetLine('=HYPERLINK("http://evil.example","Klicka")', "+46 mjölk", "1", 100),
            SheetLine("@SUM(A1)", "-2 bröd", "1", 100, substitution="\tfråga"),
            SheetLine("101", "Vanlig vara", "0.5", 100, unit="kg"),
        ],
        total=300,
    )
    rows = list(csv.reader(io.StringIO(sheet.as_csv()), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example","Klicka")', "'+46 mjölk"]
    assert rows[2][0] == "'@SUM(A1)" and rows[2][1] == "'-2 bröd" and rows[2][5] == "'\tfråga"
    assert rows[3][:3] == ["101", "Vanlig vara", "0,5"]


def test_email_message_id_is_the_same_for_every_attempt_of_an_order():
    first = build_message(SHEET, "key-1", "handla@kommun.se", "butik@example.se")
    again = build_message(SHEET, "key-1", "handla@kommun.se", "butik@example.se")
    other = build_message(SHEET, "key-2", "handla@kommun.se", "butik@example.se")
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert first["Message-ID"].startswith("<handla.order-7.")
    assert first["Message-ID"].endswith("@kommun.se>")
    strange = message_id(7, "nyckel med\nradbrytning <och> @", "handla@kommun.se")
    assert "\n" not in strange and strange.count("@") == 1


def test_file_drop_writes_whole_files_and_a_repeat_overwrites_them(tmp_path):
    folder = tmp_path / "outgoing" / "butiken"
    first = deliver_file(folder, SHEET, "key-1")
    (folder / f".{first[0].name}.abc.tmp").write_bytes(b"half a file from a crash")
    again = deliver_file(folder, SHEET, "key-1")
    assert first == again
    assert sorted(p.name for p in folder.iterdir()) == [
        "bestallning-7-key-1.csv",
        "bestallning-7-key-1.pdf",
    ]
    assert folder.stat().st_mode & 0o077 == 0  # names and addresses: the owner only
    assert first[0].read_bytes().startswith(b"%PDF")
    assert "Mellanmjölk" in first[1].read_text(encoding="utf-8-sig")
    odd = deliver_file(folder, SHEET, "chat-nyckel med mellanslag/och snedstreck")
    assert all(p.parent == folder and " " not in p.name for p in odd)
    with pytest.raises(DeliveryFailed, match="mappen"):
        deliver_file(first[0] / "not-a-folder", SHEET, "key-1")
