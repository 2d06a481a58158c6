"""Admin pages for clients and staff: admins only, CSRF, validation before writing, and deleting a
client removes all their data (but never an order the store has not yet received)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Client, Order, OrderLine, PurchaseHistory, StaffUser

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld

NEW_CLIENT = {"display_name": "Ingrid B", "store_id": "1", "substitution": "none",
              "speech_rate": "0.8", "staff_id": "1"}  # fmt: skip


def _post(web: WebWorld, path: str, data: dict[str, str]):
    token = web.csrf("/staff/clients")
    return web.client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _count(url: str, model) -> int:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        found = session.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return found


def test_only_admins_manage_people(web: WebWorld) -> None:
    web.login("anna")
    assert web.client.get("/admin/clients").status_code == 403
    assert web.client.get("/admin/staff").status_code == 403
    assert _post(web, "/admin/clients", NEW_CLIENT).status_code == 403
    assert _post(web, f"/admin/clients/{web.anna_client_id}/delete",
                 {"confirm_name": "Greta"}).status_code == 403  # fmt: skip


def test_admin_adds_a_client_that_their_staff_then_sees(web: WebWorld) -> None:
    web.login("chef")
    assert _post(web, "/admin/clients", NEW_CLIENT).status_code == 303
    assert "Ingrid B" in web.client.get("/admin/clients").text
    web.login("anna")  # staff id 1
    assert "Ingrid B" in web.client.get("/staff/clients").text
    web.login("bertil")
    assert "Ingrid B" not in web.client.get("/staff/clients").text


def test_bad_client_forms_write_nothing(web: WebWorld, migrated_url: str) -> None:
    web.login("chef")
    before = _count(migrated_url, Client)
    for bad in ({"display_name": "  "}, {"store_id": "999"}, {"substitution": "kanske"},
                {"speech_rate": "3"}, {"staff_id": "999"}, {"display_name": "x" * 101}):  # fmt: skip
        response = _post(web, "/admin/clients", {**NEW_CLIENT, **bad})
        assert response.status_code == 422 and 'role="alert"' in response.text
    forged = web.client.post("/admin/clients", data={**NEW_CLIENT, "csrf_token": "fel"})
    assert forged.status_code == 403
    assert _count(migrated_url, Client) == before


def test_deleting_a_client_removes_their_data(web: WebWorld, migrated_url: str) -> None:
    greta = web.anna_client_id
    engine = make_engine(migrated_url)
    with session_scope(make_sessionmaker(engine)) as session:
        basket = Order(client_id=greta, store_id=1, status="basket")
        basket.lines = [OrderLine(spoken_text="mjölk", quantity=1, status="needs_staff")]
        session.add(basket)
    web.login("chef")
    wrong = _post(web, f"/admin/clients/{greta}/delete", {"confirm_name": "Harry"})
    assert wrong.status_code == 422 and "Greta" in web.client.get("/admin/clients").text
    assert (
        _post(web, f"/admin/clients/{greta}/delete", {"confirm_name": "Greta"}).status_code == 303
    )
    with session_scope(make_sessionmaker(engine)) as session:
        assert session.get(Client, greta) is None
        assert session.scalar(select(func.count()).select_from(Order)) == 0
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 0
        assert session.scalar(select(func.count()).select_from(PurchaseHistory)) == 0
    engine.dispose()
    assert (
        _post(web, f"/admin/clients/{greta}/delete", {"confirm_name": "Greta"}).status_code == 404
    )


def test_a_client_with_an_order_not_yet_at_the_store_is_kept(
    web: WebWorld, migrated_url: str
) -> None:
    harry = web.bertil_client_id
    engine = make_engine(migrated_url)
    with session_scope(make_sessionmaker(engine)) as session:
        session.add(Order(client_id=harry, store_id=1, status="confirmed"))
    engine.dispose()
    web.login("chef")
    refused = _post(web, f"/admin/clients/{harry}/delete", {"confirm_name": "Harry"})
    assert refused.status_code == 422 and "ännu inte har fått" in refused.text
    assert _count(migrated_url, Client) == 2


def test_admin_creates_and_deactivates_staff(web: WebWorld, migrated_url: str) -> None:
    web.login("chef")
    account = {"username": "cecilia", "password": "ett-långt-lösen", "password_again":
               "ett-långt-lösen", "role": "staff"}  # fmt: skip
    for bad in ({"username": "anna"}, {"username": "två ord"}, {"password": "kort"},
                {"password_again": "annat-lösenord"}, {"role": "kung"}):  # fmt: skip
        assert _post(web, "/admin/staff", {**account, **bad}).status_code == 422
    assert _count(migrated_url, StaffUser) == 3
    assert _post(web, "/admin/staff", account).status_code == 303
    assert web.login("cecilia", "ett-långt-lösen").status_code == 303
    web.login("chef")
    cecilia = _count(migrated_url, StaffUser)  # the newest id
    assert _post(web, f"/admin/staff/{cecilia}/active", {"active": "0"}).status_code == 303
    assert web.login("cecilia", "ett-långt-lösen").status_code != 303
    web.login("chef")
    chef_id = 3
    refused = _post(web, f"/admin/staff/{chef_id}/active", {"active": "0"})
    assert refused.status_code == 422 and "eget konto" in refused.text
