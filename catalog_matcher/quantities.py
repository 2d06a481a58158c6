"""Quantities and units in an item: spoken ("två liter", "ett halvt kilo", "tjugofyra") and
typed from a recipe ("1/2 dl", "1 1/2 dl", "1-2", "ca 500 g", "2 msk").

Kitchen measures (msk, tsk, krm, nypa, cm, klyfta ...) cannot be bought: they read as one
package of the product (quantity 1, no unit). A range buys the larger number. A typed
fraction with no unit ("1/2 citron") buys one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_ONES = {
    "en": 1,
    "ett": 1,
    "ena": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
}
_TENS = {
    "tjugo": 20,
    "trettio": 30,
    "fyrtio": 40,
    "femtio": 50,
    "sextio": 60,
    "sjuttio": 70,
    "åttio": 80,
    "nittio": 90,
}
NUMBER_WORDS: dict[str, Decimal] = {
    **{word: Decimal(value) for word, value in _ONES.items()},
    **{word: Decimal(value) for word, value in _TENS.items()},
    **{
        tens + one: Decimal(_TENS[tens] + value)
        for tens in _TENS
        for one, value in _ONES.items()
        if one not in {"ena"}
    },
    "tio": Decimal(10),
    "elva": Decimal(11),
    "tolv": Decimal(12),
    "tretton": Decimal(13),
    "fjorton": Decimal(14),
    "femton": Decimal(15),
    "sexton": Decimal(16),
    "sjutton": Decimal(17),
    "arton": Decimal(18),
    "nitton": Decimal(19),
    "hundra": Decimal(100),
    "etthundra": Decimal(100),
    "tvåhundra": Decimal(200),
    "trehundra": Decimal(300),
    "fyrahundra": Decimal(400),
    "femhundra": Decimal(500),
    "halv": Decimal("0.5"),
    "halvt": Decimal("0.5"),
    "halva": Decimal("0.5"),
    "dussin": Decimal(12),
    "par": Decimal(2),
}
# amounts of several words, read before single words
NUMBER_PHRASES: dict[tuple[str, ...], Decimal] = {
    ("ett", "par"): Decimal(2),
    ("ett", "halvt"): Decimal("0.5"),
    ("en", "halv"): Decimal("0.5"),
    ("ett", "dussin"): Decimal(12),
    ("ett", "halvt", "dussin"): Decimal(6),
    ("en", "och", "en", "halv"): Decimal("1.5"),
    ("ett", "och", "ett", "halvt"): Decimal("1.5"),
    ("en", "och", "ett", "halvt"): Decimal("1.5"),
    ("ett", "och", "en", "halv"): Decimal("1.5"),
    ("två", "och", "en", "halv"): Decimal("2.5"),
    ("två", "och", "ett", "halvt"): Decimal("2.5"),
}
_PHRASES = sorted(NUMBER_PHRASES.items(), key=lambda kv: -len(kv[0]))
# spoken or written unit -> (unit, factor): measures keep their unit, packages are their own unit
UNIT_WORDS: dict[str, tuple[str, Decimal]] = {
    "liter": ("l", Decimal(1)),
    "litrar": ("l", Decimal(1)),
    "l": ("l", Decimal(1)),
    "deciliter": ("dl", Decimal(1)),
    "dl": ("dl", Decimal(1)),
    "centiliter": ("dl", Decimal("0.1")),
    "cl": ("dl", Decimal("0.1")),
    "milliliter": ("dl", Decimal("0.01")),
    "ml": ("dl", Decimal("0.01")),
    "kilo": ("kg", Decimal(1)),
    "kg": ("kg", Decimal(1)),
    "kilogram": ("kg", Decimal(1)),
    "hekto": ("kg", Decimal("0.1")),
    "hg": ("kg", Decimal("0.1")),
    "gram": ("g", Decimal(1)),
    "g": ("g", Decimal(1)),
    "gr": ("g", Decimal(1)),
    "st": ("st", Decimal(1)),
    "styck": ("st", Decimal(1)),
    "stycken": ("st", Decimal(1)),
    "stycke": ("st", Decimal(1)),
    "stk": ("st", Decimal(1)),
}
PACKAGE_WORDS: dict[str, str] = {
    word: base
    for base, forms in {
        "paket": ("paket", "paketet"),
        "burk": ("burk", "burkar"),
        "påse": ("påse", "påsar"),
        "flaska": ("flaska", "flaskor"),
        "ask": ("ask", "askar"),
        "förpackning": ("förpackning", "förpackningar", "förp", "frp"),
        "bit": ("bit", "bitar"),
        "kartong": ("kartong", "kartonger"),
        "tub": ("tub", "tuber"),
        "rulle": ("rulle", "rullar"),
        "pack": ("pack", "packar"),
        "klase": ("klase", "klasar"),
        "knippe": ("knippe", "knippen"),
        "låda": ("låda", "lådor"),
        "nät": ("nät",),
        "kruka": ("kruka", "krukor"),
        "huvud": ("huvud", "huvuden"),
        "säck": ("säck", "säckar"),
        "back": ("back", "backar"),
        "flak": ("flak",),
        "korg": ("korg", "korgar"),
        "tråg": ("tråg",),
        "portion": ("portion", "portioner"),
    }.items()
    for word in forms
}
# measures of a recipe: bought as one package of the product
KITCHEN_UNITS = frozenset(
    [
        "msk",
        "matsked",
        "matskedar",
        "tsk",
        "tesked",
        "teskedar",
        "krm",
        "kryddmått",
        "nypa",
        "nypor",
        "cm",
        "centimeter",
        "droppe",
        "droppar",
        "stänk",
        "knivsudd",
        "knivsuddar",
        "näve",
        "nävar",
        "kvist",
        "kvistar",
        "klyfta",
        "klyftor",
        "skiva",
        "skivor",
        "blad",
    ]
)
PACKAGE_SIZES = frozenset(["stor", "stora", "stort", "liten", "lilla", "litet", "små", "storpack"])
APPROXIMATE = frozenset(["ca", "cirka", "ungefär", "ung", "omkring"])
_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_RANGE = re.compile(r"^(\d+(?:[,.]\d+)?)[-–](\d+(?:[,.]\d+)?)$")
_DIGITS = re.compile(r"^\d+(?:[,.]\d+)?$")


@dataclass(frozen=True, slots=True)
class Amount:
    quantity: Decimal | int
    unit: str | None
    words: list[str]  # the item's words with the amount removed


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 < value < 10_000 else None


def to_number(word: str) -> Decimal | None:
    """'två' -> 2, '1,5' -> 1.5, '1/2' -> 0.5, '1-2' -> 2 (a range buys enough); else None."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if not word or not word[0].isdigit():
        return None
    if _DIGITS.match(word):
        return _decimal(word)
    if m := _FRACTION.match(word):
        top, bottom = int(m.group(1)), int(m.group(2))
        return Decimal(top) / Decimal(bottom) if 0 < top < 1000 and 0 < bottom < 1000 else None
    if m := _RANGE.match(word):
        low, high = _decimal(m.group(1)), _decimal(m.group(2))
        return high if low is not None and high is not None and low < high else None
    return None


