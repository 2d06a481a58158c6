"""The chat endpoint of the client page: typed (or recognised) text to Rasa and back.

The Rasa sender id is `client-<id>`, so the custom actions know whose basket to use; the basket
itself lives in the order service's database, never in Rasa's tracker.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from assistant.chat.history import first_turn_today, record_turn
from assistant.chat.messages import clean_message
from assistant.chat.rasa_client import ChatReply, ChatResult, RasaClient, sender_id
from assistant.db.models import Product
from assistant.web.deps import SessionDep, StaffDep, reads_only
from assistant.web.security import client_for
from assistant.web.templating import templates

router = APIRouter()


class Pick(BaseModel):
    """A tapped card of an open choice in the chat."""

    line_id: int = Field(ge=1, le=2**31 - 1)
    product_id: int = Field(ge=1, le=2**31 - 1)


class ChatIn(BaseModel):
    text: str = Field("", max_length=20_000)
    pick: Pick | None = None


def require_csrf_header(request: Request) -> None:
    """JSON requests carry the session's CSRF token in the X-CSRF-Token header."""
    sent = request.headers.get("x-csrf-token", "")
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="Ogiltig eller saknad säkerhetskod (CSRF).")


def rasa_of(app: FastAPI) -> RasaClient:
    """The app's one client of the Rasa server (made on first use)."""
    state = app.state
    if getattr(state, "rasa", None) is None:
        settings = state.settings
        state.rasa = RasaClient(
            settings.rasa_url, settings.rasa_token, settings.rasa_channel_secret
        )
    rasa: RasaClient = state.rasa
    return rasa


def rasa_client(request: Request) -> RasaClient:
    return rasa_of(request.app)


RasaDep = Annotated[RasaClient, Depends(rasa_client)]


@router.post(
    "/clients/{client_id}/chat", dependencies=[Depends(reads_only), Depends(require_csrf_header)]
)
def chat(
    client_id: int,
    message: ChatIn,
    staff: StaffDep,
    session: SessionDep,
    rasa: RasaDep,
) -> dict[str, Any]:
    client = client_for(session, staff, client_id)
    if message.pick is not None:
        shown, sent, refusal = *_picked(session, client.id, message.pick), None
    else:
        cleaned = clean_message(message.text)
        shown, sent, refusal = cleaned.text or "…", cleaned.text, cleaned.refusal
    new_day = first_turn_today(session, client.id)
    # The actions write the basket, and keep the turn in the day's chat, while Rasa answers:
    # this request only read (no write lock held across the call, none taken per turn).
    session.commit()
    if refusal:
        result = ChatResult("ready", [ChatReply(text=refusal)])
    else:
        if new_day:  # earlier days' words leave Rasa as they leave the chat
            rasa.forget(sender_id(client.id))
        result = rasa.send(sender_id(client.id), sent, shown)
    replies = [asdict(reply) for reply in result.replies]
    if not result.kept:  # answered here (odd input, Rasa down): kept here
        record_turn(session, client.id, shown, replies)
    html = templates.get_template("_chat_message.html")
    messages = [{"speaker": "client", "text": shown, "payload": {}}] + [
        {"speaker": "assistant", "text": r["text"], "payload": r} for r in replies
    ]
    rendered = "".join(html.render(message=m) for m in messages)
    return {"status": result.status, "replies": replies, "html": rendered}


def _picked(session: Session, client_id: int, pick: Pick) -> tuple[str, str]:
    """What the chat shows for a tapped card, and the message that tells the dialogue (an
    intent with the line and product, so no words have to be understood)."""
    product = session.get(Product, pick.product_id)
    shown = product.name if product is not None else "Vald bild"
    entities = json.dumps({"line_id": str(pick.line_id), "product_id": str(pick.product_id)})
    return shown, f"/choose{entities}"


@router.get("/api/assistant/status")
def assistant_status(staff: StaffDep, rasa: RasaDep) -> dict[str, str]:
    """`ready`, `starting` (show "Assistenten startar…") or `unavailable`."""
    return {"status": rasa.status()}
