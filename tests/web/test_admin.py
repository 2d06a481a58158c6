"""Store administration: admins only, CSRF, fees validated before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import WebWorld

FEES = {
    "picking_fee_ore": "59",
    "delivery_fee_ore": "39,50",
    "invoice_fee_ore": "0",
    "minimum_order_ore": "300",
}


def _post_fees(web: WebWorld, **fees: str):
    token = web.csrf("/staff/clients")
    return web.client.post(
        "/admin/stores/1/fees", data={**FEES, **fees, "csrf_token": token}, follow_redirects=False
    )


def test_staff_may_not_open_store_admin(web: WebWorld) -> None:
    web.login("anna")
    assert web.client.get("/admin/stores").status_code == 403
    assert _post_fees(web).status_code == 403
    assert "Butiker" not in web.client.get("/staff/clients").text


def test_admin_changes_fees(web: WebWorld) -> None:
    web.login("chef")
    assert _post_fees(web).status_code == 303
    page = web.client.get("/admin/stores")
    assert 'value="39,50"' in page.text and 'value="300,00"' in page.text


def test_bad_fees_are_refused_and_nothing_is_written(web: WebWorld) -> None:
    web.login("chef")
    before = web.client.get("/admin/stores").text
    for bad in ({"delivery_fee_ore": "-5"}, {"invoice_fee_ore": "abc"},
                {"picking_fee_ore": "99999999"}):  # fmt: skip
        response = _post_fees(web, **bad)
        assert response.status_code == 422
        assert 'role="alert"' in response.text
    assert web.client.get("/admin/stores").text == before
    token = web.csrf("/staff/clients")
    forged = web.client.post("/admin/stores/1/fees", data={**FEES, "csrf_token": token + "x"})
    assert forged.status_code == 403
    assert web.client.get("/admin/stores").text == before
    assert _post_fees(web).status_code == 303
    missing = web.client.post("/admin/stores/999/fees", data={**FEES, "csrf_token": token})
    assert missing.status_code == 404


def test_attention_page_lists_nothing_for_a_fresh_database(web: WebWorld) -> None:
    web.login("anna")
    page = web.client.get("/staff/attention")
    assert page.status_code == 200
    assert "Inga beställningar behöver åtgärd" in page.text