def is_number(word: str) -> bool:
    return to_number(word) is not None


def _read_number(words: list[str], start: int) -> tuple[Decimal, int, bool] | None:
    """A number at words[start]: (value, words used, spoken in words)."""
    for phrase, said in _PHRASES:
        if tuple(words[start : start + len(phrase)]) == phrase:
            return said, len(phrase), True
    value = to_number(words[start])
    if value is None:
        return None
    used = 1
    nxt = words[start + 1] if start + 1 < len(words) else ""
    if words[start].isdigit() and _FRACTION.match(nxt):  # "1 1/2"
        value += to_number(nxt) or 0
        used = 2
    return value, used, not words[start][0].isdigit()


def _plain(value: Decimal) -> Decimal | int:
    return int(value) if value == value.to_integral_value() else value.normalize()


def _is_unit(word: str) -> bool:
    return word in UNIT_WORDS or word in PACKAGE_WORDS or word in KITCHEN_UNITS


def _unit_at(words: list[str], end: int) -> int:
    """Words the unit after a number takes: "påse", or "stor påse" (a size said before it)."""
    if end < len(words) and _is_unit(words[end]):
        return 1
    if end + 1 < len(words) and words[end] in PACKAGE_SIZES and words[end + 1] in PACKAGE_WORDS:
        return 2
    return 0


def amount_length(words: list[str], start: int) -> int:
    """How many words an amount at words[start] takes (number, unit or package), or 0."""
    read = _read_number(words, start)
    if read is None:
        return 0
    end = start + read[1]
    return end + _unit_at(words, end) - start


def _amount(words: list[str], start: int, rest: list[str], first: str) -> Amount | None:
    read = _read_number(words, start)
    if read is None:
        return None
    value, used, spoken = read
    end = start + used
    unit = None
    factor = Decimal(1)
    if _unit_at(words, end) == 2:
        end += 1  # "en stor påse": the package is the unit
    word = words[end] if end < len(words) else ""
    if word in KITCHEN_UNITS:
        return Amount(1, None, rest)
    if word in UNIT_WORDS:
        unit, factor = UNIT_WORDS[word]
    elif word in PACKAGE_WORDS:
        unit = PACKAGE_WORDS[word]
    if unit is None:
        if value >= 1 and value == value.to_integral_value():
            if first in {"en", "ett"} and used == 1:
                return Amount(1, None, rest)  # "en limpa": one, no unit said
            return Amount(_plain(value), "st", rest)
        if not spoken:
            return Amount(1, None, rest)  # "1/2 citron": buy one
        return Amount(_plain(value), "kg", rest)  # "ett halvt" alone means half a kilo
    if unit in {"kg", "dl"} and factor != 1:
        return Amount(_plain(value * factor), unit, rest)
    return Amount(_plain(value), unit, rest)


def read_amount(words: list[str]) -> Amount:
    """Take the amount off the front ("två liter mjölk") or the back ("mjölk två stycken").

    No number gives quantity 1; a number without a unit counts pieces ("st"); a package word
    ("paket", "burk") is the unit when no measure is said; "ca" and "à 400 g" are dropped.
    """
    words = [w for w in words if w not in APPROXIMATE]
    words = _without_each(words)
    if not words:
        return Amount(1, None, [])
    length = amount_length(words, 0)
    if length and length < len(words):
        found = _amount(words, 0, words[length:], words[0])
        if found:
            return found
    for start in range(len(words) - 1, 0, -1):
        length = amount_length(words, start)
        if length and start + length == len(words):
            found = _amount(words, start, words[:start], words[start])
            if found:
                return found
    if words[0] in PACKAGE_WORDS and len(words) > 1:
        return Amount(1, PACKAGE_WORDS[words[0]], words[1:])
    if words[0] in KITCHEN_UNITS and len(words) > 1:
        return Amount(1, None, words[1:])
    return Amount(1, None, words)


def _without_each(words: list[str]) -> list[str]:
    """Drop a typed "à 400 g" (each package's size), which says nothing about how many."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in {"a", "à", "á"} and i + 1 < len(words) and out:
            length = amount_length(words, i + 1)
            if length:
                i += 1 + length
                continue
        out.append(words[i])
        i += 1
    return out
