"""Fee rules (free from an order value, invoice fee only by invoice, who pays), what the client
pays and sees, the fees kept on the confirmed order, the statement and the municipality's
monthly report (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.db import session_scope
from assistant.db.models import Client, DeliverySlot, Order, OutboxMessage, Store
from assistant.orders.basket import add_item, basket_for, price_order
from assistant.orders.booking import book_slot
from assistant.orders.confirm import confirm_order
from assistant.orders.fee_report import fee_report_csv, monthly_fee_report
from assistant.orders.money import format_sek
from assistant.orders.pricing import FeeSchedule, PriceLine, client_fee_rows, price_basket
from assistant.orders.sheet import OrderSheet, csv_cell
from assistant.orders.statement import monthly_statement

NBSP = "\u00a0"
RULES = FeeSchedule(picking=5900, picking_free_from=80000, delivery=7900,
                    delivery_free_from=120000, invoice=2900, minimum_order=30000)  # fmt: skip


def _basket(goods: int, fees: FeeSchedule = RULES):
    return price_basket([PriceLine("Varor", goods, 1)], fees)


def _rows(breakdown) -> list[tuple[str, str]]:
    return [(label.replace(NBSP, " "), amount.replace(NBSP, " ")) for label, amount in
            client_fee_rows(breakdown.fee_items)]  # fmt: skip


def test_fees_below_the_thresholds_are_all_charged():
    b = _basket(50000)
    assert b.fees == {"plock": 5900, "leverans": 7900, "faktura": 2900}
    assert b.total == 50000 + 5900 + 7900 + 2900 and b.municipality_fees == 0
    assert _rows(b) == [("Plockavgift", "59,00 kr"), ("Leveransavgift", "79,00 kr"),
                        ("Fakturaavgift", "29,00 kr")]  # fmt: skip


def test_picking_is_free_from_its_order_value_and_delivery_from_its_own():
    at_picking = _basket(80000)
    assert at_picking.fees == {"leverans": 7900, "faktura": 2900}
    assert _basket(79999).fees["plock"] == 5900
    both = _basket(120000)
    assert both.fees == {"faktura": 2900} and both.total == 120000 + 2900
    assert _rows(both) == [("Plockavgift (fri från 800 kr)", "0 kr"),
                           ("Leveransavgift (fri från 1 200 kr)", "0 kr"),
                           ("Fakturaavgift", "29,00 kr")]  # fmt: skip
    waived = {fee.name: fee.waived for fee in both.fee_items}
    assert waived == {"plock": True, "leverans": True, "faktura": False}


def test_always_free_delivery_and_fees_the_store_does_not_have():
    always = FeeSchedule(picking=4900, delivery=5900, delivery_free_from=0)
    assert _rows(_basket(100, always)) == [("Plockavgift", "49,00 kr"),
                                           ("Leveransavgift (alltid fri)", "0 kr")]  # fmt: skip
    none = _basket(40000, FeeSchedule(delivery=4900))
    assert none.fees == {"leverans": 4900}
    assert [fee.name for fee in none.fee_items] == ["leverans"]  # 0,00 kr is no charge
    assert _rows(none) == [("Leveransavgift", "49,00 kr")]


def test_invoice_fee_only_when_the_client_pays_by_invoice():
    card = FeeSchedule(picking=5900, invoice=2900, pays_by_invoice=False)
    b = _basket(50000, card)
    assert b.fees == {"plock": 5900} and b.total == 55900
    assert "faktura" not in {fee.name for fee in b.fee_items}


def test_the_municipality_pays_picking_and_delivery_by_the_clients_agreement():
    rules = FeeSchedule(picking=5900, picking_free_from=80000, delivery=7900, invoice=2900,
                        picking_payer="municipality", delivery_payer="municipality")  # fmt: skip
    b = _basket(50000, rules)
    assert b.fees == {"faktura": 2900}
    assert b.total == 52900 and b.municipality_fees == 5900 + 7900
    assert _rows(b) == [("Plockavgift (betalas av kommunen)", "0 kr"),
                        ("Leveransavgift (betalas av kommunen)", "0 kr"),
                        ("Fakturaavgift", "29,00 kr")]  # fmt: skip
    free = _basket(90000, rules)  # waived picking costs the municipality nothing either
    assert free.municipality_fees == 7900
    assert _rows(free)[0] == ("Plockavgift (fri från 800 kr)", "0 kr")


def test_weight_items_range_includes_only_the_clients_fees():
    rules = FeeSchedule(picking=1000, delivery=2000, delivery_payer="municipality")
    line = PriceLine("Bananer", 2500, 2, per_kg=True, approx_weight_g=1000, weight_spread=10)
    b = price_basket([line], rules)
    assert (b.low, b.total, b.high) == (4500 + 1000, 5000 + 1000, 5500 + 1000)


def test_minimum_order_says_how_much_is_missing():
    b = _basket(17690)
    assert b.problems == [f"Det fattas 123,10{NBSP}kr till minsta ordervärdet 300{NBSP}kr."]
    assert _basket(30000).orderable
    odd = _basket(100, FeeSchedule(minimum_order=29950))
    assert odd.problems == [f"Det fattas 298,50{NBSP}kr till minsta ordervärdet 299,50{NBSP}kr."]


def test_short_money_format():
    assert format_sek(30000, short=True) == f"300{NBSP}kr"
    assert format_sek(120000, short=True) == f"1{NBSP}200{NBSP}kr"
    assert format_sek(29950, short=True) == f"299,50{NBSP}kr"


# On the database: the client's agreement, confirm, statement and the monthly report


def _agreement(sessions, client_id: int, **columns) -> None:
    with session_scope(sessions) as s:
        client = s.get(Client, client_id)
        for name, value in columns.items():
            setattr(client, name, value)


def _order(sessions, shop, client_id: int, key: str, days: int = 0) -> int:
    """Two breads (64 kr) for the client, delivered `days` days after the shop's now."""
    when = shop.now + timedelta(days=days)
    starts = when + timedelta(days=1)
    with session_scope(sessions) as s:
        slot = s.scalars(select(DeliverySlot).where(DeliverySlot.starts_at == starts)).first()
        if slot is None:
            slot = DeliverySlot(store_id=shop.store, starts_at=starts, capacity=5,
                                ends_at=starts + timedelta(hours=2),
                                cutoff_at=when + timedelta(hours=6))  # fmt: skip
            s.add(slot)
            s.flush()
        add_item(s, client_id, shop.bread, 2)
        book_slot(s, client_id, slot.id, when)
        return confirm_order(s, client_id, key, shop.staff, when).id


