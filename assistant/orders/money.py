"""Money as integer öre; Swedish formatting ("1 234,50 kr"). Never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_ore(kronor: Decimal | str | int) -> int:
    """Kronor (Decimal, "12,50" or int) to whole öre, rounding half up."""
    if isinstance(kronor, str):
        kronor = Decimal(kronor.replace(",", ".").replace(" ", ""))
    value = (Decimal(kronor) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(value)


def format_sek(ore: int, *, short: bool = False) -> str:
    """12345 -> "123,45 kr"; 123450 -> "1 234,50 kr" (no-break space as thousands separator).

    `short` leaves out ",00" of whole kronor (30000 -> "300 kr"), for amounts in a sentence.
    """
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    grouped = f"{kronor:,}".replace(",", "\u00a0")
    if short and not rest:
        return f"{sign}{grouped}\u00a0kr"
    return f"{sign}{grouped},{rest:02d}\u00a0kr"


def format_sek_short(ore: int) -> str:
    """Whole kronor without öre, as stores write offers: 2500 -> "25 kr", 1990 -> "19,90 kr"."""
    if ore % 100 == 0:
        return f"{ore // 100:,}".replace(",", "\u00a0") + "\u00a0kr"
    return format_sek(ore)
