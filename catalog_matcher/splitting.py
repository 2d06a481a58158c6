"""Split one utterance into items: "smör, bröd och mjölk" -> smör | bröd | mjölk.

A connector is not a split when the words on both sides of it are a pair that product
names join with "och" or "&" ("salt och peppar", "smör & raps"): `joined_pairs` holds those.
"""

from __future__ import annotations

from collections.abc import Container

from catalog_matcher.normalize import normalise
from catalog_matcher.quantities import NUMBER_WORDS, to_number

CONNECTORS = frozenset({"och", "&", "samt", "plus", "sen", "sedan"})
LEADING = frozenset({"och", "så", "samt", "plus", "sen", "sedan"})


def split_items(utterance: str, joined_pairs: Container[tuple[str, str]] = ()) -> list[list[str]]:
    """The utterance's items, each as a list of words (fillers still in them)."""
    text = normalise(utterance).replace(",", " , ").replace(". ", " , ")
    # keep decimal commas: "1 , 5" came from "1,5"
    words = text.split()
    merged: list[str] = []
    for word in words:
        if len(merged) >= 2 and merged[-1] == "," and merged[-2].isdigit() and word.isdigit():
            merged[-2:] = [merged[-2] + "," + word]
            continue
        merged.append(word.strip("."))
    items: list[list[str]] = [[]]
    i = 0
    while i < len(merged):
        word = merged[i]
        if word == ",":
            items.append([])
        elif word in CONNECTORS:
            left = items[-1][-1] if items[-1] else ""
            right = merged[i + 1] if i + 1 < len(merged) else ""
            if _amount_phrase(merged, i) or (left, right) in joined_pairs:
                items[-1].append("och" if word == "&" else word)
            else:
                items.append([])
        else:
            items[-1].append(word)
        i += 1
    cleaned = []
    for item in items:
        while item and item[0] in LEADING:
            item = item[1:]
        if item:
            cleaned.append(item)
    return cleaned


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
