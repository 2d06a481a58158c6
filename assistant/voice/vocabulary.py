"""The words speech recognition is biased toward: the catalog's product words, the words of the
dialogue's training examples (numbers, "ja", "ta bort", "beställ" …). Used as a Vosk grammar
where the model's graph allows it (see `Recognizer`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.config import PROJECT_ROOT
from assistant.db import session_scope
from assistant.db.models import Product
from catalog_matcher.normalize import tokens

NLU_FILE = PROJECT_ROOT / "nlu_data" / "data" / "nlu.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EXAMPLE = re.compile(r"^\s*- (.+)$")
_LETTERS = re.compile(r"[^\W\d_]+")


def dialogue_words(nlu_file: Path = NLU_FILE) -> set[str]:
    """Words of the Rasa training examples (annotations reduced to their text)."""
    if not nlu_file.is_file():
        return set()
    words: set[str] = set()
    for line in nlu_file.read_text(encoding="utf-8").splitlines():
        if match := _EXAMPLE.match(line):
            words.update(tokens(_ANNOTATION.sub(r"\1", match.group(1))))
    return words


def catalog_words(sessions: sessionmaker[Session]) -> set[str]:
    """Words of active product names and brands."""
    words: set[str] = set()
    with session_scope(sessions, read_only=True) as session:
        for name, brand in session.execute(
            select(Product.name, Product.brand).where(Product.active.is_(True))
        ):
            words.update(tokens(f"{name} {brand or ''}"))
    return words


def recognition_words(sessions: sessionmaker[Session], extra: Iterable[str] = ()) -> frozenset[str]:
    """Only words of letters: a recogniser's lexicon has no "1,5%" (and a grammar of signs it
    happens to know, such as "%", would make it hear nothing else)."""
    words = catalog_words(sessions) | dialogue_words() | set(extra)
    return frozenset(w for w in words if _LETTERS.fullmatch(w))
