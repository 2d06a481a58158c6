"""`handla serve`: the web app, with the Rasa server and action server beside it."""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import signal
import sys

from assistant.config import Settings, load_settings, prepare_data_dir
from assistant.logs import configure_logging, debug_wanted
from assistant.process_group import ProcessGroup, assistant_processes


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="start Handla on 127.0.0.1:8000")
    parser.add_argument("--host", help="address to bind (default HANDLA_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default HANDLA_PORT or 8000)")
    parser.add_argument(
        "--workers", type=int, help="app processes behind the one address (HANDLA_WORKERS, 1)"
    )
    parser.add_argument(
        "--no-assistant",
        action="store_true",
        help="start only the web app, without the Rasa and action servers",
    )
    parser.set_defaults(func=serve)


def with_run_secrets(settings: Settings) -> Settings:
    """Fresh secrets per run for what is not configured: Rasa's HTTP API token, the signature
    of the app's messages to Rasa, and the token Rasa shows the action server."""

    def fresh(value: str) -> str:
        return value or secrets.token_urlsafe(32)

    return dataclasses.replace(
        settings,
        rasa_token=fresh(settings.rasa_token),
        rasa_channel_secret=fresh(settings.rasa_channel_secret),
        action_token=fresh(settings.action_token),
    )


def settings_environment(settings: Settings) -> dict[str, str]:
    """The settings a worker process must share with this one, as environment variables (the
    secrets made for this run, and what the command line changed)."""
    return {
        "HANDLA_HOST": settings.host,
        "HANDLA_PORT": str(settings.port),
        "HANDLA_RASA_TOKEN": settings.rasa_token,
        "HANDLA_RASA_CHANNEL_SECRET": settings.rasa_channel_secret,
        "HANDLA_ACTION_TOKEN": settings.action_token,
    }


class Stopped(Exception):
    """SIGTERM arrived: unwind, so that the Rasa and action servers are stopped on the way out."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise Stopped


def serve(args: argparse.Namespace) -> int:
    """The web app in the foreground, the assistant's servers beside it. SIGTERM and SIGINT
    (Ctrl-C) both stop uvicorn gracefully first and then the children, freeing every port:
    uvicorn re-raises the signal it caught once it has shut down, which our handler (SIGTERM)
    or Python's (SIGINT, KeyboardInterrupt) turns into an exception that leaves the `with`."""
    import uvicorn
    from fastapi import FastAPI

    from assistant.web.app import create_app, prepare_database

    configure_logging()
    settings = prepare_data_dir(load_settings())
    # the address bound decides whether session cookies must be Secure (Settings.secure_cookies)
    settings = dataclasses.replace(
        settings,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=max(args.workers or settings.workers, 1),
    )
    settings = with_run_secrets(settings)
    prepare_database(settings)  # once, before any worker starts (no two first-start imports)
    specs, notes = ([], []) if args.no_assistant else assistant_processes(settings)
    for note in notes:
        print(note, file=sys.stderr)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with ProcessGroup(specs):
            if settings.workers > 1:  # each worker builds the app from the same environment
                os.environ.update(settings_environment(settings))
                app: str | FastAPI = "assistant.web.app:create_served_app"
            else:
                app = create_app(settings)
            uvicorn.run(
                app,
                factory=settings.workers > 1,
                workers=settings.workers,
                host=settings.host,
                port=settings.port,
                log_level="debug" if debug_wanted() else "info",
                ws="wsproto",  # uvicorn's default websockets backend needs websockets>=13; rasa-sdk pins 10
            )
    except (Stopped, KeyboardInterrupt):
        pass
    return 0
