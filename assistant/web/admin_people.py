"""Admin pages for people: clients (their settings and the deletion of all their data) and staff
accounts (create, deactivate). The rules are in `assistant.clients` and
`assistant.staff_accounts`; these routes read the forms, call them and show the result."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant import clients as service
from assistant.chat.rasa_client import sender_id
from assistant.chat.routes import RasaDep
from assistant.clients import PAYER_LABELS, PAYMENT_LABELS, SPEECH_RATES, ClientInput
from assistant.db.models import Client, StaffUser
from assistant.orders.basket import SUBSTITUTION_LABELS
from assistant.orders.errors import NotFound, ServiceError
from assistant.orders.store_settings import all_stores
from assistant.staff_accounts import (
    MIN_PASSWORD_LENGTH,
    ROLE_LABELS,
    create_account,
    set_active,
    staff_members,
)
from assistant.voice.client_setting import HANDS_FREE
from assistant.web.deps import AdminDep, SessionDep
from assistant.web.notice import saved, take_notice
from assistant.web.security import require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")
CSRF = [Depends(require_csrf)]


class DeleteForm(BaseModel):
    confirm_name: str = ""


class AccountForm(BaseModel):
    username: str = ""
    password: str = ""
    password_again: str = ""
    role: str = "staff"


class ActiveForm(BaseModel):
    active: str = ""


def _shown_again(session: Session, form: ClientInput) -> SimpleNamespace:
    """What was typed into a refused client form, to show it again (nothing is lost)."""
    return SimpleNamespace(
        display_name=form.display_name[: service.MAX_NAME],
        store_id=int(form.store_id) if form.store_id.isdigit() else None,
        substitution=form.substitution,
        speech_rate=float(form.speech_rate) if form.speech_rate in SPEECH_RATES else 1.0,
        staff=service.staff_members(session, form.staff_ids()),
        unit=form.unit[: service.MAX_UNIT],
        picking_payer=form.picking_payer,
        delivery_payer=form.delivery_payer,
        pays_by_invoice=form.payment == "invoice",
        preferences={HANDS_FREE: form.voice_hands_free == "1"},
    )


def _form_context(session: Session) -> dict[str, object]:
    return {
        "stores": all_stores(session),
        "staff_members": staff_members(session),
        "substitutions": SUBSTITUTION_LABELS,
        "speech_rates": SPEECH_RATES,
        "payers": PAYER_LABELS,
        "payments": PAYMENT_LABELS,
    }


def _clients_page(
    request: Request,
    session: Session,
    staff: StaffUser,
    status_code: int = 200,
    query: str = "",
    **extra: object,
) -> Response:
    """The client list (searchable by name or unit) with the form for a new client."""
    shown, total = service.find_clients(session, query)
    return render(
        request,
        "admin_clients.html",
        status_code=status_code,
        staff=staff,
        clients=shown,
        total=total,
        query=" ".join(query.split()),
        notice=take_notice(request),
        **_form_context(session),
        **extra,
    )


def _client_page(
    request: Request,
    session: Session,
    staff: StaffUser,
    client: Client,
    status_code: int = 200,
    **extra: object,
) -> Response:
    """One client's settings and the deletion of all their data."""
    extra.setdefault("values", client)
    return render(
        request,
        "admin_client.html",
        status_code=status_code,
        staff=staff,
        client=client,
        **_form_context(session),
        **extra,
    )


@router.get("/clients")
def clients(
    request: Request,
    staff: AdminDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    return _clients_page(request, session, staff, query=q)


@router.post("/clients", dependencies=CSRF)
def add_client(
    request: Request,
    form: Annotated[ClientInput, Form()],
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    try:
        client = service.add_client(session, form)
    except ServiceError as refusal:
        return _clients_page(
            request,
            session,
            staff,
            422,
            error=refusal.message,
            new_values=_shown_again(session, form),
        )
    return saved(
        request,
        "/admin/clients",
        f"Sparat: {client.display_name} är tillagd.",
        f"#client-{client.id}",
    )


@router.get("/clients/{client_id}")
def client_settings(
    client_id: int,
    request: Request,
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    return _client_page(request, session, staff, service.get_client(session, client_id))


@router.post("/clients/{client_id}", dependencies=CSRF)
def update_client(
    client_id: int,
    request: Request,
    form: Annotated[ClientInput, Form()],
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    client = service.get_client(session, client_id)
    try:
        service.update_client(session, client.id, form)
    except ServiceError as refusal:
        return _client_page(
            request,
            session,
            staff,
            client,
            422,
            error=refusal.message,
            values=_shown_again(session, form),
        )
    return saved(
        request, "/admin/clients", f"Sparat: {client.display_name}.", f"#client-{client.id}"
    )


@router.post("/clients/{client_id}/delete", dependencies=CSRF)
def delete_client(
    client_id: int,
    request: Request,
    form: Annotated[DeleteForm, Form()],
    staff: AdminDep,
    session: SessionDep,
    rasa: RasaDep,
) -> Response:
    """Deletes the client with baskets, orders, history, preferences and chat (the right to
    erasure), Rasa's copy of the chat too."""
    client = service.get_client(session, client_id)
    data_dir = request.app.state.settings.data_dir
    try:
        name = service.delete_client(session, client.id, form.confirm_name, data_dir)
    except ServiceError as refusal:
        return _client_page(request, session, staff, client, 422, delete_error=refusal.message)
    rasa.forget(sender_id(client_id))
    return saved(request, "/admin/clients", f"Borttagen: {name} och alla uppgifter.")


def _staff_page(
    request: Request, session: Session, staff: StaffUser, status_code: int = 200, **extra: object
) -> Response:
    members = staff_members(session)
    return render(
        request,
        "admin_staff.html",
        status_code=status_code,
        staff=staff,
        members=members,
        roles=ROLE_LABELS,
        min_length=MIN_PASSWORD_LENGTH,
        notice=take_notice(request),
        **extra,
    )


@router.get("/staff")
def staff_accounts(request: Request, staff: AdminDep, session: SessionDep) -> Response:
    return _staff_page(request, session, staff)


@router.post("/staff", dependencies=CSRF)
def add_staff_account(
    request: Request,
    form: Annotated[AccountForm, Form()],
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    try:
        member = create_account(
            session, form.username, form.password, form.role, password_again=form.password_again
        )
    except ServiceError as refusal:  # the name and role are shown again; passwords are typed again
        return _staff_page(
            request,
            session,
            staff,
            422,
            error=refusal.message,
            username=form.username.strip(),
            role=form.role,
        )
    return saved(request, "/admin/staff", f"Sparat: kontot {member.username} är skapat.")


@router.post("/staff/{member_id}/active", dependencies=CSRF)
def set_account_active(
    member_id: int,
    request: Request,
    form: Annotated[ActiveForm, Form()],
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    """Deactivate or reactivate an account; an admin cannot lock themselves out."""
    try:
        member = set_active(session, staff, member_id, form.active == "1")
    except NotFound as missing:
        raise HTTPException(status_code=404, detail=missing.message) from None
    except ServiceError as refusal:
        return _staff_page(request, session, staff, 422, error=refusal.message)
    state = "aktivt" if member.active else "avstängt"
    return saved(request, "/admin/staff", f"Sparat: kontot {member.username} är {state}.")
