"""A store's webhook endpoint for the tests: a real HTTP server on 127.0.0.1 in a thread.

    with WebhookReceiver(fail=2, secret="…") as store:
        ... store.url ... store.accepted ...

- `fail`: how many more posts to refuse (with `refuse_status`); set it any time.
- `secret`: when given, a post whose X-Handla-Signature is not the HMAC-SHA256 of its body
  under the secret is refused with 401 (`bad_signatures`), checked independently of the app.
- `attempts` counts every post, `refused` those refused by `fail`; `received` holds each
  taken post as (headers, body) and `accepted` as (the sheet's JSON, its Idempotency-Key).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SIGNATURE = "X-Handla-Signature"


class WebhookReceiver:
    def __init__(self, fail: int = 0, secret: str | None = None, refuse_status: int = 503) -> None:
        self.fail = fail
        self.secret = secret
        self.refuse_status = refuse_status
        self.attempts = 0
        self.refused = 0
        self.bad_signatures = 0
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(receiver.answer(dict(self.headers), body))
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/orders"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        self.attempts += 1
        if self.secret is not None:
            expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(headers.get(SIGNATURE, ""), expected):
                self.bad_signatures += 1
                return 401
        if self.fail:
            self.fail -= 1
            self.refused += 1
            return self.refuse_status
        self.received.append((headers, body))
        return 200

    @property
    def accepted(self) -> list[tuple[Any, str]]:
        return [
            (json.loads(body), headers.get("Idempotency-Key", ""))
            for headers, body in self.received
        ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
