"""Swedish text normalisation for spoken shopping phrases: case, punctuation, tokens.

å, ä and ö are letters of their own and are kept; other accents are folded only for
comparison (é -> e) so "zoégas" and "zoegas" meet.
"""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT = 2000  # longer text is cut: nobody says more than this in one breath

_KEEP = re.compile(r"[^0-9a-zåäöæøü%,.&/\s-]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case; fold accents other than å ä ö ("é" -> "e")."""
    out = []
    for char in unicodedata.normalize("NFC", text.lower()):
        if char in "åäö":
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        out.append(decomposed[0] if decomposed else char)
    return "".join(out)


def normalise(text: str) -> str:
    """Lower-cased, accent-folded text with punctuation (except , . & % / -) replaced by spaces.

    Never raises: anything that is not a string, or holds nothing usable, gives "".
    """
    if not isinstance(text, str):
        return ""
    text = fold(text[:MAX_INPUT])
    text = text.replace("&", " & ")
    text = _KEEP.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Word tokens of normalised product or query text ("Smör-&rapsolja" -> smör, och, rapsolja)."""
    text = normalise(text).replace("&", " och ")
    return [t for t in re.split(r"(?:[\s\-/]|[,.](?!\d))+", text) if t]
