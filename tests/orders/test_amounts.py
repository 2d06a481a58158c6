"""Spoken amounts become whole packages, or kilograms of a weight item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.db.models import Product
from assistant.orders.amounts import fit, weight_step


def _product(size: int | None, unit: str | None, count: int = 1, sold_by: str = "st") -> Product:
    return Product(
        name="Vara",
        price_ore=1000,
        sold_by=sold_by,
        size_amount=Decimal(size) if size else None,
        size_unit=unit,
        size_count=count,
    )


@pytest.mark.parametrize(
    ("said", "unit", "size", "size_unit", "count", "packages", "exact"),
    [
        (2, "l", 1000, "ml", 1, 2, True),  # två liter mellanmjölk, 1 l
        (2, "l", 1500, "ml", 1, 2, False),  # två liter of a 1,5 l: 3 l, not what was said
        (Decimal("1.5"), "l", 1500, "ml", 1, 1, True),
        (3, "dl", 1000, "ml", 1, 1, False),
        (Decimal("0.5"), "kg", 500, "g", 1, 1, True),
        (1, "kg", 125, "g", 4, 2, True),  # 4×125 g packs
        (3, None, 775, "g", 1, 3, True),  # tre limpor
        (2, "paket", 500, "g", 1, 2, True),
        (2, "l", None, None, 1, 2, True),  # a size the catalog does not state: count pieces
        (10, "st", 10, "st", 1, 1, True),  # tio ägg, a 10-pack: one pack
        (12, "st", 6, "st", 1, 2, True),  # tolv ägg of 6-packs
        (5, "st", 6, "st", 1, 1, False),  # fem ägg: a 6-pack holds more
        (3, "st", 400, "g", 1, 3, True),  # tre gurkor sold by the piece
    ],
)
def test_fit_turns_a_spoken_amount_into_packages(
    said, unit, size, size_unit, count, packages, exact
) -> None:
    amount = fit(_product(size, size_unit, count), said, unit)
    assert (amount.quantity, amount.exact) == (Decimal(packages), exact)


def test_weight_items_are_kilograms_and_pieces_are_counted_for_the_picker() -> None:
    bananas = _product(180, "g", sold_by="kg")  # "ca: 180g" a piece
    assert fit(bananas, 5, None).quantity == Decimal("0.9")
    assert fit(bananas, 5, None).pieces == 5
    assert fit(bananas, 500, "g").quantity == Decimal("0.5")
    assert fit(bananas, Decimal("1.5"), "kg").quantity == Decimal("1.5")
    assert weight_step(bananas) == Decimal("0.180")
    potatoes = _product(None, None, sold_by="kg")  # no piece weight in the feed
    assert fit(potatoes, 2, "kg").quantity == Decimal(2)
    assert weight_step(potatoes) == Decimal("0.1")
