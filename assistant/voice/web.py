"""Voice in the web app: the WebSocket for a logged-in staff member's tablet, the models from
HANDLA_MODELS_DIR (loaded on first use, so the app starts without them), and recognition
biased toward the catalog and the dialogue's words."""

from __future__ import annotations

from fastapi import FastAPI, WebSocket

from assistant.voice.engines import VoiceEngines, engines_for_models_dir
from assistant.voice.routes import voice_router
from assistant.voice.vocabulary import recognition_words


def install_voice(app: FastAPI) -> None:
    """Needs app.state.settings and app.state.sessions."""

    def engines() -> VoiceEngines:
        words = recognition_words(app.state.sessions)
        return engines_for_models_dir(app.state.settings.models_dir, words)

    def logged_in(websocket: WebSocket) -> bool:
        return isinstance(websocket.scope.get("session", {}).get("staff_id"), int)

    # no `reply`: the page sends the recognised text through the chat endpoint, which also
    # returns the picture cards, and has the answer spoken with a "say" message
    app.include_router(voice_router(None, engines, logged_in))
