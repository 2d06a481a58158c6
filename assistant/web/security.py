"""Staff authentication: argon2 password hashes, the signed session, CSRF tokens and roles.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax) holding only the staff id
and a per-session CSRF token; every state-changing form carries that token.
"""

from __future__ import annotations

import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Client, StaffUser
from assistant.web.deps import DB_SESSION

_hasher = PasswordHasher()
# Verifying against a real hash when the user is unknown keeps timing equal for both cases.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class LoginRequired(Exception):
    """Raised by `current_staff` when nobody is logged in; the app redirects to /login."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    staff = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if staff is None or not staff.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return staff if verify_password(staff.password_hash, password) else None


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


def log_in(request: Request, staff: StaffUser) -> None:
    request.session.clear()  # a fresh session (and CSRF token) at login prevents fixation
    request.session["staff_id"] = staff.id
    csrf_token(request)


def current_staff(request: Request, session: Session = DB_SESSION) -> StaffUser:
    staff_id = request.session.get("staff_id")
    staff = session.get(StaffUser, staff_id) if isinstance(staff_id, int) else None
    if staff is None or not staff.active:
        request.session.clear()
        raise LoginRequired
    return staff


def require_admin(staff: StaffUser = Depends(current_staff)) -> StaffUser:
    if staff.role != "admin":
        raise HTTPException(status_code=403, detail="Bara administratörer har tillgång.")
    return staff


def may_see(staff: StaffUser, client: Client) -> bool:
    """Admins see every client; other staff only the clients linked to them."""
    return staff.role == "admin" or staff in client.staff


def client_for(session: Session, staff: StaffUser, client_id: int) -> Client:
    """The client if this staff member may see them; 404 otherwise (no hint that it exists)."""
    client = session.get(Client, client_id)
    if client is None or not may_see(staff, client):
        raise HTTPException(status_code=404, detail="Kunden finns inte.")
    return client


def visible_clients(session: Session, staff: StaffUser) -> list[Client]:
    query = select(Client).order_by(Client.display_name)
    if staff.role != "admin":
        query = query.where(Client.staff.contains(staff))
    return list(session.scalars(query))
