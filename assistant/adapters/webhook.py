"""Webhook adapter: JSON POST signed with HMAC-SHA256; the secret comes from the environment."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from functools import cache

import httpx

from assistant.adapters.sheet import DeliveryFailed, OrderSheet

SIGNATURE_HEADER = "X-Handla-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


@cache
def _client() -> httpx.Client:
    """One shared client: building one per POST (TLS context, no kept-alive connection) costs
    about 30 ms per order. httpx clients are thread-safe."""
    return httpx.Client()


def deliver_webhook(
    url: str, sheet: OrderSheet, key: str, secret_env: str, timeout: float = 10
) -> None:
    """POST the sheet; any non-2xx answer or network error raises DeliveryFailed."""
    secret = os.environ.get(secret_env)
    if not secret:
        raise DeliveryFailed(f"Hemligheten {secret_env} saknas i miljön.")
    body = json.dumps(sheet.as_json(), ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret.encode(), body),
        IDEMPOTENCY_HEADER: key,
    }
    try:
        response = _client().post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise DeliveryFailed(f"Butiken svarar inte: {error}") from error
    if not response.is_success:
        raise DeliveryFailed(f"Butiken svarade {response.status_code}.")
