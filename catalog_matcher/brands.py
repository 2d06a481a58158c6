"""Brand phrases: "kaffe från zoegas", "ett paket av märket arla", "zoegas kaffe",
"kaffe zoegas", "bregott".

The brand is looked up among the store's brands first; a brand the store does not carry is
recognised from `data/brands.txt` (brands sold in Sweden) or, after "från"/"av"/"märket",
from words the store's catalog does not know at all. Words after "från" that product names
use ("balsamvinäger från modena") are not a brand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from catalog_matcher.normalize import tokens
from catalog_matcher.wordclasses import is_describing, is_filler

BRANDS_FILE = Path(__file__).with_name("data") / "brands.txt"
MARKERS = ("från", "av", "märket", "märke", "fabrikat")
MAX_BRAND_WORDS = 3
ARTICLES = frozenset(["den", "det", "de", "en", "ett", "denna", "detta", "dessa", "samma"])


def load_known_brands(path: Path = BRANDS_FILE) -> dict[tuple[str, ...], str]:
    known: dict[tuple[str, ...], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            known.setdefault(tuple(tokens(line)), line)
    return known


@dataclass
class BrandPhrase:
    """The brand an item names: as spelled (`name`), the store's products of it (`products`,
    empty when the store carries none), and the item's words without it (`rest`)."""

    name: str
    products: set[int]
    rest: list[str]
    said: list[str] = field(default_factory=list)


class Brands:
    """The store's brands, by their word sequences."""

    def __init__(self, brands: Iterable[str]) -> None:
        self.products: dict[tuple[str, ...], set[int]] = defaultdict(set)
        spellings: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for i, brand in enumerate(brands):
            words = tuple(tokens(brand))
            for start in range(len(words)):
                for end in range(start + 1, min(len(words), start + MAX_BRAND_WORDS) + 1):
                    part = words[start:end]
                    self.products[part].add(i)
                    spellings[part][brand] += 1
        # "arla" is spelled "Arla" where the catalog has that brand alone, else its commonest
        self.spelling = {
            words: next(
                (b for b in counts if tuple(tokens(b)) == words), counts.most_common(1)[0][0]
            )
            for words, counts in spellings.items()
        }
        self.known = load_known_brands()

    def _store_brand(self, words: list[str]) -> tuple[str, set[int]] | None:
        key = tuple(words)
        if key in self.products and not all(_weak(w) for w in words):
            return self.spelling[key], self.products[key]
        return None

    def _other_brand(self, words: list[str]) -> str | None:
        key = tuple(words)
        if key in self.known:
            return self.known[key]
        return None

    def find(
        self,
        words: list[str],
        knows_word: Callable[[str], bool],
        in_names: Callable[[list[str]], int],
    ) -> BrandPhrase | None:
        """The brand in an item's words (amount already taken off), or None. `knows_word`:
        does the catalog know the word at all; `in_names`: how many product names hold the
        words."""
        for at, word in enumerate(words):
            if word not in MARKERS:
                continue
            start = at + 1
            if word == "av" and start < len(words) and words[start] in {"märket", "märke"}:
                start += 1
            said = words[start : start + MAX_BRAND_WORDS]
            if not said or said[0] in ARTICLES:
                continue  # "av den vanliga", "av det"
            for end in range(len(said), 0, -1):
                found = self._store_brand(said[:end])
                if found:
                    rest = words[:at] + words[start + end :]
                    return BrandPhrase(found[0], found[1], rest, said[:end])
            for end in range(len(said), 0, -1):
                other = self._other_brand(said[:end])
                if other:
                    return BrandPhrase(other, set(), words[:at] + words[start + end :], said[:end])
            named = word != "av" or start > at + 1  # "av märket X", "från X", not "av X"
            if named and (word != "från" or not any(knows_word(w) for w in said)):
                # "av märket X" or an unknown name after "från": a brand this store lacks
                return BrandPhrase(" ".join(said).title(), set(), words[:at], said)
        # a leading or trailing brand name: "zoegas kaffe", "kaffe zoegas", "bregott"
        for size in range(min(MAX_BRAND_WORDS, len(words)), 0, -1):
            for said, rest in ((words[:size], words[size:]), (words[-size:], words[:-size])):
                found = self._store_brand(said)
                if found and self._is_brand_here(said, in_names):
                    return BrandPhrase(found[0], found[1], rest, said)
                other = self._other_brand(said)
                if other and not knows_word(said[0]) and not _weak_all(said):
                    return BrandPhrase(other, set(), rest, said)
        return None

    def _is_brand_here(self, said: list[str], in_names: Callable[[list[str]], int]) -> bool:
        """Words that name more products as their brand than in their names ("loka",
        "pepsi", "coca cola", "bregott") are the brand; "kyckling" in "Reko Kyckling" is not."""
        if _weak_all(said):
            return False
        return len(self.products[tuple(said)]) >= in_names(said)


def _weak(word: str) -> bool:
    return is_describing(word) or is_filler(word) or len(word) < 3 or word.isdigit()


def _weak_all(words: list[str]) -> bool:
    return all(_weak(w) for w in words)
