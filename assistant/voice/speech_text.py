"""Numbers as Swedish words, both ways the voice loop needs them.

`speakable` turns an answer into what Piper should read (prices, totals with thousands, units,
percentages, delivery dates and times). `as_spoken` turns any text into the style the speech
recogniser writes and the dialogue is trained and evaluated on: lower case, no punctuation,
numbers as words. The voice WebSocket sends every final text through `as_spoken`, and
`python -m assistant.evaluate_chat --speech` sends every evaluation turn through it too.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.orders.slots import MONTHS

_ONES = [
    "noll",
    "ett",
    "två",
    "tre",
    "fyra",
    "fem",
    "sex",
    "sju",
    "åtta",
    "nio",
    "tio",
    "elva",
    "tolv",
    "tretton",
    "fjorton",
    "femton",
    "sexton",
    "sjutton",
    "arton",
    "nitton",
]
_TENS = ["", "", "tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio"]
_UNITS = {
    "kg": "kilo",
    "g": "gram",
    "hg": "hekto",
    "l": "liter",
    "dl": "deciliter",
    "cl": "centiliter",
    "ml": "milliliter",
    "st": "stycken",
    "kr": "kronor",
}
_ORDINALS = [
    "",
    "första",
    "andra",
    "tredje",
    "fjärde",
    "femte",
    "sjätte",
    "sjunde",
    "åttonde",
    "nionde",
    "tionde",
    "elfte",
    "tolfte",
    "trettonde",
    "fjortonde",
    "femtonde",
    "sextonde",
    "sjuttonde",
    "artonde",
    "nittonde",
    "tjugonde",
]


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


def ordinal_words(n: int) -> str:
    """1 -> 'första', 23 -> 'tjugotredje' (days of a month)."""
    if n <= 20:
        return _ORDINALS[n]
    tens, rest = divmod(n, 10)
    return _TENS[tens] + (_ORDINALS[rest] if rest else "nde")


def _quantity_words(whole: int, decimals: str) -> str:
    if decimals in ("", "0", "00"):
        return number_words(whole, common=True)
    if decimals in ("5", "50"):
        return "en halv" if whole == 0 else f"{number_words(whole, common=True)} och en halv"
    return f"{number_words(whole, common=True)} komma " + " ".join(
        number_words(int(d)) for d in decimals
    )


def _clock_words(hour: str, minutes: str | None) -> str:
    """'16', '30' -> 'sexton och trettio' (times as the slots write them: 10, 16.30)."""
    words = number_words(int(hour))
    return f"{words} och {number_words(int(minutes))}" if minutes and int(minutes) else words


_GROUPED = r"\d{1,3}(?:[\u00a0\u202f]\d{3})+|\d+"  # 1 234 (format_sek's no-break space), 1234
_PRICE = re.compile(
    rf"({_GROUPED})(?:[,.](\d{{1,2}}))?\s*(?:kr|kronor|:-)(?![\wåäö])", re.IGNORECASE
)
_DATE = re.compile(r"(?<=dag )(\d{1,2})/(\d{1,2})\b")  # after a weekday: "torsdag 3/12"
_TIMES = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*[–-]\s*(\d{1,2})(?:[.:](\d{2}))?\b")
_CLOCK = re.compile(r"\bkl(?:\.|ockan)?\s*(\d{1,2})(?:[.:](\d{2}))?\b", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+)(?:[,.](\d+))?\s*%")
_UNIT = re.compile(r"(\d+)(?:[,.](\d+))?\s*(kg|hg|g|dl|cl|ml|l|st)(?![\wåäö])", re.IGNORECASE)
_DECIMAL = re.compile(r"(\d+),(\d+)")
_NUMBER = re.compile(r"\d+")


def _price(m: re.Match[str]) -> str:
    kronor = int(re.sub(r"\D", "", m.group(1)))
    return price_words(kronor, int((m.group(2) or "0").ljust(2, "0")))


def _date(m: re.Match[str]) -> str:
    day, month = int(m.group(1)), int(m.group(2))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return m.group(0)
    return f"den {ordinal_words(day)} {MONTHS[month - 1]}"


def _times(m: re.Match[str]) -> str:
    start, end = int(m.group(1)), int(m.group(3))
    if not (start <= 24 and end <= 24):
        return m.group(0)
    return f"{_clock_words(m.group(1), m.group(2))} till {_clock_words(m.group(3), m.group(4))}"


def _percent(m: re.Match[str]) -> str:
    whole, decimals = number_words(int(m.group(1)), common=True), m.group(2)
    if decimals and int(decimals):
        whole += " komma " + " ".join(number_words(int(d)) for d in decimals)
    return f"{whole} procent"


def _unit(m: re.Match[str]) -> str:
    return f"{_quantity_words(int(m.group(1)), m.group(2) or '')} {_UNITS[m.group(3).lower()]}"


def speakable(text: str) -> str:
    """Rewrite prices and totals, dates and times, percentages, quantities with units and bare
    numbers as Swedish words ("176,90 kr" -> "etthundrasjuttiosex kronor och nittio öre")."""
    text = _PRICE.sub(_price, text)
    text = _DATE.sub(_date, text)
    text = _CLOCK.sub(lambda m: f"klockan {_clock_words(m.group(1), m.group(2))}", text)
    text = _TIMES.sub(_times, text)
    text = _PERCENT.sub(_percent, text)
    text = _UNIT.sub(_unit, text)
    text = _DECIMAL.sub(lambda m: _quantity_words(int(m.group(1)), m.group(2)), text)
    return _NUMBER.sub(lambda m: number_words(int(m.group(0)), common=True), text)


_UNKNOWN = re.compile(r"\[unk\]|<unk>", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


def as_spoken(text: str) -> str:
    """Text as the speech recogniser writes it: lower case, numbers as words, no punctuation,
    no unknown-word markers ("Två liter mellanmjölk, 1 limpa." -> "två liter mellanmjölk en
    limpa"). What Vosk hands over passes through unchanged apart from "[unk]"."""
    text = unicodedata.normalize("NFC", _UNKNOWN.sub(" ", text or "")).lower()
    text = _NOT_WORD.sub(" ", speakable(text))
    return _SPACES.sub(" ", text).strip()
