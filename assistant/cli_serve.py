"""`handla serve`: the web app, with the Rasa server and action server beside it."""

from __future__ import annotations

import argparse
import dataclasses
import secrets
import signal
import sys

from assistant.config import Settings, load_settings
from assistant.process_group import ProcessGroup, assistant_processes


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="start Handla on 127.0.0.1:8000")
    parser.add_argument("--host", help="address to bind (default HANDLA_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default HANDLA_PORT or 8000)")
    parser.add_argument(
        "--no-assistant",
        action="store_true",
        help="start only the web app, without the Rasa and action servers",
    )
    parser.set_defaults(func=serve)


def with_run_secrets(settings: Settings) -> Settings:
    """Fresh secrets per run for what is not configured: Rasa's HTTP API token, the signature
    of the app's messages to Rasa, and the token Rasa shows the action server."""
    fresh = {
        name: secrets.token_urlsafe(32)
        for name in ("rasa_token", "rasa_channel_secret", "action_token")
        if not getattr(settings, name)
    }
    return dataclasses.replace(settings, **fresh)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.web.app import create_app

    settings = with_run_secrets(load_settings())
    specs, notes = ([], []) if args.no_assistant else assistant_processes(settings)
    for note in notes:
        print(note, file=sys.stderr)
    # uvicorn re-raises SIGTERM after its graceful shutdown; with the default handler that would
    # end this process before the Rasa and action servers below are stopped (left running)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with ProcessGroup(specs):
        uvicorn.run(
            create_app(settings),
            host=args.host or settings.host,
            port=args.port or settings.port,
            log_level="info",
            ws="wsproto",  # uvicorn's default websockets backend needs websockets>=13; rasa-sdk pins 10
        )
    return 0
