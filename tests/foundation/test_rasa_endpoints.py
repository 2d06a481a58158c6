"""Where Rasa keeps its conversations: in memory for one Rasa process (everything the assistant
asked lives in the basket), in the app's PostgreSQL database with Redis as the lock store when
several Rasa processes share them. Reads the endpoints file `handla serve` hands to Rasa."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from assistant.config import load_settings, prepare_data_dir
from assistant.process_group import RASA, assistant_processes, trained_model

POSTGRES = "postgresql+psycopg://handla:hemligt@127.0.0.1:5432/handla"


def _endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notes: list[str] | None = None, **env: str
) -> dict[str, Any]:
    if not RASA.exists() or trained_model() is None:
        pytest.skip("Rasa or its trained model is missing: run ./script/setup")
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    specs, said = assistant_processes(prepare_data_dir(load_settings()))
    if notes is not None:
        notes.extend(said)
    (rasa,) = [spec for spec in specs if spec.name == "rasa"]
    text = Path(rasa.argv[rasa.argv.index("--endpoints") + 1]).read_text()
    assert "hemligt" not in text  # the database password comes from the environment
    endpoints: dict[str, Any] = YAML(typ="safe").load(text)
    return endpoints


def test_one_rasa_process_keeps_conversations_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoints = _endpoints(tmp_path, monkeypatch, HANDLA_DATABASE_URL=POSTGRES)
    assert "tracker_store" not in endpoints and "lock_store" not in endpoints
    assert endpoints["action_endpoint"]["url"].endswith("/webhook")


def test_several_rasa_processes_share_them_in_postgresql_with_a_redis_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoints = _endpoints(
        tmp_path,
        monkeypatch,
        HANDLA_DATABASE_URL=POSTGRES,
        HANDLA_RASA_WORKERS="2",
        HANDLA_REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert endpoints["tracker_store"]["type"] == "SQL"
    assert endpoints["tracker_store"]["db"] == "handla"
    assert endpoints["lock_store"]["type"] == "redis"


def test_several_rasa_processes_on_sqlite_start_one_and_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes: list[str] = []
    endpoints = _endpoints(
        tmp_path,
        monkeypatch,
        notes,
        HANDLA_RASA_WORKERS="2",
        HANDLA_REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert "tracker_store" not in endpoints and "lock_store" not in endpoints
    assert notes == ["HANDLA_RASA_WORKERS > 1 behöver PostgreSQL för samtalen: en Rasa."]
