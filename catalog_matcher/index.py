"""The catalog index: candidate search, kinds (head nouns), ambiguity, "not in the store", brands
and the history prior."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

from rapidfuzz import fuzz, process

from catalog_matcher.brands import BrandPhrase, Brands
from catalog_matcher.carriers import split_frames
from catalog_matcher.history import Purchase, purchase_counts
from catalog_matcher.normalize import fold, tokens
from catalog_matcher.product import Product
from catalog_matcher.quantities import (
    APPROXIMATE,
    KITCHEN_UNITS,
    PACKAGE_WORDS,
    UNIT_WORDS,
    Amount,
    read_amount,
    to_number,
)
from catalog_matcher.result import BOUGHT_BEFORE, Candidate, ItemMatch
from catalog_matcher.spelling import sound_key
from catalog_matcher.splitting import Said, split_items, words_of
from catalog_matcher.wordclasses import (
    FORM_WORDS,
    is_describing,
    is_filler,
    plain_form,
    required_form,
)

TERMS_FILE = Path(__file__).with_name("data") / "subcategory_terms.csv"
CATEGORIES_FILE = Path(__file__).with_name("data") / "categories.txt"
USUAL = (
    ("som", "vanligt"),
    ("det", "vanliga"),
    ("den", "vanliga"),
    ("de", "vanliga"),
    ("som", "förra", "gången"),
    ("samma", "som", "vanligt"),
)


T = TypeVar("T")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# words in a name that say how, not what ("Potatis Fast Klass 1")
ATTRIBUTES = _words(
    "klass 1 2 eko ekologisk ca fryst frysta färsk färska sverige import skivad skivor och "
    "med utan i av x st p pack kl pet burk tetra påse flaska glas refill port portioner "
    "sverige danmark irland holland spanien italien tyskland frankrike polen norge"
)
MODIFIER_STOP = _words("utan med mindre tillsatt och i av extra")
# describing parts of an unknown compound that need not be matched ("småpotatis")
COMPOUND_DESCRIBING = _words(
    "små stor stora mini maxi eko färsk fryst hel halv extra lätt mellan standard mager fet"
)
# words in names that are neither a kind nor a flavour ("Classic Power Powder ...")
NOT_KINDS = _words(
    "classic original power fresh premium gold extra light zero sensitive white colour color "
    "mini max multi action pure natural organic sweet hot mild sport family big super deluxe "
    "special select selection basic soft strong double triple crispy crunchy medium large small "
    "allt"
)
LIMIT = 10
SUGGESTIONS = 5
RANKED = 300  # the best scored products ranked and looked at further
ANSWERS = 5_000  # remembered answers per index
KINDS = 120  # the best matches a picture choice picks its kinds from
FLAVOUR_CHECKS = 80  # the best matches checked for being only a flavour of another kind
GROUPS = 3  # a word whose products lie in this many subcategories names many kinds
SPELLING_MIN_LENGTH = 7
SPELLING_SIMILAR = 0.9
KITCHEN_PIECES = ("klyfta", "klyftor", "kvist", "kvistar", "blad")
SYNONYMS = 8  # a seed subcategory with at most this many terms lists one product's names
# A candidate is a credible match for what was said when its credibility reaches FOUND:
# measured on the labelled sets by `python -m catalog_matcher.calibrate` (README).
FOUND = 0.74
_PLURALS = ("orna", "erna", "arna", "ena", "or", "ar", "er", "na")

# how a product was reached from a word, and how credibly that names the product
EXACT = 1.0  # the word, its inflection, or its parts written apart ("Sallad Isberg")
BRAND = 1.0
COMPOUND_HEAD = 0.9  # "mjölk" -> "mellanmjölk"
PARTS = 0.9  # an unknown compound whose parts one product holds ("grönsaksbuljong")
SOUNDS_ALIKE = 0.95  # "majonäs" -> "majonnäs"
GROUP = 0.8  # a department or subcategory name, a synonym seed
HEAD_ONLY = 0.5  # "julskinka" -> any "skinka": a suggestion, not the product
PREFIX = 0.4  # "kaffe" -> "kaffefilter"
FLAVOUR = 0.6  # factor when the word is only a flavour or ingredient ("Pastasås Mild Ost")


class Search(NamedTuple):
    scored: dict[int, float]  # product -> score
    kinds: dict[int, str]  # product -> the catalog word the head noun matched
    head: str
    hits: dict[str, dict[int, Hit]]
    credibility: dict[int, float]  # how credibly each product is what was said
    raw: dict[int, float]  # the same before flavours ("Citron ... Vatten" for "loka citron")


class Hit(NamedTuple):
    weight: float
    token: str
    how: str
    credibility: float


AddHits = Callable[[Iterable[int], float, str, str, float], None]
"""Records hits: (products, weight, token, how, credibility)."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A rough Swedish singular: bananer -> banan, äpplen -> äpple, bullar -> bull."""
    if len(word) >= 5 and word.endswith("en") and word[-3] in "lr":  # äpplen, päronen
        return word[:-1]
    for ending in _PLURALS:
        if len(word) - len(ending) >= 4 and word.endswith(ending):
            return word[: -len(ending)]
    return word


class Terms(NamedTuple):
    """The synonym seeds: category word -> subcategories, term word -> subcategories, each
    term's place in its subcategory's list (its usual rank as a kind), and each
    subcategory's terms as word sequences ("hela bönor")."""

    categories: dict[str, set[str]]
    subcategories_of: dict[str, set[str]]
    rank: dict[str, int]
    phrases: dict[str, list[tuple[str, ...]]]


def load_terms(path: Path = TERMS_FILE) -> Terms:
    terms = Terms(defaultdict(set), defaultdict(set), {}, defaultdict(list))
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            subcategory = fold(row.get("subcategory") or "").strip()
            for word in re.split(r"[,\s]+", fold(row.get("category") or "")):
                if len(word) >= 2:
                    terms.categories[word].add(subcategory)
            for place, term in enumerate((row.get("terms") or "").split(";")):
                words = tokens(term)
                if words:
                    terms.phrases[subcategory].append(tuple(words))
                if len(words) == 1:
                    terms.subcategories_of[words[0]].add(subcategory)
                    terms.rank.setdefault(words[0], place)
    return terms


class _JoinedPairs:
    """Word pairs product names join with "och"/"&" where the pair is the product itself
    ("Mellan Smör & Rapsolja" keeps "smör och rapsolja" one item; "Ost och Skinka Tramezzini
    Smörgås" does not keep "ost och skinka" together: there the pair is a filling)."""

    def __init__(self, index: CatalogIndex) -> None:
        self.index = index
        self.products: dict[tuple[str, str], set[int]] = defaultdict(set)

    def __contains__(self, pair: object) -> bool:
        if not isinstance(pair, tuple) or pair not in self.products:
            return False
        said = set(pair)
        return any(self.index._only_said(i, said) for i in self.products[pair])


