"""Store adapters: hand a confirmed order to the store (webhook or e-mail).

Each adapter takes an `OrderSheet` and an idempotency key and raises `DeliveryFailed` when the
store did not accept it, so the outbox worker can retry.
"""

from assistant.adapters.sheet import DeliveryFailed, OrderSheet, SheetLine

__all__ = ["DeliveryFailed", "OrderSheet", "SheetLine"]
