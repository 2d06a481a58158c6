"""The basket on the client page: tap to add, − / +, substitution, slot, two-tap confirm, and
clear refusals of bad input that leave the database as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import AuditEvent, DeliverySlot, Order, OrderLine, OutboxMessage, Product

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld

NBSP = "\u00a0"


def _sek(text: str) -> str:
    return text.replace(" kr", f"{NBSP}kr")


def _db(url: str):
    engine = make_engine(url)
    return engine, make_sessionmaker(engine)


def _add_slots(url: str) -> tuple[int, int]:
    """A bookable slot in three days and one that has already been."""
    engine, sessions = _db(url)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with session_scope(sessions) as session:
        future = DeliverySlot(store_id=1, starts_at=now + timedelta(days=3),
                              ends_at=now + timedelta(days=3, hours=2), capacity=5, booked=0,
                              cutoff_at=now + timedelta(days=2))  # fmt: skip
        past = DeliverySlot(store_id=1, starts_at=now - timedelta(days=1),
                            ends_at=now - timedelta(hours=22), capacity=5, booked=0,
                            cutoff_at=now - timedelta(days=2))  # fmt: skip
        session.add_all([future, past])
        session.flush()
        ids = future.id, past.id
    engine.dispose()
    return ids


def _counts(url: str) -> tuple[int, ...]:
    engine, sessions = _db(url)
    with session_scope(sessions) as session:
        counts = tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Order, OrderLine, AuditEvent, OutboxMessage)
        )
        booked = tuple(session.scalars(select(DeliverySlot.booked).order_by(DeliverySlot.id)))
    engine.dispose()
    return (*counts, *booked)


def _product_id(url: str, name: str, size: str) -> int:
    engine, sessions = _db(url)
    with session_scope(sessions) as session:
        found = session.scalar(
            select(Product.id).where(Product.name == name, Product.size_text == size)
        )
    engine.dispose()
    assert found is not None
    return found


def _post(web: WebWorld, path: str, **data: str):
    token = web.csrf("/staff/clients")
    return web.client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _choose_card(web: WebWorld, page_text: str, name: str):
    """Tap the picture card of an open choice that shows `name`, as the browser would."""
    forms = re.findall(
        r'<form method="post" action="(/clients/\d+/choices/\d+)">(.*?)</form>', page_text, re.S
    )
    action, body = next((a, b) for a, b in forms if name in b)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', body))
    return web.client.post(action, data=fields, follow_redirects=False)


def _line_ids(text: str) -> list[int]:
    return [int(i) for i in re.findall(r"/basket/(\d+)/remove", text) if f"val-{i}" not in text]


def test_tapping_cards_fills_the_basket_with_offer_and_fees(web: WebWorld) -> None:
    web.login("anna")
    greta = web.anna_client_id
    milk = _post(web, f"/clients/{greta}/items", text="två liter mellanmjölk")
    assert milk.status_code == 303
    bread = _post(web, f"/clients/{greta}/items", text="bröd")
    assert bread.status_code == 303
    choice = web.client.get(f"/clients/{greta}")
    card = choice.text[choice.text.index("Lingongrova") :]
    assert "1 st · 29,95\u00a0kr" in card[: card.index("</button>")]  # what the tap costs
    assert _choose_card(web, choice.text, "Lingongrova").status_code == 303
    page = web.client.get(f"/clients/{greta}")
    assert "2 st" in page.text and "1 st" in page.text
    (milk_line, bread_line) = _line_ids(page.text)
    _post(web, f"/clients/{greta}/basket/{bread_line}/quantity", quantity="2")
    page = web.client.get(f"/clients/{greta}")
    assert _sek("Erbjudande: 2 för 50 kr") in page.text
    assert _sek("Du sparar 9,90 kr") in page.text
    # goods at ordinary prices 29,90 + 59,90, offers −9,90; fees 49 + 29 + 19
    for text in ("89,80 kr", "−9,90 kr", "49,00 kr", "29,00 kr", "19,00 kr", "176,90 kr"):
        assert _sek(text) in page.text, text
    assert "Plockavgift" in page.text and "Leveransavgift" in page.text
    assert "Fakturaavgift" in page.text
    assert _sek("14,95 kr/st") in page.text  # each line shows its unit price

    _post(web, f"/clients/{greta}/basket/{milk_line}/substitution", choice="none")
    page = web.client.get(f"/clients/{greta}")
    assert re.search(r'aria-pressed="true">Ingen ersättning', page.text)
    _post(web, f"/clients/{greta}/basket/{bread_line}/quantity", quantity="0")
    _post(web, f"/clients/{greta}/basket/{milk_line}/remove")
    page = web.client.get(f"/clients/{greta}")
    assert _line_ids(page.text) == []


def _basket_ready(web: WebWorld, url: str) -> tuple[int, str]:
    """Milk in Greta's basket and the future slot booked; returns (slot id, page text)."""
    future, _past = _add_slots(url)
    greta = web.anna_client_id
    milk = _product_id(url, "Mellanmjölk 1,5%", "1l")
    assert (
        _post(web, f"/clients/{greta}/basket", product_id=str(milk), quantity="12").status_code
        == 303
    )
    assert _post(web, f"/clients/{greta}/slot", slot_id=str(future)).status_code == 303
    return future, web.client.get(f"/clients/{greta}").text


