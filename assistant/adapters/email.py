"""E-mail adapter: the order sheet as plain text + HTML with a CSV attachment, over SMTP."""

from __future__ import annotations

import html
import smtplib
from email.message import EmailMessage

from assistant.adapters.sheet import DeliveryFailed, OrderSheet


def build_message(sheet: OrderSheet, key: str, sender: str, recipient: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"Beställning {sheet.order_id} – {sheet.client_name}, {sheet.slot}"
    msg["From"] = sender
    msg["To"] = recipient
    msg["Message-ID"] = f"<{key}@handla>"  # same key, same id: lets the store spot a resend
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


def deliver_email(
    host: str,
    port: int,
    sheet: OrderSheet,
    key: str,
    sender: str,
    recipient: str,
    timeout: float = 10,
) -> None:
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            smtp.send_message(build_message(sheet, key, sender, recipient))
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryFailed(f"E-post till butiken misslyckades: {error}") from error
