"""Pick the store's adapter: one function that hands a sheet to a store by its order channel.

SMTP settings come from the settings (HANDLA_SMTP_HOST / _PORT / _SENDER), the file-drop
folders live under $HANDLA_DATA_DIR/outgoing/. The webhook secret is the environment variable
the store's `secret_ref` names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from assistant.adapters.email import deliver_email, message_id
from assistant.adapters.filedrop import deliver_file, file_stem
from assistant.adapters.webhook import deliver_webhook
from assistant.config import Settings, load_settings
from assistant.orders.sheet import DeliveryFailed, OrderSheet
from assistant.orders.store_channel import channel_problem, outgoing_folder

log = logging.getLogger(__name__)

ADAPTER_TIMEOUT = 10.0  # seconds one whole hand-off may take (connect, send and answer)


@dataclass(frozen=True, slots=True)
class StoreTarget:
    """Where a store receives orders (read from the Store row at delivery time)."""

    channel: str  # "webhook", "email" or "file"
    target: str  # URL, e-mail address or folder name
    secret_ref: str | None = None

    @property
    def order_channel(self) -> str:  # the Store's names, for `channel_problem`
        return self.channel

    @property
    def order_target(self) -> str:
        return self.target


@dataclass(frozen=True, slots=True)
class Channels:
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "handla@localhost"
    timeout: float = ADAPTER_TIMEOUT
    """The total deadline of one hand-off attempt."""
    lease_seconds: float = 120
    """A claimed outbox row is left alone this long (a crashed worker's claim then ends);
    longer than `timeout`, so a slow store is never sent the order twice by two workers."""
    data_dir: Path | None = None
    """File drop writes to data_dir/outgoing/<folder>; None: no file drop."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Channels:
        settings = settings or load_settings()
        lease = max(settings.outbox_lease_seconds, 1.0)
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender,
            timeout=min(ADAPTER_TIMEOUT, lease / 2),  # a short lease (tests) shortens it
            lease_seconds=lease,
            data_dir=settings.data_dir,
        )

    def folder(self, target: str) -> Path:
        if self.data_dir is None:
            raise DeliveryFailed("Ingen mapp för utgående beställningar är inställd.")
        return outgoing_folder(self.data_dir, target)

    def repeat_key(self, store: StoreTarget, sheet: OrderSheet, key: str) -> str:
        """What the store sees on every attempt and can recognise a repeat by: the
        Idempotency-Key (webhook), the Message-ID (e-mail) or the file name (file drop)."""
        if store.channel == "email":
            return message_id(sheet.order_id, key, self.smtp_sender)
        if store.channel == "file":
            return file_stem(sheet.order_id, key)
        return key

    def deliver(self, store: StoreTarget, sheet: OrderSheet, key: str) -> None:
        """Hand the sheet over; raises DeliveryFailed when the store did not take it."""
        if problem := channel_problem(store):
            raise DeliveryFailed(problem)
        if store.channel == "webhook":
            assert store.secret_ref  # checked by channel_problem
            deliver_webhook(store.target, sheet, key, store.secret_ref, timeout=self.timeout)
        elif store.channel == "email":
            deliver_email(
                self.smtp_host,
                self.smtp_port,
                sheet,
                key,
                self.smtp_sender,
                store.target,
                timeout=self.timeout,
            )
        else:
            deliver_file(self.folder(store.target), sheet, key)
        log.info("order %s handed to the store by %s", sheet.order_id, store.channel)
