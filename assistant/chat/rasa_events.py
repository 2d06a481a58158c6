"""Rasa's own copy of the conversations where several Rasa processes keep it in the app's
PostgreSQL database (Rasa's SQL tracker store, its table `events`; see process_group): deleted
with the client, and after the day it was said, as the app's own chat is. With one Rasa process
the copy is in Rasa's memory and `RasaClient.forget` empties it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, Table, delete, inspect
from sqlalchemy.orm import Session

from assistant.db import changed_rows

RASA_EVENTS = "events"


def _events(session: Session) -> Table | None:
    connection = session.connection()
    if not inspect(connection).has_table(RASA_EVENTS):
        return None
    return Table(RASA_EVENTS, MetaData(), autoload_with=connection)


def forget_rasa_events(session: Session, sender_id: str) -> int:
    """Every event of one conversation; how many went."""
    events = _events(session)
    if events is None:
        return 0
    return changed_rows(session.execute(delete(events).where(events.c.sender_id == sender_id)))


def forget_rasa_events_before(session: Session, before: datetime) -> int:
    """Every event older than `before` (Rasa keeps Unix seconds); how many went."""
    events = _events(session)
    if events is None:
        return 0
    return changed_rows(
        session.execute(delete(events).where(events.c.timestamp < before.timestamp()))
    )
