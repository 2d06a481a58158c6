"""Spoken amounts become whole packages for the basket."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.db.models import Product
from assistant.web.packages import basket_quantity, packages_for


@pytest.mark.parametrize(
    ("quantity", "unit", "size", "unit_of_size", "count", "packages"),
    [
        (2, "l", 1000, "ml", 1, 2),  # två liter mellanmjölk, 1 l
        (2, "l", 1500, "ml", 1, 2),  # två liter of 1,5 l: two packages cover it
        (Decimal("1.5"), "l", 1500, "ml", 1, 1),
        (3, "dl", 1000, "ml", 1, 1),
        (Decimal("0.5"), "kg", 500, "g", 1, 1),
        (1, "kg", 125, "g", 4, 2),  # 4×125 g packs
        (3, None, 775, "g", 1, 3),  # tre limpor
        (2, "paket", 500, "g", 1, 2),
        (2, "l", None, None, 1, 2),  # a size the catalog does not state: count pieces
        (0, "st", None, None, 1, 0),
    ],
)
def test_packages_for(quantity, unit, size, unit_of_size, count, packages) -> None:
    amount = Decimal(size) if size else None
    assert packages_for(quantity, unit, amount, unit_of_size, count) == packages


def test_weight_items_are_asked_for_in_kilograms() -> None:
    apples = Product(name="Äpplen", sold_by="kg", price_ore=2990, size_count=1)
    assert basket_quantity(500, "g", apples) == "0.5"
    assert basket_quantity(Decimal("1.5"), "kg", apples) == "1.5"
    assert basket_quantity(2, None, apples) == "2"
