"""Basket, pricing and slot booking against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from assistant.db import session_scope
from assistant.db.models import AuditEvent, DeliverySlot, Order, OrderLine
from assistant.orders import (
    ServiceError,
    SlotRefused,
    add_item,
    available_slots,
    basket_for,
    book_slot,
    format_sek,
    price_order,
    remove_line,
    set_quantity,
    set_substitution,
)


def line_count(sessions) -> int:
    with session_scope(sessions) as s:
        return s.scalar(select(func.count()).select_from(OrderLine))


def test_basket_prices_offer_weight_item_and_fees(sessions, shop):
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.milk, 2, spoken_text="två mellanmjölk", actor=shop.staff)
        add_item(s, shop.client, shop.bread, "1")
        add_item(s, shop.client, shop.apples, "0,5", spoken_text="ett halvt kilo äpplen")
    with session_scope(sessions) as s:
        basket = basket_for(s, shop.client)
        assert [ln.quantity for ln in basket.lines] == [Decimal(2), Decimal(1), Decimal("0.5")]
        assert basket.lines[0].spoken_text == "två mellanmjölk"
        assert basket.lines[0].substitution == "similar"  # the client's default
        price = price_order(s, basket, shop.now)
        milk, bread, apples = price.lines
        assert (milk.regular, milk.discount, milk.total, milk.offer) == (
            2900,
            400,
            2500,
            "2 för 25\xa0kr",
        )
        assert bread.total == 3200 and bread.offer == ""
        assert apples.approximate and apples.total == 1497 and apples.low < 1497 < apples.high
        assert price.fees == {"plock": 4900, "leverans": 5900, "faktura": 1900}
        assert price.total == 2500 + 3200 + 1497 + 4900 + 5900 + 1900
        assert price.orderable and price.approximate
        assert format_sek(price.total) == "198,97\u00a0kr"
        actors = s.scalars(select(AuditEvent.actor).where(AuditEvent.order_id == basket.id)).all()
        assert actors == [str(shop.staff), "client", "client"]


def test_same_product_again_adds_to_its_line(sessions, shop):
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.milk, 1)
        line = add_item(s, shop.client, shop.milk, 2)
        assert line.quantity == 3 and len(basket_for(s, shop.client).lines) == 1


BAD_QUANTITIES = [-1, 0, "0", "-2", "abc", "", None, True, 100, 10**12, "1e9", "NaN", "inf",
                  1.5, "2,5", Decimal("-0.5"), [], {}]  # fmt: skip


def test_bad_quantities_refused_in_swedish(sessions, shop):
    for quantity in BAD_QUANTITIES:
        with pytest.raises(ServiceError) as refused, session_scope(sessions) as s:
            add_item(s, shop.client, shop.milk, quantity)
        message = refused.value.message
        assert "Mellanmjölk" in message or "antal" in message.lower(), (quantity, message)
    assert line_count(sessions) == 0


def test_weight_items_allow_fractions_within_limits(sessions, shop):
    for bad in ("30", "0,01", "-0,5"):
        with pytest.raises(ServiceError), session_scope(sessions) as s:
            add_item(s, shop.client, shop.apples, bad)
    with session_scope(sessions) as s:
        assert add_item(s, shop.client, shop.apples, 1.25).quantity == Decimal("1.25")


@pytest.mark.parametrize(
    ("product", "words"),
    [("unknown", "finns inte"), ("inactive", "går inte att beställa"),
     ("foreign", "säljs inte"), ("text", "finns inte"), ("none", "finns inte")],
)  # fmt: skip
def test_unknown_inactive_and_foreign_products_refused(sessions, shop, product, words):
    product_id = {"unknown": 999999, "inactive": shop.inactive, "foreign": shop.foreign,
                  "text": "1; DROP TABLE product", "none": None}[product]  # fmt: skip
    with pytest.raises(ServiceError, match=words), session_scope(sessions) as s:
        add_item(s, shop.client, product_id, 1)
    assert line_count(sessions) == 0


def test_change_remove_and_substitution_only_on_own_basket(sessions, shop):
    with session_scope(sessions) as s:
        line_id = add_item(s, shop.client, shop.milk, 1).id
        add_item(s, shop.other_client, shop.bread, 1)
    for action in (
        lambda s: set_quantity(s, shop.other_client, line_id, 3),
        lambda s: remove_line(s, shop.other_client, line_id),
        lambda s: set_substitution(s, shop.other_client, line_id, "none"),
        lambda s: set_quantity(s, shop.client, 424242, 3),
    ):
        with pytest.raises(ServiceError, match="finns inte i korgen"), session_scope(sessions) as s:
            action(s)
    with pytest.raises(ServiceError, match="ersättning"), session_scope(sessions) as s:
        set_substitution(s, shop.client, line_id, "vad som helst")
    with pytest.raises(ServiceError), session_scope(sessions) as s:
        set_quantity(s, shop.client, line_id, -4)
    with session_scope(sessions) as s:
        assert set_quantity(s, shop.client, line_id, "4").quantity == 4
        assert set_substitution(s, shop.client, line_id, "none").substitution == "none"
    with session_scope(sessions) as s:
        assert set_quantity(s, shop.client, line_id, 0) is None
        assert basket_for(s, shop.client).lines == []
    assert line_count(sessions) == 1  # the other client's bread


def test_client_without_store_or_unknown_client(sessions, shop):
    with pytest.raises(ServiceError, match="Kunden finns inte"), session_scope(sessions) as s:
        basket_for(s, 999999)


def test_slots_past_closed_full_and_other_store(sessions, shop):
    with session_scope(sessions) as s:
        ids = [sl.id for sl in available_slots(s, shop.store, shop.now)]
        assert ids == [shop.slot, shop.last_place]
        for slot_id, words in [(shop.past, "redan varit"), (shop.closed, "inte längre"),
                               (999999, "finns inte")]:  # fmt: skip
            with pytest.raises(SlotRefused, match=words):
                book_slot(s, shop.client, slot_id, shop.now)
        book_slot(s, shop.client, shop.last_place, shop.now)
    with pytest.raises(SlotRefused, match="fullbokad"), session_scope(sessions) as s:
        book_slot(s, shop.other_client, shop.last_place, shop.now)
    with session_scope(sessions) as s:
        book_slot(s, shop.client, shop.slot, shop.now)  # switching gives the old place back
    with session_scope(sessions) as s:
        assert s.get(DeliverySlot, shop.last_place).booked == 0
        assert s.get(DeliverySlot, shop.slot).booked == 1
        assert basket_for(s, shop.client).slot_id == shop.slot
        book_slot(s, shop.client, shop.slot, shop.now)  # the same slot again: no second place
    with session_scope(sessions) as s:
        assert s.get(DeliverySlot, shop.slot).booked == 1


def test_last_place_goes_to_exactly_one_of_two_concurrent_bookings(sessions, shop):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(client_id: int) -> None:
        barrier.wait()
        try:
            with session_scope(sessions) as s:
                book_slot(s, client_id, shop.last_place, shop.now)
            outcomes.append("booked")
        except SlotRefused as refused:
            outcomes.append(refused.message)

    threads = [threading.Thread(target=book, args=(c,)) for c in (shop.client, shop.other_client)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 2 and outcomes.count("booked") == 1
    with session_scope(sessions) as s:
        assert s.get(DeliverySlot, shop.last_place).booked == 1


def test_two_tabs_adding_the_first_items_at_once_share_one_basket(sessions, shop):
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def add(product_id: int) -> None:
        barrier.wait()
        try:
            with session_scope(sessions) as s:
                add_item(s, shop.client, product_id, 1)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=add, args=(p,)) for p in (shop.milk, shop.bread)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with session_scope(sessions) as s:
        baskets = s.scalars(select(Order).where(Order.status == "basket")).all()
        assert len(baskets) == 1 and len(baskets[0].lines) == 2
