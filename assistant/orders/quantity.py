"""Checking a quantity from a form, a chat or Rasa: pieces are whole, kilograms may be fractional."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from assistant.orders.errors import ServiceError
from assistant.orders.pricing import MAX_QUANTITY

MAX_KG = Decimal(25)
MIN_KG = Decimal("0.05")
KG_STEP = Decimal("0.001")


def parse_quantity(value: object, sold_by: str, name: str) -> Decimal:
    """A positive Decimal, or ServiceError with a Swedish message naming the product.

    Accepts int, Decimal, float (via its text) and text with a decimal comma ("1,5").
    Zero is refused here; `set_quantity` treats 0 as "remove the line" before calling this.
    """
    if isinstance(value, bool) or value is None:
        raise ServiceError(f"Ange ett antal för {name}.")
    try:
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
        quantity = Decimal(str(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError(f"Antalet för {name} är inte ett tal.") from None
    if not quantity.is_finite() or quantity <= 0:
        raise ServiceError(f"Antalet för {name} måste vara större än noll.")
    if sold_by == "kg":
        if quantity > MAX_KG:
            raise ServiceError(f"Högst {MAX_KG} kg av {name} per beställning.")
        if quantity < MIN_KG:
            raise ServiceError(f"Minst 50 gram av {name}.")
        return quantity.quantize(KG_STEP)
    if quantity != quantity.to_integral_value():
        raise ServiceError(f"{name} säljs styckvis. Ange ett helt antal.")
    if quantity > MAX_QUANTITY:
        raise ServiceError(f"Högst {MAX_QUANTITY} av {name} per beställning.")
    return quantity.quantize(Decimal(1))
