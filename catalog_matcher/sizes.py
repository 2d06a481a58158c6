"""Package sizes out of product text: "1,5kg", "12p/50g", "4x125g", "ca: 1kg", "10-pack", "15,4gx10"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from catalog_matcher.product import Size, SizeUnit

# spoken or written unit -> (base unit, factor to the base unit)
UNITS: dict[str, tuple[SizeUnit, Decimal]] = {
    "mg": ("g", Decimal("0.001")),
    "g": ("g", Decimal(1)),
    "gr": ("g", Decimal(1)),
    "gram": ("g", Decimal(1)),
    "hg": ("g", Decimal(100)),
    "hekto": ("g", Decimal(100)),
    "kg": ("g", Decimal(1000)),
    "kilo": ("g", Decimal(1000)),
    "ml": ("ml", Decimal(1)),
    "cl": ("ml", Decimal(10)),
    "dl": ("ml", Decimal(100)),
    "l": ("ml", Decimal(1000)),
    "lit": ("ml", Decimal(1000)),
    "liter": ("ml", Decimal(1000)),
    "litre": ("ml", Decimal(1000)),
    "m": ("m", Decimal(1)),
    "meter": ("m", Decimal(1)),
}
PIECE_WORDS = (
    "pack",
    "pk",
    "p",
    "st",
    "styck",
    "stycken",
    "port",
    "portioner",
    "rullar",
    "kapslar",
)

_NUMBER = r"(\d+(?:[.,]\d+)?)"
# a unit ends where the word ends; "x" may follow directly ("15,4gx10")
_UNIT = r"(" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")(?![a-wyzåäö])"
_PIECES = r"(?:-\s*)?(?:" + "|".join(sorted(PIECE_WORDS, key=len, reverse=True)) + r")(?![a-zåäö])"
_APPROX = re.compile(r"\b(ca|cirka|ungefär|ung)(?=[\s.:\d]|$)", re.IGNORECASE)

# Tried in order; each yields (count, amount, unit word, pieces).
_MULTIPACK = re.compile(rf"(\d+)\s*[x×]\s*{_NUMBER}\s*{_UNIT}", re.IGNORECASE)  # 4x125g
_AMOUNT_TIMES = re.compile(rf"{_NUMBER}\s*{_UNIT}\s*[x×]\s*(\d+)(?!\d)", re.IGNORECASE)  # 15,4gx10
_PIECES_PER = re.compile(rf"(\d+)\s*{_PIECES}\s*/\s*{_NUMBER}\s*{_UNIT}", re.IGNORECASE)  # 12p/50g
_PER_PIECES = re.compile(rf"{_NUMBER}\s*{_UNIT}\s*/\s*(\d+)\s*{_PIECES}", re.IGNORECASE)  # 228g/4p
_AMOUNT = re.compile(rf"(?<![\d.,]){_NUMBER}\s*{_UNIT}", re.IGNORECASE)  # 1,5kg
_PIECE_COUNT = re.compile(rf"(?<![\d.,/])(\d+)\s*{_PIECES}", re.IGNORECASE)  # 10-pack, 20p, 4 st


def to_decimal(text: str) -> Decimal | None:
    """'1,5' -> 1.5, '2 201,30' -> 2201.30; None when it is not a number."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _base(amount_text: str, unit_word: str) -> tuple[Decimal, SizeUnit] | None:
    amount = to_decimal(amount_text)
    if amount is None or amount <= 0:
        return None
    unit, factor = UNITS[unit_word.lower()]
    return plain(amount * factor), unit


def plain(value: Decimal) -> Decimal:
    """1.5E+3 -> 1500, 1.50 -> 1.5: the shortest exact form without an exponent."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_size(text: str) -> Size | None:
    """The package size stated in `text`, or None when it states none."""
    if not text:
        return None
    approximate = bool(_APPROX.search(text))
    if m := _MULTIPACK.search(text):
        base = _base(m.group(2), m.group(3))
        count = int(m.group(1))
        if base and count > 0:
            return Size(base[0], base[1], count=count, approximate=approximate)
    if m := _AMOUNT_TIMES.search(text):
        base = _base(m.group(1), m.group(2))
        count = int(m.group(3))
        if base and count > 0:
            return Size(base[0], base[1], count=count, approximate=approximate)
    if m := _PIECES_PER.search(text):
        base = _base(m.group(2), m.group(3))
        pieces = int(m.group(1))
        # "6p/33cl": six cans of 33 cl; "91p/20l" is 91 portions making 20 l in all
        if base and base[1] == "ml" and base[0] < 2000 and pieces > 0:
            return Size(base[0], base[1], count=pieces, approximate=approximate)
        if base:  # "12p/85g": twelve pieces weighing 85 g in all
            return Size(base[0], base[1], approximate=approximate, pieces=pieces)
    if m := _PER_PIECES.search(text):
        base = _base(m.group(1), m.group(2))
        if base:
            return Size(base[0], base[1], approximate=approximate, pieces=int(m.group(3)))
    if m := _AMOUNT.search(text):
        base = _base(m.group(1), m.group(2))
        if base:
            return Size(base[0], base[1], approximate=approximate)
    if m := _PIECE_COUNT.search(text):
        pieces = int(m.group(1))
        if pieces > 0:
            return Size(Decimal(pieces), "st", approximate=approximate)
    return None


def format_size(size: Size) -> str:
    """A short Swedish label: '1,5 kg', '4 x 125 g', '10 st', 'ca 800 g'."""
    amount, unit = size.amount, str(size.unit)
    if unit == "g" and amount >= 1000:
        amount, unit = amount / 1000, "kg"
    elif unit == "ml" and amount >= 1000:
        amount, unit = amount / 1000, "l"
    elif unit == "ml" and amount >= 100 and amount % 100 == 0:
        amount, unit = amount / 100, "dl"
    number = f"{plain(amount):f}".replace(".", ",")
    label = f"{number} {unit}"
    if size.count > 1:
        label = f"{size.count} x {label}"
    if size.pieces:
        label = f"{size.pieces} st, {label}"
    return f"ca {label}" if size.approximate else label
