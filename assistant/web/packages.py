"""How many packages of a product a spoken amount means: "två liter" of 1 l milk is 2 packages.

The matcher gives quantity and unit as said; the basket counts whole packages (pieces).
"""

from __future__ import annotations

import math
from decimal import Decimal

from assistant.db.models import Product

# spoken measure -> (base unit of the product size, factor to that unit)
MEASURES: dict[str, tuple[str, Decimal]] = {
    "l": ("ml", Decimal(1000)),
    "dl": ("ml", Decimal(100)),
    "kg": ("g", Decimal(1000)),
    "g": ("g", Decimal(1)),
}


def packages_for(
    quantity: Decimal | int,
    unit: str | None,
    size_amount: Decimal | None,
    size_unit: str | None,
    size_count: int = 1,
) -> int:
    """Whole packages covering the spoken amount; at least 1 for any positive amount.

    A measure the product's size cannot express (litres of a product sold in pieces) and
    package words ("paket", "burk") count as pieces.
    """
    amount = Decimal(quantity)
    if amount <= 0:
        return 0
    measure = MEASURES.get(unit or "")
    if measure and size_amount and size_unit == measure[0]:
        per_package = Decimal(size_amount) * max(size_count, 1)
        return max(1, math.ceil(amount * measure[1] / per_package))
    return max(1, math.ceil(amount))


def basket_quantity(quantity: Decimal | int, unit: str | None, product: Product) -> str:
    """The quantity to put in the basket for a spoken amount: packages, or kg for weight items."""
    if product.sold_by == "kg":
        if unit in ("kg", "g"):
            kilos = Decimal(quantity) / (1000 if unit == "g" else 1)
            return f"{kilos.normalize():f}"
        return str(max(1, math.ceil(Decimal(quantity))))  # "två gurkor": about a kilo each
    pieces = packages_for(
        quantity, unit, product.size_amount, product.size_unit, product.size_count or 1
    )
    return str(pieces)