def test_confirm_keeps_what_the_client_and_the_municipality_pay(sessions, shop):
    _agreement(sessions, shop.client, unit="Hemtjänst Norr", picking_payer="municipality",
               delivery_payer="municipality")  # fmt: skip
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.bread, 1)
        shown = price_order(s, basket_for(s, shop.client), shop.now)
        assert shown.total == 3200 + 1900  # goods and the invoice fee
        assert shown.municipality_fees == 4900 + 5900
    order_id = _order(sessions, shop, shop.client, "k-norr")  # two more breads
    with session_scope(sessions) as s:
        order = s.get(Order, order_id)
        assert (order.goods_ore, order.fees_ore, order.total_ore) == (9600, 1900, 11500)
        assert order.municipality_fees_ore == 4900 + 5900
        assert order.unit == "Hemtjänst Norr"
        assert {item["name"]: item["payer"] for item in order.fee_detail} == {
            "plock": "municipality", "leverans": "municipality", "faktura": "client"}  # fmt: skip
        outbox = s.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order_id)).one()
        sheet = OrderSheet.from_json(outbox.payload["sheet"])
    assert sheet.fees == {"faktura": 1900} and sheet.total == 11500
    assert sheet.municipality_fees == {"plock": 4900, "leverans": 5900}
    assert "Avgift leverans, faktureras kommunen (Hemtjänst Norr): 59,00" in sheet.as_text()
    assert "faktureras kommunen" in sheet.as_csv()

    with session_scope(sessions) as s:
        statement = monthly_statement(s, shop.client, 2026, 11)
    (entry,) = statement.orders
    assert entry.fee_rows == [("Fakturaavgift", 1900)] and entry.total == 11500
    assert [line[0] for line in entry.lines] == ["Lantbröd"]
    assert entry.notes == [f"Plockavgift 49,00{NBSP}kr betalas av kommunen.",
                           f"Leveransavgift 59,00{NBSP}kr betalas av kommunen."]  # fmt: skip


def test_the_monthly_report_reads_the_fees_as_confirmed_per_unit(sessions, shop):
    _agreement(sessions, shop.client, unit="Hemtjänst Norr", picking_payer="municipality",
               delivery_payer="municipality")  # fmt: skip
    _agreement(sessions, shop.other_client, unit="=HYPERLINK(\"http://x\")",
               delivery_payer="municipality")  # fmt: skip
    _order(sessions, shop, shop.client, "a")
    _order(sessions, shop, shop.other_client, "b")
    _order(sessions, shop, shop.client, "c", days=7)  # December: another month
    with session_scope(sessions) as s:  # today's prices and units do not change the report
        s.get(Store, shop.store).delivery_fee_ore = 9900
        s.get(Client, shop.client).unit = "Hemtjänst Syd"
    with session_scope(sessions) as s:
        report = monthly_fee_report(s, 2026, 11)
    assert report.month == "november 2026"
    units = {unit.unit: (unit.orders, unit.fees, unit.total) for unit in report.units}
    assert units == {
        '=HYPERLINK("http://x")': (1, {"plock": 0, "leverans": 5900}, 5900),
        "Hemtjänst Norr": (1, {"plock": 4900, "leverans": 5900}, 10800),
    }
    assert report.total == 16700
    text = fee_report_csv(report)
    assert text.startswith("\ufeffEnhet;Datum;Order;Kund;Butik;Plockavgift;Leveransavgift;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 3
    assert rows[1][0] == "Hemtjänst Norr" and rows[1][3] == "Åsa Öberg"
    assert rows[1][5:] == ["49,00", "59,00", "108,00", "83,00"]
    assert rows[2][0] == '\'=HYPERLINK("http://x")' and rows[2][3] == "Bertil Ek"
    assert rows[2][5:] == ["0,00", "59,00", "59,00", "132,00"]  # 64 + picking 49 + invoice 19
    with session_scope(sessions) as s:
        december = monthly_fee_report(s, 2026, 12)
    assert [(u.unit, u.total) for u in december.units] == [("Hemtjänst Norr", 10800)]


@pytest.mark.parametrize("cell", ["=1+1", "+46", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_never_start_a_formula(cell):
    assert csv_cell(cell) == "'" + cell
    assert csv_cell("Hemtjänst Norr") == "Hemtjänst Norr" and csv_cell(12) == "12"
