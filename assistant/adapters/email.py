"""E-mail adapter: the order sheet as plain text + HTML with a CSV attachment, over SMTP.

Every attempt for one order has the same Message-ID (from the order id and its idempotency
key), so a repeat after a crash is recognisable as the same order in the store's mail program.
The whole SMTP conversation ends within `timeout` seconds (see `deadline.py`).
"""

from __future__ import annotations

import hashlib
import html
import smtplib
import socket
import threading
from email.message import EmailMessage

from assistant.adapters.deadline import DeadlinePassed, cut_at_deadline, time_left, within
from assistant.orders.sheet import DeliveryFailed, OrderSheet


def message_id(order_id: int, key: str, sender: str = "") -> str:
    """The same order and key give the same id: "<handla.order-7.1f3a…@butik.se>"."""
    domain = sender.rpartition("@")[2].strip("<> ") or "handla"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"<handla.order-{order_id}.{digest}@{domain}>"


def build_message(sheet: OrderSheet, key: str, sender: str, recipient: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"Beställning {sheet.order_id} – {sheet.client_name}, {sheet.slot}"
    msg["From"] = sender
    msg["To"] = recipient
    msg["Message-ID"] = message_id(sheet.order_id, key, sender)
    text = sheet.as_text()
    msg.set_content(text)
    rows = "".join(f"<p>{html.escape(row)}</p>" for row in text.splitlines() if row)
    msg.add_alternative(f'<html lang="sv"><body>{rows}</body></html>', subtype="html")
    msg.add_attachment(
        sheet.as_csv(),
        subtype="csv",
        charset="utf-8",  # declared, so å, ä and ö survive in the store's mail program
        filename=f"bestallning-{sheet.order_id}.csv",
    )
    return msg


class _DeadlineSMTP(smtplib.SMTP):
    """smtplib whose socket is shut down when the thread's deadline passes."""

    def __init__(self) -> None:
        self._timers: list[threading.Timer] = []
        super().__init__()

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # typeshed leaves out smtplib.SMTP._get_socket, the documented hook overridden here
        sock: socket.socket = super()._get_socket(host, port, time_left(timeout))  # type: ignore[misc]
        if timer := cut_at_deadline(sock):
            self._timers.append(timer)
        return sock

    def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        super().close()


def deliver_email(
    host: str,
    port: int,
    sheet: OrderSheet,
    key: str,
    sender: str,
    recipient: str,
    timeout: float = 10,
) -> None:
    message = build_message(sheet, key, sender, recipient)
    with within(timeout):
        smtp = _DeadlineSMTP()
        smtp.timeout = timeout
        try:
            smtp.connect(host, port)
            smtp.send_message(message)
        except (OSError, smtplib.SMTPException, DeadlinePassed) as error:
            smtp.close()
            raise DeliveryFailed(f"E-post till butiken misslyckades: {error}") from error
        try:  # the server has accepted the message: a failed goodbye changes nothing
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            smtp.close()
