"""Admin pages for people: clients (store, substitution, speech rate, their staff, their home-care
unit and fee agreement; deletion of all their data) and staff accounts (create, role,
deactivate). Every form is validated in full before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from assistant.cli_staff import MIN_PASSWORD_LENGTH
from assistant.db.models import Client, Order, StaffUser, Store
from assistant.orders.basket import SUBSTITUTION_LABELS
from assistant.voice.client_setting import HANDS_FREE, set_hands_free
from assistant.voice.recordings import delete_recordings
from assistant.web.deps import DB_SESSION
from assistant.web.notice import saved, take_notice
from assistant.web.security import end_sessions, hash_password, require_admin, require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")

SPEECH_RATES = {"0.8": "Långsamt", "0.9": "Lite långsamt", "1.0": "Normalt"}
ROLE_LABELS = {"staff": "Personal", "admin": "Administratör"}
# the store has not yet been given these orders: deleting the client would lose them
UNFINISHED = ("confirmed", "needs_attention")
PAYER_LABELS = {"client": "Kunden", "municipality": "Kommunen"}
PAYMENT_LABELS = {
    "invoice": "Mot faktura från butiken (butikens fakturaavgift tillkommer)",
    "other": "På annat sätt (till exempel kort eller autogiro), ingen fakturaavgift",
}
MAX_UNIT = 100


@dataclass
class ClientForm:
    display_name: str
    store_id: int | None
    substitution: str
    speech_rate: float
    staff: list[StaffUser]
    unit: str = ""
    picking_payer: str = "client"
    delivery_payer: str = "client"
    pays_by_invoice: bool = True
    voice_hands_free: bool = True

    def apply_to(self, client: Client) -> Client:
        client.display_name = self.display_name
        client.store_id = self.store_id
        client.substitution = self.substitution
        client.speech_rate = self.speech_rate
        client.staff = self.staff
        client.unit = self.unit
        client.picking_payer = self.picking_payer
        client.delivery_payer = self.delivery_payer
        client.pays_by_invoice = self.pays_by_invoice
        set_hands_free(client, self.voice_hands_free)
        return client


def _client_form(form: FormData, session: Session) -> ClientForm:
    """The submitted client fields, or ValueError with a Swedish message."""
    name = " ".join(str(form.get("display_name", "")).split())
    if not 1 <= len(name) <= 100:
        raise ValueError("Skriv kundens namn (högst 100 tecken), till exempel Greta A.")
    store_text = str(form.get("store_id", ""))
    store_id = int(store_text) if store_text.isdigit() else None
    if store_id is None or session.get(Store, store_id) is None:
        raise ValueError("Välj en butik.")
    substitution = str(form.get("substitution", "ask"))
    if substitution not in SUBSTITUTION_LABELS:
        raise ValueError("Välj vad butiken ska göra när en vara är slut.")
    rate = str(form.get("speech_rate", "1.0"))
    if rate not in SPEECH_RATES:
        raise ValueError("Välj en taltakt.")
    staff_ids = [int(v) for v in form.getlist("staff_id") if str(v).isdigit()]
    members = list(
        session.scalars(select(StaffUser).where(StaffUser.id.in_(staff_ids)).order_by(StaffUser.id))
    )
    if len(members) != len(set(staff_ids)):
        raise ValueError("Personalen finns inte.")
    unit = " ".join(str(form.get("unit", "")).split())
    if len(unit) > MAX_UNIT:
        raise ValueError(f"Enheten får vara högst {MAX_UNIT} tecken, till exempel Hemtjänst Norr.")
    payers = [str(form.get(field, "client")) for field in ("picking_payer", "delivery_payer")]
    if any(payer not in PAYER_LABELS for payer in payers):
        raise ValueError("Välj vem som betalar plockavgiften och leveransavgiften.")
    payment = str(form.get("payment", "invoice"))
    if payment not in PAYMENT_LABELS:
        raise ValueError("Välj hur kunden betalar butiken.")
    return ClientForm(name, store_id, substitution, float(rate), members, unit, *payers,
                      payment == "invoice", form.get("voice_hands_free") == "1")  # fmt: skip


def _form_values(form: FormData, session: Session) -> SimpleNamespace:
    """What was typed into a refused client form, to show it again (nothing is lost)."""
    store = str(form.get("store_id", ""))
    rate = str(form.get("speech_rate", "1.0"))
    ids = [int(v) for v in form.getlist("staff_id") if str(v).isdigit()]
    return SimpleNamespace(
        display_name=str(form.get("display_name", ""))[:100],
        store_id=int(store) if store.isdigit() else None,
        substitution=str(form.get("substitution", "ask")),
        speech_rate=float(rate) if rate in SPEECH_RATES else 1.0,
        staff=list(session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))),
        unit=str(form.get("unit", ""))[:MAX_UNIT],
        picking_payer=str(form.get("picking_payer", "client")),
        delivery_payer=str(form.get("delivery_payer", "client")),
        pays_by_invoice=form.get("payment", "invoice") == "invoice",
        preferences={HANDS_FREE: form.get(HANDS_FREE) == "1"},
    )


def _form_context(session: Session) -> dict[str, object]:
    return {
        "stores": list(session.scalars(select(Store).order_by(Store.name))),
        "staff_members": list(session.scalars(select(StaffUser).order_by(StaffUser.username))),
        "substitutions": SUBSTITUTION_LABELS,
        "speech_rates": SPEECH_RATES,
        "payers": PAYER_LABELS,
        "payments": PAYMENT_LABELS,
    }


def _matches(client: Client, query: str) -> bool:
    wanted = query.casefold()
    return wanted in client.display_name.casefold() or wanted in (client.unit or "").casefold()


def _clients_page(
    request: Request,
    session: Session,
    staff: StaffUser,
    status_code: int = 200,
    query: str = "",
    **extra: object,
) -> Response:
    """The client list (searchable by name or unit) with the form for a new client."""
    everyone = list(session.scalars(select(Client).order_by(Client.display_name)))
    query = " ".join(query.split())
    shown = [c for c in everyone if _matches(c, query)] if query else everyone
    return render(request, "admin_clients.html", status_code=status_code, staff=staff,
                  clients=shown, total=len(everyone), query=query,
                  notice=take_notice(request), **_form_context(session), **extra)  # fmt: skip


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
    return render(request, "admin_client.html", status_code=status_code, staff=staff,
                  client=client, **_form_context(session), **extra)  # fmt: skip


@router.get("/clients")
def clients(
    request: Request,
    q: str = Query("", max_length=100),
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    return _clients_page(request, session, staff, query=q)


@router.post("/clients", dependencies=[Depends(require_csrf)])
async def add_client(
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    form = await request.form()
    try:
        fields = _client_form(form, session)
    except ValueError as error:
        return _clients_page(request, session, staff, 422, error=str(error),
                             new_values=_form_values(form, session))  # fmt: skip
    client = fields.apply_to(Client())
    session.add(client)
    session.flush()
    return saved(request, "/admin/clients", f"Sparat: {client.display_name} är tillagd.",
                 f"#client-{client.id}")  # fmt: skip


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise HTTPException(status_code=404, detail="Kunden finns inte.")
    return client


@router.get("/clients/{client_id}")
def client_settings(
    client_id: int,
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    return _client_page(request, session, staff, _client(session, client_id))


@router.post("/clients/{client_id}", dependencies=[Depends(require_csrf)])
async def update_client(
    client_id: int,
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    client = _client(session, client_id)
    form = await request.form()
    try:
        fields = _client_form(form, session)
    except ValueError as error:
        return _client_page(request, session, staff, client, 422, error=str(error),
                            values=_form_values(form, session))  # fmt: skip
    fields.apply_to(client)
    return saved(request, "/admin/clients", f"Sparat: {client.display_name}.",
                 f"#client-{client.id}")  # fmt: skip


@router.post("/clients/{client_id}/delete", dependencies=[Depends(require_csrf)])
async def delete_client(
    client_id: int,
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    """Deletes the client with baskets, orders, history and preferences (the right to erasure)."""
    client = _client(session, client_id)
    form = await request.form()
    if form.get("confirm_name", "") != client.display_name:
        message = f"Skriv kundens namn ({client.display_name}) för att bekräfta borttagningen."
        return _client_page(request, session, staff, client, 422, delete_error=message)
    pending = session.scalar(
        select(Order.id).where(Order.client_id == client.id, Order.status.in_(UNFINISHED))
    )
    if pending is not None:
        message = (
            f"{client.display_name} har en beställning som butiken ännu inte har fått "
            f"(order {pending}). Vänta tills den är levererad till butiken eller avbruten."
        )
        return _client_page(request, session, staff, client, 422, delete_error=message)
    name = client.display_name
    session.delete(client)
    delete_recordings(request.app.state.settings.data_dir, client_id)
    return saved(request, "/admin/clients", f"Borttagen: {name} och alla uppgifter.")


def _staff_page(
    request: Request, session: Session, staff: StaffUser, status_code: int = 200, **extra: object
) -> Response:
    members = list(session.scalars(select(StaffUser).order_by(StaffUser.username)))
    return render(request, "admin_staff.html", status_code=status_code, staff=staff,
                  members=members, roles=ROLE_LABELS, min_length=MIN_PASSWORD_LENGTH,
                  notice=take_notice(request), **extra)  # fmt: skip


@router.get("/staff")
def staff_accounts(
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    return _staff_page(request, session, staff)


@router.post("/staff", dependencies=[Depends(require_csrf)])
async def add_staff_account(
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    form = await request.form()
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    role = str(form.get("role", "staff"))
    error = None
    if not 1 <= len(username) <= 100 or any(ch.isspace() for ch in username):
        error = "Användarnamnet måste vara 1–100 tecken utan mellanslag."
    elif session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        error = f"Användaren {username} finns redan."
    elif len(password) < MIN_PASSWORD_LENGTH:
        error = f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."
    elif password != form.get("password_again"):
        error = "Lösenorden är inte lika."
    elif role not in ROLE_LABELS:
        error = "Välj en roll."
    if error:  # the name and role are shown again; passwords are typed again
        return _staff_page(request, session, staff, 422, error=error, username=username,
                           role=role)  # fmt: skip
    session.add(StaffUser(username=username, password_hash=hash_password(password), role=role))
    return saved(request, "/admin/staff", f"Sparat: kontot {username} är skapat.")


@router.post("/staff/{member_id}/active", dependencies=[Depends(require_csrf)])
async def set_active(
    member_id: int,
    request: Request,
    staff: StaffUser = Depends(require_admin),
    session: Session = DB_SESSION,
) -> Response:
    """Deactivate or reactivate an account; an admin cannot lock themselves out."""
    member = session.get(StaffUser, member_id)
    if member is None:
        raise HTTPException(status_code=404, detail="Kontot finns inte.")
    active = (await request.form()).get("active") == "1"
    if member.id == staff.id and not active:
        return _staff_page(request, session, staff, 422,
                           error="Du kan inte stänga av ditt eget konto.")  # fmt: skip
    member.active = active
    if not active:
        end_sessions(session, member.id)  # logged out on every tablet at once
    state = "aktivt" if active else "avstängt"
    return saved(request, "/admin/staff", f"Sparat: kontot {member.username} är {state}.")
