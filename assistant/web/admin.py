"""Store administration for admins: how a store receives orders, its fees (with the order
values from which picking and delivery are free) and minimum order.

Settings that cannot work are refused (a bad URL, address or folder name); settings that are
valid but cannot work yet (a webhook secret variable that is not set in this environment) are
saved with a warning, shown on save and on the store list until fixed."""

from __future__ import annotations

from decimal import InvalidOperation
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import ORDER_CHANNELS, StaffUser, Store
from assistant.orders.money import format_sek, to_ore
from assistant.orders.store_channel import (
    CHANNEL_LABELS,
    channel_problem,
    folder_name,
    outgoing_folder,
    target_problem,
)
from assistant.web.deps import AdminDep, SessionDep
from assistant.web.notice import saved, take_notice
from assistant.web.security import require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")

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
HINTS = {
    "picking_free_from_ore": "Tomt: avgiften tas alltid ut.",
    "delivery_free_from_ore": "Tomt: avgiften tas alltid ut. 0: alltid fri leverans.",
    "invoice_fee_ore": "Tas bara ut av kunder som betalar mot faktura.",
    "minimum_order_ore": "Varornas värde efter erbjudanden, utan avgifter.",
}


def _parse_fee(field: str, text: str) -> int | None:
    label, highest = FEE_FIELDS[field]
    if not text.strip() and field in OPTIONAL:
        return None
    try:
        ore = to_ore(text.strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValueError(
            f"{label}: skriv ett belopp i kronor, till exempel 49 eller 49,50."
        ) from None
    if not 0 <= ore <= highest:
        raise ValueError(f"{label}: måste vara mellan 0 och {format_sek(highest)}.")
    return ore


def _fee_text(ore: int | None) -> str:
    return "" if ore is None else format_sek(ore).removesuffix("\u00a0kr")


def _parse_channel(form, store: Store) -> tuple[str, str, str | None]:
    """(channel, target, secret_ref) from the form, or ValueError with a Swedish message.
    A file-drop store without a folder name gets one from its name."""
    channel = str(form.get("order_channel", ""))
    target = str(form.get("order_target", "")).strip()
    secret_ref = str(form.get("secret_ref", "")).strip() or None
    if channel not in ORDER_CHANNELS:
        raise ValueError("Välj hur butiken tar emot beställningar.")
    if channel == "file" and not target:
        target = folder_name(store.name)
    if problem := target_problem(channel, target, secret_ref):
        raise ValueError(problem)
    return channel, target, secret_ref if channel == "webhook" else None


def _folder(data_dir: Path, store: Store) -> str | None:
    """Where a file-drop store's orders land (shown on the page)."""
    if store.order_channel != "file":
        return None
    try:
        return str(outgoing_folder(data_dir, store.order_target))
    except ValueError:
        return None


def _store(session: Session, store_id: int) -> Store:
    store = session.get(Store, store_id)
    if store is None:
        raise HTTPException(status_code=404, detail="Butiken finns inte.")
    return store


def _page(request: Request, session: Session, staff: StaffUser, **extra: object) -> Response:
    stores = list(session.scalars(select(Store).order_by(Store.name)))
    data_dir = request.app.state.settings.data_dir
    forms = [
        (store, [(f, label, _fee_text(getattr(store, f)), HINTS.get(f, ""))
                 for f, (label, _) in FEE_FIELDS.items()],
         channel_problem(store), _folder(data_dir, store))
        for store in stores
    ]  # fmt: skip
    return render(request, "admin_stores.html", staff=staff, forms=forms,
                  channels=CHANNEL_LABELS, notice=take_notice(request), **extra)  # fmt: skip


@router.get("/stores")
def stores(
    request: Request,
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    return _page(request, session, staff)


@router.post("/stores/{store_id}/fees", dependencies=[Depends(require_csrf)])
async def update_fees(
    store_id: int,
    request: Request,
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    store = _store(session, store_id)
    form = await request.form()
    try:  # validate every field before writing any
        values = {field: _parse_fee(field, str(form.get(field, ""))) for field in FEE_FIELDS}
    except ValueError as error:
        return _page(request, session, staff, status_code=422, error=str(error))
    for field, value in values.items():
        setattr(store, field, value)
    return saved(request, "/admin/stores", f"Sparat: avgifter för {store.name}.",
                 f"#store-{store.id}")  # fmt: skip


@router.post("/stores/{store_id}/channel", dependencies=[Depends(require_csrf)])
async def update_channel(
    store_id: int,
    request: Request,
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    store = _store(session, store_id)
    try:
        channel, target, secret_ref = _parse_channel(await request.form(), store)
    except ValueError as error:
        return _page(request, session, staff, status_code=422, error=str(error))
    store.order_channel, store.order_target, store.secret_ref = channel, target, secret_ref
    warning = channel_problem(store)
    text = f"Sparat: hur {store.name} tar emot beställningar."
    return saved(request, "/admin/stores", f"{text} Varning: {warning}" if warning else text,
                 f"#store-{store.id}")  # fmt: skip
