"""Login, logout, the staff client list, the client page and client mode on and off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from assistant.db.models import Client
from assistant.orders.catalog_index import MAX_ITEM_TEXT
from assistant.orders.errors import ServiceError
from assistant.orders.intake import search_for_line, take_text
from assistant.staff_access import (
    authenticate,
    login_wait,
    record_login_failure,
    visible_clients,
    wait_message,
)
from assistant.staff_accounts import verify_password
from assistant.web.client_mode import client_mode_of, end_client_mode, start_client_mode
from assistant.web.client_page import (
    intake_notes,
    render_client,
    render_parts,
    see_client,
)
from assistant.web.deps import SessionDep, StaffDep
from assistant.web.notice import saved
from assistant.web.security import (
    client_address,
    client_for,
    device_known,
    log_in,
    log_out,
    remember_this_device,
    require_csrf,
)
from assistant.web.templating import render

router = APIRouter()


@router.get("/login")
def login_form(request: Request) -> Response:
    return render(request, "login.html")


@router.post("/login", dependencies=[Depends(require_csrf)])
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    session: SessionDep,
) -> Response:
    address = client_address(request)
    known = device_known(request, username)
    if wait := login_wait(session, username, address, known):  # checked before the password is
        refused = render(
            request, "login.html", status_code=429, error=wait_message(wait), username=username
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    staff = authenticate(session, username, password)
    if staff is None:
        record_login_failure(session, username, address, known)
        return render(
            request,
            "login.html",
            status_code=401,
            error="Fel användarnamn eller lösenord.",
            username=username,
        )
    log_in(request, session, staff)
    welcome = RedirectResponse("/staff/clients", status_code=303)
    remember_this_device(request, welcome, staff.username)
    return welcome


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request, session: SessionDep) -> Response:
    log_out(request, session)
    return RedirectResponse("/login", status_code=303)


@router.get("/staff/clients")
def client_list(
    request: Request,
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    return render(request, "clients.html", staff=staff, clients=visible_clients(session, staff))


@router.get("/clients/{client_id}")
def client_view(
    client_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    if client_mode_of(request.session) == client_id and session.get(Client, client_id) is None:
        end_client_mode(request.session)  # the client was deleted: nothing to lock the tablet to
        return RedirectResponse("/staff/clients", status_code=303)
    client = client_for(session, staff, client_id)
    return render_client(request, session, staff, client)


@router.post("/clients/{client_id}/client-mode", dependencies=[Depends(require_csrf)])
def start_client_mode_route(
    client_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    """ "Kundläge": this browser shows only this client's page until staff leave it."""
    client = client_for(session, staff, client_id)
    start_client_mode(request.session, client.id)
    return see_client(request, client.id, anchor="")


@router.post("/clients/{client_id}/client-mode/leave", dependencies=[Depends(require_csrf)])
def leave_client_mode(
    client_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Back to the staff pages, with the logged-in staff member's password."""
    client = client_for(session, staff, client_id)
    if not verify_password(staff.password_hash, password):
        return render_client(
            request, session, staff, client, 403, leave_error="Fel lösenord. Kundläget är kvar."
        )
    end_client_mode(request.session)
    return saved(request, f"/clients/{client.id}", "Kundläget är avslutat.")


@router.get("/clients/{client_id}/parts")
def client_parts(
    client_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
) -> dict[str, str]:
    """The open choices and the basket as HTML, for the page to swap in after a chat turn."""
    client = client_for(session, staff, client_id)
    return render_parts(request, session, client)


@router.get("/clients/{client_id}/items")
def items_page(client_id: int) -> Response:
    """A reload of a search result: back to the client's page."""
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


@router.post("/clients/{client_id}/items", dependencies=[Depends(require_csrf)])
def find_item(
    client_id: int,
    request: Request,
    text: Annotated[str, Form(min_length=1, max_length=MAX_ITEM_TEXT)],
    staff: StaffDep,
    session: SessionDep,
    line_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Typed (or copied) words into the basket through the one intake: clear items go in at
    once ("Lagt i korgen", with "Nej, visa andra"), ambiguous ones become picture choices,
    things the store lacks become wishes for staff. With `line_id`, staff search other words
    for a waiting line (a wish): it becomes a choice among what they find."""
    client = client_for(session, staff, client_id)
    try:
        if line_id is not None:
            search_for_line(session, client.id, line_id, text, actor=staff.id)
            return see_client(request, client.id, anchor=f"#val-{line_id}")
        intake = take_text(session, client.id, text, actor=staff.id)
    except ServiceError as refusal:
        session.rollback()
        return render_client(
            request, session, staff, client, 422, error=refusal.message, typed=text
        )
    notes = intake_notes(intake)
    if not intake.changed:
        return render_client(request, session, staff, client, notice=" ".join(notes), typed=text)
    added = [a.line.id for a in intake.added]  # the choices follow the search field:
    return saved(request, f"/clients/{client.id}", "", "#sok", added=added, notes=notes)
