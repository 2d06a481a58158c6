"""The per-client voice setting, kept in `client.preferences` (no schema change):
hands-free turns (on unless an admin turned them off) send what the client said to the chat by
themselves after a short grace period with "Ångra"; off, the text waits for staff to press
"Skicka"."""

from __future__ import annotations

from typing import Any

from assistant.db.models import Client

HANDS_FREE = "voice_hands_free"


def hands_free(client: Client) -> bool:
    return bool((client.preferences or {}).get(HANDS_FREE, True))


def set_hands_free(client: Client, on: bool) -> None:
    preferences: dict[str, Any] = dict(client.preferences or {})  # a new dict: the JSON changes
    preferences[HANDS_FREE] = bool(on)
    client.preferences = preferences
