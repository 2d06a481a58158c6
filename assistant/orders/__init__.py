"""Order service: basket, pricing, delivery slots, confirmation, hand-off and statements.

Called by the web pages and the Rasa actions. Every function takes an open SQLAlchemy
``Session`` and leaves committing to the caller (``with session_scope(factory) as session:``),
except the outbox worker, which takes the session factory and runs its own short transactions.
Refusals raise ``ServiceError`` (or a subclass: ``SlotRefused``, ``PricingError``) whose
``message`` is Swedish and may be shown as is; nothing is changed when one is raised.
``actor`` is a staff user's id (int) or "client".

Basket (one order in status "basket" per client, in the client's store)
- ``basket_for(session, client_id) -> Order``: created on first use; ``order.lines``.
- ``add_item(session, client_id, product_id, quantity, spoken_text="", substitution=None,
  actor="client") -> OrderLine``: quantity int/Decimal/"1,5"; whole 1–99 for pieces,
  0.05–25 for kg items; the same product again adds to its line.
- ``set_quantity(session, client_id, line_id, quantity, actor=...) -> OrderLine | None``
  (0 removes the line), ``remove_line(session, client_id, line_id, actor=...)``,
  ``set_substitution(session, client_id, line_id, "similar" | "none" | "ask", actor=...)``;
  ``SUBSTITUTION_LABELS`` gives the Swedish words.
- ``take_text(session, client_id, text, actor=...) -> Intake``: the one intake for chat, voice
  and touch (see ``intake.py``): clear items go in, open choices and wishes are opened.
- Open questions are lines without a product (``choices.py``): ``open_choice`` (status
  "needs_choice": the client picks among candidates), ``add_wish`` (status "needs_staff": the
  store lacks it; the staff queue); ``choose(session, client_id, line_id, product_id)`` settles
  either; ``reopen`` ("visa andra"), ``replace_product`` ("inte den, den andra"). Both block
  ordering until settled or removed.
- ``price_order(session, order, now=None) -> Breakdown``: ``lines[i]`` (regular, discount,
  total, low/high, approximate, offer label) belongs to ``order.lines[i]``; ``goods``,
  ``discount``, ``fees`` (the fees the client is charged: name in {plock, leverans, faktura}
  -> öre, none of 0), ``total`` (what the client pays), ``low``/``high`` ("ca" range when kg
  items are in it), ``problems`` (Swedish, e.g. how much is missing to the minimum order),
  ``orderable``; ``fee_items`` (every applicable fee: price, amount, payer, waived and why)
  and ``municipality_fees``. The rules are the store's (free-from order values) with the
  client's agreement (who pays picking and delivery, invoice or not): ``fees_for(order)``.
  ``client_fee_rows(fee_items)`` gives the rows the client is shown.
  Format money with ``format_sek(ore)`` -> "1 234,50 kr" (``short=True``: "300 kr").

Slots
- ``available_slots(session, store_id, now=None) -> list[DeliverySlot]`` (room left, before
  cut-off; makes the weekly patterns' missing slots first, at most once an hour per store);
  ``slot_label(starts_at, ends_at)`` -> "torsdag 3/12 10–12".
- ``slot_patterns``: ``ensure_slots(session, store_id=None, now=None, days=14) -> int`` (the
  missing slots of the weekly patterns, idempotent, safe with two writers), ``add_pattern``,
  ``update_pattern``, ``delete_pattern`` (never touch a booked slot), ``add_slot``,
  ``set_slot_capacity`` (never below bookings), ``delete_slot`` (refused when booked).
- ``book_slot(session, client_id, slot_id, now=None, actor=...) -> DeliverySlot``: holds a
  place at once (atomic, never overbooks); choosing another slot gives the old one back.
  ``release_slot(session, client_id, actor=...)``.

Confirmation and hand-off
- ``confirm_order(session, client_id, idempotency_key, actor, now=None,
  expected_total_ore=None) -> Order``: re-prices, refuses an empty basket, a missing or closed
  slot, below the minimum order, a total other than the one shown, or a store whose order
  channel cannot work (see ``channel_problem``); writes status "confirmed", totals (``total_ore`` what the client pays,
  ``municipality_fees_ore``, ``fee_detail``, the client's ``unit``), an audit
  event, purchase history and the outbox row together. The same key again returns the same
  order. Call ``worker.wake()`` afterwards for an immediate hand-off.
- ``channel_problem(store, env=None) -> str | None``: why orders to this store cannot be
  handed over now (no address or URL, a bad folder name, a webhook secret variable that is not
  set), in Swedish, or None. The basket view can call it to warn before confirming.
- ``start_outbox_worker(session_factory, workers=2) -> OutboxWorker`` (threads; ``.wake()``,
  ``.stop()``); ``deliver_pending(session_factory, now=None) -> int`` is one worker step,
  ``resume_outbox`` delivers everything due. Each attempt is recorded (``DeliveryAttempt``)
  before anything is sent; see ``outbox.py`` and ``retry.py``.
- Order states (``status.py``): "confirmed" (waiting for hand-off), "sent" (the store has
  it), "needs_attention" (the quick attempts failed; retrying continues in the background),
  "cancelled". ``ORDER_STATUS_TEXT`` (a sentence for the client) and ``ORDER_STATUS_LABEL``
  (a short label) are the one set of words for them.
- ``retry_order(session, order_id, actor=...)`` tries an order needing attention again;
  ``cancel_order(session, order_id, actor=...)`` cancels one the store has not received and
  gives back its slot place (refused once "sent").

Statement
- ``monthly_statement(session, client_id, year, month) -> Statement`` (orders, lines with
  quantity text, discount and total, the fees the client paid, notes of fees the
  municipality paid, totals); ``monthly_statement_pdf(...) -> bytes``.
- ``fee_report.monthly_fee_report(session, year, month) -> FeeReport`` (the fees the
  municipality pays, per unit, as charged at confirm) and ``fee_report_csv(report)``.
"""

