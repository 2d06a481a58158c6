"""Webhook adapter: JSON POST signed with HMAC-SHA256; the secret comes from the environment.

The whole request (connect, send, read the answer) ends within `timeout` seconds: see
`deadline.py`. Every attempt for one order carries the same `Idempotency-Key`, so a store that
remembers keys takes a repeated order once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import ssl
from functools import cache

import httpcore

from assistant.adapters.deadline import DeadlineBackend, within
from assistant.orders.sheet import DeliveryFailed, OrderSheet

SIGNATURE_HEADER = "X-Handla-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_ANSWER = 64 * 1024  # the answer is not used; a store sending more is cut off
_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    OSError,
)


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


@cache
def _pool() -> httpcore.ConnectionPool:
    """One shared, thread-safe pool: a new TLS context and connection per POST cost about
    30 ms per order."""
    return httpcore.ConnectionPool(
        ssl_context=ssl.create_default_context(),
        max_connections=20,
        network_backend=DeadlineBackend(),
    )


def deliver_webhook(
    url: str, sheet: OrderSheet, key: str, secret_env: str, timeout: float = 10
) -> None:
    """POST the sheet; any non-2xx answer, network error or passed deadline raises
    DeliveryFailed."""
    secret = os.environ.get(secret_env)
    if not secret:
        raise DeliveryFailed(f"Hemligheten {secret_env} saknas i miljön.")
    body = json.dumps(sheet.as_json(), ensure_ascii=False, sort_keys=True).encode()
    headers: dict[str | bytes, str | bytes] = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret.encode(), body),
        IDEMPOTENCY_HEADER: key,
    }
    limits = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    try:
        with (
            within(timeout),
            _pool().stream(
                "POST", url, headers=headers, content=body, extensions={"timeout": limits}
            ) as response,
        ):
            read = 0
            for chunk in response.iter_stream():
                read += len(chunk)
                if read > MAX_ANSWER:
                    break
    except _ERRORS as error:
        reason = str(error) or type(error).__name__
        raise DeliveryFailed(f"Butiken svarar inte: {reason}") from error
    if not 200 <= response.status < 300:
        raise DeliveryFailed(f"Butiken svarade {response.status}.")
