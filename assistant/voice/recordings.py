"""Debug recordings: off unless a staff member turns them on for one client, and then only for
RECORDING_HOURS; expired or switched-off recordings are deleted. Files live under
$HANDLA_DATA_DIR/recordings/client-<id>/ as 16 kHz mono WAV."""

from __future__ import annotations

import logging
import shutil
import threading
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.db import session_scope
from assistant.db.models import Client

log = logging.getLogger(__name__)

RECORDING_HOURS = 24
SAMPLE_RATE = 16_000
_FOLDERS = threading.Lock()
"""Held by a purge from reading who records to deleting folders, and by a save: a recording
switched on while a purge runs is written after that purge, never deleted by it."""


def client_folder(data_dir: Path, client_id: int) -> Path:
    return data_dir / "recordings" / f"client-{client_id}"


def is_recording(client: Client, now: datetime | None = None) -> bool:
    until = client.debug_recording_until
    if until is None:
        return False
    until = until.replace(tzinfo=UTC) if until.tzinfo is None else until
    return until > (now or datetime.now(UTC))


def start_recording(client: Client, now: datetime | None = None) -> datetime:
    client.debug_recording_until = (now or datetime.now(UTC)) + timedelta(hours=RECORDING_HOURS)
    return client.debug_recording_until


def stop_recording(data_dir: Path, client: Client) -> None:
    client.debug_recording_until = None
    delete_recordings(data_dir, client.id)


def delete_recordings(data_dir: Path, client_id: int) -> None:
    shutil.rmtree(client_folder(data_dir, client_id), ignore_errors=True)


def save_recording(data_dir: Path, client_id: int, pcm: bytes, now: datetime | None = None) -> Path:
    folder = client_folder(data_dir, client_id)
    path = folder / f"{(now or datetime.now(UTC)).strftime('%Y%m%dT%H%M%S%fZ')}.wav"
    with _FOLDERS:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(pcm)
    return path


def recordings_of(data_dir: Path, client_id: int) -> list[Path]:
    folder = client_folder(data_dir, client_id)
    return sorted(folder.glob("*.wav")) if folder.is_dir() else []


def purge_expired(
    sessions: sessionmaker[Session], data_dir: Path, now: datetime | None = None
) -> int:
    """Switch off expired recordings and delete every folder not covered by a running one;
    returns how many client folders were deleted."""
    now = now or datetime.now(UTC)
    with _FOLDERS:
        recording = _switch_off_expired(sessions, now)
        return _delete_folders_except(data_dir / "recordings", recording)


def _switch_off_expired(sessions: sessionmaker[Session], now: datetime) -> set[int]:
    """Clear expired switches; returns the clients whose recording runs."""
    with session_scope(sessions) as session:
        recording = set()
        for client in session.scalars(
            select(Client).where(Client.debug_recording_until.is_not(None))
        ):
            if is_recording(client, now):
                recording.add(client.id)
            else:
                client.debug_recording_until = None
    return recording


def _delete_folders_except(root: Path, recording: set[int]) -> int:
    deleted = 0
    if root.is_dir():
        for folder in root.iterdir():
            name = folder.name.removeprefix("client-")
            if not (name.isdigit() and int(name) in recording):
                shutil.rmtree(folder, ignore_errors=True)
                deleted += 1
    return deleted
