"""The product record every part of Handla shares: catalog files, the database and the matcher."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

SizeUnit = Literal["g", "ml", "st", "m"]
OfferKind = Literal["multibuy", "reduction"]


@dataclass(frozen=True, slots=True)
class Size:
    """A package size. `amount` is per piece in the base unit (g, ml, st or m), `count` pieces.

    "1,5kg" -> Size(1500, "g"); "4x125g" -> Size(125, "g", count=4); "10-pack" -> Size(10, "st");
    "ca: 1kg" -> Size(1000, "g", approximate=True); "12p/50g" -> Size(50, "g", pieces=12).
    `pieces` is a piece count stated beside a weight or volume (tea bags, crispbread).
    """

    amount: Decimal
    unit: SizeUnit
    count: int = 1
    approximate: bool = False
    pieces: int = 0

    @property
    def total(self) -> Decimal:
        return self.amount * self.count


@dataclass(frozen=True, slots=True)
class Offer:
    """A store offer: "2 för 25:-" is multibuy(quantity=2, price=25); a reduction has quantity 1."""

    kind: OfferKind
    quantity: int
    price: Decimal
    label: str


@dataclass(frozen=True, slots=True)
class Product:
    """One sellable product of one store. `key` is opaque and unique within a catalog
    (the database uses its primary key; catalog files use store + article number or line)."""

    key: str
    store: str
    name: str
    brand: str = ""
    size: Size | None = None
    size_text: str = ""
    price: Decimal = Decimal(0)
    sold_by: Literal["st", "kg"] = "st"
    compare_price: Decimal | None = None
    compare_unit: str = ""
    department: str = ""
    subcategory: str = ""
    organic: bool = False
    article_number: str = ""
    image_url: str = ""
    offer: Offer | None = None
