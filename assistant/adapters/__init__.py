"""Store adapters: hand a confirmed order to the store (webhook, e-mail or file drop).

Each adapter takes an `OrderSheet` and an idempotency key and raises `DeliveryFailed` when the
store did not accept it, so the outbox worker can retry; `channels.Channels` picks the adapter
and bounds each hand-off by one deadline (`deadline.py`).
"""

from assistant.orders.sheet import DeliveryFailed, OrderSheet, SheetLine

__all__ = ["DeliveryFailed", "OrderSheet", "SheetLine"]
