"""Quantities and units in a spoken item: "två liter", "ett halvt kilo", "1,5 kg", "tolv"."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER_WORDS: dict[str, Decimal] = {
    "en": Decimal(1),
    "ett": Decimal(1),
    "ena": Decimal(1),
    "två": Decimal(2),
    "tre": Decimal(3),
    "fyra": Decimal(4),
    "fem": Decimal(5),
    "sex": Decimal(6),
    "sju": Decimal(7),
    "åtta": Decimal(8),
    "nio": Decimal(9),
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
    "tjugo": Decimal(20),
    "trettio": Decimal(30),
    "fyrtio": Decimal(40),
    "femtio": Decimal(50),
    "hundra": Decimal(100),
    "halv": Decimal("0.5"),
    "halvt": Decimal("0.5"),
    "halva": Decimal("0.5"),
    "dussin": Decimal(12),
    "par": Decimal(2),
}
# two-word amounts, read before single words
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
# spoken unit -> (unit, factor): measures keep their unit, packages are their own unit
UNIT_WORDS: dict[str, tuple[str, Decimal]] = {
    "liter": ("l", Decimal(1)),
    "litrar": ("l", Decimal(1)),
    "l": ("l", Decimal(1)),
    "deciliter": ("dl", Decimal(1)),
    "dl": ("dl", Decimal(1)),
    "kilo": ("kg", Decimal(1)),
    "kg": ("kg", Decimal(1)),
    "kilogram": ("kg", Decimal(1)),
    "hekto": ("kg", Decimal("0.1")),
    "hg": ("kg", Decimal("0.1")),
    "gram": ("g", Decimal(1)),
    "g": ("g", Decimal(1)),
    "st": ("st", Decimal(1)),
    "styck": ("st", Decimal(1)),
    "stycken": ("st", Decimal(1)),
    "stycke": ("st", Decimal(1)),
}
PACKAGE_WORDS: dict[str, str] = {
    word: base
    for base, forms in {
        "paket": ("paket", "paketet"),
        "burk": ("burk", "burkar"),
        "påse": ("påse", "påsar"),
        "flaska": ("flaska", "flaskor"),
        "ask": ("ask", "askar"),
        "förpackning": ("förpackning", "förpackningar", "förp"),
        "bit": ("bit", "bitar"),
        "kartong": ("kartong", "kartonger"),
        "tub": ("tub", "tuber"),
        "rulle": ("rulle", "rullar"),
        "pack": ("pack", "packar"),
        "klase": ("klase", "klasar"),
        "knippe": ("knippe",),
        "låda": ("låda", "lådor"),
    }.items()
    for word in forms
}


@dataclass(frozen=True, slots=True)
class Amount:
    quantity: Decimal | int
    unit: str | None
    words: list[str]  # the item's words with the amount removed


def to_number(word: str) -> Decimal | None:
    """'två' -> 2, '1,5' -> 1.5, '3' -> 3; None for anything else."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if word and (word[0].isdigit()):
        try:
            value = Decimal(word.replace(",", "."))
        except InvalidOperation:
            return None
        return value if value.is_finite() and 0 < value < 10_000 else None
    return None


def _read_number(words: list[str], start: int) -> tuple[Decimal, int] | None:
    """A number at words[start]: (value, words used)."""
    for phrase, value in sorted(NUMBER_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if tuple(words[start : start + len(phrase)]) == phrase:
            return value, len(phrase)
    value = to_number(words[start])
    if value is None:
        return None
    return value, 1


def _plain(value: Decimal) -> Decimal | int:
    return int(value) if value == value.to_integral_value() else value.normalize()


def _is_number_at(words: list[str], i: int) -> bool:
    """'en'/'ett' count as numbers only where an amount can stand (not 'en' inside a name)."""
    return to_number(words[i]) is not None


def read_amount(words: list[str]) -> Amount:
    """Take the amount off the front ("två liter mjölk") or the back ("mjölk två stycken").

    No number gives quantity 1; a number without a unit counts pieces ("st"); a package word
    ("paket", "burk") is the unit when no measure is said.
    """
    if not words:
        return Amount(1, None, [])
    for at_front in (True, False):
        for start in range(len(words)) if not at_front else [0]:
            if not at_front and start == 0:
                continue
            if not _is_number_at(words, start):
                continue
            read = _read_number(words, start)
            if read is None:
                continue
            value, used = read
            rest_start = start + used
            unit = None
            factor = Decimal(1)
            if rest_start < len(words) and words[rest_start] in UNIT_WORDS:
                unit, factor = UNIT_WORDS[words[rest_start]]
                rest_start += 1
            elif rest_start < len(words) and words[rest_start] in PACKAGE_WORDS:
                unit = PACKAGE_WORDS[words[rest_start]]
                rest_start += 1
            if not at_front and rest_start != len(words):
                continue  # a number inside the name ("mjölk 3 %") is not an amount
            rest = words[:start] + words[rest_start:]
            if not rest:
                continue
            if unit is None:
                unit = "st" if value >= 1 and value == value.to_integral_value() else None
                if unit is None:
                    unit, factor = "kg", Decimal(1)  # "ett halvt" alone means half a kilo
            if unit == "kg" and factor != 1:
                return Amount(_plain(value * factor), "kg", rest)
            if value == 1 and unit == "st" and words[start] in {"en", "ett"} and at_front:
                return Amount(1, None, rest)  # "en limpa": one, no unit said
            return Amount(_plain(value), unit, rest)
    words = list(words)
    if words and words[0] in PACKAGE_WORDS and len(words) > 1:
        return Amount(1, PACKAGE_WORDS[words[0]], words[1:])
    return Amount(1, None, words)
