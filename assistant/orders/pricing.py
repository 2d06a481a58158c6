"""Pricing of a basket: unit price × quantity, offers, weight items ("ca") and store fees."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Store fees in öre. Below `minimum_order` the order is refused (not charged extra)."""

    picking: int = 0
    delivery: int = 0
    invoice: int = 0
    minimum_order: int = 0


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
    lines: list[PricedLine]
    goods: int
    discount: int
    fees: dict[str, int]
    total: int
    low: int
    high: int
    approximate: bool
    problems: list[str] = field(default_factory=list)

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


def price_basket(lines: list[PriceLine], fees: FeeSchedule) -> Breakdown:
    """Price every line, add the fees and report why the order cannot be placed, if so."""
    priced = [price_line(line) for line in lines]
    goods = sum(p.total for p in priced)
    fee_map = {"plock": fees.picking, "leverans": fees.delivery, "faktura": fees.invoice}
    fee_sum = sum(fee_map.values())
    problems = []
    if not priced:
        problems.append("Korgen är tom.")
    elif goods < fees.minimum_order:
        problems.append(f"Minsta ordervärde är {format_sek(fees.minimum_order)}.")
    return Breakdown(
        lines=priced,
        goods=goods,
        discount=sum(p.discount for p in priced),
        fees=fee_map,
        total=goods + fee_sum,
        low=sum(p.low for p in priced) + fee_sum,
        high=sum(p.high for p in priced) + fee_sum,
        approximate=any(p.approximate for p in priced),
        problems=problems,
    )
