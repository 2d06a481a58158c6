"""Staff authentication: argon2 password hashes, server-side sessions, login throttling, CSRF
tokens and roles.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, Secure unless the app only
listens on this machine) holding a random session token and a per-session CSRF token. The
token's row in `staff_session` is what makes the cookie valid: logging out deletes it, and a
deactivated account's sessions are refused and deleted, so a saved cookie stops working at once,
for pages and for the voice WebSocket alike.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker
from starlette.requests import HTTPConnection

from assistant.db import session_scope
from assistant.db.enums import StaffRole
from assistant.db.models import Client, LoginFailure, StaffSession, StaffUser
from assistant.staff_accounts import dummy_hash, hash_password, verify_password

__all__ = ["hash_password", "verify_password"]  # re-exported: the tests' and CLI's way in
SESSION_LIFETIME = timedelta(hours=12)  # one working day
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 10
"""Wrong passwords for one user name within the window before its logins wait. Guessing from many
addresses is slowed to this pace; the owner waits at most the window after the guessing stops."""
ADDRESS_FAILURES = 30
"""Wrong passwords from one address within the window (several staff may share an office's
address; this stops one address from trying many user names)."""


class LoginRequired(Exception):
    """Raised by `current_staff` when nobody is logged in; the app redirects to /login."""


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    staff = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if staff is None or not staff.active:
        verify_password(dummy_hash(), password)
        return None
    return staff if verify_password(staff.password_hash, password) else None


# --- throttling -----------------------------------------------------------------------------


def client_address(request: HTTPConnection) -> str:
    """The caller's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return (request.client.host if request.client else "") or "okänd"


def _wait_after(
    session: Session, column: InstrumentedAttribute[str], value: str, limit: int, now: datetime
) -> float:
    """Seconds until fewer than `limit` failures for `value` remain in the sliding window."""
    recent = session.scalars(
        select(LoginFailure.failed_at)
        .where(column == value, LoginFailure.failed_at > now - THROTTLE_WINDOW)
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return 0.0
    oldest = recent[-1] if recent[-1].tzinfo else recent[-1].replace(tzinfo=UTC)
    return max((oldest + THROTTLE_WINDOW - now).total_seconds(), 1.0)


def login_wait(session: Session, username: str, address: str) -> int:
    """Whole seconds this login attempt must wait (0: it may try). Counted in the database, so
    every app worker agrees."""
    now = datetime.now(UTC)
    wait = max(
        _wait_after(session, LoginFailure.username, username.strip()[:100], ACCOUNT_FAILURES, now),
        _wait_after(session, LoginFailure.address, address[:64], ADDRESS_FAILURES, now),
    )
    return math.ceil(wait)


def record_login_failure(session: Session, username: str, address: str) -> None:
    now = datetime.now(UTC)
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - THROTTLE_WINDOW))
    session.add(LoginFailure(username=username.strip()[:100], address=address[:64], failed_at=now))


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minut" if minutes == 1 else "minuter"
    return f"För många felaktiga inloggningar. Vänta {minutes} {unit} och försök igen."


# --- sessions -------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
    """A fresh session (new token and CSRF token: no fixation); the account's failed attempts
    are forgotten and expired sessions of anyone are cleared away."""
    now = datetime.now(UTC)
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    session.execute(delete(LoginFailure).where(LoginFailure.username == staff.username))
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=_digest(token), staff_id=staff.id, created_at=now, expires_at=now + SESSION_LIFETIME
        )
    )
    request.session.clear()
    request.session["sid"] = token
    csrf_token(request)


def log_out(request: Request, session: Session) -> None:
    token = request.session.get("sid")
    if isinstance(token, str):
        session.execute(delete(StaffSession).where(StaffSession.id == _digest(token)))
    request.session.clear()


def session_staff(session: Session, connection: HTTPConnection) -> StaffUser | None:
    token = connection.session.get("sid")
    if not isinstance(token, str):
        return None
    return session.scalar(
        select(StaffUser)
        .join(StaffSession, StaffSession.staff_id == StaffUser.id)
        .where(
            StaffSession.id == _digest(token),
            StaffSession.expires_at > datetime.now(UTC),
            StaffUser.active.is_(True),
        )
    )


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


def may_see(staff: StaffUser, client: Client) -> bool:
    """Admins see every client; other staff only the clients linked to them."""
    return staff.role == StaffRole.ADMIN or staff in client.staff


def client_for(session: Session, staff: StaffUser, client_id: int) -> Client:
    """The client if this staff member may see them; 404 otherwise (no hint that it exists)."""
    client = session.get(Client, client_id)
    if client is None or not may_see(staff, client):
        raise HTTPException(status_code=404, detail="Kunden finns inte.")
    return client


def visible_clients(session: Session, staff: StaffUser) -> list[Client]:
    query = select(Client).order_by(Client.display_name)
    if staff.role != StaffRole.ADMIN:
        query = query.where(Client.staff.contains(staff))
    return list(session.scalars(query))
