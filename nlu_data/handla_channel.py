"""Rasa's input channel for Handla: the REST channel, but only for messages the app signed.

Loaded by the Rasa server (credentials.yml: `nlu_data.handla_channel.SignedRestInput`), so it
needs nothing but Rasa and the standard library. The app signs each request body with
HMAC-SHA256 over "<timestamp>.<body>" with the secret in HANDLA_RASA_CHANNEL_SECRET (the same
variable is set for both processes by `handla serve`); a request without a valid signature, or
older than a minute, is refused before Rasa reads it. So nothing but the app can speak for a
client (`sender` is the client the logged-in staff member opened), not a web page open on the
tablet and not another local program.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import jsonschema
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

SECRET_ENV = "HANDLA_RASA_CHANNEL_SECRET"


def _validate_without_checking_the_schema(instance: Any, schema: Any, *args: Any, **kwargs: Any):  # noqa: ANN202
    """`jsonschema.validate` checks the schema itself against its meta-schema on every call
    before checking the instance. Rasa validates every action-server answer that way against
    its one fixed schema, which took over a quarter of the Rasa process's time per turn
    (py-spy, bench/load.py). This checks the instance only, with the same validator class;
    an invalid answer raises the same ValidationError."""
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, *args, **kwargs).validate(instance)


jsonschema.validate = _validate_without_checking_the_schema  # Rasa imports it at each call
TIMESTAMP_HEADER = "X-Handla-Timestamp"
SIGNATURE_HEADER = "X-Handla-Signature"
MAX_AGE_SECONDS = 60


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class SignedRestInput(RestInput):
    """`POST /webhooks/handla/webhook`, like Rasa's REST channel, signed by the app."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    @classmethod
    def name(cls) -> str:
        return "handla"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SignedRestInput:
        secret = os.environ.get(SECRET_ENV, "")
        if len(secret) < 16:
            raise RuntimeError(f"{SECRET_ENV} must hold the app's channel secret")
        return cls(secret)

    def _signed(self, request: Request) -> bool:
        stamp = request.headers.get(TIMESTAMP_HEADER, "")
        sent = request.headers.get(SIGNATURE_HEADER, "")
        try:
            age = abs(time.time() - float(stamp))
        except ValueError:
            return False
        expected = signature(self._secret, stamp, request.body or b"")
        return age <= MAX_AGE_SECONDS and hmac.compare_digest(sent, expected)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def refuse_unsigned(request: Request) -> Any:
            if request.method != "GET" and not self._signed(request):
                return response.json({"error": "unsigned request"}, status=401)
            return None

        return blueprint
