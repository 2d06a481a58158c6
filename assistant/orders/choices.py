"""Open questions in the basket: choices the client makes among pictures, and wishes for staff.

Both are basket lines without a product, so the tablet, the chat, the staff queue and a
restarted process all see the same open questions:

- an **open choice** (status "needs_choice") holds the client's words, the amount said and the
  matcher's candidates; a tap or a spoken answer (`choose`) turns it into a product line;
  "hoppa över" removes it (`remove_line`); "visa andra" pages through the candidates;
- a **wish** (status "needs_staff") is something the store does not seem to carry; staff pick
  a product (`choose` again) or remove it. Both block ordering until settled.

A chosen line keeps its candidates, so "inte den, den andra" (`replace_product`) and "Nej,
visa andra" (`reopen`) work after the choice too.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from assistant.db.enums import LineStatus
from assistant.db.models import Order, OrderLine
from assistant.orders.amounts import fit
from assistant.orders.basket import (
    MAX_CANDIDATES,
    MAX_LINES,
    MAX_SPOKEN_TEXT,
    Actor,
    _basket_line,
    _product,
    _said,
    add_item,
    basket_for,
    record,
)
from assistant.orders.errors import ServiceError

CARDS_SHOWN = 4
"""Picture cards shown at once: large enough for an 85-year-old to tell apart on a tablet."""
OPEN = (LineStatus.NEEDS_CHOICE, LineStatus.NEEDS_STAFF)


def open_lines(basket: Order | None, status: str | None = None) -> list[OrderLine]:
    """The basket's open questions in the order they were asked (choices and wishes)."""
    if basket is None:
        return []
    wanted = (status,) if status else OPEN
    return sorted((ln for ln in basket.lines if ln.status in wanted), key=lambda ln: ln.id)


def shown_candidates(line: OrderLine) -> list[int]:
    """The candidates on screen now ("visa andra" moves on by CARDS_SHOWN)."""
    keys = list(line.candidates or [])
    start = line.shown_from if line.shown_from < len(keys) else 0
    return keys[start : start + CARDS_SHOWN]


def _open_line(
    session: Session,
    client_id: int,
    status: str,
    spoken_text: str,
    said_quantity: object,
    said_unit: str | None,
    candidates: list[int],
    reason: str | None,
    actor: Actor,
) -> OrderLine:
    spoken_text = " ".join((spoken_text or "").split())
    if not spoken_text or len(spoken_text) > MAX_SPOKEN_TEXT:
        raise ServiceError("Skriv vad kunden vill ha, högst 500 tecken.")
    basket = basket_for(session, client_id)
    same = next((ln for ln in open_lines(basket, status) if ln.spoken_text == spoken_text), None)
    if same is not None:  # the same words again (a repeated post, "bröd" said twice)
        return same
    if len(basket.lines) >= MAX_LINES:
        raise ServiceError(f"Korgen rymmer högst {MAX_LINES} varor.")
    said = _said(said_quantity) or Decimal(1)
    line = OrderLine(
        spoken_text=spoken_text,
        quantity=said,
        said_quantity=said,
        said_unit=(said_unit or "")[:20] or None,
        candidates=[int(c) for c in candidates][:MAX_CANDIDATES],
        choice_reason=reason,
        status=status,
    )
    basket.lines.append(line)
    session.flush()
    record(session, basket, actor, f"open_{status}", line_id=line.id, spoken_text=spoken_text)
    return line


def open_choice(
    session: Session,
    client_id: int,
    spoken_text: str,
    candidates: list[int],
    *,
    said_quantity: object = 1,
    said_unit: str | None = None,
    reason: str = "kind",
    actor: Actor = "client",
) -> OrderLine:
    """The client must choose among `candidates` (best first) for `spoken_text`."""
    if not candidates:
        raise ServiceError("Det finns inget att välja mellan.")
    return _open_line(session, client_id, LineStatus.NEEDS_CHOICE, spoken_text, said_quantity,
                      said_unit, candidates, reason, actor)  # fmt: skip


def add_wish(
    session: Session,
    client_id: int,
    spoken_text: str,
    *,
    suggestions: list[int] | None = None,
    said_quantity: object = 1,
    said_unit: str | None = None,
    actor: Actor = "client",
) -> OrderLine:
    """Something the client asked for that the store does not seem to carry: a line waiting
    for staff (the staff queue) with the client's words and similar products, if any."""
    return _open_line(session, client_id, LineStatus.NEEDS_STAFF, spoken_text, said_quantity,
                      said_unit, suggestions or [], None, actor)  # fmt: skip


