"""Turn reply text into words Piper reads naturally in Swedish (numbers, prices, units)."""

from __future__ import annotations

import re

_ONES = [
    "noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
    "elva", "tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton",
]  # fmt: skip
_TENS = ["", "", "tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio"]
_UNITS = {"kg": "kilo", "g": "gram", "hg": "hekto", "l": "liter", "dl": "deciliter",
          "cl": "centiliter", "ml": "milliliter", "st": "stycken", "kr": "kronor"}  # fmt: skip


def number_words(n: int, *, common: bool = False) -> str:
    """Spell a whole number 0..999 999 in Swedish; `common` gives "en" instead of "ett"."""
    if n < 0:
        return "minus " + number_words(-n, common=common)
    if n >= 1_000_000:
        return str(n)
    if n >= 1000:
        thousands, rest = divmod(n, 1000)
        head = "ettusen" if thousands == 1 else number_words(thousands) + "tusen"
        return head + (number_words(rest, common=common) if rest else "")
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        head = "etthundra" if hundreds == 1 else number_words(hundreds) + "hundra"
        return head + (number_words(rest, common=common) if rest else "")
    if n >= 20:
        tens, rest = divmod(n, 10)
        return _TENS[tens] + (number_words(rest, common=common) if rest else "")
    if n == 1 and common:
        return "en"
    return _ONES[n]


def price_words(kronor: int, ore: int = 0) -> str:
    """49, 90 -> 'fyrtionio kronor och nittio öre'."""
    kr = "en krona" if kronor == 1 else f"{number_words(kronor, common=True)} kronor"
    if not ore:
        return kr
    ore_text = f"{number_words(ore, common=True)} öre"
    return ore_text if kronor == 0 else f"{kr} och {ore_text}"


def _quantity_words(whole: int, decimals: str) -> str:
    if decimals in ("", "0", "00"):
        return number_words(whole, common=True)
    if decimals in ("5", "50"):
        return "en halv" if whole == 0 else f"{number_words(whole, common=True)} och en halv"
    return f"{number_words(whole, common=True)} komma " + " ".join(
        number_words(int(d)) for d in decimals
    )


_PRICE = re.compile(r"(\d+)(?:[,.](\d{1,2}))?\s*(?:kr|kronor|:-)(?![\wåäö])", re.IGNORECASE)
_UNIT = re.compile(r"(\d+)(?:[,.](\d+))?\s*(kg|hg|g|dl|cl|ml|l|st)(?![\wåäö])", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


def speakable(text: str) -> str:
    """Rewrite prices, quantities with units and bare numbers as Swedish words."""

    def price(m: re.Match[str]) -> str:
        ore = int((m.group(2) or "0").ljust(2, "0"))
        return price_words(int(m.group(1)), ore)

    def unit(m: re.Match[str]) -> str:
        return f"{_quantity_words(int(m.group(1)), m.group(2) or '')} {_UNITS[m.group(3).lower()]}"

    text = _PRICE.sub(price, text)
    text = _UNIT.sub(unit, text)
    return _NUMBER.sub(lambda m: number_words(int(m.group(0)), common=True), text)
