"""The real Rasa server and action server (started as `handla serve` starts them) and a chat
held through the app's own chat endpoint, as the client page does. Only the app can speak for
a client; an open choice survives a restart of Rasa; with the action server down the basket
stays as it was."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from actions import catalog
from assistant.chat.messages import NO_ANSWER_REPLY
from assistant.chat.rasa_client import CHANNEL_PATH, RasaClient
from assistant.cli_serve import with_run_secrets
from assistant.config import Settings, load_settings
from assistant.db import session_scope
from assistant.db.models import Client, Order, StaffUser
from assistant.process_group import RASA, ProcessGroup, assistant_processes, trained_model
from assistant.staff_accounts import hash_password
from assistant.web.app import create_app

pytestmark = pytest.mark.rasa
START_TIMEOUT = 240.0
PASSWORD = "personalens-lösenord"

if not RASA.exists() or trained_model() is None:
    pytest.skip("Rasa or a trained model is missing: run ./script/setup", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_ready(settings: Settings) -> None:
    rasa = RasaClient(settings.rasa_url, settings.rasa_token)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            actions_up = httpx.get(f"{settings.action_server_url}/health", timeout=1).is_success
        except httpx.HTTPError:
            actions_up = False
        if actions_up and rasa.status() == "ready":
            return
        time.sleep(1)
    logs = settings.data_dir / "logs"
    found = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs.glob("*.log"))
    pytest.fail(f"Rasa did not become ready in {START_TIMEOUT:.0f} s:\n{found}")


class ChatPage:
    """A logged-in staff member talking through POST /clients/{id}/chat like chat.js does."""

    def __init__(self, client: TestClient, client_id: int) -> None:
        self.client = client
        self.client_id = client_id
        login = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        client.post("/login", data={"username": "sara", "password": PASSWORD, "csrf_token": token})
        page = client.get(f"/clients/{client_id}").text
        self.csrf = re.search(r'data-csrf="([^"]+)"', page).group(1)

    def say(self, text: str) -> str:
        response = self.client.post(f"/clients/{self.client_id}/chat", json={"text": text},
                                    headers={"X-CSRF-Token": self.csrf})  # fmt: skip
        assert response.status_code == 200
        return " ".join(r["text"] for r in response.json()["replies"])


def _basket(client_id: int) -> list[tuple[str, str, str]]:
    with session_scope(catalog.sessions()) as session:
        basket = session.scalar(select(Order).where(Order.client_id == client_id,
                                                    Order.status == "basket"))  # fmt: skip
        if basket is None:
            return []
        return sorted((ln.status, ln.spoken_text, str(ln.quantity)) for ln in basket.lines)


def test_only_the_app_speaks_for_a_client_and_a_restart_loses_no_open_choice(
    shop: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDLA_RASA_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("HANDLA_ACTION_SERVER_URL", f"http://127.0.0.1:{_free_port()}")
    settings = with_run_secrets(load_settings())
    specs, notes = assistant_processes(settings)
    assert not notes
    actions = ProcessGroup([s for s in specs if s.name == "action-server"])
    rasa_server = ProcessGroup([s for s in specs if s.name == "rasa"])
    with session_scope(catalog.sessions()) as session:
        client = session.get(Client, shop)
        session.add(StaffUser(username="sara", password_hash=hash_password(PASSWORD),
                              clients=[client]))  # fmt: skip
    empty_catalog = tmp_path / "catalog"
    empty_catalog.mkdir()
    app = create_app(dataclasses.replace(settings, catalog_dir=empty_catalog))
    with actions, rasa_server, TestClient(app, base_url="http://127.0.0.1") as browser:
        _wait_until_ready(settings)
        page = ChatPage(browser, shop)
        assert "Vad vill du handla" in page.say("hej")

        # a message straight to Rasa's port, even with the right shape, changes nothing
        forged = json.dumps({"sender": f"client-{shop}", "message": "två liter mellanmjölk"})
        for path in (CHANNEL_PATH, "/webhooks/rest/webhook"):
            answer = httpx.post(f"{settings.rasa_url}{path}", content=forged,
                                headers={"Content-Type": "text/plain"}, timeout=30)  # fmt: skip
            assert answer.status_code in (401, 404)
        call = {"next_action": "action_add_items", "sender_id": f"client-{shop}",
                "tracker": {"sender_id": f"client-{shop}", "latest_message": {"text": "ost"}},
                "domain": {}, "version": "3.6.2"}  # fmt: skip
        refused = httpx.post(f"{settings.action_server_url}/webhook", json=call, timeout=30)
        assert refused.status_code == 401  # the action server wants Rasa's token
        assert _basket(shop) == []

        # an open choice is basket state: a restart of Rasa loses nothing
        assert "Vilken sorts bröd" in page.say("bröd")
        assert _basket(shop) == [("needs_choice", "bröd", "1.000")]
        rasa_server.stop()
        rasa_server.start()
        _wait_until_ready(settings)
        page.say("den ljusa")
        assert _basket(shop) == [("ok", "bröd", "1.000")]

        # the action server down: a clear answer, nothing changed
        actions.stop()
        before = _basket(shop)
        assert page.say("tre mellanmjölk") == NO_ANSWER_REPLY
        assert _basket(shop) == before
    app.state.engine.dispose()