class CatalogIndex:
    """Built once per catalog; `match(utterance)` and `match_item(words)` are then cheap."""

    def __init__(self, products: Iterable[Product], terms_file: Path = TERMS_FILE) -> None:
        self.products: list[Product] = list(products)
        self.name_tokens: list[list[str]] = []
        self.postings: dict[str, set[int]] = defaultdict(set)  # token or its stem -> products
        self.joined_pairs = _JoinedPairs(self)
        self.bigrams: dict[tuple[str, str], set[int]] = defaultdict(set)
        for i, product in enumerate(self.products):
            words = tokens(product.name)
            self.name_tokens.append(words)
            for word in words:
                self.postings[word].add(i)
                self.postings[stem(word)].add(i)
            for left, mid, right in zip(words, words[1:], words[2:], strict=False):
                if mid == "och":
                    self.joined_pairs.products[(left, right)].add(i)
            for pair in zip(words, words[1:], strict=False):
                self.bigrams[pair].add(i)
        self.name_words = {w for words in self.name_tokens for w in words}
        self.brands = Brands(p.brand for p in self.products)
        self.brand_postings = {k[0]: v for k, v in self.brands.products.items() if len(k) == 1}
        self.content = [_content(words) for words in self.name_tokens]
        self.last_word = [words[-1] if words else "" for words in self.content]
        self.first_word = [words[0] if words else "" for words in self.content]
        self.content_size = [len(words) for words in self.content]
        self.name_length = [len(words) for words in self.name_tokens]
        self.name_words_only = [
            [w for w in words if not w[:1].isdigit()] for words in self.name_tokens
        ]
        # words after "med", "utan", "i", "och" name an ingredient ("Knäcke med Salt")
        self.ingredients = [_after_stop(words) for words in self.name_tokens]
        self.first_count = Counter(self.first_word)
        firsts = set(self.first_word)
        self.head_nouns = dict(Counter(word for word in self.last_word if word in firsts))
        # the name ends in a word many names end in: another kind ("Päron Fruktdryck")
        self.kind_last = [self.head_nouns.get(word, 0) >= 5 for word in self.last_word]
        # a word that starts or ends names often is a kind of product ("Pastasås ...")
        self.type_count = dict(Counter(self.first_word) + Counter(self.last_word))
        self.by_suffix: dict[str, set[str]] = defaultdict(set)  # compound head -> compounds
        self.by_prefix: dict[str, set[str]] = defaultdict(set)  # compound modifier -> compounds
        for word in list(self.postings):
            for cut in range(3, len(word) - 2):
                self.by_suffix[word[cut:]].add(word)
                self.by_prefix[word[:cut]].add(word)
        # the first part of a catalog compound whose rest is a catalog word ("jul" in "julmust")
        self.compound_modifiers: set[str] = set()
        for word in list(self.postings):
            for cut in range(3, len(word) - 2):
                rest = word[cut:]
                if rest in self.postings or (rest[0] == "s" and rest[1:] in self.postings):
                    self.compound_modifiers.add(word[:cut])
        # "mellanrost" ends in "ost" but is a "rost": when four or more words share the longer
        # ending, the short one is not their head (a linking s, "hushållsost", does not count)
        endings = Counter(w[cut:] for w in self.postings for cut in range(3, len(w) - 2))
        for head, compounds in self.by_suffix.items():
            self.by_suffix[head] = {
                c
                for c in compounds
                if endings[c[len(c) - len(head) - 1 :]] < 4 or c[len(c) - len(head) - 1] == "s"
            }
        terms = load_terms(terms_file)
        self.term_words = terms.subcategories_of
        self.term_rank = terms.rank
        self.term_phrases = terms.phrases
        self.category_words = {w for w, subs in terms.categories.items() if len(subs) >= 2}
        self.category_subs = terms.categories
        # a category's words: "kött" -> fläsk, nöt, nötfärs, kyckling, korv ...
        self.category_terms: dict[str, set[str]] = defaultdict(set)
        for term, subcategories in terms.subcategories_of.items():
            for word, category_subs in terms.categories.items():
                if subcategories & category_subs and len(term) >= 3 and term not in CATEGORY_WORDS:
                    self.category_terms[word].add(term)
        # department and subcategory, where the catalog has them (the 2020 stores do)
        self.group_postings: dict[str, set[int]] = defaultdict(set)
        self.department = [fold(p.department).strip() for p in self.products]
        self.has_groups = sum(bool(d) for d in self.department) > len(self.products) // 2
        for i, product in enumerate(self.products):
            for word in tokens(f"{product.department} {product.subcategory}"):
                self.group_postings[stem(word)].add(i)
            if product.subcategory:
                self.group_postings["#" + fold(product.subcategory).strip()].add(i)
        self.vocabulary = sorted(set(self.postings) | set(self.brand_postings))
        self.sounds: dict[str, set[str]] = defaultdict(set)
        for word in self.vocabulary:
            if word.isalpha() and len(word) >= 4:
                self.sounds[sound_key(word)].add(word)
        self.key_by_name = {p.name.lower(): p.key for p in self.products}
        self.index_by_key = {p.key: i for i, p in enumerate(self.products)}
        self._generic_words: dict[str, bool] = {}
        self._hits: dict[str, dict[int, Hit]] = {}
        self._reach: dict[str, frozenset[int]] = {}
        self._shares: dict[tuple[str, str], float] = {}
        self._credible: dict[str, bool] = {}
        self._kind_words: dict[str, bool] = {}
        self._bases: dict[str, str] = {}
        self._roots: dict[str, str] = {}
        self._answers: dict[tuple[object, ...], tuple[ItemMatch, float]] = {}
        self._other_kinds: dict[tuple[int, str], tuple[bool, list[str]]] = {}

    # -- the public API ----------------------------------------------------------------------

    def match(
        self, utterance: str, history: Sequence[Purchase | str] | None = None
    ) -> list[ItemMatch]:
        """Every item of a spoken or typed utterance, in the order said. Never raises."""
        counts = purchase_counts(history, self.key_by_name)
        return [self._match_said(said, counts)[0] for said in split_items(utterance, self)]

    def assess(self, utterance: str) -> list[tuple[ItemMatch, float]]:
        """Each item with its best candidate's credibility (what `FOUND` is compared with);
        for calibrating the threshold on labelled sets (`catalog_matcher.calibrate`)."""
        return [self._match_said(said, Counter()) for said in split_items(utterance, self)]

    def match_item(self, text: str, history: Sequence[Purchase | str] | None = None) -> ItemMatch:
        """One already split item ("två liter mellanmjölk"); frames and fillers still go."""
        words = [w for part in split_frames(words_of(text)) for w in part]
        return self._match_said(Said(words), purchase_counts(history, self.key_by_name))[0]

    # -- what splitting asks of the catalog ----------------------------------------------------

    def is_noun(self, word: str) -> bool:
        """A word that can name a product: not describing, not an amount, not a filler."""
        return (
            len(word) >= 2
            and word not in {"och", "&", "samt", "plus", "eller"}
            and not is_describing(word)
            and not is_filler(word)
            and to_number(word) is None
            and word not in UNIT_WORDS
            and word not in PACKAGE_WORDS
            and word not in KITCHEN_UNITS
            and word not in APPROXIMATE
            and not word[:1].isdigit()
            and not word.startswith(("/", "%"))
        )

    def together(self, left: list[str], right: str) -> bool:
        """Do the item's product words so far and `right` name products together?"""
        nouns = [w for w in left if self.is_noun(w) and w not in {"och", "med", "utan", "i"}]
        if not nouns:
            return True
        last = nouns[-1]
        if self._joined(last, right) or (last, right) in self.bigrams:
            return True  # "mellan mjölk", "earl grey", "pepsi max"
        if self._brand_word(last) or self._brand_word(right):
            return True  # "zoegas kaffe", "kaffe zoegas", "olw chips"
        if self._known_brand_span(last, right):
            return True  # "coca cola" where the store sells none
        reach_right = self._reach_of(right)
        if not reach_right:
            # a word this store does not know is an item of its own, unless the word before
            # is an unknown name in the genitive ("janssons frestelse")
            if self._reach_of(last) or self._decompose(last) or self._decompose(right):
                return False
            return last.endswith("s") and len(last) >= 4
        both = set(reach_right)
        for word in nouns:
            reach = self._reach_of(word)
            if not reach:
                return False
            both &= reach
            if not both:
                return False
        said = set(nouns) | {right}
        return any(self._only_said(i, said) for i in list(both)[:200])

    # -- internals ---------------------------------------------------------------------------

    def _known_brand_span(self, left: str, right: str) -> bool:
        return (left, right) in self.brands.known or (left, right) in self.brands.products

    def _brand_word(self, word: str) -> bool:
        if word in self.brand_postings:
            return len(self.brand_postings[word]) >= self._in_names([word])
        return (word,) in self.brands.known and not self._knows(word)

    def _only_said(self, i: int, said: set[str]) -> bool:
        """Are all of the product's content words among (or compounds of) the words said?"""
        for word in self.content[i]:
            if word in said or stem(word) in said or is_describing(word):
                continue
            if any(word.endswith(s) or word.startswith(s) for s in said if len(s) >= 3):
                continue
            return False
        return True

    def _knows(self, word: str) -> bool:
        return bool(self._reach_of(word)) or word in self.brand_postings

    def _in_names(self, words: list[str]) -> int:
        found = set(self._reach_of(words[0]))
        for word in words[1:]:
            found &= self._reach_of(word)
        return len(found)

    def _reach_of(self, word: str) -> frozenset[int]:
        """Products that credibly hold the word: itself, its inflection, compounds with it as
        head ("mellanmjölk" for "mjölk")."""
        return _remember(self._reach, word, lambda: self._find_reach(word))

    def _find_reach(self, word: str) -> frozenset[int]:
        found: set[int] = set()
        for form in {word, self._root(word)}:
            found |= self.postings.get(form, set())
            if len(form) >= 3:
                for compound in self.by_suffix.get(form, ()):
                    found |= self.postings[compound]
        return frozenset(found)

    def _match_said(self, said: Said, counts: Counter[str]) -> tuple[ItemMatch, float]:
        """Match one item; without a purchase history the answer for the same words is
        remembered (a store's shoppers ask for "mjölk" all day)."""
        if counts:
            return self._match_words(said, counts)
        key = (tuple(said.words), tuple(said.notes))
        answer = lambda: self._match_words(said, counts)  # noqa: E731
        item, credibility = _remember(self._answers, key, answer, ANSWERS)
        return _copy(item), credibility

    def _match_words(self, said: Said, counts: Counter[str]) -> tuple[ItemMatch, float]:
        words, usual = _without_usual([w for w in said.words if w not in {",", "."}])
        amount = read_amount(words)
        brand = self.brands.find(amount.words, self._knows, self._in_names)
        rest = brand.rest if brand else amount.words
        query_words = [w for w in rest if w not in {"och", "&"} and not is_filler(w)]
        text_words = [w for w in amount.words if w not in {"från", "märket", "märke"}]
        while text_words and text_words[0] in MODIFIER_STOP:
            text_words = text_words[1:]  # "två liter av den vanliga mjölken"
        if brand:
            text_words = [w for w in text_words if w != "av" or w in rest]
        item = ItemMatch(" ".join(text_words), amount.quantity, amount.unit, False, "")
        if amount.unit == "st" and any(w.endswith(KITCHEN_PIECES) for w in query_words):
            item.quantity, item.unit = 1, None  # "2 vitlöksklyftor": one garlic
        if brand:
            item.brand = brand.name
        query = self._join_compounds(query_words)
        if not query and not (brand and brand.products):
            if brand:
                item.brand_missing = True
                return self._not_found(item, [], {}, counts, f"{brand.name} finns inte här"), 0.0
            if usual and counts and (usual_items := self._usual_candidates(counts)):
                item.candidates = usual_items
                item.reason = "kundens vanliga varor"
            else:
                item.status = "not_found"  # nothing to look for: nothing to propose either
                item.reason = "inget att söka efter"
            return item, 0.0
        if not query and brand:  # only a brand: "bregott", "zoegas" (one with products, above)
            return self._brand_only(item, brand, counts), BRAND
        if brand and not brand.products and all(w in NOT_KINDS or _minor(w) for w in query):
            item.brand_missing = True  # "pepsi max" where no Pepsi is sold
            return self._not_found(item, [], {}, counts, f"{brand.name} finns inte här"), 0.0
        scored, kinds, head, hits, credibility, raw = self._search(query)
        if brand:
            scored, credibility = self._with_brand(item, brand, scored, credibility, raw)
        self._prefer_packs(scored, amount)
        lengths = self.name_length
        best = sorted(scored.items(), key=itemgetter(1), reverse=True)[:RANKED]
        if len(best) == RANKED:  # keep every product scored as high as the last one kept
            floor = best[-1][1]
            best = [(i, v) for i, v in scored.items() if v >= floor]
        ranked = [i for i, _ in sorted(best, key=lambda iv: (-iv[1], lengths[iv[0]], iv[0]))]
        self._require_forms(query, ranked, credibility)
        best_credibility = max((credibility.get(i, 0.0) for i in ranked), default=0.0)
        if best_credibility < FOUND:
            related = [i for i in ranked if _related(hits[head].get(i))]
            return self._not_found(item, related, scored, counts, "", kinds), best_credibility
        ranked = self._credible_first(ranked, credibility)
        if self.has_groups:  # "lax": the fish counter before the cat food
            home = self._home_department({i: "" for i in ranked[:5]})
            ranked.sort(key=lambda i: (credibility.get(i, 0) < FOUND, self.department[i] != home))
        heads = kinds
        kinds = {i: self._kind(i, heads[i], head) for i in ranked[:KINDS] if i in heads}
        # other words the best match has narrow the choice ("gul lök"); a word no such product
        # has ("mjukt bröd") leaves the head word as open as it was alone
        narrowing = [w for w in query if w != head and ranked and ranked[0] in hits[w]]
        if brand and brand.products and not item.brand_missing:
            narrowing.append(brand.name)
        generic = self._generic(head)
        if generic and len(set(kinds.values())) < 2 and self._category(head):
            # "öl": every product is an "öl"; the kinds are what the names add ("Zebra Swag")
            kinds = {i: self._variety(i, heads[i]) for i in kinds}
        if not narrowing and generic and ranked:
            strong = {
                i
                for i in ranked
                if scored[i] >= 0.7 * scored[ranked[0]] and credibility.get(i, 0) >= FOUND
            }
            # one of each kind first: a picture choice
            ranked = self._by_kind(ranked, {i: k for i, k in kinds.items() if i in strong}, head)
        ranked = self._usual_first(ranked, scored, counts, kinds, heads)
        item.candidates = [self._candidate(i, scored[i], kinds.get(i, ""), counts) for i in ranked]
        for candidate in item.candidates:
            item.groups.setdefault(candidate.kind, []).append(candidate.key)
        self._decide(item, narrowing, head, counts)
        return item, best_credibility

    def _require_forms(
        self, query: list[str], ranked: list[int], credibility: dict[int, float]
    ) -> None:
        """A product without a said form that makes another product ("frysta", "krossade",
        "laktosfri") is not what was asked for: at most a suggestion."""
        for word in query:
            form = required_form(word)
            if not form:
                continue
            for i in ranked:
                if not any(plain_form(t).endswith(form) for t in self.name_tokens[i]):
                    credibility[i] = min(credibility.get(i, 0.0), HEAD_ONLY)

    def _prefer_packs(self, scored: dict[int, float], amount: Amount) -> None:
        if amount.unit in {"st", "kg"}:  # a pack of that many ("sex ägg"), or loose produce
            for i in scored:
                size = self.products[i].size
                # "ca: 180g" is a loose piece: "fem bananer"
                if size and (
                    size.approximate or (size.unit == "st" and size.total == amount.quantity)
                ):
                    scored[i] += 3

    def _credible_first(self, ranked: list[int], credibility: dict[int, float]) -> list[int]:
        good = [i for i in ranked if credibility.get(i, 0.0) >= FOUND]
        return good + [i for i in ranked if credibility.get(i, 0.0) < FOUND][: LIMIT - len(good)]

    def _usual_first(
        self,
        ranked: list[int],
        scored: dict[int, float],
        counts: Counter[str],
        kinds: dict[int, str],
        heads: dict[int, str],
    ) -> list[int]:
        """What the client usually buys goes first, most bought first, if it fits."""
        best = scored[ranked[0]] if ranked else 0.0
        bought = [
            i
            for key in counts
            if (i := self.index_by_key.get(key, -1)) in scored and scored[i] >= 0.5 * best
        ]
        bought.sort(key=lambda i: -counts[self.products[i].key])
        for i in bought:
            kinds.setdefault(i, self._kind(i, heads.get(i, "")))
        return (bought + [i for i in ranked if i not in set(bought)])[:LIMIT]

    def _with_brand(
        self,
        item: ItemMatch,
        brand: BrandPhrase,
        scored: dict[int, float],
        credibility: dict[int, float],
        raw: dict[int, float],
    ) -> tuple[dict[int, float], dict[int, float]]:
        """Keep the brand's products of the kind ("loka citron" is Loka's lemon water, a
        flavour is what the brand sells); if it has none, say so and keep the kind."""
        mine = {i: s for i, s in scored.items() if i in brand.products}
        if any(raw.get(i, 0.0) >= FOUND for i in mine):
            return mine, {i: raw[i] for i in mine if i in raw}
        item.brand_missing = True
        return scored, credibility

    def _brand_only(self, item: ItemMatch, brand: BrandPhrase, counts: Counter[str]) -> ItemMatch:
        ranked = sorted(brand.products, key=lambda i: (len(self.name_tokens[i]), i))
        bought = [i for i in ranked if self.products[i].key in counts]
        ranked = (bought + [i for i in ranked if i not in set(bought)])[:LIMIT]
        item.candidates = [self._candidate(i, 100.0, self._kind(i, ""), counts) for i in ranked]
        for candidate in item.candidates:
            item.groups.setdefault(candidate.kind, []).append(candidate.key)
        item.reason = f"varor från {brand.name}"
        return item

    def _not_found(
        self,
        item: ItemMatch,
        ranked: list[int],
        scored: dict[int, float],
        counts: Counter[str],
        reason: str,
        kinds: dict[int, str] | None = None,
    ) -> ItemMatch:
        item.status = "not_found"
        item.ambiguous = False
        item.candidates = []
        item.groups = {}
        item.suggestions = [
            self._candidate(i, scored[i], self._kind(i, (kinds or {}).get(i, "")), counts)
            for i in ranked[:SUGGESTIONS]
        ]
        what = item.text or item.brand or "det"
        item.reason = reason or f'"{what}" finns inte i sortimentet'
        if item.suggestions:
            item.reason += "; liknande varor finns som förslag"
        return item

    def _join_compounds(self, words: list[str]) -> list[str]:
        """'mellan mjölk' -> 'mellanmjölk', 'toa papper' -> 'toalettpapper' when the catalog
        (or the synonym seeds) knows the joined word."""
        out: list[str] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words):
                joined = self._joined(words[i], words[i + 1])
                if joined:
                    out.append(joined)
                    i += 2
                    continue
            out.append(words[i])
            i += 1
        return out

    def _joined(self, left: str, right: str) -> str | None:
        if not left.isalpha() or not right.isalpha() or len(right) < 3:
            return None
        for candidate in (left + right, left + "s" + right):
            if candidate in self.postings or candidate in self.term_words:
                return candidate
            if stem(candidate) in self.postings:
                return stem(candidate)
        if len(left) >= 3 and left not in self.postings:
            fits = [w for w in self.by_suffix.get(right, ()) if w.startswith(left)]
            fits += [w for w in self.by_suffix.get(stem(right), ()) if w.startswith(left)]
            if fits:
                return min(fits, key=len)
        return None

    def _word_hits(self, word: str) -> dict[int, Hit]:
        """Products a query word reaches: index -> Hit(weight, matched token, how,
        credibility)."""
        return _remember(self._hits, word, lambda: self._find_hits(word), 20_000)

    def _find_hits(self, word: str) -> dict[int, Hit]:
        hits: dict[int, Hit] = {}

        def add(indices: Iterable[int], weight: float, token: str, how: str, cred: float) -> None:
            hit = Hit(weight, token, how, cred)
            get = hits.get
            for i in indices:
                old = get(i)
                if old is None or old.weight < weight:
                    hits[i] = hit

        root = self._root(word)
        known = word in self.postings or root in self.postings
        if len(word) >= 3:
            for form in {word, root}:
                for compound in self.by_suffix.get(form, set()):
                    add(self.postings[compound], 0.8, compound, "sammansättning", COMPOUND_HEAD)
        add(self.group_postings.get(root, ()), 0.6, word, "avdelning", GROUP)
        for subcategory in () if known else self.term_words.get(word, ()):
            if len(self.term_phrases[subcategory]) <= SYNONYMS:  # not "Städ", "Hemmet"
                add(self.group_postings.get("#" + subcategory, ()), 0.7, word, "synonym", GROUP)
        add(self.brand_postings.get(word, ()), 0.9, word, "märke", BRAND)
        add(self.postings.get(root, ()), 1.0, root, "böjning", EXACT)
        add(self.postings.get(word, ()), 1.0, word, "namn", EXACT)
        if not known and not any(h.credibility >= FOUND for h in hits.values()):
            self._unknown_word_hits(word, add, hits)
        if len(word) >= 3 and not any(h.credibility >= FOUND for h in hits.values()):
            for compound in self.by_prefix.get(word, ()):  # "smör" -> "Smörgåsrån": a suggestion
                add(self.postings[compound], 0.45, compound, "förled", PREFIX)
        elif known and len(word) >= 8 and (parts := self._decompose(word)):
            self._written_apart(word, parts, add)  # "kycklinglårfilé" as "Kyckling Lårfilé"
        return hits

    def _unknown_word_hits(self, word: str, add: AddHits, hits: dict[int, Hit]) -> None:
        """A word the catalog does not spell: a synonym seed ("kaffebönor" is sold as "Hela
        Bönor"), a compound of catalog words, a spelling."""
        for subcategory in self.term_words.get(word, ()):
            if len(self.term_phrases[subcategory]) > SYNONYMS:
                continue  # a long list ("Städ") names a department, not this product
            for phrase in self.term_phrases[subcategory]:
                if len(phrase) == 1:
                    add(self.postings.get(phrase[0], ()), 0.7, phrase[0], "synonym", GROUP)
                elif len(phrase) == 2:
                    add(self.bigrams.get(phrase, ()), 0.7, " ".join(phrase), "synonym", GROUP)
        if any(h.credibility >= FOUND for h in hits.values()):
            return
        parts = self._decompose(word)
        if parts:
            self._compound_hits(word, parts, add)
            return  # catalog words put together ("mandelmjölk") are no misspelling of "mandelmjöl"
        if not word.isalpha() or len(word) < 4:
            return
        alike = self.sounds.get(sound_key(word), set())
        for token in alike:
            add(self.postings.get(token, ()), 0.95, token, "stavning", SOUNDS_ALIKE)
            add(self.brand_postings.get(token, ()), 0.95, token, "stavning", SOUNDS_ALIKE)
        if alike:
            return
        key = sound_key(word)
        for token, score, _ in process.extract(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=75, limit=5
        ):
            if (
                token.endswith(word)
                or word.endswith(token)
                or (
                    abs(len(token) - len(word)) >= 3
                    and (word.startswith(token) or token.startswith(word))
                )
            ):
                continue  # "potatis" in "potatismos", "rättika" for "ättika": other things
            similar = max(score, fuzz.ratio(key, sound_key(token))) / 100
            credible = _spelling_credibility(word, token, similar)
            add(self.postings.get(token, ()), 0.85 * similar, token, "stavning", credible)
            add(self.brand_postings.get(token, ()), 0.85 * similar, token, "stavning", credible)

    def _decompose(self, word: str, depth: int = 0) -> list[str] | None:
        """Catalog words that make an unknown compound, modifier(s) first, head last, with a
        linking s or e between them ("grönsak|s|buljong|tärningar", "jul|skinka")."""
        for cut in range(2, len(word) - 2):
            head = word[cut:]
            if not self._known_head(head):
                continue
            left = word[:cut]
            forms = [left]
            if left.endswith(("s", "e", "i")) and len(left) > 3:
                forms.insert(0, left[:-1])  # "sallad|s|huvud" before "sallads"
            for form in forms:
                if self._known_modifier(form):
                    return [form, head]
            if depth < 2:
                for form in forms:
                    sub = self._decompose(form, depth + 1)
                    if sub:
                        return sub + [head]
        return None

    def _known_head(self, word: str) -> bool:
        if len(word) < 3:
            return False
        return word in FORM_WORDS or word in self.postings or self._root(word) in self.postings

    def _known_modifier(self, word: str) -> bool:
        if len(word) < 2 or (len(word) == 2 and word not in self.name_words):
            return False
        return (
            word in COMPOUND_DESCRIBING
            or word in self.postings
            or word + "s" in self.postings
            or self._root(word) in self.postings
            or word in self.compound_modifiers
        )

    def _modifier_reach(self, word: str, category: bool = True) -> set[int]:
        found = set(self._reach_of(word)) | self.postings.get(word + "s", set())
        for compound in self.by_prefix.get(word, ()):
            found |= self.postings[compound]
        found |= self.brand_postings.get(word, set())
        if category and word in self.category_terms:  # "köttfärs": a meat's färs ("Nötfärs")
            for term in self.category_terms[word]:
                found |= self._modifier_reach(term, category=False)
            found |= self.group_postings.get(word, set())
        return found

    def _compound_hits(self, word: str, parts: list[str], add: AddHits) -> None:
        packaged = False
        while len(parts) > 1 and (parts[-1] in FORM_WORDS or stem(parts[-1]) in FORM_WORDS):
            packaged = packaged or parts[-1] in PACKAGE_WORDS
            parts = parts[:-1]  # "buljongtärningar" names the buljong
        head = parts[-1]
        modifiers = [m for m in parts[:-1] if m not in COMPOUND_DESCRIBING]
        if len(parts) == 1 or not modifiers:
            if packaged:  # "tepåsar" is "te" itself, "papperspåsar" no kind of "papper"
                heads = self.postings.get(head, set()) | self.postings.get(self._root(head), set())
            else:
                heads = set(self._reach_of(head))
            add(heads, 0.85, head, "sammansättning", PARTS)
            return
        reach = self._reach_of(head)
        near = set(reach)
        for modifier in modifiers:
            near &= self._modifier_reach(modifier)
        both = {i for i in near if self._holds_parts(i, modifiers, head)}
        for i in both:  # the closest spelling first: "köttfärs" -> "Nötfärs"
            alike = max((fuzz.ratio(word, t) for t in self.content[i]), default=0.0)
            add((i,), 0.9 + alike / 1000, head, "isärskrivet", PARTS)
        if not both:
            add(reach, 0.5, head, "huvudord", HEAD_ONLY)

    def _holds_parts(self, i: int, modifiers: list[str], head: str) -> bool:
        """Does the product's name hold the compound's parts, apart ("Sallad Isberg",
        "Grönsaks Buljong") or as another compound of them ("Majskycklingklubba",
        "Nötfärs" for "köttfärs": nöt is a meat)? Not in what comes with it ("Köttbullar med
        Gräddsås" are no "gräddbullar"), nor in a compound of something else ("Tonfisk
        Kattmat" is no "fiskmat")."""
        extra = self.ingredients[i]
        words = [t for t in self.name_tokens[i] if t not in extra]
        root = self._root(head)
        for modifier in modifiers:
            terms = self.category_terms.get(modifier, set())

            def names(prefix: str, m: str = modifier, terms: set[str] = terms) -> bool:
                prefix = prefix[:-1] if prefix.endswith("s") and prefix[:-1] else prefix
                return prefix.endswith(m) or prefix.startswith(m) or prefix in terms

            apart = any(
                names(t) or names(self._root(t)) or t.startswith(m)
                for t in words
                for m in (modifier,)
            )
            fused = any(
                t.endswith(form) and len(t) > len(form) and names(t[: -len(form)])
                for t in words
                for form in {head, root}
            )
            if not (fused or (apart and any(t in {head, root} for t in self.name_tokens[i]))):
                return False  # the head may follow "i" ("Pytt i Panna")
        return True

    def _category(self, word: str) -> bool:
        """Is the word one of the store's category words ("chips", "kryddor")?"""
        forms = {word, stem(word), self._root(word)}
        return any(form in CATEGORY_WORDS or stem(form) in CATEGORY_STEMS for form in forms)

    def _variety(self, i: int, token: str) -> str:
        for word in self.content[i]:
            if (
                word != token
                and not is_describing(word)
                and word not in NOT_KINDS
                and len(word) >= 3
            ):
                return f"{word} {token}"
        return token

    def _written_apart(self, word: str, parts: list[str], add: AddHits) -> None:
        if len(parts) != 2 or parts[0] in COMPOUND_DESCRIBING:
            return
        apart = self.postings.get(parts[0], set()) | self.postings.get(parts[0] + "s", set())
        near = apart & self._reach_of(parts[1])
        both = {i for i in near if self._holds_parts(i, parts[:1], parts[1])}
        if both:
            add(both, 1.0, parts[1], "isärskrivet", PARTS)

    def _root(self, word: str) -> str:
        return _remember(self._roots, word, lambda: self._find_root(word))

    def _find_root(self, word: str) -> str:
        """The form the catalog knows: paprikor -> paprika, påsar -> påse, tomater -> tomat,
        kaffet -> kaffe, kattmaten -> kattmat, gurkorna -> gurka, mandlar -> mandel."""
        forms = []
        if word.endswith(("orna", "arna", "erna")):
            forms += [word[:-4] + "a", word[:-4] + "e", word[:-4]]
        if word.endswith(("or", "ar", "en", "et", "na", "er")):
            forms += [word[:-2] + "a", word[:-2] + "e", word[:-2]]
        if word.endswith(("or", "ar", "er")):
            forms += [word[:-2] + ending for ending in ("or", "ar", "er")]  # ärtor, ärter
        if word.endswith(("lar", "rar")):
            forms.append(word[:-3] + "el")  # mandlar, nycklar
        if word.endswith(("r", "n", "t", "a")):
            forms.append(word[:-1])  # avokador, äpplen, kaffet, frysta
        known = [form for form in [word, *forms] if len(form) >= 3 and form in self.name_words]
        known.append(stem(word))  # "ärtor" and "ärter" meet in "ärt"
        # the form most names use: "papper" stays "papper" though "pappa" is a word too
        best = max(known, key=lambda form: len(self.postings.get(form, ())))
        if best not in self.postings:  # "brödet" -> the department "Bröd"
            groups = [form for form in forms if len(form) >= 3 and form in self.group_postings]
            return groups[0] if groups else best
        return best

    def _search(self, query: list[str]) -> Search:
        hits = {word: self._word_hits(word) for word in query}

        def credible(word: str) -> bool:
            found = hits[word].values()
            return _remember(
                self._credible, word, lambda: any(h.credibility >= FOUND for h in found)
            )

        # the head noun: spoken Swedish names the thing first and its variety after it
        # ("yoghurt jordgubb", "potatismos pulver"), after any adjectives ("krossade tomater")
        nouns = [w for w in query if not _minor(w) and credible(w)]
        if nouns:
            head = nouns[0]
        else:
            plain = [w for w in query if not _minor(w)]
            head = plain[0] if plain else max(query, key=lambda w: len(hits[w]))
        scored: dict[int, float] = {}
        kinds: dict[int, str] = {}
        credibility: dict[int, float] = {}
        total = len(query) + 0.5
        # describing and small words only weigh on what the nouns found ("laktosfri mjölk")
        minor = [w for w in query if _minor(w) and w != head]
        last_words, ingredients, kind_last = self.last_word, self.ingredients, self.kind_last
        plain_hows = {"stavning", "förled", "avdelning", "synonym", "huvudord"}
        said = set(query)
        for word in [w for w in query if w not in minor] + minor:
            share = 1.5 if word == head else 1.0
            found = hits[word]
            if word in minor and scored:
                found = {i: found[i] for i in scored if i in found}
            get = scored.get
            for i, hit in found.items():
                weight = hit.weight
                if kind_last[i]:
                    last = last_words[i]
                    if last not in said and not last.endswith(hit.token):
                        weight *= 0.75  # a flavour of another kind ("Päron Fruktdryck")
                if ingredients[i] and hit.token in ingredients[i]:
                    weight *= 0.75
                scored[i] = get(i, 0.0) + share * weight
            if word == head:
                for i, hit in found.items():
                    credibility[i] = hit.credibility
                    if hit.how not in plain_hows:
                        kinds[i] = hit.token if hit.how != "märke" else ""
        sizes, firsts, said_count = self.content_size, self.first_word, len(query)
        for i, value in scored.items():
            extra = sizes[i] - said_count
            scored[i] = (
                100 * value / total
                + (1.5 if firsts[i] in said else 0.0)
                - (2.5 * extra if extra > 0 else 0.0)
            )
        raw = dict(credibility)
        self._flavours(query, head, hits[head], scored, credibility)
        return Search(scored, kinds, head, hits, credibility, raw)

    def _flavours(
        self,
        query: list[str],
        head: str,
        head_hits: dict[int, Hit],
        scored: dict[int, float],
        credibility: dict[int, float],
    ) -> None:
        """A product where the head word is only a flavour or an ingredient of another kind
        ("Pastasås Mild Ost", "Fruktdansk med Russin", "Glass Spray") ranks below the kind
        itself and does not count as the product."""
        candidates = head_hits.keys() & scored.keys()
        top = sorted(candidates, key=scored.__getitem__, reverse=True)[:FLAVOUR_CHECKS]
        leading: list[int] = []  # "Päron Fruktdryck": the word leads the name
        plain = False
        for i in top:
            hit = head_hits[i]
            if hit.credibility < FOUND:
                continue
            if not self._flavour_only(i, hit.token, query, head):
                plain = True
            elif self.first_word[i].endswith(hit.token) or hit.token.endswith(self.first_word[i]):
                leading.append(i)
            else:
                credibility[i] = hit.credibility * FLAVOUR
                scored[i] *= 0.8
        # a leading flavour word is the product when the store has it no other way
        # ("Lasagneplattor Färsk Pasta"), and ranks below the plain kind when it has
        for i in leading if plain else ():
            credibility[i] = head_hits[i].credibility * FLAVOUR
            scored[i] *= 0.8

    def _flavour_only(self, i: int, token: str, query: list[str], head: str) -> bool:
        """Is the product another kind that only tastes of (or holds) the word said?"""
        ingredient, others = _remember(
            self._other_kinds, (i, token), lambda: self._other_kind_words(i, token), 200_000
        )
        first = self.first_word[i]
        if ingredient and not any(first in said for said in query):
            return True  # "Fruktdansk med Russin", but "Pytt i Panna" for "pyttipanna"
        # "Sallad Isberg" for "isbergssallad" names what was said
        return any(not any(word in said for said in query) for word in others)

    def _other_kind_words(self, i: int, token: str) -> tuple[bool, list[str]]:
        """Whether the word is an ingredient of the product, and the product's words that name
        another kind of which it is only a flavour (before what was said is known)."""
        first, last = self.first_word[i], self.last_word[i]
        others = []
        for word in {first, last}:
            if word == token or is_describing(word) or len(word) < 3:
                continue
            if word == first and word != last and not self._kind_word(word):
                continue  # "Imat Vegansk Matlagningsgrädde": a line's name, not a kind
            if word in NOT_KINDS or word in self.brand_postings:
                continue
            if token.endswith(word) or word.endswith(token) or word.startswith(token):
                continue
            if self.type_count.get(word, 0) < 3 and not (word == last and self._kind_word(word)):
                continue  # "Äpple Städservett": a wipe that smells of apple
            if self._share(self._base(token), word) < 0.5:
                others.append(word)  # the product is a "word" (pastasås) tasting of the head
        return token in self.ingredients[i], others

    def _kind_word(self, word: str) -> bool:
        """A word that names a kind of product: frequent at either end of names, or a
        compound of catalog words ("pastasås", "majskaka", "fruktdansk")."""
        return _remember(
            self._kind_words,
            word,
            lambda: (
                word not in NOT_KINDS
                and len(word) >= 3
                and (self.type_count.get(word, 0) >= 5 or bool(self._decompose(word)))
            ),
        )

    def _base(self, word: str) -> str:
        """The shortest catalog word a compound ends in: mellanmjölk -> mjölk."""
        suffixes = (word[cut:] for cut in range(len(word) - 3, 0, -1))
        return _remember(
            self._bases,
            word,
            lambda: next(
                (
                    end
                    for end in suffixes
                    if len(self.postings.get(end, ())) >= 2 or len(self.by_suffix.get(end, ())) >= 3
                ),
                word,
            ),
        )

    def _share(self, head: str, word: str) -> float:
        """Of the products named `word`, the share that also hold the head word."""

        def share() -> float:
            named = self.postings.get(word, set())
            return len(named & self._reach_of(head)) / len(named) if named else 1.0

        return _remember(self._shares, (head, word), share)

    def _kind(self, i: int, token: str, said: str = "") -> str:
        """A product's kind for the matched word: the compound itself ("mellanmjölk" for
        "mjölk") or the modifier before the word said ("svart te", "daim chokladkaka")."""
        words = self.name_words_only[i]
        if not token:  # reached through the brand: the name's first word says what it is
            return next((w for w in words if w not in ATTRIBUTES), "")
        if token in words and (
            token == said or self._base(token) == token or token == self._root(said)
        ):
            at = words.index(token)
            if at > 0 and words[-1] == token and words[at - 1] not in MODIFIER_STOP:
                return f"{words[at - 1]} {token}"
        return token

    def _generic(self, word: str) -> bool:
        """Does the word alone name many kinds of product ("bröd", "ost", "te")?"""
        if self._category(word):
            return True
        root = self._root(word)  # "kaffet", "mjölken"
        return _remember(self._generic_words, root, lambda: self._names_many_kinds(root))

    def _names_many_kinds(self, word: str) -> bool:
        if word in self.category_words or self._category(word):
            return True
        if self.has_groups:  # the store says where each product belongs: many places, many kinds
            groups = Counter(
                self.products[i].subcategory or self.products[i].department
                for i in self._reach_of(word)
                if (self.first_word[i].endswith(word) or word.endswith(self.first_word[i]))
                and not self._flavour_only(i, self.first_word[i], [word], word)
            )
            largest = max(groups.values(), default=0)
            return len(groups) >= GROUPS and largest < 0.6 * sum(groups.values())
        exact = self.postings.get(word, set()) | self.postings.get(stem(word), set())
        compounds: Counter[str] = Counter()
        for compound in self.by_suffix.get(word, ()):
            compounds[compound] = len(self.postings[compound])
        real = [c for c, n in compounds.items() if n >= 2]
        if sum(compounds.values()) > 2 * len(exact) and len(real) >= 3:
            return True
        # "svart te", "apple juice": a bare head noun after many different modifiers; but a
        # word that is itself a compound ("filmjölk", "tandkräm") names one kind
        if any(word[cut:] in self.postings for cut in range(3, len(word) - 2)):
            return False
        modifiers = Counter(self._kind(i, word, word) for i in exact)
        head_last = sum(n for kind, n in modifiers.items() if " " in kind)
        return len(modifiers) >= 6 and head_last >= 0.4 * len(exact)

    def _by_kind(self, ranked: list[int], kinds: dict[int, str], word: str) -> list[int]:
        """The best product of each kind first, the commonest named kinds ("mellanmjölk")
        before the bare word itself, then the rest. Only products in `kinds` (the strong
        matches) can stand for a kind."""
        sizes = Counter(kinds.values())
        seen: set[str] = set()
        first: list[int] = []
        rest: list[int] = []
        for i in ranked:
            kind = kinds.get(i)
            if kind is None or kind in seen:
                rest.append(i)
            else:
                first.append(i)
                seen.add(kind)
        home = self._home_department(kinds)
        word = self._root(word)

        def order(i: int) -> tuple[object, ...]:
            kind = kinds[i]
            return (
                bool(home) and self.department[i] != home,  # "Smörkniv" is not in the dairy
                self._seed_rank(word, kind),  # "mjölk": mellan-, lätt-, standardmjölk first
                kind == word,
                -sizes[kind],
            )

        first.sort(key=order)  # stable: ties keep their rank
        return first + rest

    def _home_department(self, kinds: dict[int, str]) -> str:
        """Where most of the strong matches are, for catalogs that say (the 2020 stores)."""
        if not self.has_groups or not kinds:
            return ""
        return Counter(self.department[i] for i in kinds).most_common(1)[0][0]

    def _seed_rank(self, word: str, kind: str) -> tuple[int, int]:
        """A kind's place in the synonym seeds of the word's own category: the subcategory
        named as the word first ("bröd": lantbröd, rågbröd … before korvbröd), then its
        sister subcategories ("knäckebröd"), then kinds the seeds do not list."""
        said = tuple(kind.split())
        for sub in self.category_subs.get(word, ()):
            phrases = self.term_phrases.get(sub, [])
            for place, phrase in enumerate(phrases):
                if phrase == said or phrase == said[-1:]:
                    return (0 if sub == word else 1, place)
        return (2, 0)

    def _decide(
        self, item: ItemMatch, narrowing: list[str], head: str, counts: Counter[str]
    ) -> None:
        kinds = {c.kind for c in item.candidates}
        if item.brand_missing:
            what = " ".join(w for w in item.text.split() if w not in tokens(item.brand))
            item.reason = f"{item.brand} finns inte här som {what}; andra märken visas"
        if narrowing:
            item.reason = item.reason or "fler ord avgör varan"
            return
        if not self._generic(head) or len(kinds) < 2:
            item.reason = item.reason or "ett tydligt varuslag"
            return
        usual = [c for c in item.candidates[:1] if c.key in counts]
        if usual:
            item.reason = f"brukar köpa {usual[0].name}"
            return
        item.ambiguous = True
        item.status = "ambiguous"
        item.reason = item.reason or f'"{head}" kan vara {len(kinds)} olika sorter'

    def _candidate(self, i: int, score: float, kind: str, counts: Counter[str]) -> Candidate:
        product = self.products[i]
        why = BOUGHT_BEFORE if product.key in counts else ""
        return Candidate(
            product.key,
            product.name,
            product.brand,
            product.size_text,
            kind or product.name.lower(),
            round(score, 2),
            why,
        )

    def _usual_candidates(self, counts: Counter[str]) -> list[Candidate]:
        out = []
        for key, n in counts.most_common(LIMIT):
            if key in self.index_by_key:
                out.append(self._candidate(self.index_by_key[key], float(n), "", counts))
        return out


