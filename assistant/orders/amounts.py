"""What a spoken amount means in the basket: packages of a product, or kilograms of a weight item.

The matcher gives the amount as said ("två liter", "tio ägg", "fem bananer", "ett halvt kilo");
the basket holds whole packages, or kilograms for products sold by weight. `fit` turns one into
the other and says whether the packages hold exactly what was said, so the intake can prefer a
package size that fits ("tio ägg": one 10-pack, not ten) and ask when none does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.db.models import Product

# spoken measure -> (base unit of a product size, factor to that unit)
MEASURES: dict[str, tuple[str, Decimal]] = {
    "l": ("ml", Decimal(1000)),
    "dl": ("ml", Decimal(100)),
    "kg": ("g", Decimal(1000)),
    "g": ("g", Decimal(1)),
}
WEIGHT_UNITS = {"kg": Decimal(1), "g": Decimal("0.001")}
DEFAULT_PIECE_KG = Decimal("0.2")
"""A loose piece of fruit or vegetable whose catalog row gives no weight (about 200 g)."""
KG_STEP = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Fit:
    quantity: Decimal
    """Packages (whole), or kilograms for a product sold by weight."""
    exact: bool
    """The packages hold what was said ("två liter" as 2 × 1 l), or nothing was measured."""
    pieces: int = 0
    """For a weight item asked for in pieces ("fem bananer"): how many, for the store's picker."""


def piece_kg(product: Product) -> Decimal | None:
    """The weight of one loose piece ("ca: 180g"), if the catalog gives one."""
    if product.size_unit == "g" and product.size_amount:
        return Decimal(product.size_amount) / 1000
    return None


def weight_step(product: Product) -> Decimal:
    """What + and − change for a weight item: one piece where the piece weight is known."""
    return (piece_kg(product) or KG_STEP).quantize(Decimal("0.001"))


def _kilos(value: Decimal) -> Decimal:
    return max(KG_STEP / 2, value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def fit(product: Product, said: Decimal | int, unit: str | None) -> Fit:
    """The basket quantity for `said` `unit` of `product` (see the module docstring)."""
    amount = Decimal(said)
    if amount <= 0:
        amount = Decimal(1)
    if product.sold_by == "kg":
        if unit in WEIGHT_UNITS:
            return Fit(_kilos(amount * WEIGHT_UNITS[unit]), True)
        pieces = max(1, math.ceil(amount))
        each = piece_kg(product) or DEFAULT_PIECE_KG
        return Fit(_kilos(each * pieces), True, pieces)
    measure = MEASURES.get(unit or "")
    size_total = (
        Decimal(product.size_amount) * max(product.size_count or 1, 1)
        if product.size_amount
        else None
    )
    if measure and size_total and product.size_unit == measure[0]:
        wanted = amount * measure[1]
        packages = wanted / size_total
        whole = max(1, math.ceil(packages))
        return Fit(Decimal(whole), packages == whole)
    if unit == "st" and size_total and product.size_unit == "st" and size_total > 1:
        packages = amount / size_total  # "tio ägg" of a 10-pack is one pack
        whole = max(1, math.ceil(packages))
        return Fit(Decimal(whole), packages == whole)
    if measure and product.size_unit in ("g", "ml") and size_total:
        # a measure the product's size cannot express (litres of a product sold by weight)
        return Fit(Decimal(max(1, math.ceil(amount))), False)
    whole = max(1, math.ceil(amount))
    return Fit(Decimal(whole), whole == amount)


def amount_words(said: Decimal | int, unit: str | None) -> str:
    """ "2 l", "10 st", "0,5 kg", "2 paket", "3" – the spoken amount for messages."""
    value = Decimal(said)
    number = (
        str(int(value))
        if value == value.to_integral_value()
        else f"{value.normalize():f}".replace(".", ",")
    )
    return f"{number} {unit}" if unit else number
