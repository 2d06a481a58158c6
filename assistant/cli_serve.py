"""`handla serve`: prepare the database and catalog, then run the web app."""

from __future__ import annotations

import argparse

from assistant.config import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="start the web app on 127.0.0.1:8000")
    parser.add_argument("--host", help="address to bind (default HANDLA_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default HANDLA_PORT or 8000)")
    parser.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.web.app import create_app

    settings = load_settings()
    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
    )
    return 0
