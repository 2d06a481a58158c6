"""Short Swedish sentences for speech and chat: lists, numbers and the choice question."""

from __future__ import annotations

from decimal import Decimal

NUMBER_WORDS = {1: "en", 2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex"}


def join_words(words: list[str]) -> str:
    """["Arla", "Garant", "Skånemejerier"] -> "Arla, Garant och Skånemejerier"."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " och " + words[-1]


def amount_text(quantity: Decimal | int) -> str:
    value = Decimal(quantity)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}".replace(".", ",")


def unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value.lower() not in (s.lower() for s in seen):
            seen.append(value)
    return seen


def choice_question(said: str, kinds: list[str], brands: list[str], names: list[str]) -> str:
    """ "Jag hittade tre sorters mellanmjölk: Arla, Garant och Skånemejerier. Vilken vill du ha?"."""
    if len(kinds) > 1:
        listed = kinds
        head = f"”{said}” kan vara flera sorter"
    else:
        listed = brands if len(brands) > 1 else names
        count = NUMBER_WORDS.get(len(listed), str(len(listed)))
        kind = kinds[0] if kinds and len(kinds[0].split()) <= 2 else said
        head = f"Jag hittade {count} sorters {kind}"
    return f"{head}: {join_words(listed)}. Vilken vill du ha?"


def usual_question(name: str, brand: str) -> str:
    """ "Du brukar ta Mellanmjölk 1,5% från Arla. Säg ”den vanliga”, eller välj en annan bild."
    (not a yes/no question: a bare "ja" would not say which card)."""
    usual = f"{name} från {brand}" if brand else name
    return f"Du brukar ta {usual}. Säg ”den vanliga”, eller välj en annan bild."
