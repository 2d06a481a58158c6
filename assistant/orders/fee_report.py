"""The monthly report of the fees a municipality pays, per home-care unit.

It reads the orders placed in the month (Swedish local time) with the fees as they were charged
at confirm (`Order.fee_detail`, `municipality_fees_ore`, and the client's unit then), never
today's prices, so it can be checked against the store's invoice to the municipality.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from assistant.db.models import Order
from assistant.orders.pricing import FEE_LABELS, Fee
from assistant.orders.sheet import csv_cell
from assistant.orders.slots import LOCAL_TZ, MONTHS, as_utc
from assistant.orders.statement import PLACED, month_bounds

NO_UNIT = "Utan enhet"
FEES = ("plock", "leverans")  # the fees a municipality can take over


@dataclass(frozen=True, slots=True)
class OrderFees:
    order_id: int
    day: str  # "2026-11-26", the day it was confirmed
    client: str
    store: str
    unit: str
    municipality: dict[str, int]  # fee name -> öre the municipality pays
    client_total: int

    @property
    def municipality_total(self) -> int:
        return sum(self.municipality.values())


@dataclass
class UnitFees:
    unit: str
    orders: int = 0
    orders_with_fees: int = 0
    fees: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FEES, 0))

    @property
    def total(self) -> int:
        return sum(self.fees.values())


@dataclass(frozen=True, slots=True)
class FeeReport:
    month: str  # "november 2026"
    units: list[UnitFees]
    orders: list[OrderFees]  # the orders with fees the municipality pays

    @property
    def total(self) -> int:
        return sum(unit.total for unit in self.units)


def _municipality_fees(order: Order) -> dict[str, int]:
    fees = [Fee.from_json(item) for item in order.fee_detail or []]
    return {fee.name: fee.municipality_amount for fee in fees if fee.municipality_amount}


def monthly_fee_report(session: Session, year: int, month: int) -> FeeReport:
    """Orders placed in that month, by the unit their client belonged to when ordering."""
    start, end = month_bounds(year, month)
    orders = session.scalars(
        select(Order)
        .where(Order.status.in_(PLACED), Order.confirmed_at >= start, Order.confirmed_at < end)
        .options(joinedload(Order.client), joinedload(Order.store))
        .order_by(Order.confirmed_at, Order.id)
    ).all()
    units: dict[str, UnitFees] = {}
    rows = []
    for order in orders:
        name = order.unit or NO_UNIT
        unit = units.setdefault(name, UnitFees(name))
        unit.orders += 1
        fees = _municipality_fees(order)
        if not fees:
            continue
        unit.orders_with_fees += 1
        for fee, amount in fees.items():
            unit.fees[fee] = unit.fees.get(fee, 0) + amount
        day = as_utc(order.confirmed_at or order.created_at).astimezone(LOCAL_TZ).date().isoformat()
        rows.append(
            OrderFees(
                order.id,
                day,
                order.client.display_name,
                order.store.name,
                name,
                fees,
                order.total_ore,
            )
        )
    ordered = sorted(units.values(), key=lambda u: (u.unit == NO_UNIT, u.unit.casefold()))
    return FeeReport(f"{MONTHS[month - 1]} {year}", ordered, rows)


def _kronor(ore: int) -> str:
    """ "59,00": a number a Swedish spreadsheet reads, without "kr"."""
    return f"{ore // 100},{ore % 100:02d}"


def fee_report_csv(report: FeeReport) -> str:
    """One row per order with fees the municipality pays (semicolons, decimal comma, with a
    byte-order mark so that Excel reads å, ä and ö)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    names = list(FEES) + sorted({n for row in report.orders for n in row.municipality} - set(FEES))
    writer.writerow(
        [
            "Enhet",
            "Datum",
            "Order",
            "Kund",
            "Butik",
            *(FEE_LABELS.get(n, f"Avgift {n}") for n in names),
            "Kommunen betalar",
            "Kunden betalar",
        ]
    )
    for row in report.orders:
        writer.writerow(
            [csv_cell(v) for v in (row.unit, row.day, row.order_id, row.client, row.store)]
            + [_kronor(row.municipality.get(n, 0)) for n in names]
            + [_kronor(row.municipality_total), _kronor(row.client_total)]
        )
    return out.getvalue()
