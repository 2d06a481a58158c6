"""Swedish words shared by the tablet page, the chat and speech: lists, amounts, questions.

One wording for each thing the client sees or hears, so the page and the assistant say the
same (a choice is asked the same way on the screen and in the chat).
"""

from __future__ import annotations

from decimal import Decimal

from assistant.db.enums import LineStatus
from assistant.db.models import OrderLine
from assistant.orders.intake import Intake
from catalog_matcher.quantities import read_amount

SMALL_NUMBERS = {
    1: "en",
    2: "två",
    3: "tre",
    4: "fyra",
    5: "fem",
    6: "sex",
    7: "sju",
    8: "åtta",
    9: "nio",
    10: "tio",
    11: "elva",
    12: "tolv",
}


def join_words(words: list[str], last: str = "och") -> str:
    """["Arla", "Garant", "Skånemejerier"] -> "Arla, Garant och Skånemejerier"."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def number_text(value: Decimal | int) -> str:
    """2 -> "2", Decimal("0.5") -> "0,5" (decimal comma, no trailing zeros)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}".replace(".", ",")


def count_word(count: int) -> str:
    return SMALL_NUMBERS.get(count, str(count))


def unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value.lower() not in (s.lower() for s in seen):
            seen.append(value)
    return seen


def quoted(text: str) -> str:
    return f"”{text}”"


def choice_question(line: OrderLine, brand: str = "") -> str:
    """The question an open choice asks, on the page and in the chat."""
    said = line.spoken_text or "varan"
    if line.status == LineStatus.NEEDS_STAFF:
        return f"{quoted(said)} finns inte i butiken. Personalen hjälper till att hitta något."
    if line.choice_reason == "pack":
        return f"{said.capitalize()} finns i de här förpackningarna. Vilken vill du ha?"
    if line.choice_reason == "brand" and brand:
        return f"Butiken säljer inte {said} från {brand}. Vill du ha någon av de här?"
    kind = " ".join(read_amount(said.split()).words) or said  # "två bröd" asks about "bröd"
    if line.choice_reason == "other":
        return f"Vilken sorts {kind} vill du ha i stället?"
    return f"Vilken sorts {kind} menar du?"


def lines_text(count: Decimal | int) -> str:
    """ "1 vara", "4 varor"."""
    number = number_text(count)
    return f"{number} vara" if Decimal(count) == 1 else f"{number} varor"


def intake_notes(intake: Intake) -> list[str]:
    """What the client is told about the parts of an utterance that added nothing at once."""
    notes = []
    if intake.foreign:
        notes.append("Förlåt, jag förstår bara svenska. Säg vad du vill handla.")
    for line in intake.wishes:
        notes.append(
            f"{quoted(line.spoken_text).capitalize()} finns inte i butiken. "
            "Jag har skrivit upp det så att personalen kan hjälpa till."
        )
    for brand, text in intake.brand_missing:
        if brand:
            notes.append(f"Butiken säljer inte {text} från {brand}.")
    if intake.not_understood:
        said = join_words([quoted(t) for t in intake.not_understood])
        notes.append(f"Jag förstod inte {said}. Säg eller skriv en vara, till exempel ”en limpa”.")
    return notes