def wish_waiting_text(line: OrderLine) -> str:
    """What the basket and a refused confirmation say about a wish staff have not settled."""
    return f"Personalen behöver välja vara för ”{line.spoken_text or 'en vara'}”."


def choice_waiting_text(line: OrderLine) -> str:
    return f"Välj vilken vara du menar med ”{line.spoken_text or 'en vara'}”."


def choose(
    session: Session,
    client_id: int,
    line_id: int,
    product_id: int,
    *,
    actor: Actor = "client",
) -> OrderLine:
    """Settle an open choice or a wish with `product_id`: the spoken amount becomes packages
    of that product ("två liter" of a 1 l milk is 2), and the open line goes away.

    Choosing again for a line already settled (a second tap, an old card in the chat) is
    refused with a clear message and changes nothing."""
    try:
        basket, line = _basket_line(session, client_id, line_id)
    except ServiceError:
        raise ServiceError("Den varan är redan vald.") from None
    if line.status not in OPEN:
        raise ServiceError("Den varan är redan vald.")
    product = _product(session, basket, product_id)
    amount = fit(product, line.said_quantity or line.quantity, line.said_unit)
    chosen = add_item(
        session,
        client_id,
        product.id,
        amount.quantity,
        spoken_text=line.spoken_text,
        said_quantity=amount.pieces or line.said_quantity,
        said_unit="st" if amount.pieces else line.said_unit,
        candidates=list(line.candidates or []),
        actor=actor,
    )
    basket.lines.remove(line)
    session.flush()
    record(session, basket, actor, "choose", line_id=line_id, product_id=product.id)
    return chosen


def replace_product(
    session: Session, client_id: int, line_id: int, product_id: int, *, actor: Actor = "client"
) -> OrderLine:
    """ "Inte den, den andra": the line's product becomes `product_id`, for the same spoken
    amount; the line keeps its candidates."""
    basket, line = _basket_line(session, client_id, line_id)
    if line.status in OPEN:
        return choose(session, client_id, line_id, product_id, actor=actor)
    if line.product_id == product_id:
        return line
    product = _product(session, basket, product_id)
    said = line.said_quantity or line.quantity
    amount = fit(product, said, line.said_unit)
    candidates = list(line.candidates or [])
    spoken, unit = line.spoken_text, line.said_unit
    basket.lines.remove(line)
    session.flush()
    chosen = add_item(
        session,
        client_id,
        product.id,
        amount.quantity,
        spoken_text=spoken,
        said_quantity=amount.pieces or said,
        said_unit="st" if amount.pieces else unit,
        candidates=candidates,
        actor=actor,
    )
    record(session, basket, actor, "replace_product", line_id=line_id, product_id=product.id)
    return chosen


def reopen(session: Session, client_id: int, line_id: int, *, actor: Actor = "client") -> OrderLine:
    """ "Nej, visa andra": an open choice shows its next cards; a chosen line becomes an open
    choice again among its candidates (the current product last), so nothing is added until
    the client picks."""
    basket, line = _basket_line(session, client_id, line_id)
    if line.status in OPEN:
        keys = list(line.candidates or [])
        line.shown_from = line.shown_from + CARDS_SHOWN
        if line.shown_from >= len(keys):
            line.shown_from = 0
        session.flush()
        return line
    others = [k for k in line.candidates or [] if k != line.product_id]
    if not others:
        raise ServiceError("Det finns inga andra förslag. Skriv eller säg ett annat ord.")
    keys = [*others, *([line.product_id] if line.product_id is not None else [])]
    said = line.said_quantity or line.quantity
    spoken, unit = line.spoken_text or (line.product.name if line.product else ""), line.said_unit
    basket.lines.remove(line)
    session.flush()
    return open_choice(session, client_id, spoken, [k for k in keys if k is not None],
                       said_quantity=said, said_unit=unit, reason="other", actor=actor)  # fmt: skip


def retarget(
    session: Session,
    client_id: int,
    line_id: int,
    spoken_text: str,
    candidates: list[int],
    *,
    actor: Actor = "client",
) -> OrderLine:
    """Staff searched other words for an open line (a wish the store lacked): the line becomes
    a choice among what the new words found, keeping the amount."""
    _, line = _basket_line(session, client_id, line_id)
    if line.status not in OPEN:
        raise ServiceError("Den varan är redan vald.")
    if not candidates:
        raise ServiceError(f"Hittade inget för ”{spoken_text}”. Försök med ett annat ord.")
    line.candidates = [int(c) for c in candidates][:MAX_CANDIDATES]
    line.status, line.choice_reason, line.shown_from = LineStatus.NEEDS_CHOICE, "kind", 0
    session.flush()
    return line
