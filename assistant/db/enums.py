"""The states stored in the database, as StrEnums, and the column type that stores them.

The CHECK constraints of the tables are built from these enums (see models.py), so the code
and the database agree on every value. A member is stored as its value: psycopg 3 would write
a Python Enum bound as is by its *name* ("CONFIRMED"), so `EnumText` binds `.value` and reads
the member back.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Dialect, String
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


class OrderStatus(StrEnum):
    """An order's state (the words for each are in assistant.orders.status)."""

    BASKET = "basket"
    CONFIRMED = "confirmed"
    SENT = "sent"
    NEEDS_ATTENTION = "needs_attention"
    CANCELLED = "cancelled"

    ALL: ClassVar[tuple[OrderStatus, ...]]


OrderStatus.ALL = tuple(OrderStatus)


class LineStatus(StrEnum):
    """A product line; a wish staff must settle (no product); an open choice among candidates."""

    OK = "ok"
    NEEDS_STAFF = "needs_staff"
    NEEDS_CHOICE = "needs_choice"


class OutboxStatus(StrEnum):
    """An outbox row: waiting or being handed over; handed over; retries stopped; cancelled."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class AttemptState(StrEnum):
    """One hand-off attempt (see DeliveryAttempt)."""

    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class StaffRole(StrEnum):
    STAFF = "staff"
    ADMIN = "admin"


class EnumText(TypeDecorator[E], Generic[E]):
    """A VARCHAR column holding a StrEnum's values; reads give the member back."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 20) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(value.value if isinstance(value, StrEnum) else value)  # CHECK judges it

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)

    def copy(self, **kw: Any) -> EnumText[E]:
        return EnumText(self.enum, self.length)
