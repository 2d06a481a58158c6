"""Talks to the Rasa server over its signed channel on 127.0.0.1; never raises to the caller.

Synchronous on purpose: the chat route runs in the threadpool, so its database work never
blocks the event loop (a blocked loop could hold up a request that owns SQLite's write lock).
One client per app keeps the connection to Rasa open between turns."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from assistant.chat.messages import NO_ANSWER_REPLY, STARTING_REPLY, UNAVAILABLE_REPLY

log = logging.getLogger(__name__)
RasaStatus = Literal["ready", "starting", "unavailable"]


@dataclass
class ChatReply:
    text: str = ""
    custom: dict[str, Any] = field(default_factory=dict)  # picture cards and other payloads
    buttons: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ChatResult:
    status: RasaStatus
    replies: list[ChatReply]
    kept: bool = False
    """The assistant's actions kept the turn in the day's chat (with the basket change)."""


def sender_id(client_id: int) -> str:
    """Rasa's conversation id for a client (the actions read the client back from it)."""
    return f"client-{client_id}"


CHANNEL_PATH = "/webhooks/handla/webhook"
"""The signed channel (nlu_data/handla_channel.py); Rasa's plain REST channel is off."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", as the channel checks it."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class RasaClient:
    def __init__(
        self, base_url: str, token: str = "", channel_secret: str = "", timeout: float = 15.0
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._secret = channel_secret
        self._http = httpx.Client(timeout=timeout)

    def _params(self) -> dict[str, str]:
        return {"token": self._token} if self._token else {}

    def status(self) -> RasaStatus:
        """`ready` once a model is loaded, `starting` while the server answers without one."""
        try:
            response = self._http.get(f"{self._base_url}/status", params=self._params(), timeout=2)
        except httpx.HTTPError:
            return "unavailable"
        if response.status_code == 200 and response.json().get("model_file"):
            return "ready"
        return "starting"

    def send(self, sender_id: str, text: str, shown: str = "") -> ChatResult:
        """One turn; `shown` is what the chat shows the client said (a tapped card's name)."""
        message = {"sender": sender_id, "message": text, "metadata": {"shown": shown or text}}
        body = json.dumps(message).encode()
        stamp = f"{time.time():.3f}"
        headers = {
            "Content-Type": "application/json",
            "X-Handla-Timestamp": stamp,
            "X-Handla-Signature": sign(self._secret, stamp, body),
        }
        try:
            response = self._http.post(
                f"{self._base_url}{CHANNEL_PATH}", content=body, headers=headers
            )
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            log.warning("Rasa did not answer: %s", error)
            status = self.status()
            reply = STARTING_REPLY if status == "starting" else UNAVAILABLE_REPLY
            return ChatResult(status, [ChatReply(text=reply)])
        replies = [_reply(message) for message in messages if isinstance(message, dict)]
        if not any(reply.text or reply.custom for reply in replies):
            # Rasa answers nothing when a custom action failed (e.g. the action server is down)
            return ChatResult("ready", [ChatReply(text=NO_ANSWER_REPLY)])
        return ChatResult("ready", replies, kept=True)

    def forget(self, sender_id: str) -> bool:
        """Rasa's copy of a conversation emptied (its events replaced by none), as the app's own
        chat is after the day it was said, and with the client; the dialogue's state lives in
        the basket, so nothing the assistant asked is lost. False when Rasa did not answer."""
        try:
            response = self._http.put(
                f"{self._base_url}/conversations/{sender_id}/tracker/events",
                params=self._params(),
                json=[],
                timeout=5,
            )
        except httpx.HTTPError as error:
            log.warning("Rasa did not forget %s: %s", sender_id, error)
            return False
        return response.is_success

    def close(self) -> None:
        self._http.close()


def _reply(message: dict[str, Any]) -> ChatReply:
    custom = message.get("custom")
    return ChatReply(
        text=str(message.get("text") or ""),
        custom=custom if isinstance(custom, dict) else {},
        buttons=[b for b in message.get("buttons") or [] if isinstance(b, dict)],
    )
