"""Split one utterance into items, as people say or type a shopping list.

- Hard breaks: a new line, ";", a bullet; commas; and the connectors "och", "samt", "plus",
  "sen" — except inside an amount ("en och en halv") or between two words that product names
  join with "och"/"&" ("salt och peppar" when the catalog sells it so).
- Request frames and fillers go ("jag skulle vilja ha", "glöm inte", "eh", "tack"); a frame
  in the middle of a phrase starts a new item (see `carriers`).
- Without connectors ("fem ägg två gurkor ett paket kaffe"): a new item starts at an amount
  that follows a complete item (one naming a product) and is followed by a product word
  ("… bregott två gurkor", "… gurkor ett paket kaffe"); an amount with nothing after it
  belongs to the item before ("lättmjölk två stycken"). Numbers inside a product ("7up",
  "4x125g", "1,5%") are not amounts.
- Between two product words with no amount: a boundary when both name products on their own
  and no product is named by the two together ("mjölk bröd ost" is three items, "yoghurt
  jordgubb" and "kaffe zoegas" one). A describing word belongs to the word after it.
- Typed descriptors after a comma or in parentheses ("1 rödlök, finhackad", "(à 400 g)",
  "till servering") stay with their item as notes, never items of their own; a parenthesis
  that is only an amount ("Bananer (5 st)") is the item's amount.

The words of each item are the utterance's own words, in order; nothing is added or repeated.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Protocol

from catalog_matcher.carriers import split_frames
from catalog_matcher.normalize import normalise
from catalog_matcher.quantities import (
    APPROXIMATE,
    KITCHEN_UNITS,
    NUMBER_WORDS,
    PACKAGE_WORDS,
    UNIT_WORDS,
    amount_length,
    to_number,
)
from catalog_matcher.wordclasses import (
    CONNECTORS,
    DESCRIPTOR_STARTS,
    FORM_WORDS,
    is_describing,
    is_filler,
)

_VULGAR = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3", "⅛": "1/8"}
_HARD = re.compile(r"[\n\r;•·]+|(?:^|\s)[-*–]\s+")
_PARENS = re.compile(r"\(([^()]*)\)")
_BINDING = frozenset({"med", "utan", "i", "till", "från", "av", "märket", "och", "&", "à", "a"})
LEADING = frozenset({"och", "så", "samt", "plus", "sen", "sedan"})


class Lexicon(Protocol):
    """What splitting asks of the catalog."""

    @property
    def joined_pairs(self) -> Container[tuple[str, str]]: ...

    def is_noun(self, word: str) -> bool:
        """Does the word alone name products (not only describe them)?"""

    def together(self, left: list[str], right: str) -> bool:
        """Do products exist named by the words `left` and `right` together?"""


class _NoCatalog:
    joined_pairs: Container[tuple[str, str]] = ()

    def is_noun(self, word: str) -> bool:
        return word.isalpha() and not is_describing(word) and word not in _NOT_NOUNS

    def together(self, left: list[str], right: str) -> bool:
        return True  # without a catalog, never split between two words


_NOT_NOUNS = frozenset(NUMBER_WORDS) | frozenset(UNIT_WORDS) | frozenset(PACKAGE_WORDS)


@dataclass
class Said:
    """One item as said: its words (amount included) and typed notes that describe it."""

    words: list[str]
    notes: list[str] = field(default_factory=list)


def split_items(utterance: str, lexicon: Lexicon | None = None) -> list[Said]:
    """The utterance's items in the order said."""
    if not isinstance(utterance, str):
        return []
    lexicon = lexicon or _NoCatalog()
    text = utterance[:2000]
    for char, fraction in _VULGAR.items():
        text = re.sub(rf"(\d){char}", rf"\1 {fraction}", text).replace(char, f" {fraction} ")
    items: list[Said] = []
    for line in _HARD.split(text):
        notes_by_part: list[str] = []
        # a parenthesis describes the item before it; keep its words as a separate part
        line = _PARENS.sub(lambda m: f" , ({m.group(1)}) , ", line)
        for part in _comma_parts(line):
            notes_by_part.append(part)
        _add_parts(items, notes_by_part, lexicon)
    return [item for item in items if item.words]


def _comma_parts(line: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for at, char in enumerate(line):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        decimal = 0 < at < len(line) - 1 and line[at - 1].isdigit() and line[at + 1].isdigit()
        if char == "," and depth == 0 and not decimal:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]


_NUMERIC = re.compile(r"^\d+(?:[,.]\d+)?(?:[-–/]\d+(?:[,.]\d+)?)?$")


def words_of(text: str) -> list[str]:
    """The words of a text: lower case, punctuation gone, "1,5", "1/2" and "1-2" kept whole,
    "coca-cola" and "ranch/sourcream" in two."""
    text = normalise(text.replace("(", " ").replace(")", " "))
    words: list[str] = []
    for word in text.replace(",", " , ").split():
        # keep decimal commas: "1 , 5" came from "1,5"
        if len(words) >= 2 and words[-1] == "," and words[-2].isdigit() and word[:1].isdigit():
            words[-2:] = [words[-2] + "," + word]
            continue
        word = word.strip(".-/")
        if not word:
            continue
        if _NUMERIC.match(word) or ("-" not in word and "/" not in word):
            words.append(word)
        else:
            words += [part for part in re.split(r"[-/]+", word) if part]
    return [w for w in words if w != ","]


