"""The real Rasa server and action server (started as `handla serve` starts them) and a chat held
through the app's own chat endpoint, as the client page does: from "hej" to a confirmed order in
the order service. Then the action server goes down: a clear answer and an unchanged basket."""

from __future__ import annotations

import dataclasses
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
from assistant.chat.rasa_client import RasaClient
from assistant.config import load_settings
from assistant.db import session_scope
from assistant.db.models import Client, Order, OutboxMessage, StaffUser
from assistant.process_group import RASA, ProcessGroup, assistant_processes, trained_model
from assistant.web.app import create_app
from assistant.web.security import hash_password

pytestmark = pytest.mark.rasa
START_TIMEOUT = 180.0
PASSWORD = "personalens-lösenord"

if not RASA.exists() or trained_model() is None:
    pytest.skip("Rasa or a trained model is missing: run ./script/setup", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_ready(rasa: RasaClient, action_url: str, logs: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            actions_up = httpx.get(f"{action_url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            actions_up = False
        if actions_up and rasa.status() == "ready":
            return
        time.sleep(1)
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

    def say(self, text: str) -> tuple[str, list[dict]]:
        response = self.client.post(f"/clients/{self.client_id}/chat", json={"text": text},
                                    headers={"X-CSRF-Token": self.csrf})  # fmt: skip
        assert response.status_code == 200
        answer = response.json()
        assert answer["status"] == "ready"
        replies = answer["replies"]
        return " ".join(r["text"] for r in replies), [r["custom"] for r in replies]


def _basket_lines(client_id: int) -> list[tuple[str, str]]:
    with session_scope(catalog.sessions()) as session:
        basket = session.scalar(select(Order).where(Order.client_id == client_id,
                                                    Order.status == "basket"))  # fmt: skip
        return sorted((ln.spoken_text, str(ln.quantity)) for ln in basket.lines) if basket else []


def test_chat_through_the_app_from_greeting_to_order_then_actions_down(
    shop: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa_port, action_port = _free_port(), _free_port()
    monkeypatch.setenv("HANDLA_RASA_URL", f"http://127.0.0.1:{rasa_port}")
    monkeypatch.setenv("HANDLA_ACTION_SERVER_URL", f"http://127.0.0.1:{action_port}")
    monkeypatch.setenv("HANDLA_RASA_TOKEN", "test-token")
    settings = load_settings()
    specs, notes = assistant_processes(settings)
    assert not notes
    # Rasa is pointed at our action server port by the endpoints file the app writes
    assert any(a.endswith("rasa-endpoints.yml") for s in specs for a in s.argv)
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
        rasa = RasaClient(settings.rasa_url, settings.rasa_token)
        _wait_until_ready(rasa, settings.action_server_url, settings.data_dir / "logs")
        page = ChatPage(browser, shop)
        text, _ = page.say("hej")
        assert "Vad vill du handla" in text
        text, custom = page.say("två mellanmjölk och ett lantbröd")
        assert "Jag har lagt i 1 Lantbröd" in text and "Vilken vill du ha?" in text
        cards = next(c["cards"] for c in custom if c.get("cards"))
        assert {card["brand"] for card in cards} == {"Arla", "Garant"}
        assert all(card["image_url"].startswith("/api/products/") for card in cards)
        text, _ = page.say("Garant")
        assert "Jag har lagt i 2 Mellanmjölk" in text
        text, _ = page.say("leverans så snart som möjligt")
        assert "Jag har bokat leverans" in text
        text, _ = page.say("det var allt")
        assert "Ska jag skicka beställningen?" in text
        text, _ = page.say("ja")
        assert text.startswith("Beställningen är bekräftad")

        with session_scope(catalog.sessions()) as session:
            order = session.scalars(select(Order).where(Order.client_id == shop,
                                                        Order.status != "basket")).one()  # fmt: skip
            assert sorted(ln.product.name for ln in order.lines) == [
                "Lantbröd", "Mellanmjölk 1,5%"]  # fmt: skip
            assert session.scalar(select(OutboxMessage).where(OutboxMessage.order_id == order.id))

        text, _ = page.say("en mellanmjölk")  # a new basket
        before = _basket_lines(shop)
        actions.stop()
        text, _ = page.say("tre lantbröd")
        assert text == NO_ANSWER_REPLY
        assert _basket_lines(shop) == before
    app.state.engine.dispose()
