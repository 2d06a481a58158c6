"""Swedish text normalisation for spoken shopping phrases: case, punctuation, fillers, tokens.

å, ä and ö are letters of their own and are kept; other accents are folded only for
comparison (é -> e) so "zoégas" and "zoegas" meet.
"""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT = 2000  # longer text is cut: nobody says more than this in one breath

_FILLER_WORDS = "eh ehm öh öhm hm hmm mm äh ähm tack snälla också även lite gärna så då ju nog väl"
FILLERS = frozenset(_FILLER_WORDS.split())
# phrases dropped wherever they stand
FILLER_PHRASES = (
    "jag skulle vilja ha",
    "jag vill ha",
    "jag behöver",
    "kan jag få",
    "jag vill köpa",
    "vi behöver",
    "jag tar",
    "köp",
)
_KEEP = re.compile(r"[^0-9a-zåäöæøü%,.&\s-]")
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
    """Lower-cased, accent-folded text with punctuation (except , . & % -) replaced by spaces.

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


def drop_fillers(words: list[str]) -> list[str]:
    """Remove filler words and polite phrases ("eh", "tack", "jag vill ha")."""
    joined = " " + " ".join(words) + " "
    for phrase in FILLER_PHRASES:
        joined = joined.replace(f" {phrase} ", " ")
    return [w for w in joined.split() if w not in FILLERS]
