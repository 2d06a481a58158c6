"""Voice in the web app: the WebSocket for a logged-in staff member's tablet, the models from
HANDLA_MODELS_DIR (loaded on first use, so the app starts without them), recognition biased
toward the catalog and the dialogue's words, and the per-client debug recording switch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request, WebSocket
from fastapi.responses import RedirectResponse, Response

from assistant.db import session_scope
from assistant.db.models import Client, StaffUser
from assistant.staff_access import may_see
from assistant.voice.client_setting import hands_free
from assistant.voice.engines import LazyEngines, VoiceEngines, engines_for_models_dir
from assistant.voice.recordings import (
    is_recording,
    save_recording,
    start_recording,
    stop_recording,
)
from assistant.voice.routes import voice_router
from assistant.voice.vocabulary import recognition_words
from assistant.web.deps import SessionDep, StaffDep, current_staff
from assistant.web.security import client_for, require_csrf, socket_access
from assistant.web.templating import templates

recording_router = APIRouter()


@recording_router.post("/clients/{client_id}/debug-recording", dependencies=[Depends(require_csrf)])
def switch_debug_recording(
    client_id: int,
    request: Request,
    staff: StaffDep,
    session: SessionDep,
    on: Annotated[str, Form()] = "",
) -> Response:
    """Staff turn on saving this client's speech for 24 hours, or off (deleting what was saved)."""
    client = client_for(session, staff, client_id)
    if on == "1":
        start_recording(client)
    else:
        stop_recording(request.app.state.settings.data_dir, client)
    return RedirectResponse(f"/clients/{client.id}#voice", status_code=303)


def install_voice(app: FastAPI) -> None:
    """Needs app.state.settings and app.state.sessions."""
    templates.env.globals["voice_hands_free"] = hands_free  # the client page and admin form
    sessions = app.state.sessions
    data_dir = app.state.settings.data_dir

    def load() -> VoiceEngines:
        words = recognition_words(sessions)
        return engines_for_models_dir(app.state.settings.models_dir, words)

    engines = LazyEngines(load)
    engines.warm_up()  # the models load while the app starts, not when the first client talks

    def authorize(websocket: WebSocket) -> str | None:
        """This app's own page and a live session; the staff id is kept for the recorder."""
        access = socket_access(websocket, sessions)
        websocket.state.staff_id = access.staff_id
        return access.refusal

    def record(websocket: WebSocket, start: dict[str, Any], pcm: bytes) -> None:
        """Keep the utterance only while staff have debug recording on for this client."""
        client_id, member_id = start.get("client_id"), websocket.state.staff_id
        if not isinstance(client_id, int) or member_id is None:
            return
        with session_scope(sessions, read_only=True) as session:
            staff, client = session.get(StaffUser, member_id), session.get(Client, client_id)
            allowed = staff is not None and client is not None and may_see(staff, client)
            if not allowed or client is None or not is_recording(client):
                return
        save_recording(data_dir, client_id, pcm)

    # the page sends the recognised text through the chat endpoint (the one way a turn is
    # taken) and has the answer spoken with a "say" message
    staff_only = [Depends(current_staff)]  # what voice is missing is for staff to read
    app.include_router(voice_router(engines, authorize, record, status_dependencies=staff_only))
    app.include_router(recording_router)
