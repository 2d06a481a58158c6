"""The client's basket on the tablet: add a tapped product, change quantity, remove, choose
substitution, book a delivery slot and confirm with a deliberate second tap.

Every change goes through the order service; a refusal (ServiceError) rolls the request's
transaction back and shows the Swedish message on the page, so nothing is written half-way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from assistant.db.models import Order, StaffUser
from assistant.orders.basket import (
    SUBSTITUTION_LABELS,
    add_item,
    display_name,
    remove_line,
    resolve_wish,
    set_quantity,
    set_substitution,
)
from assistant.orders.booking import book_slot
from assistant.orders.confirm import confirm_order
from assistant.orders.errors import ServiceError
from assistant.orders.money import format_sek
from assistant.orders.slots import as_utc, slot_label
from assistant.orders.status import status_text
from assistant.web.basket_view import quantity_text
from assistant.web.client_page import render_client
from assistant.web.deps import DB_SESSION
from assistant.web.security import client_for, current_staff, require_csrf
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
    anchor: str = BASKET,
) -> Response:
    """Run one service call for a client this staff member may see; redirect or explain."""
    client = client_for(session, staff, client_id)
    try:
        action()
    except ServiceError as refusal:
        session.rollback()
        return render_client(request, session, staff, client, 422, error=refusal.message)
    return RedirectResponse(f"/clients/{client.id}{anchor}", status_code=303)


@router.post("/basket")
def add_to_basket(
    client_id: int,
    request: Request,
    product_id: int = Form(),
    quantity: str = Form(max_length=MAX_NUMBER_TEXT),
    spoken_text: str = Form("", max_length=500),
    wish_line: int | None = Form(None),
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    """A tapped picture card: add that product with the spoken quantity (settling the waiting
    wish `wish_line` when staff picked it from the queue)."""
    if wish_line is not None:
        return _change(request, session, staff, client_id, lambda: resolve_wish(
            session, client_id, wish_line, product_id, quantity, actor=staff.id
        ))  # fmt: skip
    return _change(request, session, staff, client_id, lambda: add_item(
        session, client_id, product_id, quantity, spoken_text=spoken_text, actor=staff.id
    ))  # fmt: skip


@router.post("/basket/{line_id}/quantity")
def change_quantity(
    client_id: int,
    line_id: int,
    request: Request,
    quantity: str = Form(max_length=MAX_NUMBER_TEXT),
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    """The − / + buttons post the new quantity (so a double tap does not count twice)."""
    return _change(request, session, staff, client_id, lambda: set_quantity(
        session, client_id, line_id, quantity, actor=staff.id
    ))  # fmt: skip


@router.post("/basket/{line_id}/remove")
def remove(
    client_id: int,
    line_id: int,
    request: Request,
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    return _change(request, session, staff, client_id, lambda: remove_line(
        session, client_id, line_id, actor=staff.id
    ))  # fmt: skip


@router.post("/basket/{line_id}/substitution")
def substitution(
    client_id: int,
    line_id: int,
    request: Request,
    choice: str = Form(max_length=20),
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    return _change(request, session, staff, client_id, lambda: set_substitution(
        session, client_id, line_id, choice, actor=staff.id
    ))  # fmt: skip


@router.post("/slot")
def choose_slot(
    client_id: int,
    request: Request,
    slot_id: int = Form(),
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    return _change(request, session, staff, client_id, lambda: book_slot(
        session, client_id, slot_id, actor=staff.id
    ), anchor="#sammanfattning")  # fmt: skip


@router.post("/confirm")
def confirm(
    client_id: int,
    request: Request,
    idempotency_key: str = Form(min_length=1, max_length=100),
    shown_total: int = Form(ge=0, le=100_000_000),
    armed: str = Form("0", max_length=1),
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
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
    worker = getattr(request.app.state, "outbox_worker", None)
    if worker is not None:
        worker.wake()
    return RedirectResponse(f"/clients/{client.id}/orders/{order.id}", status_code=303)


receipts = APIRouter()


@receipts.get("/clients/{client_id}/orders/{order_id}")
def receipt(
    client_id: int,
    order_id: int,
    request: Request,
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    client = client_for(session, staff, client_id)
    order = session.get(Order, order_id)
    if order is None or order.client_id != client.id or order.status == "basket":
        raise HTTPException(status_code=404, detail="Beställningen finns inte.")
    slot = order.slot
    return render(
        request,
        "receipt.html",
        staff=staff,
        client=client,
        order=order,
        status=status_text(order.status),
        slot=slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at)) if slot else "",
        total=format_sek(order.total_ore),
        lines=[
            (
                display_name(line.product) if line.product else line.spoken_text,
                quantity_text(line.quantity, line.product.sold_by if line.product else "st"),
                SUBSTITUTION_LABELS.get(line.substitution, ""),
            )
            for line in order.lines
        ],
    )
