"""Client mode: the tablet left with the client shows only that client's page.

Staff switch it on for their browser session ("Kundläge" on the client page). While it is on,
every request outside the client's own page (with its basket, choices, receipts, chat and
voice) is sent back to that page, and the page shows no staff menu or staff tools. Leaving it
needs the staff member's password (see `pages.leave_client_mode`); logging in again or the
session's end also ends it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

SESSION_KEY = "client_mode"

_CLIENT_PATH = re.compile(r"^/(?:api/)?clients/(\d+)(?:/|$)")
_STAFF_ONLY = re.compile(r"^/clients/\d+/(?:statement|debug-recording)")
_SHARED = ("/static/", "/api/products/", "/api/health", "/api/assistant/status", "/voice/")


def client_mode_of(session: Mapping[str, Any]) -> int | None:
    """The client whose page this browser session is locked to, if any."""
    value = session.get(SESSION_KEY)
    return value if isinstance(value, int) else None


def start_client_mode(session: dict[str, Any], client_id: int) -> None:
    session[SESSION_KEY] = client_id


def end_client_mode(session: dict[str, Any]) -> None:
    session.pop(SESSION_KEY, None)


def allowed_in_client_mode(path: str, client_id: int) -> bool:
    """The client's own page and what it uses; nothing of other clients or of staff."""
    if path.startswith(_SHARED):
        return True
    match = _CLIENT_PATH.match(path)
    return match is not None and int(match[1]) == client_id and not _STAFF_ONLY.match(path)


class ClientModeGuard:
    """ASGI middleware: in client mode, any other page redirects to the client's page.

    Must run inside the session middleware (added before it, so that it sees the session)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client_id = client_mode_of(scope.get("session") or {})
            if client_id is not None and not allowed_in_client_mode(scope["path"], client_id):
                await RedirectResponse(f"/clients/{client_id}", status_code=303)(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)
