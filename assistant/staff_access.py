"""Who may do what: staff logins, login throttling, server-side sessions and which clients a
staff member may see. The web layer keeps only the cookie, CSRF and HTTP answers
(`assistant/web/security.py`); the rules are here, counted in the database so every app worker
agrees.

A session is a random token the browser holds; its SHA-256 digest is the `staff_session` row
that makes it valid. Logging out deletes the row, and a deactivated account's sessions are
refused (and deleted by `staff_accounts.set_active`), so a saved cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from assistant.db.enums import StaffRole
from assistant.db.models import Client, LoginFailure, StaffSession, StaffUser
from assistant.staff_accounts import dummy_hash, verify_password

SESSION_LIFETIME = timedelta(hours=12)  # one working day
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 10
"""Wrong passwords for one user name within the window before its logins wait. Guessing from many
addresses is slowed to this pace; the owner waits at most the window after the guessing stops."""
ADDRESS_FAILURES = 30
"""Wrong passwords from one address within the window (several staff may share an office's
address; this stops one address from trying many user names)."""


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The active account with this name and password (the same work when there is none)."""
    staff = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if staff is None or not staff.active:
        verify_password(dummy_hash(), password)
        return None
    return staff if verify_password(staff.password_hash, password) else None


# --- throttling -----------------------------------------------------------------------------


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


def login_wait(session: Session, username: str, address: str, known_device: bool = False) -> int:
    """Whole seconds this login attempt must wait (0: it may try). A browser this account has
    logged in from before (`known_device`) is not held back by guessing elsewhere."""
    now = datetime.now(UTC)
    wait = _wait_after(session, LoginFailure.address, address[:64], ADDRESS_FAILURES, now)
    if not known_device:
        account = _wait_after(
            session, LoginFailure.username, username.strip()[:100], ACCOUNT_FAILURES, now
        )
        wait = max(wait, account)
    return math.ceil(wait)


def record_login_failure(
    session: Session, username: str, address: str, known_device: bool = False
) -> None:
    """A known device's mistakes count for its address only: its owner mistyping does not make
    the account wait for everybody else."""
    now = datetime.now(UTC)
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - THROTTLE_WINDOW))
    counted_for = "" if known_device else username.strip()[:100]
    session.add(LoginFailure(username=counted_for, address=address[:64], failed_at=now))


# --- known devices (OWASP's device cookies) -------------------------------------------------
# A browser that logged in as a user name keeps a proof of it (a nonce and its HMAC with the
# app's key; the name itself is not in it). Someone guessing that name from elsewhere makes
# other browsers wait, never the staff member's own tablet. A shared tablet keeps a few.

DEVICE_LIFETIME = timedelta(days=180)
DEVICES_KEPT = 8


def _device_mac(key: str, username: str, nonce: str) -> str:
    message = f"handla-device|{username.strip().lower()}|{nonce}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def known_device(key: str, proofs: str, username: str) -> bool:
    """Whether the cookie's proofs include one for this user name."""
    for proof in proofs.split()[:DEVICES_KEPT]:
        nonce, _, mac = proof.partition(".")
        if mac and hmac.compare_digest(mac, _device_mac(key, username, nonce)):
            return True
    return False


def remember_device(key: str, proofs: str, username: str) -> str:
    """The cookie's proofs with a fresh one for this user name first (the oldest dropped)."""
    nonce = secrets.token_urlsafe(12)
    kept = [p for p in proofs.split()[:DEVICES_KEPT] if not known_device(key, p, username)]
    return " ".join([f"{nonce}.{_device_mac(key, username, nonce)}", *kept][:DEVICES_KEPT])


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minut" if minutes == 1 else "minuter"
    return f"För många felaktiga inloggningar. Vänta {minutes} {unit} och försök igen."


# --- sessions -------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, staff: StaffUser) -> str:
    """A new session for a staff member who just logged in: its token (only the digest is
    kept). The account's failed attempts are forgotten and expired sessions of anyone are
    cleared away."""
    now = datetime.now(UTC)
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    session.execute(delete(LoginFailure).where(LoginFailure.username == staff.username))
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=_digest(token), staff_id=staff.id, created_at=now, expires_at=now + SESSION_LIFETIME
        )
    )
    return token


def close_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.id == _digest(token)))


def staff_of_session(session: Session, token: str) -> StaffUser | None:
    """The active account whose session this token is, while the session lasts."""
    return session.scalar(
        select(StaffUser)
        .join(StaffSession, StaffSession.staff_id == StaffUser.id)
        .where(
            StaffSession.id == _digest(token),
            StaffSession.expires_at > datetime.now(UTC),
            StaffUser.active.is_(True),
        )
    )


# --- clients --------------------------------------------------------------------------------


def may_see(staff: StaffUser, client: Client) -> bool:
    """Admins see every client; other staff only the clients linked to them."""
    return staff.role == StaffRole.ADMIN or staff in client.staff


def visible_client(session: Session, staff: StaffUser, client_id: int) -> Client | None:
    """The client if this staff member may see them, else None (whether or not they exist)."""
    client = session.get(Client, client_id)
    return client if client is not None and may_see(staff, client) else None


def visible_clients(session: Session, staff: StaffUser) -> list[Client]:
    query = select(Client).order_by(Client.display_name)
    if staff.role != StaffRole.ADMIN:
        query = query.where(Client.staff.contains(staff))
    return list(session.scalars(query))
