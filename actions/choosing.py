"""Which of the shown cards the client meant: "den första", "nummer två", "Pågen", "det grova"."""

from __future__ import annotations

from actions.catalog import CardInfo
from catalog_matcher.normalize import fold

ORDINALS = {
    "första": 0, "ett": 0, "en": 0, "1": 0, "vänster": 0, "vanliga": 0, "brukar": 0,
    "andra": 1, "två": 1, "2": 1,
    "tredje": 2, "tre": 2, "3": 2,
    "fjärde": 3, "fyra": 3, "4": 3,
    "femte": 4, "fem": 4, "5": 4,
}  # fmt: skip
LAST = {"sista", "höger"}
IGNORED = set(
    [
        "den",
        "det",
        "de",
        "jag",
        "tar",
        "vill",
        "ha",
        "från",
        "tack",
        "nummer",
        "ja",
        "gärna",
        "och",
        "så",
        "är",
    ]
)


def _words(text: str) -> list[str]:
    return [w.strip(".,!?”\"'") for w in fold(text).split()]


def choose(text: str, entities: list[str], cards: list[CardInfo]) -> int | None:
    """The index of the chosen card, or None when the words point at none of them."""
    if not cards:
        return None
    words = [w for w in _words(" ".join(entities)) + _words(text) if w and w not in IGNORED]
    for word in words:
        if word in ORDINALS and ORDINALS[word] < len(cards):
            return ORDINALS[word]
        if word in LAST:
            return len(cards) - 1
        if word == "mitten":
            return len(cards) // 2
        if word.startswith("billigast"):
            return min(range(len(cards)), key=lambda i: cards[i].price)
        if word.startswith("dyrast"):
            return max(range(len(cards)), key=lambda i: cards[i].price)
    for word in words:
        root = word[:4] if len(word) >= 4 else None
        if root is None:
            continue
        for i, card in enumerate(cards):
            label = _words(f"{card.brand} {card.name} {card.size}")
            if any(token.startswith(root) for token in label):
                return i
    return None


def names_a_card(text: str, cards: list[CardInfo]) -> int | None:
    """The card a one-word answer names by brand or by the first word of its name ("Bregott",
    "knäckebröd"): a choice, even when it sounds like adding a product."""
    words = [w for w in _words(text) if w and w not in IGNORED]
    if len(words) != 1:
        return None
    for i, card in enumerate(cards):
        if words[0] in (fold(card.brand), next(iter(_words(card.name)), "")):
            return i
    return None
