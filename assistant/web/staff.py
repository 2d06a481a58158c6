"""Staff pages: the queue of items waiting for staff, orders needing attention (retry, cancel,
and a link to the store's settings), and the monthly statement per client (page and PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from assistant.db.models import Order, StaffUser
from assistant.orders import attention
from assistant.orders.attention import cancel_order, retry_order
from assistant.orders.errors import ServiceError
from assistant.orders.money import format_sek
from assistant.orders.statement import monthly_statement, monthly_statement_pdf
from assistant.orders.status import status_label
from assistant.staff_access import visible_clients
from assistant.web.deps import MonthDep, SessionDep, StaffDep, wake_outbox
from assistant.web.security import client_for, require_csrf
from assistant.web.templating import render

router = APIRouter()


@router.get("/staff/queue")
def waiting_for_staff(request: Request, staff: StaffDep, session: SessionDep) -> Response:
    """Basket lines (from chat or voice) where the assistant could not pick the product."""
    client_ids = [client.id for client in visible_clients(session, staff)]
    lines = attention.waiting_for_staff(session, client_ids)
    return render(request, "queue.html", staff=staff, lines=lines)


@dataclass(frozen=True)
class AttentionRow:
    order: Order
    total: str
    status: str
    last_error: str
    store_problem: str | None


DONE_TEXT = {
    "retry": "Order {id} skickas till butiken igen.",
    "cancel": "Order {id} är avbruten och platsen på leveranstiden är ledig igen.",
}


def _attention_page(
    request: Request, session: Session, staff: StaffUser, status_code: int = 200, **extra: object
) -> Response:
    client_ids = [client.id for client in visible_clients(session, staff)]
    rows = [
        AttentionRow(
            item.order,
            format_sek(item.order.total_ore),
            status_label(item.order.status),
            item.last_error,
            item.store_problem,
        )
        for item in attention.needing_attention(session, client_ids)
    ]
    return render(
        request, "attention.html", status_code=status_code, staff=staff, rows=rows, **extra
    )


@router.get("/staff/attention")
def orders_needing_attention(
    request: Request,
    staff: StaffDep,
    session: SessionDep,
    done: Annotated[str | None, Query(pattern="^(retry|cancel)$")] = None,
    order: Annotated[int | None, Query()] = None,
) -> Response:
    """Orders the store has not received after the first quick attempts (the worker keeps
    trying in the background); staff retry, cancel or fix the store's settings."""
    message = DONE_TEXT[done].format(id=order) if done and order else None
    return _attention_page(request, session, staff, message=message)


STAFF_ACTIONS = {"retry": retry_order, "cancel": cancel_order}


@router.post("/staff/attention/{order_id}/{done}", dependencies=[Depends(require_csrf)])
def act_on_order(
    order_id: int,
    done: Annotated[str, Path(pattern="^(retry|cancel)$")],
    request: Request,
    staff: StaffDep,
    session: SessionDep,
) -> Response:
    """Send an order needing attention again, or cancel it."""
    order = session.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="Beställningen finns inte.")
    client_for(session, staff, order.client_id)  # 404 for another staff member's client
    try:
        STAFF_ACTIONS[done](session, order.id, actor=staff.id)
    except ServiceError as refusal:
        session.rollback()
        return _attention_page(request, session, staff, 422, error=refusal.message)
    session.commit()
    if done == "retry":
        wake_outbox(request)
    return RedirectResponse(f"/staff/attention?done={done}&order={order.id}", status_code=303)


@router.get("/clients/{client_id}/statement")
def statement(
    client_id: int, request: Request, staff: StaffDep, session: SessionDep, month: MonthDep
) -> Response:
    client = client_for(session, staff, client_id)
    data = monthly_statement(session, client.id, *month)  # a refusal: the error page (422)
    return render(
        request,
        "statement.html",
        staff=staff,
        client=client,
        statement=data,
        month="{:04d}-{:02d}".format(*month),
        sek=format_sek,
    )


@router.get("/clients/{client_id}/statement.pdf")
def statement_pdf(
    client_id: int, staff: StaffDep, session: SessionDep, month: MonthDep
) -> Response:
    client = client_for(session, staff, client_id)
    pdf = monthly_statement_pdf(session, client.id, *month)
    name = "handla-{:04d}-{:02d}-kund-{}.pdf".format(*month, client.id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
