"""Staff authentication on the web: the session cookie, CSRF tokens, the WebSocket's origin and
the HTTP answers (login redirect, 403, 404). The rules (passwords, throttling, session rows, who
may see which client) are in `assistant/staff_access.py`.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, Secure unless the app only
listens on this machine) holding a random session token and a per-session CSRF token; the
token's row in `staff_session` is what makes the cookie valid, for pages and for the voice
WebSocket alike.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection

from assistant.db import session_scope
from assistant.db.models import Client, StaffUser
from assistant.staff_access import (
    DEVICE_LIFETIME,
    close_session,
    known_device,
    open_session,
    remember_device,
    staff_of_session,
    visible_client,
)


class LoginRequired(Exception):
    """Raised by `current_staff` when nobody is logged in; the app redirects to /login."""


def client_address(request: HTTPConnection) -> str:
    """The caller's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return (request.client.host if request.client else "") or "okänd"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def require_csrf(request: Request) -> None:
    """Refuse a form post whose `csrf_token` field does not match the session's token."""
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="Ogiltig eller saknad säkerhetskod (CSRF).")


def log_in(request: Request, session: Session, staff: StaffUser) -> None:
    """A fresh cookie for a fresh session (new token and CSRF token: no fixation)."""
    token = open_session(session, staff)
    request.session.clear()
    request.session["sid"] = token
    csrf_token(request)


DEVICE_COOKIE = "handla_device"


def device_known(request: Request, username: str) -> bool:
    """This browser has logged in as `username` before (staff_access: known devices)."""
    key = request.app.state.settings.secret_key
    return known_device(key, request.cookies.get(DEVICE_COOKIE, ""), username)


def remember_this_device(request: Request, response: Response, username: str) -> None:
    settings = request.app.state.settings
    proofs = remember_device(settings.secret_key, request.cookies.get(DEVICE_COOKIE, ""), username)
    response.set_cookie(
        DEVICE_COOKIE,
        proofs,
        max_age=int(DEVICE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )


def log_out(request: Request, session: Session) -> None:
    token = request.session.get("sid")
    if isinstance(token, str):
        close_session(session, token)
    request.session.clear()


def session_staff(session: Session, connection: HTTPConnection) -> StaffUser | None:
    token = connection.session.get("sid")
    return staff_of_session(session, token) if isinstance(token, str) else None


@dataclass(frozen=True)
class SocketAccess:
    """Who a WebSocket belongs to, or why it is refused (a Swedish message)."""

    staff_id: int | None
    refusal: str | None = None


def same_origin(connection: HTTPConnection) -> bool:
    """The page that opened the connection is this app's own (browsers always send Origin with
    a WebSocket; a page on another site must not use a staff member's cookie here)."""
    origin = connection.headers.get("origin", "")
    host = connection.headers.get("host", "")
    parts = urlsplit(origin)
    return bool(host) and parts.scheme in ("http", "https") and parts.netloc == host


def socket_access(connection: HTTPConnection, sessions: sessionmaker[Session]) -> SocketAccess:
    """For the voice WebSocket: this app's own page and a live session of an active account."""
    if not same_origin(connection):
        return SocketAccess(None, "Anslutningen kommer inte från Handlas egen sida.")
    with session_scope(sessions) as session:
        staff = session_staff(session, connection)
        if staff is None:
            return SocketAccess(None, "Logga in för att använda rösten.")
        return SocketAccess(staff.id)


def client_for(session: Session, staff: StaffUser, client_id: int) -> Client:
    """The client if this staff member may see them; 404 otherwise (no hint that it exists)."""
    client = visible_client(session, staff, client_id)
    if client is None:
        raise HTTPException(status_code=404, detail="Kunden finns inte.")
    return client
