"""Login, logout, the staff client list and the client page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from assistant.db.models import StaffUser
from assistant.orders.basket import add_wish
from assistant.orders.errors import ServiceError
from assistant.web.cards import product_cards
from assistant.web.client_page import render_client
from assistant.web.deps import DB_SESSION
from assistant.web.matching import MAX_ITEM_TEXT, match_item, purchase_prior, store_index
from assistant.web.security import (
    authenticate,
    client_address,
    client_for,
    current_staff,
    log_in,
    log_out,
    login_wait,
    record_login_failure,
    require_csrf,
    visible_clients,
    wait_message,
)
from assistant.web.templating import render

router = APIRouter()


@router.get("/login")
def login_form(request: Request) -> Response:
    return render(request, "login.html")


@router.post("/login", dependencies=[Depends(require_csrf)])
def login(
    request: Request,
    username: str = Form(max_length=100),
    password: str = Form(max_length=200),
    session: Session = DB_SESSION,
) -> Response:
    address = client_address(request)
    if wait := login_wait(session, username, address):  # checked before the password is
        refused = render(request, "login.html", status_code=429, error=wait_message(wait),
                         username=username)  # fmt: skip
        refused.headers["Retry-After"] = str(wait)
        return refused
    staff = authenticate(session, username, password)
    if staff is None:
        record_login_failure(session, username, address)
        return render(
            request,
            "login.html",
            status_code=401,
            error="Fel användarnamn eller lösenord.",
            username=username,
        )
    log_in(request, session, staff)
    return RedirectResponse("/staff/clients", status_code=303)


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request, session: Session = DB_SESSION) -> Response:
    log_out(request, session)
    return RedirectResponse("/login", status_code=303)


@router.get("/staff/clients")
def client_list(
    request: Request,
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    return render(request, "clients.html", staff=staff, clients=visible_clients(session, staff))


@router.get("/clients/{client_id}")
def client_view(
    client_id: int,
    request: Request,
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    client = client_for(session, staff, client_id)
    return render_client(request, session, staff, client)


MAX_CANDIDATES = 6


@router.post("/clients/{client_id}/items", dependencies=[Depends(require_csrf)])
def find_item(
    client_id: int,
    request: Request,
    text: str = Form(min_length=1, max_length=MAX_ITEM_TEXT),
    wish_line: int | None = Form(None),
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
) -> Response:
    """Match a typed item ("två liter mellanmjölk") and show its candidates as picture cards.

    A whole list ("mjölk, bröd och två paket smör", say the client's wishes that staff order
    alone) puts every item in the basket as a wish waiting for its product, and shows the
    first one's cards; "Välj vara" on the others shows theirs."""
    client = client_for(session, staff, client_id)
    context: dict[str, object] = {"typed": text, "wish_line": wish_line}
    if client.store_id is None:
        context["error"] = "Kunden har ingen butik vald. Be en administratör välja butik."
        return render_client(request, session, staff, client, 409, **context)
    state = request.app.state
    if not hasattr(state, "matcher_indexes"):
        state.matcher_indexes = {}
    cache = state.matcher_indexes
    index = store_index(cache, session, client.store_id)
    history = purchase_prior(session, client.id)
    listed = index.match(text, history) if wish_line is None else []
    if len(listed) > 1:
        try:
            wishes = [add_wish(session, client.id, i.text, actor=staff.id) for i in listed]
        except ServiceError as refusal:
            session.rollback()
            return render_client(request, session, staff, client, 422, error=refusal.message)
        item = listed[0]
        context.update(typed=item.text, wish_line=wishes[0].id)
    else:
        item = match_item(index, text, history)
    ids = [int(c.key) for c in item.candidates[:MAX_CANDIDATES]]
    context["item"] = item
    chosen = ids if item.ambiguous else ids[:1]
    context["cards"] = product_cards(session, chosen, item.quantity, item.unit)
    return render_client(request, session, staff, client, **context)
