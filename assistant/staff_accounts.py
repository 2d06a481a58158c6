"""Staff accounts: argon2 password hashes, the rules for a new account (the web's admin page and
`handla staff add` both create accounts here), deactivation and the first run's hint."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.db.enums import StaffRole
from assistant.db.models import StaffSession, StaffUser
from assistant.orders.errors import NotFound, ServiceError

MIN_PASSWORD_LENGTH = 10
MAX_USERNAME = 100
FIRST_RUN_HINT = (
    "Inget personalkonto finns ännu. Skapa en administratör med:\n"
    "  handla staff add NAMN --admin\n"
    "(lösenordet frågas efter, eller läses från HANDLA_PASSWORD)."
)

_hasher = PasswordHasher()


ROLE_LABELS = {StaffRole.STAFF: "Personal", StaffRole.ADMIN: "Administratör"}


class AccountExists(ServiceError):
    """The user name is taken."""


class AccountMissing(NotFound):
    """No account has that id."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """A hash to verify against when the user is unknown: timing is the same for both cases
    (made on first use, not when the app starts)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def staff_members(session: Session) -> list[StaffUser]:
    """Every staff account, by user name."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def no_staff_yet(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(StaffUser))


def check_password(password: str, again: str | None = None) -> None:
    """The password rules; `again` is the second typing where a form asks for one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
    if again is not None and password != again:
        raise ServiceError("Lösenorden är inte lika.")


def check_username(username: str) -> str:
    """The name without surrounding spaces: 1–100 characters, no spaces inside."""
    username = username.strip()
    if not 1 <= len(username) <= MAX_USERNAME or any(ch.isspace() for ch in username):
        raise ServiceError("Användarnamnet måste vara 1–100 tecken utan mellanslag.")
    return username


def create_account(
    session: Session,
    username: str,
    password: str,
    role: str = StaffRole.STAFF,
    *,
    password_again: str | None = None,
) -> StaffUser:
    """A new account, checked in full before anything is written (the name first, then
    whether it is taken, the password, and the role)."""
    username = check_username(username)
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        raise AccountExists(f"Användaren {username} finns redan.")
    check_password(password, password_again)
    if role not in tuple(StaffRole):
        raise ServiceError("Välj en roll.")
    member = StaffUser(
        username=username, password_hash=hash_password(password), role=StaffRole(role)
    )
    session.add(member)
    session.flush()
    return member


def end_sessions(session: Session, staff_id: int) -> None:
    """Every session of this account ends (deactivation)."""
    session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


def set_active(session: Session, acting: StaffUser, member_id: int, active: bool) -> StaffUser:
    """Deactivate or reactivate an account; an admin cannot lock themselves out. A
    deactivated account is logged out on every tablet at once."""
    member = session.get(StaffUser, member_id)
    if member is None:
        raise AccountMissing("Kontot finns inte.")
    if member.id == acting.id and not active:
        raise ServiceError("Du kan inte stänga av ditt eget konto.")
    member.active = active
    if not active:
        end_sessions(session, member.id)
    return member
