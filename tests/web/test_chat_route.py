"""The chat endpoint: access rules, CSRF, bad input, and Rasa being down."""

import dataclasses
import socket

from assistant.chat.messages import EMPTY_REPLY, TOO_LONG_REPLY


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def chat(web, client_id, text, token):
    return web.client.post(
        f"/clients/{client_id}/chat", json={"text": text}, headers={"X-CSRF-Token": token}
    )


def logged_in(web):
    web.login("anna")
    app = web.client.app
    app.state.settings = dataclasses.replace(app.state.settings, rasa_url=closed_port_url())
    return web.csrf(f"/clients/{web.anna_client_id}")


def test_chat_needs_login(web):
    response = web.client.post(f"/clients/{web.anna_client_id}/chat", json={"text": "hej"})
    assert response.status_code in (303, 401, 403)


def test_chat_refuses_a_missing_or_forged_csrf_token(web):
    logged_in(web)
    assert chat(web, web.anna_client_id, "hej", "").status_code == 403
    assert chat(web, web.anna_client_id, "hej", "forged-token").status_code == 403


def test_chat_with_another_staff_members_client_is_not_found(web):
    token = logged_in(web)
    assert chat(web, web.bertil_client_id, "hej", token).status_code == 404


def test_empty_and_overlong_messages_get_polite_answers(web):
    token = logged_in(web)
    for text, reply in [
        ("", EMPTY_REPLY),
        ("🍞🥛", EMPTY_REPLY),
        ("mjölk " * 1000, TOO_LONG_REPLY),
    ]:
        response = chat(web, web.anna_client_id, text, token)
        assert response.status_code == 200
        assert response.json()["replies"][0]["text"] == reply


def test_rasa_down_gives_a_clear_message(web):
    token = logged_in(web)
    body = chat(web, web.anna_client_id, "två liter mjölk", token).json()
    assert body["status"] == "unavailable"
    assert "Inget har ändrats i varukorgen" in body["replies"][0]["text"]
    assert web.client.get("/api/assistant/status").json() == {"status": "unavailable"}