def _add_parts(items: list[Said], parts: list[str], lexicon: Lexicon) -> None:
    first_of_line = len(items)
    for part in parts:
        in_parens = part.strip().startswith("(")
        words = words_of(part)
        if not words:
            continue
        if len(items) > first_of_line and (in_parens or _describes(words)):
            last = items[-1]
            if in_parens and _only_amount(words) and not _has_amount(last.words):
                last.words.extend(words)  # "Bananer (5 st)"
            else:
                last.notes.extend(words)
            continue
        for said in _split_part(words, lexicon):
            # "persilja till servering", "smör till stekning": what it is for, not what it is
            if len(said) >= 3 and said[-2] == "till" and said[-1].endswith("ing"):
                items.append(Said(said[:-2], said[-2:]))
            else:
                items.append(Said(said))


def _describes(words: list[str]) -> bool:
    """A part that only describes ("finhackad", "skalade och rivna", "till servering")."""
    if words[0] in DESCRIPTOR_STARTS:
        return True
    return all(
        is_describing(w) or is_filler(w) or w in {"och", "eller"} or to_number(w) is not None
        for w in words
    )


def _only_amount(words: list[str]) -> bool:
    words = [w for w in words if w not in APPROXIMATE]
    return bool(words) and amount_length(words, 0) == len(words)


def _has_amount(words: list[str]) -> bool:
    return any(amount_length(words, i) for i in range(len(words)))


def _split_part(words: list[str], lexicon: Lexicon) -> list[list[str]]:
    pieces: list[list[str]] = [[]]
    for i, word in enumerate(words):
        if word in CONNECTORS:
            left = pieces[-1][-1] if pieces[-1] else ""
            right = words[i + 1] if i + 1 < len(words) else ""
            pair = (left, "och" if right == "&" else right)
            if _amount_phrase(words, i) or pair in lexicon.joined_pairs:
                pieces[-1].append("och" if word == "&" else word)
                continue
            pieces.append([])
        else:
            pieces[-1].append(word)
    out: list[list[str]] = []
    for piece in pieces:
        for framed in split_frames(piece):
            while framed and framed[0] in LEADING:
                framed = framed[1:]
            for by_amount in _split_at_amounts(framed, lexicon):
                out.extend(_split_at_nouns(by_amount, lexicon))
    return [item for item in out if item]


def _amount_phrase(words: list[str], i: int) -> bool:
    """'en och en halv', 'två och ett halvt': the och belongs to a number."""
    left = words[i - 1] if i > 0 else ""
    rest = words[i + 1 : i + 3]
    return (
        to_number(left) is not None
        and len(rest) == 2
        and rest[0] in {"en", "ett"}
        and rest[1] in {"halv", "halvt"}
        and (left in NUMBER_WORDS or left.isdigit())
    )


def _amount_at(words: list[str], i: int) -> int:
    """Words an amount starting a new item takes at words[i] (0 when none)."""
    if words[i] in APPROXIMATE:
        rest = _amount_at(words, i + 1) if i + 1 < len(words) else 0
        return 1 + rest if rest else 0
    length = amount_length(words, i)
    if length:
        after = words[i + length] if i + length < len(words) else ""
        if after in {"%", "procent"}:
            return 0
        return length
    return 1 if words[i] in PACKAGE_WORDS or words[i] in KITCHEN_UNITS else 0


def _split_at_amounts(words: list[str], lexicon: Lexicon) -> list[list[str]]:
    items: list[list[str]] = [[]]
    i = 0
    while i < len(words):
        length = _amount_at(words, i)
        if length and not items[-1]:  # the item's own amount: "en och en halv liter"
            items[-1] += words[i : i + length]
            i += length
            continue
        if length and _names(items[-1], lexicon):
            nxt = i + length
            while nxt < len(words) and not _amount_at(words, nxt):
                nxt += 1
            if _names(words[i + length : nxt], lexicon):
                items.append(words[i : i + length])
                i += length
                continue
            # an amount after the item ("lättmjölk två stycken") stays with it
        items[-1].append(words[i])
        i += 1
    return items


def _names(words: list[str], lexicon: Lexicon) -> bool:
    return any(lexicon.is_noun(w) for w in words if not _amount_word(w))


def _amount_word(word: str) -> bool:
    return (
        to_number(word) is not None
        or word in UNIT_WORDS
        or word in PACKAGE_WORDS
        or word in KITCHEN_UNITS
        or word in APPROXIMATE
    )


def _split_at_nouns(words: list[str], lexicon: Lexicon) -> list[list[str]]:
    """Split between two product words that name nothing together ("mjölk bröd")."""
    start = 0
    while start < len(words) and _amount_at(words, start):
        start += _amount_at(words, start)
    out: list[list[str]] = []
    current = words[:start]
    nouns: list[str] = []
    pending: list[str] = []  # describing words waiting for their noun
    for word in words[start:]:
        if word in _BINDING:
            current += pending + [word]
            pending = []
            nouns.append(word)  # "knäcke med salt": what follows is bound to the item
            continue
        if word in FORM_WORDS and nouns and not pending:
            current.append(word)  # "potatismos pulver", "ost skivor": the form of the item
            continue
        if is_describing(word) or not lexicon.is_noun(word):
            pending.append(word)
            continue
        bound = bool(nouns) and nouns[-1] in _BINDING
        if nouns and not bound and not lexicon.together(nouns, word):
            out.append(current)
            current, nouns = [], []
        current += pending + [word]
        pending = []
        nouns.append(word)
    current += pending
    out.append(current)
    return [item for item in out if item]
