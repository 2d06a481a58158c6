"""Store administration for admins: how a store receives orders, its fees and minimum order
(the rules are in `assistant.orders.store_settings`). A setting that is valid but cannot work
yet is saved with a warning, shown on save and on the store list until fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.db.models import StaffUser, Store
from assistant.orders.errors import ServiceError
from assistant.orders.store_channel import CHANNEL_LABELS, channel_problem, outgoing_folder
from assistant.orders.store_settings import (
    FEE_FIELDS,
    all_stores,
    fee_text,
    get_store,
    set_channel,
    set_fees,
)
from assistant.web.deps import AdminDep, SessionDep
from assistant.web.notice import saved, take_notice
from assistant.web.security import require_csrf
from assistant.web.templating import render

router = APIRouter(prefix="/admin")

HINTS = {
    "picking_free_from_ore": "Tomt: avgiften tas alltid ut.",
    "delivery_free_from_ore": "Tomt: avgiften tas alltid ut. 0: alltid fri leverans.",
    "invoice_fee_ore": "Tas bara ut av kunder som betalar mot faktura.",
    "minimum_order_ore": "Varornas värde efter erbjudanden, utan avgifter.",
}


class FeeForm(BaseModel):
    picking_fee_ore: str = ""
    picking_free_from_ore: str = ""
    delivery_fee_ore: str = ""
    delivery_free_from_ore: str = ""
    invoice_fee_ore: str = ""
    minimum_order_ore: str = ""


class ChannelForm(BaseModel):
    order_channel: str = ""
    order_target: str = ""
    secret_ref: str = ""


def _folder(data_dir: Path, store: Store) -> str | None:
    """Where a file-drop store's orders land (shown on the page)."""
    if store.order_channel != "file":
        return None
    try:
        return str(outgoing_folder(data_dir, store.order_target))
    except ValueError:
        return None


def _page(request: Request, session: Session, staff: StaffUser, **extra: Any) -> Response:
    stores = all_stores(session)
    data_dir = request.app.state.settings.data_dir
    forms = [
        (
            store,
            [
                (f, label, fee_text(getattr(store, f)), HINTS.get(f, ""))
                for f, (label, _) in FEE_FIELDS.items()
            ],
            channel_problem(store),
            _folder(data_dir, store),
        )
        for store in stores
    ]
    return render(
        request,
        "admin_stores.html",
        staff=staff,
        forms=forms,
        channels=CHANNEL_LABELS,
        notice=take_notice(request),
        **extra,
    )


@router.get("/stores")
def stores(
    request: Request,
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    return _page(request, session, staff)


@router.post("/stores/{store_id}/fees", dependencies=[Depends(require_csrf)])
def update_fees(
    store_id: int,
    request: Request,
    form: Annotated[FeeForm, Form()],
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    store = get_store(session, store_id)
    try:  # every field is checked before any is written
        set_fees(session, store.id, form.model_dump())
    except ServiceError as refusal:
        return _page(request, session, staff, status_code=422, error=refusal.message)
    return saved(
        request, "/admin/stores", f"Sparat: avgifter för {store.name}.", f"#store-{store.id}"
    )


@router.post("/stores/{store_id}/channel", dependencies=[Depends(require_csrf)])
def update_channel(
    store_id: int,
    request: Request,
    form: Annotated[ChannelForm, Form()],
    staff: AdminDep,
    session: SessionDep,
) -> Response:
    store = get_store(session, store_id)
    try:
        warning = set_channel(
            session, store.id, form.order_channel, form.order_target, form.secret_ref
        )
    except ServiceError as refusal:
        return _page(request, session, staff, status_code=422, error=refusal.message)
    text = f"Sparat: hur {store.name} tar emot beställningar."
    return saved(
        request,
        "/admin/stores",
        f"{text} Varning: {warning}" if warning else text,
        f"#store-{store.id}",
    )
