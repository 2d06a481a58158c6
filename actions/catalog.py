"""The action server's way into the order service: its database and whose conversation it is.

The Rasa sender id is `client-<id>`, set and signed by the app's chat endpoint (see
assistant.chat): the channel refuses unsigned messages, so the id is the client the staff
member opened. Any other sender has no basket.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from assistant.config import load_settings
from assistant.db import make_engine, make_sessionmaker

_SENDER = re.compile(r"^client-(\d{1,9})$")


def client_id_of(sender_id: str) -> int | None:
    match = _SENDER.match(sender_id or "")
    return int(match.group(1)) if match else None


@lru_cache(maxsize=1)
def sessions() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(load_settings().database_url))
