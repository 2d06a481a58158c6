"""The real Rasa and action servers as `handla serve` runs them (the session's `live_assistant`),
talked to through the app's chat endpoint as the client page does. Only the app can speak for a
client; a Rasa killed in the middle of a choice comes back by itself and the choice is still
open; with the action server gone the basket stays as it was, and it comes back too. What a
client said leaves Rasa's memory after the day and with the client."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Callable

import httpx
import pytest

from assistant.chat.messages import NO_ANSWER_REPLY, STARTING_REPLY, UNAVAILABLE_REPLY
from assistant.chat.rasa_client import CHANNEL_PATH, sender_id
from assistant.evaluate_chat import CSRF, App
from tests.helpers.live_handla import LiveHandla

pytestmark = pytest.mark.rasa
COMES_BACK_SECONDS = 240.0
STORE = "Willys"


@pytest.fixture
def app(assistant_app: App) -> App:
    return assistant_app


def _lines(app: App, client_id: int) -> list[tuple[str, str]]:
    return sorted((line["status"], line["spoken_text"]) for line in app.basket(client_id)["lines"])


def _kill(live: LiveHandla, child: str) -> None:
    """As the kernel's out-of-memory killer would: no warning, no clean shutdown."""
    os.killpg(live.child(child), signal.SIGKILL)


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + COMES_BACK_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"{what} did not come back"
        time.sleep(1)


def test_only_the_app_speaks_for_a_client(app: App, live_assistant: LiveHandla) -> None:
    client_id = app.new_client(STORE)
    assert "Vad vill du handla" in app.say(client_id, "hej")
    sender = f"client-{client_id}"
    forged = json.dumps({"sender": sender, "message": "två liter mellanmjölk"})
    for path in (CHANNEL_PATH, "/webhooks/rest/webhook"):  # right shape, no signature
        answer = httpx.post(f"{live_assistant.rasa_url}{path}", content=forged,
                            headers={"Content-Type": "text/plain"}, timeout=30)  # fmt: skip
        assert answer.status_code in (401, 404)
    call = {"next_action": "action_add_items", "sender_id": sender,
            "tracker": {"sender_id": sender, "latest_message": {"text": "ost"}},
            "domain": {}, "version": "3.6.2"}  # fmt: skip
    refused = httpx.post(f"{live_assistant.action_server_url}/webhook", json=call, timeout=30)
    assert refused.status_code == 401  # the action server wants Rasa's token
    assert _lines(app, client_id) == []


def test_a_killed_rasa_comes_back_and_the_open_choice_is_kept(
    app: App, live_assistant: LiveHandla
) -> None:
    client_id = app.new_client(STORE)
    assert "bröd" in app.say(client_id, "bröd").lower()
    assert _lines(app, client_id) == [("needs_choice", "bröd")]

    _kill(live_assistant, "rasa")
    assert app.say(client_id, "den ljusa") in (UNAVAILABLE_REPLY, STARTING_REPLY)
    assert _lines(app, client_id) == [("needs_choice", "bröd")]

    app.wait_until_ready(COMES_BACK_SECONDS)  # handla serve starts it again by itself
    app.say(client_id, "den ljusa")
    assert _lines(app, client_id) == [("ok", "bröd")]


def test_with_the_action_server_gone_nothing_changes_until_it_is_back(
    app: App, live_assistant: LiveHandla
) -> None:
    client_id = app.new_client(STORE)
    app.say(client_id, "ett paket smör")
    before = _lines(app, client_id)
    assert before

    _kill(live_assistant, "action-server")
    assert app.say(client_id, "tre gurkor") == NO_ANSWER_REPLY
    assert _lines(app, client_id) == before

    def answers() -> bool:
        try:
            return httpx.get(f"{live_assistant.action_server_url}/health", timeout=2).is_success
        except httpx.HTTPError:
            return False

    _until(answers, "the action server")
    app.say(client_id, "tre gurkor")
    after = _lines(app, client_id)
    added = [said for status, said in after if (status, said) not in before]
    assert len(after) == len(before) + 1 and "gurk" in added[0]


def _rasa_heard(live: LiveHandla, client_id: int) -> list[str]:
    tracker = httpx.get(f"{live.rasa_url}/conversations/{sender_id(client_id)}/tracker",
                        params={"token": live.rasa_token}, timeout=30).json()  # fmt: skip
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_rasa_forgets_earlier_days_and_a_deleted_client(
    app: App, live_assistant: LiveHandla
) -> None:
    client_id = app.new_client(STORE)
    app.say(client_id, "en gurka")
    assert _rasa_heard(live_assistant, client_id) == ["en gurka"]

    database = sqlite3.connect(live_assistant.data_dir / "handla.sqlite3")
    with database:  # the night passes: today's chat becomes yesterday's
        database.execute("UPDATE chat_message SET at = datetime(at, '-1 day') "
                         "WHERE client_id = ?", (client_id,))  # fmt: skip
    (name,) = database.execute(
        "SELECT display_name FROM client WHERE id = ?", (client_id,)
    ).fetchone()
    database.close()
    app.say(client_id, "två bananer")
    assert _rasa_heard(live_assistant, client_id) == ["två bananer"]

    page = app.http.get(f"/admin/clients/{client_id}")
    token = CSRF.search(page.text)
    assert token
    app.http.post(f"/admin/clients/{client_id}/delete",
                  data={"confirm_name": name, "csrf_token": token[1]}).raise_for_status()  # fmt: skip
    assert _rasa_heard(live_assistant, client_id) == []
