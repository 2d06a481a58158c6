"""Pick the store's adapter: one function that hands a sheet to a store by its order channel.

SMTP settings come from the settings (HANDLA_SMTP_HOST / _PORT / _SENDER). The webhook secret is
the environment variable the store's `secret_ref` names.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.adapters.email import deliver_email
from assistant.adapters.sheet import DeliveryFailed, OrderSheet
from assistant.adapters.webhook import deliver_webhook
from assistant.config import Settings, load_settings

ADAPTER_TIMEOUT = 10.0  # seconds a store may take to answer


@dataclass(frozen=True, slots=True)
class StoreTarget:
    """Where a store receives orders (read from the Store row at delivery time)."""

    channel: str  # "webhook" or "email"
    target: str  # URL or e-mail address
    secret_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Channels:
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "handla@localhost"
    timeout: float = ADAPTER_TIMEOUT
    lease_seconds: float = 120
    """A claimed outbox row is left alone this long (a crashed worker's claim then ends);
    longer than `timeout`, so a slow store is never sent the order twice by two workers."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Channels:
        settings = settings or load_settings()
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender,
            lease_seconds=max(settings.outbox_lease_seconds, ADAPTER_TIMEOUT + 1),
        )

    def deliver(self, store: StoreTarget, sheet: OrderSheet, key: str) -> None:
        """Hand the sheet over; raises DeliveryFailed when the store did not take it."""
        if not store.target:
            raise DeliveryFailed("Butiken saknar mottagare för beställningar.")
        if store.channel == "webhook":
            if not store.secret_ref:
                raise DeliveryFailed("Butikens webhook saknar namn på hemligheten.")
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
            raise DeliveryFailed(f"Okänt sätt att skicka beställningar: {store.channel}.")
