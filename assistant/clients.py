"""Clients for admins: the settings form's rules (store, substitution, speech rate, their staff,
their home-care unit and fee agreement, hands-free voice), the search, and deletion of all of a
client's data (never while the store has not yet received one of their orders)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.chat.rasa_client import sender_id
from assistant.chat.rasa_events import forget_rasa_events
from assistant.db.enums import OrderStatus
from assistant.db.models import Client, Order, StaffUser, Store
from assistant.orders.basket import SUBSTITUTION_LABELS
from assistant.orders.errors import NotFound, ServiceError
from assistant.voice.client_setting import set_hands_free
from assistant.voice.recordings import delete_recordings

SPEECH_RATES = {"0.8": "Långsamt", "0.9": "Lite långsamt", "1.0": "Normalt"}
PAYER_LABELS = {"client": "Kunden", "municipality": "Kommunen"}
PAYMENT_LABELS = {
    "invoice": "Mot faktura från butiken (butikens fakturaavgift tillkommer)",
    "other": "På annat sätt (till exempel kort eller autogiro), ingen fakturaavgift",
}
MAX_NAME = 100
MAX_UNIT = 100
UNFINISHED = (OrderStatus.CONFIRMED, OrderStatus.NEEDS_ATTENTION)
"""The store has not yet been given these orders: deleting the client would lose them."""


class ClientInput(BaseModel):
    """The client form as typed (every field text; `settings` checks them)."""

    display_name: str = ""
    store_id: str = ""
    substitution: str = "ask"
    speech_rate: str = "1.0"
    staff_id: list[str] = []
    unit: str = ""
    picking_payer: str = "client"
    delivery_payer: str = "client"
    payment: str = "invoice"
    voice_hands_free: str = ""

    def staff_ids(self) -> list[int]:
        return [int(v) for v in self.staff_id if v.isdigit()]


@dataclass
class ClientSettings:
    display_name: str
    store_id: int
    substitution: str
    speech_rate: float
    staff: list[StaffUser]
    unit: str
    picking_payer: str
    delivery_payer: str
    pays_by_invoice: bool
    voice_hands_free: bool

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


def staff_members(session: Session, ids: list[int]) -> list[StaffUser]:
    query = select(StaffUser).where(StaffUser.id.in_(ids)).order_by(StaffUser.id)
    return list(session.scalars(query))


def settings(session: Session, form: ClientInput) -> ClientSettings:
    """The checked settings, or ServiceError with the first thing to fix."""
    name = " ".join(form.display_name.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise ServiceError("Skriv kundens namn (högst 100 tecken), till exempel Greta A.")
    store_id = int(form.store_id) if form.store_id.isdigit() else None
    if store_id is None or session.get(Store, store_id) is None:
        raise ServiceError("Välj en butik.")
    if form.substitution not in SUBSTITUTION_LABELS:
        raise ServiceError("Välj vad butiken ska göra när en vara är slut.")
    if form.speech_rate not in SPEECH_RATES:
        raise ServiceError("Välj en taltakt.")
    ids = form.staff_ids()
    members = staff_members(session, ids)
    if len(members) != len(set(ids)):
        raise ServiceError("Personalen finns inte.")
    unit = " ".join(form.unit.split())
    if len(unit) > MAX_UNIT:
        raise ServiceError(
            f"Enheten får vara högst {MAX_UNIT} tecken, till exempel Hemtjänst Norr."
        )
    if form.picking_payer not in PAYER_LABELS or form.delivery_payer not in PAYER_LABELS:
        raise ServiceError("Välj vem som betalar plockavgiften och leveransavgiften.")
    if form.payment not in PAYMENT_LABELS:
        raise ServiceError("Välj hur kunden betalar butiken.")
    return ClientSettings(
        display_name=name,
        store_id=store_id,
        substitution=form.substitution,
        speech_rate=float(form.speech_rate),
        staff=members,
        unit=unit,
        picking_payer=form.picking_payer,
        delivery_payer=form.delivery_payer,
        pays_by_invoice=form.payment == "invoice",
        voice_hands_free=form.voice_hands_free == "1",
    )


def get_client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("Kunden finns inte.")
    return client


def add_client(session: Session, form: ClientInput) -> Client:
    client = settings(session, form).apply_to(Client())
    session.add(client)
    session.flush()
    return client


def update_client(session: Session, client_id: int, form: ClientInput) -> Client:
    client = get_client(session, client_id)
    return settings(session, form).apply_to(client)


def find_clients(session: Session, query: str) -> tuple[list[Client], int]:
    """The clients whose name or unit holds `query` (all when empty), and how many there are."""
    everyone = list(session.scalars(select(Client).order_by(Client.display_name)))
    wanted = " ".join(query.split()).casefold()
    if not wanted:
        return everyone, len(everyone)
    shown = [
        c
        for c in everyone
        if wanted in c.display_name.casefold() or wanted in (c.unit or "").casefold()
    ]
    return shown, len(everyone)


def delete_client(session: Session, client_id: int, confirm_name: str, data_dir: Path) -> str:
    """Deletes the client with baskets, orders, history, preferences, recordings and chat (the
    right to erasure), once their name is typed to confirm; returns the name. Rasa's copy of the
    chat in its own memory is for the caller to empty (`RasaClient.forget`)."""
    client = get_client(session, client_id)
    if confirm_name != client.display_name:
        raise ServiceError(
            f"Skriv kundens namn ({client.display_name}) för att bekräfta borttagningen."
        )
    pending = session.scalar(
        select(Order.id).where(Order.client_id == client.id, Order.status.in_(UNFINISHED))
    )
    if pending is not None:
        raise ServiceError(
            f"{client.display_name} har en beställning som butiken ännu inte har fått "
            f"(order {pending}). Vänta tills den är levererad till butiken eller avbruten."
        )
    name = client.display_name
    session.delete(client)
    delete_recordings(data_dir, client_id)
    forget_rasa_events(session, sender_id(client_id))  # Rasa's copy, where it is in this database
    return name
