"""What a client said leaves Rasa's copy of the conversation as it leaves the app: after the day
(housekeeping) and with the client (the right to erasure). Here the copy as several Rasa
processes keep it, Rasa's SQL tracker store table `events` in the app's database (its columns
as Rasa 3.6 makes them); tests/rasa/test_chat_servers.py checks one Rasa's memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from assistant.chat.rasa_client import sender_id
from assistant.clients import delete_client
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import ChatMessage
from assistant.housekeeping import Housekeeper
from tests.helpers.seed import seed_world

RASA_EVENTS = """CREATE TABLE events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""
NOW = datetime.now(UTC)
YESTERDAY = NOW - timedelta(days=1, hours=1)


def _world(url: str) -> tuple[int, int, object]:
    greta, harry = seed_world(url)
    sessions = make_sessionmaker(make_engine(url))
    rows = [(1, greta, YESTERDAY), (2, greta, NOW), (3, harry, NOW)]
    with session_scope(sessions) as session:
        session.execute(text(RASA_EVENTS))
        for event_id, client_id, at in rows:
            session.execute(
                text("INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                     "VALUES (:id, :sender, 'user', :at, '{}')"),
                {"id": event_id, "sender": sender_id(client_id), "at": at.timestamp()},
            )  # fmt: skip
            session.add(ChatMessage(client_id=client_id, speaker="client", text="en limpa", at=at))
    return greta, harry, sessions


def _events(sessions) -> list[int]:
    with session_scope(sessions) as session:
        return list(session.scalars(text("SELECT id FROM events ORDER BY id")))


def test_deleting_a_client_deletes_rasas_copy_of_their_chat(
    migrated_url: str, tmp_path: Path
) -> None:
    greta, _, sessions = _world(migrated_url)
    with session_scope(sessions) as session:
        delete_client(session, greta, "Greta", tmp_path)
    assert _events(sessions) == [3]


def test_the_day_after_rasas_copy_goes_with_the_chat(migrated_url: str, tmp_path: Path) -> None:
    greta, _, sessions = _world(migrated_url)
    forgotten: list[int] = []
    Housekeeper(sessions, tmp_path, forget_conversation=forgotten.append).run_chores()
    assert _events(sessions) == [2, 3]  # yesterday's went, today's stay
    assert forgotten == [greta]  # and Rasa's memory of the client who spoke yesterday


def test_with_rasa_not_answering_the_janitor_asks_once(migrated_url: str, tmp_path: Path) -> None:
    greta, harry, sessions = _world(migrated_url)
    with session_scope(sessions) as session:  # harry spoke yesterday too
        session.add(ChatMessage(client_id=harry, speaker="client", text="ost", at=YESTERDAY))
    asked: list[int] = []

    def rasa_down(client_id: int) -> bool:
        asked.append(client_id)
        return False

    Housekeeper(sessions, tmp_path, forget_conversation=rasa_down).run_chores()
    assert len(asked) == 1 and asked[0] in (greta, harry)
    assert _events(sessions) == [2, 3]  # the database's copy went all the same
