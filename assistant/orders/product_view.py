"""One price model for everything that shows a product: picture cards, basket lines, the
receipt, the chat and the store's sheet.

A card shows the ordinary price, the offer and its condition ("2 för 25,00 kr"), the jämförpris,
the eco label and the size (or "storlek saknas"), and what a tap puts in the basket priced by
the same `price_line` the basket total uses, so the card's price is the basket's price.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from assistant.db.models import Offer, Product
from assistant.orders.amounts import Fit, fit, piece_kg, weight_step
from assistant.orders.money import format_sek, format_sek_short
from assistant.orders.pricing import PricedLine, PriceLine, price_line

NO_SIZE = "storlek saknas"


def best_offer(offers: list[Offer], today: date) -> Offer | None:
    """The valid offer with the lowest price per piece."""
    valid = [
        o
        for o in offers
        if o.quantity >= 1
        and (o.valid_from is None or o.valid_from <= today)
        and (o.valid_to is None or o.valid_to >= today)
    ]
    return min(valid, key=lambda o: Fraction(o.price_ore, o.quantity), default=None)


def offer_text(offer: Offer) -> str:
    """The offer's condition in plain words: "2 för 25,00 kr", "Nu 19,90 kr".

    Written from the offer's numbers: feed labels are often half a sentence ("2 för",
    "Spara 3 kr") and would not say what the client pays."""
    if offer.quantity == 1:
        return f"Nu {format_sek_short(offer.price_ore)}"
    return f"{offer.quantity} för {format_sek_short(offer.price_ore)}"


def display_name(product: Product) -> str:
    """ "Mellanmjölk 1,5 l" – the name with its size, as shown to the client and the store."""
    if product.size_text and product.size_text not in product.name:
        return f"{product.name} {product.size_text}"
    return product.name


def size_text(product: Product) -> str:
    """ "1,5l", "ca 180 g/st" for a loose piece, "lösvikt", or "storlek saknas"."""
    if product.sold_by == "kg":
        each = piece_kg(product)
        return f"ca {int(each * 1000)} g/st" if each else "lösvikt"
    return product.size_text or NO_SIZE


def unit_price_text(product: Product) -> str:
    """The ordinary price per unit of sale: "14,95 kr" or "23,90 kr/kg"."""
    return format_sek(product.price_ore) + ("/kg" if product.sold_by == "kg" else "/st")


def compare_text(product: Product) -> str:
    """ "Jfr 13,90 kr/l" when the feed has a jämförpris."""
    if not product.compare_price_ore or not product.compare_unit:
        return ""
    unit = product.compare_unit.removeprefix("kr").strip("/ ").split("/")[0] or "st"
    return f"Jfr {format_sek(product.compare_price_ore)}/{unit}"


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def quantity_text(product: Product | None, quantity: Decimal, pieces: int = 0) -> str:
    """ "2 st", "ca 0,9 kg (5 st)", "ca 0,5 kg" – how much of the product the line holds."""
    if product is None or product.sold_by != "kg":
        return f"{_number(Decimal(quantity))} st"
    text = f"ca {_number(Decimal(quantity).quantize(Decimal('0.01')))} kg"
    return f"{text} ({pieces} st)" if pieces else text


def price_line_for(product: Product, quantity: Decimal, today: date) -> PriceLine:
    """The pricing input for `quantity` of `product` (kg items: per-kg price × weight, "ca")."""
    name = display_name(product)
    if product.sold_by == "kg":
        grams = int(Decimal(quantity) * 1000)
        return PriceLine(name, product.price_ore, 1, per_kg=True, approx_weight_g=grams)
    offer = best_offer(product.offers, today)
    return PriceLine(
        name,
        product.price_ore,
        int(quantity),
        offer_quantity=offer.quantity if offer else 0,
        offer_price=offer.price_ore if offer else 0,
        offer_label=offer_text(offer) if offer else "",
    )


def line_total_text(priced: PricedLine) -> str:
    return ("ca " if priced.approximate else "") + format_sek(priced.total)


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a picture card shows about one product, for one spoken amount."""

    id: int
    name: str
    brand: str
    size: str
    price: str
    offer: str
    compare: str
    eco: bool
    quantity: str
    """What a tap puts in the basket, as the form posts it ("2", "0.9")."""
    quantity_text: str
    total: str
    """The price of that quantity, offers included: what the basket line will say."""
    saving: str
    exact: bool
    """The packages hold what was said (a card of another size may not)."""

    @property
    def image_url(self) -> str:
        return f"/api/products/{self.id}/image"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "image_url": self.image_url}


def product_card(
    product: Product, said: Decimal | int, unit: str | None, today: date, amount: Fit | None = None
) -> ProductCard:
    amount = amount or fit(product, said, unit)
    priced = price_line(price_line_for(product, amount.quantity, today))
    offer = best_offer(product.offers, today) if product.sold_by != "kg" else None
    return ProductCard(
        id=product.id,
        name=product.name,
        brand=product.brand or "",
        size=size_text(product),
        price=unit_price_text(product),
        offer=offer_text(offer) if offer else "",
        compare=compare_text(product),
        eco=bool(product.organic),
        quantity=f"{amount.quantity.normalize():f}",
        quantity_text=quantity_text(product, amount.quantity, amount.pieces),
        total=line_total_text(priced),
        saving=f"Du sparar {format_sek(priced.discount)}" if priced.discount else "",
        exact=amount.exact,
    )


def step_for(product: Product | None) -> Decimal:
    """What − and + change on a basket line: one package, or one piece's weight."""
    if product is None or product.sold_by != "kg":
        return Decimal(1)
    return weight_step(product)
