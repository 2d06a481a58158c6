"""Login, sessions, CSRF refusals and who may see which client."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld


def test_pages_need_login(web: WebWorld) -> None:
    response = web.client.get("/staff/clients", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_login_with_right_password_shows_own_clients_only(web: WebWorld) -> None:
    response = web.login("anna")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = web.client.get("/staff/clients")
    assert page.status_code == 200
    assert "Greta" in page.text and "Harry" not in page.text


def test_wrong_password_and_unknown_user_are_refused_alike(web: WebWorld) -> None:
    wrong = web.login("anna", "fel-lösenord")
    unknown = web.login("ingen", "fel-lösenord")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Fel användarnamn eller lösenord." in response.text
    assert web.client.get("/staff/clients", follow_redirects=False).status_code == 303


def test_login_without_or_with_forged_csrf_is_refused(web: WebWorld) -> None:
    web.csrf()  # a session with a token exists
    for data in ({}, {"csrf_token": "förfalskad"}):
        response = web.client.post(
            "/login", data={"username": "anna", "password": "rätt-lösenord-123", **data}
        )
        assert response.status_code == 403
    assert web.client.get("/staff/clients", follow_redirects=False).status_code == 303


def test_logout_needs_csrf_and_ends_the_session(web: WebWorld) -> None:
    web.login("anna")
    assert web.client.post("/logout", data={"csrf_token": "fel"}).status_code == 403
    assert web.client.get("/staff/clients").status_code == 200
    token = web.csrf("/staff/clients")
    web.client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert web.client.get("/staff/clients", follow_redirects=False).status_code == 303


def test_another_staff_members_client_is_not_found(web: WebWorld) -> None:
    web.login("anna")
    assert web.client.get(f"/clients/{web.anna_client_id}").status_code == 200
    other = web.client.get(f"/clients/{web.bertil_client_id}")
    assert other.status_code == 404
    assert "Harry" not in other.text
    assert web.client.get("/clients/999999").status_code == 404
    assert web.client.get("/clients/inte-ett-id").status_code == 422


def test_admin_sees_every_client(web: WebWorld) -> None:
    web.login("chef")
    page = web.client.get("/staff/clients")
    assert "Greta" in page.text and "Harry" in page.text


def test_oversized_login_fields_are_refused(web: WebWorld) -> None:
    token = web.csrf()
    response = web.client.post(
        "/login", data={"username": "a" * 5000, "password": "x", "csrf_token": token}
    )
    assert response.status_code == 422