def _confirm_fields(text: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/clients/\d+/confirm" data-confirm>(.*?)</form>',
                     text, re.S)  # fmt: skip
    assert form, "no confirm form"
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))


def test_confirm_needs_a_second_tap_and_a_double_submit_makes_one_order(
    web: WebWorld, migrated_url: str
) -> None:
    web.login("anna")
    greta = web.anna_client_id
    _slot, page = _basket_ready(web, migrated_url)
    # 12 × 14,95 = 179,40 + fees 97,00
    assert re.search(r"Du beställer 12 varor för 276,40.kr, leverans \w+dag \d+/\d+ ", page)
    fields = _confirm_fields(page)
    first = web.client.post(f"/clients/{greta}/confirm", data=fields)
    assert first.status_code == 200 and "Tryck igen för att beställa" in first.text
    assert _counts(migrated_url)[3] == 0  # nothing ordered by the first tap
    armed = _confirm_fields(first.text)
    assert armed["armed"] == "1" and armed["idempotency_key"] == fields["idempotency_key"]
    other_tab = _confirm_fields(page) | {"armed": "1"}
    done = web.client.post(f"/clients/{greta}/confirm", data=armed, follow_redirects=False)
    assert done.status_code == 303
    again = web.client.post(f"/clients/{greta}/confirm", data=armed, follow_redirects=False)
    assert again.headers["location"] == done.headers["location"]
    receipt = web.client.get(done.headers["location"])
    assert "Tack!" in receipt.text and _sek("276,40 kr") in receipt.text
    # A second tab showing the same summary with its own key: refused, still one order.
    other_tab["idempotency_key"] = "annan-flik-nyckel"
    late = web.client.post(f"/clients/{greta}/confirm", data=other_tab)
    assert late.status_code == 422 and 'role="alert"' in late.text
    assert _counts(migrated_url)[3] == 1


@pytest.mark.parametrize("quantity", ["-1", "0", "100", "99999999999999999999", "abc", "1,5", ""])
def test_bad_quantities_are_refused_and_nothing_is_written(
    web: WebWorld, migrated_url: str, quantity: str
) -> None:
    web.login("anna")
    milk = _product_id(migrated_url, "Mellanmjölk 1,5%", "1l")
    before = _counts(migrated_url)
    response = _post(web, f"/clients/{web.anna_client_id}/basket", product_id=str(milk),
                     quantity=quantity)  # fmt: skip
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert _counts(migrated_url) == before


def test_the_change_is_committed_before_the_answer_says_it_worked(
    web: WebWorld, migrated_url: str
) -> None:
    """The page a tap redirects to reads the new line at once (the browser follows the 303
    immediately); so a commit that fails must be an error, never a 303 that already went out."""
    web.login("anna")
    milk = _product_id(migrated_url, "Mellanmjölk 1,5%", "1l")
    token = web.csrf("/staff/clients")
    before = _counts(migrated_url)
    sessions = web.client.app.state.sessions

    def fail(session) -> None:
        raise RuntimeError("the database went away at commit")

    event.listen(sessions, "before_commit", fail)
    try:
        quiet = TestClient(web.client.app, base_url="http://127.0.0.1",
                           cookies=web.client.cookies, raise_server_exceptions=False)  # fmt: skip
        response = quiet.post(f"/clients/{web.anna_client_id}/basket", follow_redirects=False,
                              data={"csrf_token": token, "product_id": str(milk), "quantity": "1"})  # fmt: skip
    finally:
        event.remove(sessions, "before_commit", fail)
    assert response.status_code == 500
    assert _counts(migrated_url) == before


