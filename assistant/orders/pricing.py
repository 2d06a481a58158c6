"""Pricing of a basket: unit price × quantity, offers, weight items ("ca") and store fees.

Fees follow the store's rules and the client's agreement: a picking fee waived from an order
value, delivery free from an order value (or always, at 0 kr), an invoice fee only when the
client pays by invoice, and picking and delivery paid by the client or by the municipality.
The total is what the client pays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.orders.errors import ServiceError
from assistant.orders.money import format_sek

MAX_QUANTITY = 99


class PricingError(ServiceError, ValueError):
    """Bad input to pricing; the message is Swedish and may be shown as is."""


@dataclass(frozen=True, slots=True)
class PriceLine:
    """One basket line. `unit_price` in öre per piece, or per kg when `per_kg` is true.

    A weight item has `approx_weight_g` (the expected weight per piece) and a ±`weight_spread`
    percentage, so its price is shown as "ca" with a range.
    """

    name: str
    unit_price: int
    quantity: int
    offer_quantity: int = 0  # "2 för 25:-" -> offer_quantity=2, offer_price=2500
    offer_price: int = 0
    per_kg: bool = False
    approx_weight_g: int = 0
    weight_spread: int = 10
    offer_label: str = ""


CLIENT, MUNICIPALITY = "client", "municipality"
FEE_LABELS = {"plock": "Plockavgift", "leverans": "Leveransavgift", "faktura": "Fakturaavgift"}


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """The store's fees in öre and the client's agreement.

    Below `minimum_order` (goods after offers) the order is refused, not charged extra. From
    `picking_free_from` / `delivery_free_from` (None: never) that fee is waived. Who pays
    picking and delivery is "client" or "municipality"; the invoice fee is the client's and
    only charged when the client pays by invoice.
    """

    picking: int = 0
    delivery: int = 0
    invoice: int = 0
    minimum_order: int = 0
    picking_free_from: int | None = None
    delivery_free_from: int | None = None
    picking_payer: str = CLIENT
    delivery_payer: str = CLIENT
    pays_by_invoice: bool = True


@dataclass(frozen=True, slots=True)
class Fee:
    """One of the store's fees for this basket: `price` is the store's fee, `amount` what is
    charged (0 when waived) and `payer` who pays it."""

    name: str  # "plock", "leverans" or "faktura"
    price: int
    amount: int
    payer: str = CLIENT
    free_from: int | None = None

    @property
    def label(self) -> str:
        return FEE_LABELS.get(self.name, self.name)

    @property
    def waived(self) -> bool:
        return self.amount == 0

    @property
    def why(self) -> str:
        """Why the client pays nothing for it, in Swedish ("" when the client pays it)."""
        if self.waived and self.free_from is not None:
            return free_text(self.free_from)
        if self.payer == MUNICIPALITY:
            return "betalas av kommunen"
        return ""

    @property
    def client_amount(self) -> int:
        return self.amount if self.payer == CLIENT else 0

    @property
    def municipality_amount(self) -> int:
        return self.amount if self.payer == MUNICIPALITY else 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fee:
        return cls(
            **{
                key: data[key]
                for key in ("name", "price", "amount", "payer", "free_from")
                if key in data
            }
        )


def free_text(free_from: int) -> str:
    return f"fri från {format_sek(free_from, short=True)}" if free_from else "alltid fri"


def client_fee_rows(fees: Iterable[Fee]) -> list[tuple[str, str]]:
    """The fees as the client is shown them, (label, amount): what the client pays, and a fee
    the client does not pay with the reason ("Plockavgift (fri från 800 kr)", "0 kr"). A fee
    of 0,00 kr is never listed as a charge."""
    rows = []
    for fee in fees:
        if fee.client_amount:
            rows.append((fee.label, format_sek(fee.client_amount)))
        elif fee.why:
            rows.append((f"{fee.label} ({fee.why})", format_sek(0, short=True)))
    return rows


@dataclass(frozen=True, slots=True)
class PricedLine:
    name: str
    quantity: int
    regular: int
    discount: int
    total: int
    low: int
    high: int
    approximate: bool
    offer: str = ""
    """The offer label when the offer lowered this line's price, else ""."""


