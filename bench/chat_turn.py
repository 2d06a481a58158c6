"""A text turn through the app: POST /clients/{id}/chat -> Rasa (NLU + dialogue) -> the action
server (catalog matcher, order service) -> the reply, p50/p95; beside Rasa's own parse time
(/model/parse) for the same texts in the same run. Needs .venv-rasa and a trained model
(./script/setup). Starts its own Rasa and action server on free ports (about a minute).

    .venv/bin/python bench/chat_turn.py
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from assistant.chat.rasa_client import RasaClient
from assistant.config import load_settings
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Client, StaffUser, Store
from assistant.process_group import ProcessGroup, assistant_processes, trained_model
from assistant.web.app import create_app
from assistant.web.security import hash_password

ROOT = Path(__file__).resolve().parents[1]
TURNS = ["hej", "två liter mellanmjölk", "den första", "en limpa", "den andra",
         "vad kostar det", "ta bort limpan", "tre bananer"]  # fmt: skip
ROUNDS = 5
PASSWORD = "bänkens-lösenord"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def main() -> int:
    if trained_model() is None:
        print("No trained Rasa model: run ./script/setup first.", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="handla-bench-"))
    catalog = work / "catalog"
    catalog.mkdir()
    (catalog / "willys_2023.csv").symlink_to(ROOT / "demo_catalog" / "willys_2023.csv")
    rasa_port, action_port = _free_port(), _free_port()
    os.environ.update({
        "HANDLA_DATA_DIR": str(work / "data"),
        "HANDLA_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "HANDLA_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "HANDLA_ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}",
        "HANDLA_RASA_TOKEN": "bench-token",
    })  # fmt: skip
    settings = dataclasses.replace(load_settings(), catalog_dir=catalog)
    upgrade_database(settings.database_url)
    app = create_app(settings)  # imports the Willys 2023 catalog
    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        store = session.query(Store).one()
        staff = StaffUser(username="bench", password_hash=hash_password(PASSWORD))
        client = Client(display_name="Bänk", store=store, staff=[staff])
        session.add(client)
        session.flush()
        client_id = client.id
    engine.dispose()

    specs, _ = assistant_processes(settings)  # Rasa gets our action port from the app
    rasa = RasaClient(settings.rasa_url, settings.rasa_token)
    with ProcessGroup(specs), TestClient(app, base_url="http://127.0.0.1") as web:
        started = time.monotonic()
        while asyncio.run(rasa.status()) != "ready" or not _actions_up(settings):
            if time.monotonic() - started > 240:
                print("Rasa did not start; see the logs in", work / "data" / "logs")
                return 1
            time.sleep(1)
        print(f"Rasa and the action server ready after {time.monotonic() - started:.0f} s")
        token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/login").text).group(1)
        web.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
        csrf = re.search(r'data-csrf="([^"]+)"', web.get(f"/clients/{client_id}").text).group(1)
        web.post(
            f"/clients/{client_id}/chat", json={"text": "hej"}, headers={"X-CSRF-Token": csrf}
        )  # fmt: skip  (warm-up)
        turns, parses = [], []
        for _ in range(ROUNDS):
            for text in TURNS:
                begun = time.perf_counter()
                response = web.post(f"/clients/{client_id}/chat", json={"text": text},
                                    headers={"X-CSRF-Token": csrf})  # fmt: skip
                turns.append(time.perf_counter() - begun)
                assert response.status_code == 200, response.text
                begun = time.perf_counter()
                httpx.post(f"{settings.rasa_url}/model/parse", json={"text": text},
                           params={"token": settings.rasa_token}, timeout=30)  # fmt: skip
                parses.append(time.perf_counter() - begun)
    print(f"{len(turns)} turns ({ROUNDS} rounds of {len(TURNS)}), Willys 2023 catalog")
    print(f"text turn through the app:  {_percentiles(turns)}")
    print(f"Rasa /model/parse alone:    {_percentiles(parses)}")
    app.state.engine.dispose()
    return 0


def _actions_up(settings) -> bool:
    try:
        return httpx.get(f"{settings.action_server_url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    sys.exit(main())
