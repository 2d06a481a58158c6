"""Confirmation: re-pricing, refusals, one transaction, idempotency and racing confirms."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from assistant.db import session_scope
from assistant.db.models import AuditEvent, Order, OutboxMessage, PurchaseHistory
from assistant.orders import (
    ServiceError,
    add_item,
    basket_for,
    book_slot,
    confirm_order,
    monthly_statement,
    monthly_statement_pdf,
)


def fill(sessions, shop, client=None) -> None:
    client = client or shop.client
    with session_scope(sessions) as s:
        add_item(s, client, shop.milk, 3, spoken_text="mjölk")
        add_item(s, client, shop.apples, "0,75")
        book_slot(s, client, shop.slot, shop.now)


def count(sessions, model) -> int:
    with session_scope(sessions) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_confirm_writes_order_totals_audit_history_and_outbox(sessions, shop):
    fill(sessions, shop)
    with session_scope(sessions) as s:
        order = confirm_order(s, shop.client, "key-1", shop.staff, shop.now)
        order_id = order.id
    with session_scope(sessions) as s:
        order = s.get(Order, order_id)
        assert order.status == "confirmed" and order.idempotency_key == "key-1"
        assert order.confirmed_by_id == shop.staff
        # 3 milk at "2 för 25\xa0kr" = 25 + 14.50, 0.75 kg apples at 29.95/kg = 22.46, fees 127 kr
        assert (order.goods_ore, order.discount_ore) == (3950 + 2246, 400)
        assert order.total_ore == 3950 + 2246 + 4900 + 5900 + 1900
        assert [ln.unit_price_ore for ln in order.lines] == [1450, 2995]
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "confirmed")).one()
        assert (event.order_id, event.actor) == (order_id, str(shop.staff))
        outbox = s.scalars(select(OutboxMessage)).one()
        assert (outbox.order_id, outbox.status, outbox.adapter) == (order_id, "pending", "webhook")
        sheet = outbox.payload["sheet"]
        assert [ln["quantity"] for ln in sheet["lines"]] == ["3", "0.75"]
        assert sheet["lines"][0]["offer"] == "2 för 25\xa0kr"
        assert sheet["lines"][0]["substitution"] == "byt mot liknande"
        history = s.scalars(select(PurchaseHistory).order_by(PurchaseHistory.id)).all()
        assert [(h.product_id, h.quantity) for h in history] == [
            (shop.milk, 3),
            (shop.apples, 0.75),
        ]
        assert basket_for(s, shop.client).lines == []  # a fresh basket for next time


def test_same_key_twice_returns_the_same_order(sessions, shop):
    fill(sessions, shop)
    with session_scope(sessions) as s:
        first = confirm_order(s, shop.client, "key-1", shop.staff, shop.now).id
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.bread, 1)  # the next basket must not be touched
        assert confirm_order(s, shop.client, "key-1", shop.staff, shop.now).id == first
    assert count(sessions, OutboxMessage) == 1
    with pytest.raises(ServiceError, match="annan kund"), session_scope(sessions) as s:
        confirm_order(s, shop.other_client, "key-1", shop.staff, shop.now)


@pytest.mark.parametrize("same_key", [True, False], ids=["same-key", "two-keys"])
def test_two_concurrent_confirms_make_one_order(sessions, shop, same_key):
    fill(sessions, shop)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def confirm(key: str) -> None:
        barrier.wait()
        try:
            with session_scope(sessions) as s:
                results.append(confirm_order(s, shop.client, key, shop.staff, shop.now).id)
        except ServiceError as refused:
            results.append(refused.message)

    keys = ["tab", "tab"] if same_key else ["tab-1", "tab-2"]
    threads = [threading.Thread(target=confirm, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ids = [r for r in results if isinstance(r, int)]
    assert len(results) == 2 and ids
    if same_key:
        assert len(ids) == 2 and ids[0] == ids[1]
    else:
        assert len(ids) == 1
    assert count(sessions, OutboxMessage) == 1
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count()).where(Order.status == "confirmed")) == 1


def test_refusals_write_nothing(sessions, shop):
    with pytest.raises(ServiceError, match="tom"), session_scope(sessions) as s:
        confirm_order(s, shop.client, "k", shop.staff, shop.now)
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.bread, 1)
    with pytest.raises(ServiceError, match="leveranstid"), session_scope(sessions) as s:
        confirm_order(s, shop.client, "k", shop.staff, shop.now)
    with session_scope(sessions) as s:
        book_slot(s, shop.client, shop.slot, shop.now)
    with (
        pytest.raises(ServiceError, match="Det fattas 18,00.kr till minsta ordervärdet 50.kr"),
        session_scope(sessions) as s,
    ):
        confirm_order(s, shop.client, "k", shop.staff, shop.now)
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.bread, 1)
    for key in ("", " ", "x" * 101, None):
        with pytest.raises(ServiceError, match="nyckel"), session_scope(sessions) as s:
            confirm_order(s, shop.client, key, shop.staff, shop.now)
    with pytest.raises(ServiceError, match="Priset har ändrats"), session_scope(sessions) as s:
        confirm_order(s, shop.client, "k", shop.staff, shop.now, expected_total_ore=1)
    late = shop.now.replace(day=27)  # after the slot's cut-off
    with pytest.raises(ServiceError, match="passerat"), session_scope(sessions) as s:
        confirm_order(s, shop.client, "k", shop.staff, late)
    assert count(sessions, OutboxMessage) == count(sessions, PurchaseHistory) == 0
    with session_scope(sessions) as s:
        assert basket_for(s, shop.client).status == "basket"
        total = confirm_order(s, shop.client, "k", "client", shop.now).total_ore
    assert total == 6400 + 12700


def test_monthly_statement_lists_orders_lines_offers_and_fees(sessions, shop):
    fill(sessions, shop)
    with session_scope(sessions) as s:
        order_id = confirm_order(s, shop.client, "key-1", shop.staff, shop.now).id
    with session_scope(sessions) as s:
        statement = monthly_statement(s, shop.client, 2026, 11)
        assert statement.month == "november 2026" and statement.client_name == "Åsa Öberg"
        (order,) = statement.orders
        assert order.order_id == order_id and order.store == "Willys Växjö"
        assert order.lines[0] == ("Mellanmjölk 1,5 l", "3 st", 400, 3950, "2 för 25\u00a0kr")
        assert order.lines[1][1] == "0,75 kg"
        assert order.fees == {"plock": 4900, "leverans": 5900, "faktura": 1900}
        assert statement.total == 3950 + 2246 + 12700
        assert monthly_statement(s, shop.client, 2026, 10).orders == []
        assert monthly_statement_pdf(s, shop.client, 2026, 11).startswith(b"%PDF")
        with pytest.raises(ServiceError):
            monthly_statement(s, shop.client, 2026, 13)