@dataclass(frozen=True, slots=True)
class Breakdown:
    """`fees` maps each fee the client is charged to its amount; `total` (and `low`/`high`) is
    what the client pays. `fee_items` has every fee of the store that applies, waived or paid
    by the municipality too; `municipality_fees` is the municipality's part."""

    lines: list[PricedLine]
    goods: int
    discount: int
    fees: dict[str, int]
    total: int
    low: int
    high: int
    approximate: bool
    problems: list[str] = field(default_factory=list)
    fee_items: list[Fee] = field(default_factory=list)
    municipality_fees: int = 0

    @property
    def orderable(self) -> bool:
        return not self.problems


def _check(line: PriceLine) -> None:
    if type(line.quantity) is not int or line.quantity < 1:
        raise PricingError(f"Antalet för {line.name} måste vara minst 1.")
    if line.quantity > MAX_QUANTITY:
        raise PricingError(f"Högst {MAX_QUANTITY} av {line.name} per beställning.")
    if line.unit_price < 0 or line.offer_price < 0:
        raise PricingError(f"Priset för {line.name} är ogiltigt.")


def price_line(line: PriceLine) -> PricedLine:
    _check(line)
    if line.per_kg:
        grams = line.approx_weight_g * line.quantity
        mid = line.unit_price * grams // 1000
        low = mid * (100 - line.weight_spread) // 100
        high = -(-mid * (100 + line.weight_spread) // 100)
        return PricedLine(line.name, line.quantity, mid, 0, mid, low, high, True)
    regular = line.unit_price * line.quantity
    total = regular
    if line.offer_quantity >= 1 and line.offer_price > 0:
        groups, rest = divmod(line.quantity, line.offer_quantity)
        total = min(regular, groups * line.offer_price + rest * line.unit_price)
    offer = line.offer_label if total < regular else ""
    return PricedLine(
        line.name, line.quantity, regular, regular - total, total, total, total, False, offer
    )


def _fee(name: str, price: int, goods: int, free_from: int | None, payer: str) -> Fee:
    waived = free_from is not None and goods >= free_from
    return Fee(name, price, 0 if waived else price, payer, free_from)


def store_fees(fees: FeeSchedule, goods: int) -> list[Fee]:
    """The fees that apply to an order of `goods` öre (fees the store does not have left out)."""
    items = [
        _fee("plock", fees.picking, goods, fees.picking_free_from, fees.picking_payer),
        _fee("leverans", fees.delivery, goods, fees.delivery_free_from, fees.delivery_payer),
    ]
    if fees.pays_by_invoice:
        items.append(Fee("faktura", fees.invoice, fees.invoice))
    return [fee for fee in items if fee.price > 0]


def minimum_order_problem(goods: int, minimum_order: int) -> str | None:
    if goods >= minimum_order:
        return None
    missing = format_sek(minimum_order - goods)
    return f"Det fattas {missing} till minsta ordervärdet {format_sek(minimum_order, short=True)}."


def price_basket(lines: list[PriceLine], fees: FeeSchedule) -> Breakdown:
    """Price every line, add the fees and report why the order cannot be placed, if so."""
    priced = [price_line(line) for line in lines]
    goods = sum(p.total for p in priced)
    items = store_fees(fees, goods)
    client_fees = {fee.name: fee.client_amount for fee in items if fee.client_amount}
    fee_sum = sum(client_fees.values())
    problems = []
    if not priced:
        problems.append("Korgen är tom.")
    elif problem := minimum_order_problem(goods, fees.minimum_order):
        problems.append(problem)
    return Breakdown(
        lines=priced,
        goods=goods,
        discount=sum(p.discount for p in priced),
        fees=client_fees,
        total=goods + fee_sum,
        low=sum(p.low for p in priced) + fee_sum,
        high=sum(p.high for p in priced) + fee_sum,
        approximate=any(p.approximate for p in priced),
        problems=problems,
        fee_items=items,
        municipality_fees=sum(fee.municipality_amount for fee in items),
    )
