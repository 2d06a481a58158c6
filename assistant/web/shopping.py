"""The client's basket on the tablet: add a tapped product, change quantity, remove, choose
substitution, book a delivery slot and confirm with a deliberate second tap.

Every change goes through the order service; a refusal (ServiceError) rolls the request's
transaction back and shows the Swedish message on the page, so nothing is written half-way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from assistant.db.models import StaffUser
from assistant.orders.basket import add_item, remove_line, set_quantity, set_substitution
from assistant.orders.booking import book_slot
from assistant.orders.choices import choose, reopen
from assistant.orders.confirm import confirm_order
from assistant.orders.errors import ServiceError
from assistant.orders.receipt import order_receipt
from assistant.orders.status import status_text
from assistant.web.client_page import render_client, see_client
from assistant.web.deps import SessionDep, StaffDep, wake_outbox
from assistant.web.notice import saved, take_notice
from assistant.web.security import client_for, require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/clients/{client_id}", dependencies=[Depends(require_csrf)])
MAX_NUMBER_TEXT = 20
BASKET = "#korg"


def _change(
    request: Request,
    session: Session,
    staff: StaffUser,
    client_id: int,
    action: Callable[[], Any],
    anchor: str | Callable[[Any], str] = BASKET,
    *,
    adds: bool = False,
) -> Response:
    """Run one service call for a client this staff member may see; redirect or explain.

    The redirect lands on `anchor` (or `anchor(result)`): the part of the page the change is
    about, so a tap does not make the page jump away from it. `adds`: the result is a line
    just put in the basket, shown under "Lagt i korgen"."""
    client = client_for(session, staff, client_id)
    try:
        result = action()
    except ServiceError as refusal:
        session.rollback()
        return render_client(request, session, staff, client, 422, error=refusal.message)
    where = anchor(result) if callable(anchor) else anchor
    if adds:
        return saved(request, f"/clients/{client.id}", "", where, added=[result.id])
    return see_client(request, client.id, where)


@router.post("/basket")
def add_to_basket(
    client_id: int,
    request: Request,
    product_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    quantity: Annotated[str, Form(max_length=MAX_NUMBER_TEXT)],
    staff: StaffDep,
    session: SessionDep,
    spoken_text: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Add a product with a quantity (a card or a + on a line of another page)."""
    return _change(
        request,
        session,
        staff,
        client_id,
        lambda: add_item(
            session, client_id, product_id, quantity, spoken_text=spoken_text, actor=staff.id
        ),
        anchor="#sok",
        adds=True,
    )


@router.post("/choices/{line_id}")
def choose_card(
    client_id: int,
    line_id: int,
    request: Request,
    product_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    """A tapped picture card of an open choice (or of a wish staff settle): that product, for
    the amount the client said. The page lands on the search with "Lagt i korgen" and the
    next open choice below it."""
    return _change(
        request,
        session,
        staff,
        client_id,
        lambda: choose(session, client_id, line_id, product_id, actor=staff.id),
        anchor="#sok",
        adds=True,
    )


@router.post("/basket/{line_id}/others")
def show_others(
    client_id: int,
    line_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    """ "Nej, visa andra": the next cards of an open choice, or a chosen line back to a choice."""
    return _change(
        request,
        session,
        staff,
        client_id,
        lambda: reopen(session, client_id, line_id, actor=staff.id),
        anchor=f"#val-{line_id}",
    )


@router.post("/basket/{line_id}/quantity")
def change_quantity(
    client_id: int,
    line_id: int,
    request: Request,
    quantity: Annotated[str, Form(max_length=MAX_NUMBER_TEXT)],
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    """The − / + buttons post the new quantity (so a double tap does not count twice)."""
    return _change(
        request,
        session,
        staff,
        client_id,
        lambda: set_quantity(session, client_id, line_id, quantity, actor=staff.id),
        anchor=lambda line: f"#rad-{line.id}" if line else BASKET,
    )


@router.post("/basket/{line_id}/remove")
def remove(
    client_id: int,
    line_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
    back: Annotated[str, Form(pattern="^(korg|sok)$")] = "korg",
) -> Response:
    """A basket line removed, or an open choice or wish skipped ("Hoppa över": `back=sok`)."""
    return _change(
        request,
        session,
        staff,
        client_id,
        lambda: remove_line(session, client_id, line_id, actor=staff.id),
        anchor=f"#{back}",
    )


@router.post("/basket/{line_id}/substitution")
def substitution(
    client_id: int,
    line_id: int,
    request: Request,
    choice: Annotated[str, Form(max_length=20)],
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    return _change(
        request,
        session,
        staff,
        client_id,
        lambda: set_substitution(session, client_id, line_id, choice, actor=staff.id),
        anchor=f"#rad-{line_id}",
    )


@router.post("/slot")
def choose_slot(
    client_id: int,
    request: Request,
    slot_id: Annotated[int, Form()],
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    return _change(
        request,
        session,
        staff,
        client_id,
        lambda: book_slot(session, client_id, slot_id, actor=staff.id),
        anchor="#sammanfattning",
    )


@router.post("/confirm")
def confirm(
    client_id: int,
    request: Request,
    idempotency_key: Annotated[str, Form(min_length=1, max_length=100)],
    shown_total: Annotated[int, Form(ge=0, le=100_000_000)],
    staff: StaffDep,
    session: SessionDep,
    armed: Annotated[str, Form(max_length=1)] = "0",
) -> Response:
    """Place the order. The first tap only arms the button (without JavaScript, the server
    shows the armed button); the key from the shown summary makes a repeat the same order."""
    client = client_for(session, staff, client_id)
    if armed != "1":
        return render_client(request, session, staff, client, armed_key=idempotency_key)
    try:
        order = confirm_order(
            session, client.id, idempotency_key, staff.id, expected_total_ore=shown_total
        )
    except ServiceError as refusal:
        session.rollback()
        return render_client(request, session, staff, client, 422, error=refusal.message)
    session.commit()  # the outbox row must be visible before the worker is woken
    wake_outbox(request)
    return saved(request, f"/clients/{client.id}/orders/{order.id}", "Tack!")


receipts = APIRouter()


@receipts.get("/clients/{client_id}/orders/{order_id}")
def receipt(
    client_id: int,
    order_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    client = client_for(session, staff, client_id)
    try:
        shown = order_receipt(session, client.id, order_id)
    except ServiceError:
        raise HTTPException(status_code=404, detail="Beställningen finns inte.") from None
    return render(
        request,
        "receipt.html",
        staff=staff,
        client=client,
        receipt=shown,
        status=status_text(shown.status),
        thanks=take_notice(request),
    )
