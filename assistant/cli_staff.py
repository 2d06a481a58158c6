"""`handla staff add USERNAME [--admin]`: create a staff account (password from a prompt or HANDLA_PASSWORD)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy import select

from assistant.config import load_settings
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import StaffUser

MIN_PASSWORD_LENGTH = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("staff", help="hantera personalkonton")
    actions = parser.add_subparsers(dest="staff_command", required=True)
    add = actions.add_parser("add", help="skapa ett personalkonto")
    add.add_argument("username")
    add.add_argument("--admin", action="store_true", help="ge administratörsbehörighet")
    add.set_defaults(func=add_staff)


def _read_password() -> str:
    if password := os.environ.get("HANDLA_PASSWORD"):
        return password
    first = getpass.getpass("Lösenord: ")
    if first != getpass.getpass("Lösenord igen: "):
        raise ValueError("Lösenorden är inte lika.")
    return first


def add_staff(args: argparse.Namespace) -> int:
    from assistant.web.security import hash_password

    username = args.username.strip()
    if not username or len(username) > 100:
        print("Användarnamnet måste vara 1–100 tecken.", file=sys.stderr)
        return 2
    try:
        password = _read_password()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.", file=sys.stderr)
        return 2
    url = load_settings().database_url
    upgrade_database(url)
    with session_scope(make_sessionmaker(make_engine(url))) as session:
        if session.scalar(select(StaffUser).where(StaffUser.username == username)):
            print(f"Användaren {username} finns redan.", file=sys.stderr)
            return 1
        role = "admin" if args.admin else "staff"
        session.add(StaffUser(username=username, password_hash=hash_password(password), role=role))
    print(f"Skapade {role} {username}.")
    return 0


FIRST_RUN_HINT = (
    "Inget personalkonto finns ännu. Skapa en administratör med:\n"
    "  handla staff add NAMN --admin\n"
    "(lösenordet frågas efter, eller läses från HANDLA_PASSWORD)."
)
