"""Which of the shown products the client's words point at: "den första", "nummer två", "den
sista", "Pågen", "den ljusa", "den stora", "den billigaste", "den utan laktos", "den vanliga".

Pure: products in (the cards as shown, best first), an index out. Position words come first,
then price and size superlatives, then describing words (a small lexicon of what shoppers say
about a product: light/dark, organic, lactose-free, coarse, light/full fat) matched against the
product's name and facts, then any other word that starts a word of the brand or the name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from catalog_matcher.normalize import fold

POSITIONS = {
    "första": 0, "förste": 0, "ettan": 0, "vänster": 0, "vänstra": 0,
    "andra": 1, "tvåan": 1,
    "tredje": 2, "trean": 2,
    "fjärde": 3, "fyran": 3,
    "femte": 4, "femman": 4,
}  # fmt: skip
COUNTED = {"ett": 0, "en": 0, "1": 0, "två": 1, "2": 1, "tre": 2, "3": 2, "fyra": 3, "4": 3}
"""Numbers name a card only after "nummer", "bild" or "den" ("nummer två"), or alone."""
LAST = {"sista", "höger", "högra", "högst"}
MIDDLE = {"mitten", "mittersta", "mellersta"}
CHEAPEST = ("billig", "lägst")
DEAREST = ("dyr", "högst")
BIG = ("stor", "större", "störst")
SMALL = ("liten", "lilla", "små", "mindre", "minst")
USUAL = {"vanliga", "vanlig", "brukar", "samma", "förra", "alltid"}
# describing word -> words or facts of a product that fit it
FEATURES: dict[str, set[str]] = {
    "ljus": {
        "ljus",
        "ljust",
        "ljusa",
        "vit",
        "vitt",
        "vita",
        "vete",
        "franska",
        "formfranska",
        "rost",
        "toast",
        "ljusrost",
        "mild",
    },
    "mörk": {
        "mörk",
        "mörkt",
        "mörka",
        "råg",
        "rågbröd",
        "kavring",
        "fullkorn",
        "svart",
        "mörkrost",
        "mörkrostat",
        "dark",
    },
    "eko": {"eko", "ekologisk", "ekologiskt", "ekologiska", "krav", "organic", "#eko"},
    "laktosfri": {"laktosfri", "laktosfritt", "laktosfria", "lf", "laktos"},
    "grov": {"grov", "grovt", "grova", "fullkorn", "råg", "kärn", "fiber"},
    "fin": {"fin", "fint", "fina", "vete", "franska"},
    "lätt": {"lätt", "light", "mager", "0,5%", "0,1%", "minus", "lättmjölk"},
    "fet": {"standard", "3%", "fet", "feta", "grädd", "extra"},
    "söt": {"söt", "sött", "söta", "sirap", "honung", "socker"},
    "stark": {"stark", "starkt", "starka", "hot", "chili", "lagrad", "mogen"},
    "mild": {"mild", "milt", "milda", "mellan"},
    "saltad": {"saltat", "saltad", "normalsaltat", "salt"},
    "osaltad": {"osaltat", "osaltad"},
    "hel": {"hel", "hela", "helt"},
    "skivad": {"skivad", "skivat", "skivor", "skivade"},
}
WORD_FEATURE = {
    "ljus": "ljus", "ljusa": "ljus", "ljust": "ljus", "vit": "ljus", "vita": "ljus", "vitt": "ljus",
    "mörk": "mörk", "mörka": "mörk", "mörkt": "mörk", "svart": "mörk", "svarta": "mörk",
    "eko": "eko", "ekologisk": "eko", "ekologiska": "eko", "ekologiskt": "eko", "krav": "eko",
    "laktosfri": "laktosfri", "laktosfria": "laktosfri", "laktosfritt": "laktosfri",
    "grov": "grov", "grova": "grov", "grovt": "grov", "fullkorn": "grov",
    "fin": "fin", "fina": "fin", "fint": "fin",
    "lätt": "lätt", "lätta": "lätt", "light": "lätt", "mager": "lätt", "magra": "lätt",
    "feta": "fet", "fet": "fet", "fett": "fet", "standard": "fet",
    "söt": "söt", "söta": "söt", "sött": "söt",
    "stark": "stark", "starka": "stark", "starkt": "stark",
    "mild": "mild", "milda": "mild", "milt": "mild",
    "saltat": "saltad", "saltad": "saltad", "saltade": "saltad",
    "osaltat": "osaltad", "osaltad": "osaltad", "osaltade": "osaltad",
    "hel": "hel", "hela": "hel", "helt": "hel",
    "skivad": "skivad", "skivade": "skivad", "skivat": "skivad", "skivor": "skivad",
}  # fmt: skip
IGNORED = {
    "den", "det", "de", "dem", "jag", "tar", "ta", "vill", "ha", "tack", "ja", "nej", "gärna",
    "och", "så", "är", "en", "ett", "av", "med", "på", "the", "nummer", "bild", "bilden",
    "kortet", "sorten", "sort", "som", "har", "hade", "blir", "bra", "inte", "i", "stället",
    "istället", "hellre", "vilken", "vilket", "välj", "väljer", "vara", "varan", "mig", "oss",
    "gör", "byt", "till", "mot", "förresten", "kanske", "nog", "då", "du", "kan", "man",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Shown:
    """What the chooser needs to know of a shown product."""

    name: str
    brand: str
    price_ore: int
    compare_ore: int | None = None
    size_total: Decimal | None = None
    organic: bool = False
    usual: bool = False


def words_of(text: str) -> list[str]:
    return [w.strip(".,!?”\"'():;") for w in fold(text).split() if w.strip(".,!?”\"'():;")]


def _tokens(product: Shown) -> set[str]:
    tokens = set(words_of(f"{product.brand} {product.name}"))
    tokens |= {part for token in tokens for part in token.split("-")}
    if product.organic:
        tokens.add("#eko")
    return tokens


def _has(product: Shown, feature: str) -> bool:
    wanted = FEATURES[feature]
    tokens = _tokens(product)
    if tokens & wanted:
        return True
    # compounds: "Rågbröd", "Laktosfri Mellanmjölk", "Ljusrost"
    return any(token.startswith(w) or token.endswith(w) for token in tokens for w in wanted
               if len(w) >= 4)  # fmt: skip


def _unit_price(product: Shown) -> int:
    """What "den billigaste" compares: the price the client pays for one (the cards may be
    of different kinds, whose jämförpris are per kg, per litre or per piece)."""
    return product.price_ore


def _position(words: list[str], count: int) -> int | None:
    for i, word in enumerate(words):
        if word in POSITIONS and POSITIONS[word] < count:
            return POSITIONS[word]
        if word in LAST:
            return count - 1
        if word in MIDDLE:
            return count // 2
        before = words[i - 1] if i else ""
        if word in COUNTED and (before in {"nummer", "bild", "den", "kort"} or len(words) == 1):
            return COUNTED[word] if COUNTED[word] < count else None
    return None


def choose(text: str, products: Sequence[Shown], *, unique: bool = False) -> int | None:
    """The index of the product the words choose, or None when they point at none of them.
    `unique`: a name or brand must fit exactly one product ("mjölk" among four milks is not a
    choice)."""
    if not products:
        return None
    words = words_of(text)
    if (at := _position(words, len(products))) is not None:
        return at
    if USUAL & set(words):
        usual = [i for i, p in enumerate(products) if p.usual]
        return usual[0] if usual else None
    indices = range(len(products))
    for word in words:
        if word.startswith(CHEAPEST):
            return min(indices, key=lambda i: _unit_price(products[i]))
        if word.startswith(DEAREST):
            return max(indices, key=lambda i: _unit_price(products[i]))
        sized = [i for i in indices if products[i].size_total]
        if sized and word.startswith(BIG):
            return max(sized, key=lambda i: products[i].size_total or 0)
        if sized and word.startswith(SMALL):
            return min(sized, key=lambda i: products[i].size_total or 0)
    wanted = [WORD_FEATURE[w] for w in words if w in WORD_FEATURE]
    if "utan" in words and "laktos" in words:
        wanted.append("laktosfri")
    if wanted:
        fitting = [i for i in indices if all(_has(products[i], f) for f in wanted)]
        if fitting:
            return fitting[0]
        fitting = [i for i in indices if any(_has(products[i], f) for f in wanted)]
        return fitting[0] if fitting else None
    return _named(words, products, unique)


def _named(words: list[str], products: Sequence[Shown], unique: bool) -> int | None:
    """A word that begins the brand or a word of the name ("Pågen", "lingongrova")."""
    content = [w for w in words if w not in IGNORED and len(w) >= 3]
    for word in content:
        root = word[:4] if len(word) >= 4 else word
        hits = [i for i, p in enumerate(products) if any(t.startswith(root) for t in _tokens(p))]
        if len(hits) == 1 or (hits and len(content) == 1 and not unique):
            return hits[0]
    return None


def names_a_product(text: str, products: Sequence[Shown]) -> int | None:
    """A short answer that names one shown product by brand or name ("Bregott", "den grova")
    or describes it: a choice, even when it sounds like adding a product."""
    words = [w for w in words_of(text) if w not in IGNORED]
    if not words or len(words) > 3:
        return None
    return choose(text, products, unique=True)
