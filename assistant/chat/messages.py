"""What the user typed or said, made safe to send on, and the polite answers for bad input."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_MESSAGE_CHARS = 500
_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")

EMPTY_REPLY = "Jag hörde inget. Säg eller skriv vad du vill handla, till exempel ”två liter mjölk”."
TOO_LONG_REPLY = "Det var mycket på en gång. Kan du säga det kortare, några varor i taget?"
NOT_UNDERSTOOD_REPLY = (
    "Förlåt, det förstod jag inte. Säg vad du vill handla, till exempel ”en limpa”."
)
STARTING_REPLY = (
    "Assistenten startar, vänta en liten stund. Du kan välja varor med bilderna under tiden."
)
NO_ANSWER_REPLY = (
    "Det gick inte att göra det just nu. Inget har ändrats i varukorgen. Försök igen om en stund."
)
UNAVAILABLE_REPLY = (
    "Assistenten svarar inte just nu. Inget har ändrats i varukorgen. "
    "Du kan fortsätta med bilderna."
)


@dataclass(frozen=True)
class CleanMessage:
    text: str
    refusal: str | None = None  # a polite answer instead of sending the text on


def clean_message(raw: str | None) -> CleanMessage:
    """Strip markup, control characters and symbols; refuse empty and overlong messages."""
    text = unicodedata.normalize("NFC", raw or "")
    text = _TAG.sub(" ", text)
    text = "".join(
        ch if unicodedata.category(ch)[0] in "LNPZ" or ch in "%:-" else " " for ch in text
    )
    text = _SPACE.sub(" ", text).strip().lstrip("/").strip()  # "/intent" would bypass the NLU
    if not any(ch.isalnum() for ch in text):
        return CleanMessage("", EMPTY_REPLY)
    if len(text) > MAX_MESSAGE_CHARS:
        return CleanMessage("", TOO_LONG_REPLY)
    return CleanMessage(text)
