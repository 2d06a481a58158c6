"""Rendering the client (tablet) page: the search, the picture choice, the basket and checkout."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Client, Order, StaffUser
from assistant.orders.slots import LOCAL_TZ, as_utc
from assistant.voice.recordings import is_recording
from assistant.web.basket_view import basket_view
from assistant.web.templating import render


def open_basket(session: Session, client: Client) -> Order | None:
    """The client's basket if there is one (reading the page never creates one)."""
    return session.scalars(
        select(Order)
        .where(Order.client_id == client.id, Order.status == "basket")
        .order_by(Order.id)
        .limit(1)
    ).first()


def render_client(
    request: Request,
    session: Session,
    staff: StaffUser,
    client: Client,
    status_code: int = 200,
    **extra: object,
) -> Response:
    basket = open_basket(session, client)
    view = basket_view(session, client, basket) if basket is not None else None
    return render(
        request,
        "client.html",
        status_code=status_code,
        staff=staff,
        client=client,
        basket=view,
        debug_recording_until=_recording_until(client),
        **extra,
    )


def _recording_until(client: Client) -> str:
    """ "26/11 kl. 9.05" while debug recording is on for the client, else ""."""
    if not is_recording(client):
        return ""
    until = as_utc(client.debug_recording_until).astimezone(LOCAL_TZ)
    return f"{until.day}/{until.month} kl. {until.hour}.{until.minute:02d}"
