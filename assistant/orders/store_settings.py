"""A store's settings for admins: its fees (with the order values from which picking and
delivery are free) and minimum order, and how it receives orders.

Settings that cannot work are refused (an amount out of range, a bad URL, address or folder
name); settings that are valid but cannot work yet (a webhook secret variable that is not set
in this environment) are saved, and `channel_problem` says what is missing."""

from __future__ import annotations

from decimal import InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import ORDER_CHANNELS, Store
from assistant.orders.errors import NotFound, ServiceError
from assistant.orders.money import format_sek, to_ore
from assistant.orders.store_channel import channel_problem, folder_name, target_problem

# field -> (label, highest sensible value in öre); anything above is a typing mistake
FEE_FIELDS = {
    "picking_fee_ore": ("Plockavgift", 100_000),
    "picking_free_from_ore": ("Ingen plockavgift från ordervärde", 10_000_000),
    "delivery_fee_ore": ("Leveransavgift", 100_000),
    "delivery_free_from_ore": ("Fri leverans från ordervärde", 10_000_000),
    "invoice_fee_ore": ("Fakturaavgift", 100_000),
    "minimum_order_ore": ("Lägsta ordervärde", 1_000_000),
}
OPTIONAL = {"picking_free_from_ore", "delivery_free_from_ore"}
"""Left empty: the fee is always charged (0: the fee is never charged)."""


def all_stores(session: Session) -> list[Store]:
    """Every store, by name (the admin's lists and choices)."""
    return list(session.scalars(select(Store).order_by(Store.name)))


def get_store(session: Session, store_id: int) -> Store:
    store = session.get(Store, store_id)
    if store is None:
        raise NotFound("Butiken finns inte.")
    return store


def parse_fee(field: str, text: str) -> int | None:
    """Kronor as typed ("49", "49,50") -> öre; None for an optional field left empty."""
    label, highest = FEE_FIELDS[field]
    if not text.strip() and field in OPTIONAL:
        return None
    try:
        ore = to_ore(text.strip() or "0")
    except (InvalidOperation, ValueError):
        raise ServiceError(
            f"{label}: skriv ett belopp i kronor, till exempel 49 eller 49,50."
        ) from None
    if not 0 <= ore <= highest:
        raise ServiceError(f"{label}: måste vara mellan 0 och {format_sek(highest)}.")
    return ore


def fee_text(ore: int | None) -> str:
    """An amount as the fee form shows it ("49,50"; "" for None)."""
    return "" if ore is None else format_sek(ore).removesuffix("\u00a0kr")


def set_fees(session: Session, store_id: int, texts: dict[str, str]) -> Store:
    """Every fee field checked before any is written."""
    store = get_store(session, store_id)
    values = {field: parse_fee(field, texts.get(field, "")) for field in FEE_FIELDS}
    for field, value in values.items():
        setattr(store, field, value)
    return store


def set_channel(
    session: Session, store_id: int, channel: str, target: str, secret_ref: str
) -> str | None:
    """How the store receives orders; returns what still keeps it from working (a secret
    variable not set here), or None. A file-drop store without a folder name gets one from its
    name."""
    store = get_store(session, store_id)
    target, ref = target.strip(), secret_ref.strip() or None
    if channel not in ORDER_CHANNELS:
        raise ServiceError("Välj hur butiken tar emot beställningar.")
    if channel == "file" and not target:
        target = folder_name(store.name)
    if problem := target_problem(channel, target, ref):
        raise ServiceError(problem)
    store.order_channel, store.order_target = channel, target
    store.secret_ref = ref if channel == "webhook" else None
    return channel_problem(store)