def test_bad_ids_slots_csrf_and_other_clients_are_refused(web: WebWorld, migrated_url: str) -> None:
    web.login("anna")
    greta, harry = web.anna_client_id, web.bertil_client_id
    future, past = _add_slots(migrated_url)
    milk = _product_id(migrated_url, "Mellanmjölk 1,5%", "1l")
    before = _counts(migrated_url)
    for product_id in ("999999", "-3", "mjölk"):
        response = _post(web, f"/clients/{greta}/basket", product_id=product_id, quantity="1")
        assert response.status_code == 422, product_id
    assert _counts(migrated_url) == before

    ok = _post(web, f"/clients/{greta}/basket", product_id=str(milk), quantity="1")
    assert ok.status_code == 303
    before = _counts(migrated_url)
    refused = _post(web, f"/clients/{greta}/slot", slot_id=str(past))
    assert refused.status_code == 422 and "redan varit" in refused.text
    assert _post(web, f"/clients/{greta}/slot", slot_id="999999").status_code == 422
    assert _post(web, f"/clients/{greta}/basket/999999/quantity", quantity="2").status_code == 422
    forged = web.client.post(f"/clients/{greta}/slot", data={"slot_id": str(future),
                                                            "csrf_token": "förfalskad"})  # fmt: skip
    assert forged.status_code == 403
    no_token = web.client.post(f"/clients/{greta}/basket", data={"product_id": str(milk),
                                                                "quantity": "1"})  # fmt: skip
    assert no_token.status_code == 403
    for path, data in ((f"/clients/{harry}/basket", {"product_id": str(milk), "quantity": "1"}),
                       (f"/clients/{harry}/slot", {"slot_id": str(future)}),
                       (f"/clients/{harry}/confirm", {"idempotency_key": "k", "shown_total": "0",
                                                      "armed": "1"})):  # fmt: skip
        response = _post(web, path, **data)
        assert response.status_code == 404 and "Harry" not in response.text
    no_slot = _post(web, f"/clients/{greta}/confirm", idempotency_key="nyckel-1",
                    shown_total="0", armed="1")  # fmt: skip
    assert no_slot.status_code == 422
    assert _counts(migrated_url) == before


def test_a_changed_price_is_not_confirmed(web: WebWorld, migrated_url: str) -> None:
    web.login("anna")
    _slot, page = _basket_ready(web, migrated_url)
    fields = _confirm_fields(page) | {"armed": "1"}
    fields["shown_total"] = str(int(fields["shown_total"]) - 100)
    response = web.client.post(f"/clients/{web.anna_client_id}/confirm", data=fields)
    assert response.status_code == 422 and "Priset har ändrats" in response.text
    assert _counts(migrated_url)[3] == 0


def _confirmed_order(web: WebWorld, url: str) -> str:
    _slot, page = _basket_ready(web, url)
    fields = _confirm_fields(page) | {"armed": "1"}
    done = web.client.post(f"/clients/{web.anna_client_id}/confirm", data=fields,
                           follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    return done.headers["location"]


def test_statement_page_and_pdf(web: WebWorld, migrated_url: str) -> None:
    web.login("anna")
    _confirmed_order(web, migrated_url)
    greta, harry = web.anna_client_id, web.bertil_client_id
    page = web.client.get(f"/clients/{greta}/statement")
    assert page.status_code == 200
    assert "Mellanmjölk" in page.text and _sek("276,40 kr") in page.text
    pdf = web.client.get(f"/clients/{greta}/statement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert web.client.get(f"/clients/{greta}/statement?month=2026-13").status_code == 422
    assert web.client.get(f"/clients/{greta}/statement?month=nov").status_code == 422
    assert web.client.get(f"/clients/{harry}/statement").status_code == 404
    assert web.client.get(f"/clients/{harry}/statement.pdf").status_code == 404


def test_attention_retry_and_staff_queue(web: WebWorld, migrated_url: str) -> None:
    web.client.app.state.outbox_worker.stop()  # no hand-off attempt may race the staged failure
    web.login("anna")
    receipt = _confirmed_order(web, migrated_url)
    order_id = int(receipt.rsplit("/", 1)[1])
    engine, sessions = _db(migrated_url)
    with session_scope(sessions) as session:  # as the worker leaves it after the last retry
        order = session.get(Order, order_id)
        order.status = "needs_attention"
        for row in session.scalars(select(OutboxMessage)):
            row.status, row.attempts = "failed", 6
        session.add(AuditEvent(order_id=order_id, actor="system", action="needs_attention",
                               detail={"error": "HTTP 500 från butiken"}))  # fmt: skip
        basket = Order(client_id=web.anna_client_id, store_id=1, status="basket")
        basket.lines = [OrderLine(spoken_text="något gott till kaffet", quantity=1,
                                  status="needs_staff")]  # fmt: skip
        session.add(basket)
    engine.dispose()
    page = web.client.get("/staff/attention")
    assert "HTTP 500 från butiken" in page.text and "Skicka igen" in page.text
    queue = web.client.get("/staff/queue")
    assert "något gott till kaffet" in queue.text

    web.login("bertil")  # not Greta's staff: the order is invisible and cannot be retried
    assert "HTTP 500" not in web.client.get("/staff/attention").text
    assert "kaffet" not in web.client.get("/staff/queue").text
    assert _post(web, f"/staff/attention/{order_id}/retry").status_code == 404
    web.login("anna")
    forged = web.client.post(f"/staff/attention/{order_id}/retry", data={"csrf_token": "x"})
    assert forged.status_code == 403
    assert _post(web, f"/staff/attention/{order_id}/retry").status_code == 303
    assert "Inga beställningar behöver åtgärd" in web.client.get("/staff/attention").text
    again = _post(web, f"/staff/attention/{order_id}/retry")
    assert again.status_code == 422 and "väntar inte på åtgärd" in again.text
