"""Debug recordings and the purge: a recording switched on while a purge runs is kept."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import event

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client
from assistant.voice.recordings import (
    purge_expired,
    recordings_of,
    save_recording,
    start_recording,
)


def test_a_recording_switched_on_during_a_purge_is_not_deleted(
    migrated_url: str, tmp_path: Path
) -> None:
    engine = make_engine(migrated_url)
    purge_sessions, staff_sessions = make_sessionmaker(engine), make_sessionmaker(engine)
    with session_scope(staff_sessions) as session:
        client = Client(display_name="Greta")
        session.add(client)
        session.flush()
        client_id = client.id

    read, go_on = threading.Event(), threading.Event()

    def pause_after_reading(session) -> None:  # the purge has read that nobody records
        read.set()
        go_on.wait(10)

    event.listen(purge_sessions, "after_commit", pause_after_reading)
    purge = threading.Thread(target=purge_expired, args=(purge_sessions, tmp_path))
    purge.start()
    assert read.wait(10)
    with session_scope(staff_sessions) as session:  # staff switch recording on just then
        start_recording(session.get(Client, client_id))
    save = threading.Thread(target=save_recording, args=(tmp_path, client_id, b"\0\0" * 1600))
    save.start()
    save.join(0.5)
    go_on.set()
    purge.join(10)
    save.join(10)
    engine.dispose()

    assert len(recordings_of(tmp_path, client_id)) == 1
