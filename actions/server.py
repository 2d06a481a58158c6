"""The action server, reachable only by the Rasa server beside it.

rasa-sdk's server answers anybody who can reach its port; this one binds 127.0.0.1 and refuses
every call without the shared token Rasa sends (`?token=` from the endpoints file, whose value
comes from HANDLA_ACTION_TOKEN, set for both processes by `handla serve`).

    python -m actions.server --port 5055
"""

from __future__ import annotations

import argparse
import hmac
import os
import sys

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.logs import configure_logging

TOKEN_ENV = "HANDLA_ACTION_TOKEN"
WORKERS_ENV = "HANDLA_ACTION_WORKERS"


def build_app(token: str) -> Sanic:
    app: Sanic = create_app("actions", cors_origins=None)

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        sent = request.args.get("token", "")
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return response.json({"error": "unauthorised"}, status=401)
        return None

    app.register_middleware(require_token, "request")
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.server")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_ENV, "")
    if len(token) < 16:
        print(f"{TOKEN_ENV} must hold the token the Rasa server sends", file=sys.stderr)
        return 2
    configure_logging()  # HANDLA_DEBUG from `handla --debug serve`
    workers = max(1, int(os.environ.get(WORKERS_ENV, "1")))
    build_app(token).run("127.0.0.1", args.port, workers=workers, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
