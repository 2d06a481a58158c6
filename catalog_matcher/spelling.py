"""A rough Swedish sound key, so spellings that sound alike meet: majones = majonnäs,
spageti = spaghetti, schampo = shampoo, mozarella = mozzarella, brokkoli = broccoli."""

from __future__ import annotations

import re
from functools import lru_cache

_RULES = (
    (re.compile(r"sch|sh|skj|stj|sj|ch"), "S"),
    (re.compile(r"ck|c(?=[aouåkrc])|q"), "k"),
    (re.compile(r"c"), "s"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"th"), "t"),
    (re.compile(r"[zx]"), "s"),
    (re.compile(r"w"), "v"),
    (re.compile(r"[äe]"), "e"),
    (re.compile(r"[yü]"), "j"),
    (re.compile(r"(.)\1+"), r"\1"),  # double letters
)


@lru_cache(maxsize=65536)
def sound_key(word: str) -> str:
    key = word
    for pattern, replacement in _RULES:
        key = pattern.sub(replacement, key)
    return key
