"""`handla staff add USERNAME [--admin]`: create a staff account (password from a prompt or HANDLA_PASSWORD)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from assistant.config import load_settings, prepare_data_dir
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.enums import StaffRole
from assistant.orders.errors import ServiceError
from assistant.staff_accounts import AccountExists, check_password, check_username, create_account


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("staff", help="hantera personalkonton")
    actions = parser.add_subparsers(dest="staff_command", required=True)
    add = actions.add_parser("add", help="skapa ett personalkonto")
    add.add_argument("username")
    add.add_argument("--admin", action="store_true", help="ge administratörsbehörighet")
    add.set_defaults(func=add_staff)


def _read_password() -> tuple[str, str | None]:
    """The password, and its second typing at a prompt (None from HANDLA_PASSWORD)."""
    if password := os.environ.get("HANDLA_PASSWORD"):
        return password, None
    return getpass.getpass("Lösenord: "), getpass.getpass("Lösenord igen: ")


def add_staff(args: argparse.Namespace) -> int:
    try:
        check_username(args.username)
        password, again = _read_password()
        check_password(password, again)
    except ServiceError as error:
        print(error, file=sys.stderr)
        return 2
    url = prepare_data_dir(load_settings()).database_url
    upgrade_database(url)
    role = StaffRole.ADMIN if args.admin else StaffRole.STAFF
    try:
        with session_scope(make_sessionmaker(make_engine(url))) as session:
            create_account(session, args.username, password, role)
    except AccountExists as taken:
        print(taken.message, file=sys.stderr)
        return 1
    print(f"Skapade {role} {args.username.strip()}.")
    return 0
