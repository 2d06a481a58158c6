"""Request frames around the products: "jag skulle vilja ha …", "kan du lägga till …",
"och så behöver jag …", "sen tar vi …", "skriv upp …", "glöm inte …", "har ni …",
"finns det …", "… tack", "… också", "… är du snäll".

A frame is a run of frame words (pronouns, request verbs, particles, small adverbs) holding at
least one verb or question word; a particle ("till", "i", "upp", "med") belongs to it only
right after a verb. A frame inside a phrase ends one item and starts the next ("mjölk jag
behöver också smör"). Hesitations and fillers go wherever they stand.
"""

from __future__ import annotations

from catalog_matcher.wordclasses import (
    CORE,
    FRAME_OTHER,
    PARTICLES,
    POLITE_TAILS,
    PRONOUNS,
    TRAILING,
    is_filler,
)

_FRAME = PRONOUNS | CORE | FRAME_OTHER | {"att", "kunna", "tror", "slut", "hem", "se"}
_CORE = CORE | {"kunna", "tror", "slut"}
_KEEP_BEFORE = {"vanliga", "vanligt"}  # "det vanliga", "som vanligt" ask for the usual


def _frame_end(words: list[str], start: int) -> int:
    """The end of a frame starting at `start`, or `start` when none starts there."""
    end = start
    core = False
    last_verb = False
    while end < len(words):
        word = words[end]
        if end + 1 < len(words) and words[end + 1] in _KEEP_BEFORE:
            break
        if word in PARTICLES and last_verb:
            end += 1
            continue  # "lägga till i", "skriv upp"
        if word == "inte" and end > start and words[end - 1].startswith("glöm"):
            end += 1
            continue
        if word not in _FRAME or word in PARTICLES:
            break
        core = core or word in _CORE
        last_verb = word in _CORE
        end += 1
    return end if core else start


def _without_tail(words: list[str]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        for tail in POLITE_TAILS:
            if tuple(words[-len(tail) :]) == tail:
                words = words[: -len(tail)]
                changed = True
        if words and words[-1] in TRAILING and len(words) > 1:
            words = words[:-1]
            changed = True
    return words


def split_frames(words: list[str]) -> list[list[str]]:
    """The parts of a phrase between request frames, without frames, hesitations or fillers."""
    parts: list[list[str]] = [[]]
    i = 0
    while i < len(words):
        end = _frame_end(words, i)
        if end > i:
            if parts[-1]:
                parts.append([])
            i = end
            continue
        if not is_filler(words[i]):
            parts[-1].append(words[i])
        i += 1
    return [tail for part in parts if (tail := _without_tail(part))]
