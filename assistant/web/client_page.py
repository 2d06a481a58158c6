"""Rendering the client (tablet) page: the search, open choices and wishes, the basket,
checkout, the chat and the client's recent orders."""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from assistant.chat.history import todays_messages
from assistant.db.models import Client, StaffUser
from assistant.orders.basket_state import BasketState, basket_state
from assistant.orders.history import recent_orders
from assistant.orders.slots import LOCAL_TZ, as_utc
from assistant.orders.wording import intake_notes
from assistant.voice.recordings import is_recording
from assistant.web.client_mode import client_mode_of
from assistant.web.notice import take_notice
from assistant.web.security import csrf_token
from assistant.web.templating import render, templates

__all__ = ["intake_notes", "render_client", "see_client"]


def see_client(request: Request, client_id: int, anchor: str = "#korg") -> Response:
    return RedirectResponse(f"/clients/{client_id}{anchor}", status_code=303)


def _confirm_key(state: BasketState) -> str:
    """A fresh idempotency key for the summary shown (a repeat of it is the same order)."""
    return secrets.token_urlsafe(24) if state.summary else ""


def render_parts(request: Request, session: Session, client: Client) -> dict[str, str]:
    """The open choices and the basket, rendered as on the page (swapped in after a chat turn)."""
    state = basket_state(session, client)
    context = {
        "request": request,
        "client": client,
        "basket": state,
        "csrf_token": csrf_token(request),
        "confirm_key": _confirm_key(state),
        "client_mode": client_mode_of(request.session),
    }
    return {
        "val": templates.get_template("_choices.html").render(context),
        "basket-area": templates.get_template("_basket.html").render(context),
    }


def render_client(
    request: Request,
    session: Session,
    staff: StaffUser,
    client: Client,
    status_code: int = 200,
    **extra: object,
) -> Response:
    notice = take_notice(request)
    state = basket_state(session, client)
    added = [line for line in state.lines if line.id in notice.added]
    extra.setdefault("notice", notice)
    return render(
        request,
        "client.html",
        status_code=status_code,
        staff=staff,
        client=client,
        basket=state,
        confirm_key=_confirm_key(state),
        added=added,
        notes=notice.notes,
        chat=todays_messages(session, client.id),
        orders=recent_orders(session, client.id),
        debug_recording_until=_recording_until(client),
        **extra,
    )


def _recording_until(client: Client) -> str:
    """ "26/11 kl. 9.05" while debug recording is on for the client, else ""."""
    if not is_recording(client) or client.debug_recording_until is None:
        return ""
    until = as_utc(client.debug_recording_until).astimezone(LOCAL_TZ)
    return f"{until.day}/{until.month} kl. {until.hour}.{until.minute:02d}"
