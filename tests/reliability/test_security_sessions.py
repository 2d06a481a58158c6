"""Sessions live on the server: logout and deactivation end a saved cookie for pages and for the
voice WebSocket, which also refuses other sites' pages; the cookie is Secure unless the app
only listens on this machine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from security_app import BASE, World, csrf, make_app, running_world, seed
from sqlalchemy import select

from assistant.db import session_scope
from assistant.db.models import StaffUser

OWN_PAGE = {"origin": "http://testserver"}  # the test client's WebSocket host is "testserver"


@pytest.fixture
def world(migrated_url: str, tmp_path: Path) -> Iterator[World]:
    with running_world(migrated_url, tmp_path) as world:
        yield world


def _log_out(browser: TestClient) -> None:
    token = csrf(browser, "/staff/clients")
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 200  # login page


def _socket_says(world: World, cookies: dict[str, str], headers: dict[str, str]) -> str:
    """The first message the voice WebSocket sends to a handshake with these cookies/headers."""
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    with world.client.websocket_connect("/voice/ws", headers={"cookie": cookie, **headers}) as ws:
        return json.loads(ws.receive()["text"])["message"]


def test_a_cookie_saved_before_logout_is_refused(world: World) -> None:
    assert world.login("anna").status_code == 303
    saved = dict(world.client.cookies)
    assert world.client.get("/staff/clients").status_code == 200
    _log_out(world.client)
    replay = TestClient(world.app, base_url=BASE, cookies=saved)
    response = replay.get("/staff/clients", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert replay.get(f"/clients/{world.client_id}", follow_redirects=False).status_code == 303
    assert "Logga in" in _socket_says(world, saved, OWN_PAGE)


def test_logging_out_on_one_tablet_leaves_the_other_logged_in(world: World) -> None:
    other = world.browser()
    world.login("anna")
    world.login("anna", browser=other)
    _log_out(world.client)
    assert other.get("/staff/clients", follow_redirects=False).status_code == 200
    assert world.client.get("/staff/clients", follow_redirects=False).status_code == 303


def test_deactivating_an_account_ends_its_sessions_everywhere(world: World) -> None:
    world.login("anna")
    saved = dict(world.client.cookies)
    admin = world.browser()
    world.login("chef", browser=admin)
    with session_scope(world.app.state.sessions) as session:
        anna = session.scalar(select(StaffUser.id).where(StaffUser.username == "anna"))
    token = csrf(admin, "/admin/staff")
    for active in ("0", "1"):  # switched off, then on again: the old session stays ended
        admin.post(f"/admin/staff/{anna}/active", data={"csrf_token": token, "active": active})
    assert world.client.get("/staff/clients", follow_redirects=False).status_code == 303
    assert "Logga in" in _socket_says(world, saved, OWN_PAGE)
    assert world.login("anna").status_code == 303  # reactivated: a new login works


def test_the_voice_socket_takes_only_this_apps_own_pages(world: World) -> None:
    world.login("anna")
    cookies = dict(world.client.cookies)
    for headers in ({"origin": "http://evil.example"}, {"origin": "null"}, {}):
        assert "inte från Handlas egen sida" in _socket_says(world, cookies, headers)
    # from the app's own page the session is accepted: what follows is about the voice models
    assert "Logga in" not in _socket_says(world, cookies, OWN_PAGE)


def test_an_open_voice_socket_stops_serving_a_session_that_ended(
    migrated_url: str, tmp_path: Path, swedish_models_dir: Path
) -> None:
    seed(migrated_url)
    app = make_app(migrated_url, tmp_path, models_dir=swedish_models_dir)
    with TestClient(app, base_url=BASE) as browser:
        world = World(app, browser, 0, 0)
        world.login("anna")
        cookie = f"handla_session={browser.cookies['handla_session']}"
        with browser.websocket_connect("/voice/ws", headers={"cookie": cookie, **OWN_PAGE}) as ws:
            assert json.loads(ws.receive()["text"])["type"] == "ready"
            _log_out(browser)
            ws.send_text(json.dumps({"type": "start", "sample_rate": 16_000}))
            refusal = json.loads(ws.receive()["text"])
            assert refusal == {"type": "error", "message": "Logga in för att använda rösten."}
            assert ws.receive()["type"] == "websocket.close"
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("host", "https_only", "secure"),
    [
        ("127.0.0.1", None, False),  # only this machine: plain HTTP is fine
        ("localhost", None, False),
        ("0.0.0.0", None, True),  # reachable from the network: HTTPS (a TLS proxy) only
        ("192.168.1.20", None, True),
        ("0.0.0.0", False, False),  # HANDLA_HTTPS_ONLY=0 says otherwise
        ("127.0.0.1", True, True),  # HANDLA_HTTPS_ONLY=1
    ],
)
def test_the_session_cookie_is_secure_unless_only_this_machine_reaches_the_app(
    migrated_url: str, tmp_path: Path, host: str, https_only: bool | None, secure: bool
) -> None:
    seed(migrated_url)
    app = make_app(migrated_url, tmp_path, host=host, https_only=https_only)
    cookie = TestClient(app, base_url=BASE).get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert ("; secure" in cookie) is secure
    app.state.engine.dispose()


def test_staff_log_in_over_https_with_the_secure_cookie(migrated_url: str, tmp_path: Path) -> None:
    client_id, _ = seed(migrated_url)
    app = make_app(migrated_url, tmp_path, host="0.0.0.0")
    with TestClient(app, base_url="https://handla.example") as browser:
        assert World(app, browser, client_id, 0).login("anna").status_code == 303
        assert browser.get(f"/clients/{client_id}").status_code == 200
    app.state.engine.dispose()
