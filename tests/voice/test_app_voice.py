"""Voice inside the real web app, with the small real models standing in for the Swedish ones
in a models folder laid out exactly as `handla models download` leaves it: staff log in, speech
goes in over /voice/ws, the recognised text goes through the chat endpoint (the dialogue), and
the answer comes back as Piper audio; the per-client hands-free setting on the admin form."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.chat.messages import UNAVAILABLE_REPLY
from assistant.config import load_settings
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Client, StaffUser, Store
from assistant.staff_accounts import hash_password
from assistant.web.app import create_app

PASSWORD = "röstens-lösenord"


@pytest.fixture
def app_client(
    tmp_path: Path, swedish_models_dir: Path, monkeypatch
) -> Iterator[tuple[TestClient, int]]:
    with _app(tmp_path, swedish_models_dir, monkeypatch) as running:
        yield running


@contextmanager
def _app(tmp_path: Path, models_dir: Path, monkeypatch) -> Iterator[tuple[TestClient, int]]:
    """The web app with staff sara, admin chef and sara's client Greta; models in `models_dir`."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        staff = StaffUser(username="sara", password_hash=hash_password(PASSWORD))
        admin = StaffUser(username="chef", password_hash=hash_password(PASSWORD), role="admin")
        client = Client(display_name="Greta", store=Store(name="Butiken"), staff=[staff],
                        speech_rate=0.8)  # fmt: skip
        session.add_all([client, admin])
        session.flush()
        client_id = client.id
    engine.dispose()
    (tmp_path / "catalog").mkdir()
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path / "data"))
    settings = dataclasses.replace(
        load_settings(),
        database_url=url,
        catalog_dir=tmp_path / "catalog",
        models_dir=models_dir,
        rasa_url="http://127.0.0.1:9",  # nothing listens: the dialogue answers politely
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client, client_id
    app.state.engine.dispose()


def _log_in(client: TestClient, username: str = "sara") -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


ORIGIN = {"origin": "http://testserver"}  # the app's own page (the test client's WebSocket host)


def _cookie(client: TestClient) -> dict[str, str]:
    """The session cookie and the page's origin, as a browser sends them with the WebSocket
    handshake (the test client adds neither to WebSocket requests)."""
    return {"cookie": f"handla_session={client.cookies['handla_session']}", **ORIGIN}


def _messages_until(ws, kind: str) -> list[dict | bytes]:
    seen: list[dict | bytes] = []
    while True:
        message = ws.receive()
        item = message["bytes"] if message.get("bytes") is not None else json.loads(message["text"])
        seen.append(item)
        if isinstance(item, dict) and item["type"] in (kind, "error"):
            return seen


def test_the_voice_socket_and_status_need_a_logged_in_staff_member(app_client) -> None:
    client, _ = app_client
    with client.websocket_connect("/voice/ws", headers=ORIGIN) as ws:
        assert json.loads(ws.receive()["text"]) == {
            "type": "error", "message": "Logga in för att använda rösten."}  # fmt: skip
    answer = client.get("/voice/status", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_speech_to_chat_to_spoken_answer(app_client, spoken_pcm: Callable[..., bytes]) -> None:
    client, client_id = app_client
    _log_in(client)
    page = client.get(f"/clients/{client_id}").text
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    assert 'id="voice-talk"' in page and 'data-length-scale="1.25"' in page  # slower speech
    status = client.get("/voice/status").json()
    assert status["available"] is True and status["mode"] in ("grammar", "free")

    with client.websocket_connect("/voice/ws", headers=_cookie(client)) as ws:
        first = json.loads(ws.receive()["text"])
        assert first["type"] == "ready", first
        ws.send_text(json.dumps({"type": "start", "sample_rate": 16_000, "length_scale": 1.25,
                                 "client_id": client_id}))  # fmt: skip
        speech = spoken_pcm("två liter mellanmjölk och en limpa")
        for i in range(0, len(speech), 3200):
            ws.send_bytes(speech[i : i + 3200])
        ws.send_text(json.dumps({"type": "stop"}))
        final = _messages_until(ws, "final")[-1]
        assert final["type"] == "final" and final["text"]  # the page sends it into the chat

        answer = client.post(f"/clients/{client_id}/chat", json={"text": final["text"]},
                             headers={"X-CSRF-Token": token}).json()  # fmt: skip
        spoken_text = " ".join(reply["text"] for reply in answer["replies"])
        assert spoken_text == UNAVAILABLE_REPLY  # Rasa is not running in this test

        ws.send_text(json.dumps({"type": "say", "text": spoken_text}))
        messages = _messages_until(ws, "audio_end")
    assert messages[0] == {"type": "speaking", "text": spoken_text}
    audio = [m for m in messages if isinstance(m, bytes)]
    assert len(audio) == 3  # one WAV per sentence, streamed as each is ready
    for chunk in audio:
        with wave.open(io.BytesIO(chunk)) as w:
            assert w.getnframes() > 0


def test_without_models_the_page_says_why_voice_is_off(tmp_path: Path, monkeypatch) -> None:
    with _app(tmp_path, tmp_path / "tomt", monkeypatch) as (client, client_id):
        _check_voice_off(client, client_id)


def _check_voice_off(client: TestClient, client_id: int) -> None:
    _log_in(client)
    page = client.get(f"/clients/{client_id}").text
    assert 'id="voice-talk"' in page and 'id="voice-detail"' in page
    status = client.get("/voice/status").json()
    assert status["available"] is False
    assert "Be IT-avdelningen installera den" in status["reason"]
    assert "handla models download" in status["detail"]  # for staff to pass on to IT


def _admin_form(page: str, client_id: int) -> dict[str, str | list[str]]:
    """The admin's form of one client as the browser would post it, checkboxes as shown."""
    start = page.index(f'action="/admin/clients/{client_id}"')
    form = page[start : page.index("</form>", start)]
    fields: dict[str, str | list[str]] = {}
    for tag in re.findall(r"<(?:input|select)[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name[1]] = value[1] if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body) or re.search(
            r'<option value="([^"]*)"', body
        )
        fields[name] = chosen[1]
    return fields


def test_hands_free_is_on_by_default_and_an_admin_turns_it_off(app_client) -> None:
    client, client_id = app_client
    _log_in(client, "chef")
    assert 'data-hands-free="on"' in client.get(f"/clients/{client_id}").text
    assert "Röst utan knapptryck" in client.get("/admin/clients").text  # the new client's form
    page = client.get(f"/admin/clients/{client_id}").text
    form = _admin_form(page, client_id)
    assert form.pop("voice_hands_free") == "1"  # shown ticked
    saved = client.post(f"/admin/clients/{client_id}", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert 'data-hands-free="off"' in client.get(f"/clients/{client_id}").text
    assert "Röst utan knapptryck är av" in client.get(f"/clients/{client_id}").text
    page = client.get(f"/admin/clients/{client_id}").text
    assert "voice_hands_free" not in _admin_form(page, client_id)
    client.post(f"/admin/clients/{client_id}", data={**form, "voice_hands_free": "1"})
    assert 'data-hands-free="on"' in client.get(f"/clients/{client_id}").text


def _utterance(client: TestClient, client_id: int, pcm: bytes) -> None:
    with client.websocket_connect("/voice/ws", headers=_cookie(client)) as ws:
        assert json.loads(ws.receive()["text"])["type"] == "ready"
        ws.send_text(json.dumps({"type": "start", "sample_rate": 16_000, "client_id": client_id}))
        ws.send_bytes(pcm)
        ws.send_text(json.dumps({"type": "stop"}))
        assert _messages_until(ws, "final")[-1]["type"] == "final"


def test_debug_recording_only_when_switched_on_and_it_expires(
    app_client, spoken_pcm: Callable[..., bytes]
) -> None:
    from datetime import UTC, datetime, timedelta

    from assistant.voice.recordings import client_folder, purge_expired, recordings_of

    client, client_id = app_client
    app = client.app
    data_dir = app.state.settings.data_dir
    _log_in(client)
    speech = spoken_pcm("en limpa")
    _utterance(client, client_id, speech)
    assert recordings_of(data_dir, client_id) == []  # off unless staff turn it on

    token = re.search(r'data-csrf="([^"]+)"', client.get(f"/clients/{client_id}").text).group(1)
    switched = client.post(f"/clients/{client_id}/debug-recording",
                           data={"csrf_token": token, "on": "1"}, follow_redirects=False)  # fmt: skip
    assert switched.status_code == 303
    assert "Kundens tal sparas för felsökning till" in client.get(f"/clients/{client_id}").text
    _utterance(client, client_id, speech)
    saved = recordings_of(data_dir, client_id)
    assert len(saved) == 1
    with wave.open(str(saved[0])) as w:
        assert w.getframerate() == 16_000 and w.getnframes() == len(speech) // 2

    assert purge_expired(app.state.sessions, data_dir, datetime.now(UTC) + timedelta(hours=25))
    assert not client_folder(data_dir, client_id).exists()
    assert "Inget tal sparas" in client.get(f"/clients/{client_id}").text

    client.post(f"/clients/{client_id}/debug-recording", data={"csrf_token": token, "on": "1"})
    _utterance(client, client_id, speech)
    client.post(f"/clients/{client_id}/debug-recording", data={"csrf_token": token})
    assert recordings_of(data_dir, client_id) == []  # switching off deletes at once
