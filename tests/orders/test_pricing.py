from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from assistant.orders.money import format_sek, to_ore
from assistant.orders.pricing import FeeSchedule, PriceLine, PricingError, price_basket
from assistant.orders.slots import SlotRefused, SlotState, check_bookable


def test_swedish_formatting():
    assert format_sek(123450) == "1\u00a0234,50\u00a0kr"
    assert format_sek(5) == "0,05\u00a0kr"
    assert format_sek(-2500) == "-25,00\u00a0kr"
    assert to_ore("12,50") == 1250
    assert to_ore(Decimal("0.005")) == 1


def test_multibuy_and_fees():
    lines = [
        PriceLine("Mellanmjölk", 1490, 3, offer_quantity=2, offer_price=2500),
        PriceLine("Limpa", 3200, 1),
    ]
    b = price_basket(lines, FeeSchedule(picking=4900, delivery=5900, invoice=1900))
    assert b.lines[0].total == 2500 + 1490
    assert b.discount == 3 * 1490 - (2500 + 1490)
    assert b.total == 2500 + 1490 + 3200 + 4900 + 5900 + 1900
    assert b.orderable and not b.approximate


def test_offer_never_raises_price():
    b = price_basket([PriceLine("Ost", 1000, 2, offer_quantity=2, offer_price=3000)], FeeSchedule())
    assert b.goods == 2000


def test_weight_item_is_approximate_range():
    line = PriceLine("Bananer", 2500, 2, per_kg=True, approx_weight_g=1000, weight_spread=10)
    b = price_basket([line], FeeSchedule(delivery=1000))
    assert b.approximate
    assert (b.low, b.total, b.high) == (4500 + 1000, 5000 + 1000, 5500 + 1000)


def test_minimum_order_and_empty_basket():
    b = price_basket([PriceLine("Limpa", 3200, 1)], FeeSchedule(minimum_order=20000))
    assert not b.orderable
    assert b.problems == ["Det fattas 168,00\u00a0kr till minsta ordervärdet 200\u00a0kr."]
    assert price_basket([], FeeSchedule()).problems == ["Korgen är tom."]


@pytest.mark.parametrize("quantity", [0, -1, 100, 10**9])
def test_bad_quantities_refused(quantity):
    with pytest.raises(PricingError):
        price_basket([PriceLine("Limpa", 3200, quantity)], FeeSchedule())


def test_slot_rules():
    now = datetime(2026, 11, 25, 8, tzinfo=UTC)
    start = now + timedelta(days=1)
    ok = SlotState(start, start - timedelta(hours=12), capacity=2, booked=1)
    check_bookable(ok, now)
    with pytest.raises(SlotRefused, match="fullbokad"):
        check_bookable(SlotState(start, start - timedelta(hours=12), 2, 2), now)
    with pytest.raises(SlotRefused, match="redan varit"):
        check_bookable(SlotState(now - timedelta(hours=1), now - timedelta(hours=2), 2, 0), now)
    with pytest.raises(SlotRefused, match="inte längre"):
        check_bookable(SlotState(start, now - timedelta(minutes=1), 2, 0), now)
