"""The `handla` command. Each feature adds its subcommands in its own module (see COMMAND_MODULES)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from assistant.config import SettingsError
from assistant.logs import DEBUG_ENV

# Each module has `register(subparsers)` adding its subcommands; a subcommand sets
# `func=callable(args) -> int` with set_defaults.
COMMAND_MODULES = [
    "assistant.cli_serve",
    "assistant.cli_staff",
    "assistant.cli_catalog",
    "assistant.cli_nlu",
    "assistant.cli_models",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handla", description="Handla – beställ matvaror med röst och chatt"
    )
    parser.add_argument(
        "--debug", action="store_true", help="skriv felsökningsloggar (även för Rasa-åtgärderna)"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.debug:  # read by `handla serve` and the processes it starts
        os.environ[DEBUG_ENV] = "1"
    try:
        return int(args.func(args) or 0)
    except SettingsError as error:  # a HANDLA_* variable that cannot work: say which
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
