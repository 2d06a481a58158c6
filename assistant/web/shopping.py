"""The client's basket on the tablet: add a tapped product, change quantity, remove, choose
substitution, book a delivery slot and confirm with a deliberate second tap.

Every change goes through the order service; a refusal (ServiceError) rolls the request's
transaction back and shows the Swedish message on the page, so nothing is written half-way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from assistant.db.models import Client, StaffUser
from assistant.orders.basket import add_item, remove_line, set_quantity, set_substitution
from assistant.orders.booking import book_slot
from assistant.orders.choices import choose, reopen
from assistant.orders.confirm import confirm_order
from assistant.orders.errors import ServiceError
from assistant.orders.receipt import order_receipt
from assistant.orders.status import status_text
from assistant.web.client_page import render_client, see_client
from assistant.web.deps import SessionDep, StaffDep, wake_outbox
from assistant.web.guards import MAX_ID
from assistant.web.notice import saved, take_notice
from assistant.web.security import client_for, require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/clients/{client_id}", dependencies=[Depends(require_csrf)])
MAX_NUMBER_TEXT = 20

BASKET = "#korg"


@dataclass(frozen=True)
class ClientChange:
    """One change to the basket of a client this staff member may see (404 otherwise)."""

    request: Request
    session: Session
    staff: StaffUser
    client: Client

    def run(
        self,
        action: Callable[[], Any],
        anchor: str | Callable[[Any], str] = BASKET,
        *,
        adds: bool = False,
    ) -> Response:
        """Run one service call; redirect, or explain a refusal on the page.

        The redirect lands on `anchor` (or `anchor(result)`): the part of the page the change
        is about, so a tap does not make the page jump away from it. `adds`: the result is a
        line just put in the basket, shown under "Lagt i korgen"."""
        try:
            result = action()
        except ServiceError as refusal:
            self.session.rollback()
            return render_client(
                self.request, self.session, self.staff, self.client, 422, error=refusal.message
            )
        where = anchor(result) if callable(anchor) else anchor
        if adds:
            return saved(self.request, f"/clients/{self.client.id}", "", where, added=[result.id])
        return see_client(self.request, self.client.id, where)


def client_change(
    client_id: int, request: Request, staff: StaffDep, session: SessionDep
) -> ClientChange:
    return ClientChange(request, session, staff, client_for(session, staff, client_id))


ChangeDep = Annotated[ClientChange, Depends(client_change)]


@router.post("/basket")
def add_to_basket(
    product_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    quantity: Annotated[str, Form(max_length=MAX_NUMBER_TEXT)],
    change: ChangeDep,
    spoken_text: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Add a product with a quantity (a card or a + on a line of another page)."""
    return change.run(
        lambda: add_item(
            change.session,
            change.client.id,
            product_id,
            quantity,
            spoken_text=spoken_text,
            actor=change.staff.id,
        ),
        "#sok",
        adds=True,
    )


@router.post("/choices/{line_id}")
def choose_card(
    line_id: int, product_id: Annotated[int, Form(ge=1, le=MAX_ID)], change: ChangeDep
) -> Response:
    """A tapped picture card of an open choice (or of a wish staff settle): that product, for
    the amount the client said. The page lands on the search with "Lagt i korgen" and the
    next open choice below it."""
    return change.run(
        lambda: choose(
            change.session, change.client.id, line_id, product_id, actor=change.staff.id
        ),
        "#sok",
        adds=True,
    )


@router.post("/basket/{line_id}/others")
def show_others(line_id: int, change: ChangeDep) -> Response:
    """ "Nej, visa andra": the next cards of an open choice, or a chosen line back to a choice."""
    return change.run(
        lambda: reopen(change.session, change.client.id, line_id, actor=change.staff.id),
        f"#val-{line_id}",
    )


@router.post("/basket/{line_id}/quantity")
def change_quantity(
    line_id: int, quantity: Annotated[str, Form(max_length=MAX_NUMBER_TEXT)], change: ChangeDep
) -> Response:
    """The − / + buttons post the new quantity (so a double tap does not count twice)."""
    return change.run(
        lambda: set_quantity(
            change.session, change.client.id, line_id, quantity, actor=change.staff.id
        ),
        lambda line: f"#rad-{line.id}" if line else BASKET,
    )


@router.post("/basket/{line_id}/remove")
def remove(
    line_id: int,
    change: ChangeDep,
    back: Annotated[str, Form(pattern="^(korg|sok)$")] = "korg",
) -> Response:
    """A basket line removed, or an open choice or wish skipped ("Hoppa över": `back=sok`)."""
    return change.run(
        lambda: remove_line(change.session, change.client.id, line_id, actor=change.staff.id),
        f"#{back}",
    )


@router.post("/basket/{line_id}/substitution")
def substitution(
    line_id: int, choice: Annotated[str, Form(max_length=20)], change: ChangeDep
) -> Response:
    return change.run(
        lambda: set_substitution(
            change.session, change.client.id, line_id, choice, actor=change.staff.id
        ),
        f"#rad-{line_id}",
    )


@router.post("/slot")
def choose_slot(slot_id: Annotated[int, Form()], change: ChangeDep) -> Response:
    return change.run(
        lambda: book_slot(change.session, change.client.id, slot_id, actor=change.staff.id),
        "#sammanfattning",
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
