"""Store administration: admins only, CSRF, fees validated before anything is written."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from httpx import Response

from tests.helpers.catalog_upload import upload_catalog

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld

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


def _slot(web: WebWorld, **fields: str):
    token = web.csrf("/staff/clients")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    data = {"day": tomorrow, "start": "10:00", "end": "12:00", "capacity": "8",
            "cutoff_hours": "12", "csrf_token": token, **fields}  # fmt: skip
    return web.client.post("/admin/stores/1/slots", data=data, follow_redirects=False)


def test_admin_adds_a_slot_and_bad_slots_are_refused(web: WebWorld) -> None:
    web.login("chef")
    assert _slot(web).status_code == 303
    page = web.client.get("/admin/stores/1/slots")
    assert " 10–12" in page.text and "<td>8</td>" in page.text
    past = (date.today() - timedelta(days=1)).isoformat()
    assert _slot(web, day=past).status_code == 422
    assert _slot(web, start="12:00", end="10:00").status_code == 422
    assert _slot(web, capacity="-1").status_code == 422
    assert _slot(web, capacity="100000").status_code == 422
    assert web.client.get("/admin/stores/1/slots").text.count(" 10–12") == 1
    web.login("anna")
    assert _slot(web).status_code == 403


def _post_channel(web: WebWorld, **fields: str):
    token = web.csrf("/staff/clients")
    return web.client.post("/admin/stores/1/channel", data={**fields, "csrf_token": token},
                           follow_redirects=False)  # fmt: skip


def test_admin_sets_how_the_store_receives_orders(web: WebWorld) -> None:
    web.login("anna")
    assert _post_channel(web, order_channel="email", order_target="o@butik.se").status_code == 403
    web.login("chef")
    before = web.client.get("/admin/stores").text
    for bad in ({"order_channel": "fax", "order_target": "x"},
                {"order_channel": "webhook", "order_target": "ftp://butik.se", "secret_ref": "S"},
                {"order_channel": "webhook", "order_target": "https://butik.se/o",
                 "secret_ref": "hemligt värde"},
                {"order_channel": "email", "order_target": "inte-en-adress"}):  # fmt: skip
        response = _post_channel(web, **bad)
        assert response.status_code == 422 and 'role="alert"' in response.text
    assert web.client.get("/admin/stores").text == before
    ok = _post_channel(web, order_channel="webhook", order_target="https://butik.se/order",
                       secret_ref="HANDLA_WEBHOOK_SECRET_TEST")  # fmt: skip
    assert ok.status_code == 303
    page = web.client.get("/admin/stores").text
    assert 'value="https://butik.se/order"' in page and "HANDLA_WEBHOOK_SECRET_TEST" in page
    assert (
        _post_channel(web, order_channel="email", order_target="order@butik.se").status_code == 303
    )
    assert 'value="order@butik.se"' in web.client.get("/admin/stores").text


def _upload(web: WebWorld, name: str, body: bytes, store: str = "") -> Response:
    return upload_catalog(web.client, web.csrf("/staff/clients"), name, body, store)


def test_admin_imports_a_catalog_and_sees_the_bad_rows(web: WebWorld) -> None:
    feed = ("name,price,brand,size\nFilmjölk 3%,18.50,Arla,1l\n"
            ",12.00,Arla,1l\nGrädde,-5,Arla,3dl\n").encode()  # fmt: skip
    web.login("anna")
    assert _upload(web, "feed.csv", feed).status_code == 403
    web.login("chef")
    page = _upload(web, "feed.csv", feed, store="Testbutiken")
    assert page.status_code == 200
    assert "1 nya" in page.text and "2 rader avvisade" in page.text
    assert "<td>3</td>" in page.text and "<td>4</td>" in page.text
    again = _upload(web, "feed.csv", feed, store="Testbutiken")
    assert "0 ändringar" in again.text
    broken = _upload(web, "tom.csv", b"")
    assert broken.status_code == 422 and "gick inte att läsa" in broken.text
    token = web.csrf("/staff/clients")
    missing = web.client.post("/admin/catalog", data={"csrf_token": token})
    assert missing.status_code == 422
