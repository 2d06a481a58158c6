"""An order's states and the one set of Swedish words for them (receipt, chat, statement and
staff pages all say the same thing).

- ``confirmed``: the client has ordered; the order waits to be handed to the store.
- ``sent``: the store has it (its webhook answered 2xx, its mail server accepted the e-mail,
  or the order sheet is in its folder).
- ``needs_attention``: the first quick attempts failed; staff should act (the worker keeps
  trying in the background, see ``retry.py``).
- ``cancelled``: staff cancelled it before the store had it.
"""

from __future__ import annotations

from assistant.db.enums import OrderStatus

__all__ = ["ORDER_STATUS_LABEL", "ORDER_STATUS_TEXT", "OrderStatus", "status_label", "status_text"]


ORDER_STATUS_TEXT: dict[str, str] = {
    OrderStatus.BASKET: "Beställningen är inte skickad än.",
    OrderStatus.CONFIRMED: "Beställningen är bekräftad och väntar på att lämnas till butiken.",
    OrderStatus.SENT: "Beställningen är skickad till butiken.",
    OrderStatus.NEEDS_ATTENTION: (
        "Butiken har inte tagit emot beställningen än. Personalen åtgärdar det."
    ),
    OrderStatus.CANCELLED: "Beställningen är avbruten.",
}
"""A sentence for the client: the receipt and the chat."""

ORDER_STATUS_LABEL: dict[str, str] = {
    OrderStatus.BASKET: "I korgen",
    OrderStatus.CONFIRMED: "Väntar på att lämnas till butiken",
    OrderStatus.SENT: "Skickad till butiken",
    OrderStatus.NEEDS_ATTENTION: "Behöver åtgärd",
    OrderStatus.CANCELLED: "Avbruten",
}
"""A short label: the statement and the staff pages."""


def status_text(status: str) -> str:
    return ORDER_STATUS_TEXT.get(status, status)


def status_label(status: str) -> str:
    return ORDER_STATUS_LABEL.get(status, status)