def _load_categories(path: Path = CATEGORIES_FILE) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and line[0] != "#")


CATEGORY_WORDS = _load_categories()
CATEGORY_STEMS = frozenset(stem(word) for word in CATEGORY_WORDS)


def _spelling_credibility(word: str, token: str, similar: float) -> float:
    """A look-alike is the word misspelt only when the word is long and one slip away
    ("kyckligfilé"); "fårost" is not "frost", nor "grädde" "grädd" (see calibrate)."""
    if len(word) < SPELLING_MIN_LENGTH or word[0] != token[0]:
        return similar * 0.6
    return max(0.0, 0.75 + (similar - SPELLING_SIMILAR) * 2.5)


def _after_stop(words: list[str]) -> set[str]:
    """The words after "med", "utan", "i", "och" name ingredients ("Knäcke med Salt"), but not
    in "Allt i Ett"."""
    for at, word in enumerate(words):
        following = words[at + 1] if at + 1 < len(words) else ""
        if word in MODIFIER_STOP and at > 0 and following not in {"ett", "en"}:
            return set(words[at + 1 :])
    return set()


_MISSING = object()


def _remember(
    cache: dict[Any, Any], key: object, compute: Callable[[], T], limit: int = 100_000
) -> T:
    """The cached value, computed once; safe when threads share the index (a cache emptied
    between a check and a read cannot lose the value)."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return cast(T, value)
    computed = compute()
    if len(cache) >= limit:
        cache.clear()
    cache[key] = computed
    return computed


def _copy(item: ItemMatch) -> ItemMatch:
    """An answer the caller may change without changing the remembered one."""
    return replace(
        item,
        candidates=list(item.candidates),
        groups={kind: list(keys) for kind, keys in item.groups.items()},
        suggestions=list(item.suggestions),
    )


def _related(hit: Hit | None) -> bool:
    """Is a product reached this way worth suggesting for an item the store lacks? A part of
    the word ("julskinka" -> skinka) or a flavour is; a look-alike spelling or a word it
    starts ("smör" -> "Smörgåsrån") is not."""
    if hit is None or hit.how == "förled":
        return False
    return hit.how != "stavning" or hit.weight >= 0.77


def _minor(word: str) -> bool:
    """A word that cannot be what the item names: describing, or a small function word."""
    return is_describing(word) or word in MODIFIER_STOP or word in {"för", "till", "på", "av"}


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in ATTRIBUTES and not w[:1].isdigit()]


def _without_usual(words: list[str]) -> tuple[list[str], bool]:
    for phrase in USUAL:
        n = len(phrase)
        for start in range(len(words) - n + 1):
            if tuple(words[start : start + n]) == phrase:
                return words[:start] + words[start + n :], True
    return words, False