from __future__ import annotations

from assistant.orders.attention import cancel_order, retry_order
from assistant.orders.basket import (
    SUBSTITUTION_LABELS,
    add_item,
    basket_for,
    find_basket,
    price_order,
    remove_line,
    set_quantity,
    set_said_amount,
    set_substitution,
)
from assistant.orders.booking import available_slots, book_slot, release_slot
from assistant.orders.choices import (
    add_wish,
    choose,
    open_choice,
    open_lines,
    reopen,
    replace_product,
)
from assistant.orders.confirm import confirm_order
from assistant.orders.errors import NotFound, ServiceError
from assistant.orders.intake import take_text
from assistant.orders.money import format_sek, to_ore
from assistant.orders.outbox import (
    OutboxWorker,
    deliver_pending,
    resume_outbox,
    start_outbox_worker,
)
from assistant.orders.pricing import Breakdown, PricingError
from assistant.orders.slots import SlotRefused, slot_label
from assistant.orders.statement import monthly_statement, monthly_statement_pdf
from assistant.orders.status import ORDER_STATUS_LABEL, ORDER_STATUS_TEXT, OrderStatus
from assistant.orders.store_channel import channel_problem

__all__ = [
    "ORDER_STATUS_LABEL",
    "ORDER_STATUS_TEXT",
    "SUBSTITUTION_LABELS",
    "Breakdown",
    "NotFound",
    "OrderStatus",
    "OutboxWorker",
    "PricingError",
    "ServiceError",
    "SlotRefused",
    "add_item",
    "add_wish",
    "available_slots",
    "basket_for",
    "book_slot",
    "cancel_order",
    "channel_problem",
    "choose",
    "confirm_order",
    "deliver_pending",
    "find_basket",
    "format_sek",
    "monthly_statement",
    "monthly_statement_pdf",
    "open_choice",
    "open_lines",
    "price_order",
    "release_slot",
    "remove_line",
    "reopen",
    "replace_product",
    "resume_outbox",
    "retry_order",
    "set_quantity",
    "set_said_amount",
    "set_substitution",
    "slot_label",
    "start_outbox_worker",
    "take_text",
    "to_ore",
]
