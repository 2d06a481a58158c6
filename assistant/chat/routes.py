"""The chat endpoint of the client page: typed (or recognised) text to Rasa and back.

The Rasa sender id is `client-<id>`, so the custom actions know whose basket to use; the basket
itself lives in the order service's database, never in Rasa's tracker.
"""

from __future__ import annotations

import hmac
from dataclasses import asdict

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.chat.messages import clean_message
from assistant.chat.rasa_client import ChatReply, ChatResult, RasaClient
from assistant.db.models import StaffUser
from assistant.web.deps import DB_SESSION
from assistant.web.security import client_for, current_staff

router = APIRouter()


class ChatIn(BaseModel):
    text: str = ""


def require_csrf_header(request: Request) -> None:
    """JSON requests carry the session's CSRF token in the X-CSRF-Token header."""
    sent = request.headers.get("x-csrf-token", "")
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="Ogiltig eller saknad säkerhetskod (CSRF).")


def rasa_client(request: Request) -> RasaClient:
    settings = request.app.state.settings
    return RasaClient(settings.rasa_url, settings.rasa_token)


def sender_id(client_id: int) -> str:
    return f"client-{client_id}"


@router.post("/clients/{client_id}/chat", dependencies=[Depends(require_csrf_header)])
async def chat(
    client_id: int,
    message: ChatIn,
    staff: StaffUser = Depends(current_staff),
    session: Session = DB_SESSION,
    rasa: RasaClient = Depends(rasa_client),
) -> dict:
    client_for(session, staff, client_id)
    cleaned = clean_message(message.text)
    if cleaned.refusal:
        result = ChatResult("ready", [ChatReply(text=cleaned.refusal)])
    else:
        result = await rasa.send(sender_id(client_id), cleaned.text)
    return {"status": result.status, "replies": [asdict(reply) for reply in result.replies]}


@router.get("/api/assistant/status")
async def assistant_status(
    staff: StaffUser = Depends(current_staff), rasa: RasaClient = Depends(rasa_client)
) -> dict:
    """`ready`, `starting` (show "Assistenten startar…") or `unavailable`."""
    return {"status": await rasa.status()}
