"""The visible conversation of a client's tablet, kept for the day.

A reload shows the chat again (cards still tappable); the text is the client's own words, so it
is kept no longer than the day: each turn deletes the client's messages from before today, and
the app deletes everybody's at start. Deleting a client deletes their messages (cascade).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.chat.rasa_events import forget_rasa_events_before
from assistant.db import changed_rows
from assistant.db.models import ChatMessage
from assistant.orders.slots import LOCAL_TZ

MAX_SHOWN = 200


def _start_of_today(now: datetime | None = None) -> datetime:
    local = (now or datetime.now(UTC)).astimezone(LOCAL_TZ)
    return datetime.combine(local.date(), time(0), LOCAL_TZ).astimezone(UTC)


def record_turn(
    session: Session,
    client_id: int,
    said: str,
    replies: list[dict[str, Any]],
    now: datetime | None = None,
) -> None:
    """Keep what the client said and the assistant's answers (text and cards)."""
    now = now or datetime.now(UTC)
    session.execute(
        delete(ChatMessage).where(
            ChatMessage.client_id == client_id, ChatMessage.at < _start_of_today(now)
        )
    )
    session.add(ChatMessage(client_id=client_id, speaker="client", text=said, at=now))
    for reply in replies:
        payload = {k: v for k, v in reply.items() if k in ("custom", "buttons") and v}
        session.add(
            ChatMessage(
                client_id=client_id,
                speaker="assistant",
                text=str(reply.get("text") or ""),
                payload=payload,
                at=now,
            )
        )


def todays_messages(session: Session, client_id: int) -> list[ChatMessage]:
    rows = session.scalars(
        select(ChatMessage)
        .where(ChatMessage.client_id == client_id, ChatMessage.at >= _start_of_today())
        .order_by(ChatMessage.id.desc())
        .limit(MAX_SHOWN)
    ).all()
    return list(reversed(rows))


def first_turn_today(session: Session, client_id: int) -> bool:
    """Nothing said yet today (so Rasa's copy of earlier days can go)."""
    said = session.scalar(
        select(ChatMessage.id)
        .where(ChatMessage.client_id == client_id, ChatMessage.at >= _start_of_today())
        .limit(1)
    )
    return said is None


def clients_with_earlier_chat(session: Session, now: datetime | None = None) -> list[int]:
    """The clients whose chat from before today is still kept."""
    rows = session.scalars(
        select(ChatMessage.client_id).where(ChatMessage.at < _start_of_today(now)).distinct()
    )
    return list(rows)


def forget_old_messages(session: Session, now: datetime | None = None) -> int:
    """Delete every client's messages from before today, and Rasa's copy of them where it is
    kept in this database; returns how many messages went."""
    start = _start_of_today(now)
    forget_rasa_events_before(session, start)
    result = session.execute(delete(ChatMessage).where(ChatMessage.at < start))
    return changed_rows(result)
