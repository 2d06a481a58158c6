"""The catalog index: candidate search, kinds (head nouns), ambiguity and the history prior."""

from __future__ import annotations

import csv
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from catalog_matcher.history import Purchase, purchase_counts
from catalog_matcher.normalize import drop_fillers, fold, tokens
from catalog_matcher.product import Product
from catalog_matcher.quantities import read_amount
from catalog_matcher.result import BOUGHT_BEFORE, Candidate, ItemMatch
from catalog_matcher.splitting import split_items


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TERMS_FILE = Path(__file__).with_name("data") / "subcategory_terms.csv"
USUAL = (
    ("som", "vanligt"),
    ("det", "vanliga"),
    ("som", "förra", "gången"),
    ("samma", "som", "vanligt"),
)
# words in a name that say how, not what ("Potatis Fast Klass 1")
ATTRIBUTES = _words(
    "klass 1 2 eko ekologisk ca fryst frysta färsk färska sverige import skivad skivor och "
    "med utan i av x st p pack"
)
MODIFIER_STOP = _words("utan med mindre tillsatt och i av extra")
LIMIT = 10
_PLURALS = ("orna", "erna", "arna", "ena", "or", "ar", "er", "na")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A rough Swedish singular: bananer -> banan, äpplen -> äpple, bullar -> bull."""
    if len(word) >= 5 and word.endswith("en") and word[-3] in "lr":  # äpplen, päronen
        return word[:-1]
    for ending in _PLURALS:
        if len(word) - len(ending) >= 4 and word.endswith(ending):
            return word[: -len(ending)]
    return word


@dataclass
class Terms:
    """The synonym seeds: category word -> subcategories, term word -> subcategories."""

    categories: dict[str, set[str]]
    subcategories_of: dict[str, set[str]]


def load_terms(path: Path = TERMS_FILE) -> Terms:
    terms = Terms(defaultdict(set), defaultdict(set))
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            subcategory = fold(row.get("subcategory") or "").strip()
            for word in re.split(r"[,\s]+", fold(row.get("category") or "")):
                if len(word) >= 2:
                    terms.categories[word].add(subcategory)
            for term in (row.get("terms") or "").split(";"):
                words = tokens(term)
                if len(words) == 1:
                    terms.subcategories_of[words[0]].add(subcategory)
    return terms


class CatalogIndex:
    """Built once per catalog; `match(utterance)` and `match_item(words)` are then cheap."""

    def __init__(self, products: Iterable[Product], terms_file: Path = TERMS_FILE) -> None:
        self.products: list[Product] = list(products)
        self.name_tokens: list[list[str]] = []
        self.postings: dict[str, set[int]] = defaultdict(set)  # token or its stem -> products
        self.brand_postings: dict[str, set[int]] = defaultdict(set)
        self.joined_pairs: set[tuple[str, str]] = set()
        for i, product in enumerate(self.products):
            words = tokens(product.name)
            self.name_tokens.append(words)
            for word in words:
                self.postings[word].add(i)
                self.postings[stem(word)].add(i)
            for left, mid, right in zip(words, words[1:], words[2:], strict=False):
                if mid == "och":
                    self.joined_pairs.add((left, right))
            for word in tokens(product.brand):
                self.brand_postings[word].add(i)
        # how often a word ends a name: frequent ones are kinds ("Päron Fruktdryck" is a drink)
        contents = [_content(words) for words in self.name_tokens]
        self.last_word = [words[-1] if words else "" for words in contents]
        self.content_size = [len(words) for words in contents]
        self.first_word = [words[0] if words else "" for words in self.name_tokens]
        # words after "med", "utan", "i", "och" name an ingredient ("Knäcke med Salt")
        self.ingredients = [
            {w for before, w in zip(words, words[1:], strict=False) if before in MODIFIER_STOP}
            for words in self.name_tokens
        ]
        firsts = set(self.first_word)
        self.head_nouns = Counter(word for word in self.last_word if word in firsts)
        self.by_suffix: dict[str, set[str]] = defaultdict(set)  # compound head -> compounds
        self.by_prefix: dict[str, set[str]] = defaultdict(set)  # compound modifier -> compounds
        for word in list(self.postings):
            for cut in range(3, len(word) - 2):
                self.by_suffix[word[cut:]].add(word)
                self.by_prefix[word[:cut]].add(word)
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
        self.category_words = {w for w, subs in terms.categories.items() if len(subs) >= 2}
        # department and subcategory, where the catalog has them (the 2020 stores do)
        self.group_postings: dict[str, set[int]] = defaultdict(set)
        for i, product in enumerate(self.products):
            for word in tokens(f"{product.department} {product.subcategory}"):
                self.group_postings[stem(word)].add(i)
            if product.subcategory:
                self.group_postings["#" + fold(product.subcategory).strip()].add(i)
        self.vocabulary = sorted(set(self.postings) | set(self.brand_postings))
        self.key_by_name = {p.name.lower(): p.key for p in self.products}
        self.index_by_key = {p.key: i for i, p in enumerate(self.products)}
        self._generic_words: dict[str, bool] = {}

    # -- the public API ----------------------------------------------------------------------

    def match(
        self, utterance: str, history: Sequence[Purchase | str] | None = None
    ) -> list[ItemMatch]:
        """Every item of a spoken utterance, in the order said. Never raises on odd text."""
        counts = purchase_counts(history, self.key_by_name)
        items = [
            words for words in split_items(utterance, self.joined_pairs) if drop_fillers(words)
        ]
        return [self._match_words(words, counts) for words in items]

    def match_item(self, text: str, history: Sequence[Purchase | str] | None = None) -> ItemMatch:
        """One already split item ("två liter mellanmjölk")."""
        words = tokens(text)
        return self._match_words(words, purchase_counts(history, self.key_by_name))

    # -- internals ---------------------------------------------------------------------------

    def _match_words(self, words: list[str], counts: Counter[str]) -> ItemMatch:
        text = " ".join(words)
        words, usual = _without_usual(drop_fillers(words))
        amount = read_amount(words)
        query = self._join_compounds([w for w in amount.words if w not in {"och"}])
        item = ItemMatch(text, amount.quantity, amount.unit, False, "")
        if not query:
            if usual and counts:
                item.candidates = self._usual_candidates(counts)
                item.reason = "kundens vanliga varor"
            else:
                item.reason = "inget att söka efter"
            return item
        scored, kinds, head, hits = self._search(query)
        if amount.unit in {"st", "kg"}:  # a pack of that many ("sex ägg"), or loose produce
            for i in scored:
                size = self.products[i].size
                # "ca: 180g" is a loose piece: "fem bananer"
                if size and (
                    size.approximate or (size.unit == "st" and size.total == amount.quantity)
                ):
                    scored[i] += 3
        order = lambda i: (-scored[i], len(self.name_tokens[i]), i)  # noqa: E731
        ranked = heapq.nsmallest(300, scored, key=order)
        heads = kinds
        kinds = {i: self._kind(i, heads[i]) for i in ranked if i in heads}
        # other words the best match has narrow the choice ("gul lök"); a word no such product
        # has ("mjukt bröd") leaves the head word as open as it was alone
        narrowing = [w for w in query if w != head and ranked and ranked[0] in hits[w]]
        if not narrowing and self._generic(head) and ranked:
            strong = {i for i in ranked if scored[i] >= 0.7 * scored[ranked[0]]}
            # one of each kind first: a picture choice
            ranked = _by_kind(ranked, {i: k for i, k in kinds.items() if i in strong}, head)
        # what the client usually buys goes first, most bought first, if it fits what was said
        best = scored[ranked[0]] if ranked else 0.0
        bought = [
            i
            for key in counts
            if (i := self.index_by_key.get(key, -1)) in scored and scored[i] >= 0.5 * best
        ]
        bought.sort(key=lambda i: -counts[self.products[i].key])
        for i in bought:
            kinds.setdefault(i, self._kind(i, heads.get(i, "")))
        ranked = (bought + [i for i in ranked if i not in set(bought)])[:LIMIT]
        item.candidates = [self._candidate(i, scored[i], kinds.get(i, ""), counts) for i in ranked]
        for candidate in item.candidates:
            item.groups.setdefault(candidate.kind, []).append(candidate.key)
        self._decide(item, narrowing, head, counts)
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

    def _word_hits(self, word: str) -> dict[int, tuple[float, str, str]]:
        """Products a query word reaches: index -> (weight, matched token, how)."""
        hits: dict[int, tuple[float, str, str]] = {}

        def add(indices: Iterable[int], weight: float, token: str, how: str) -> None:
            for i in indices:
                if i not in hits or hits[i][0] < weight:
                    hits[i] = (weight, token, how)

        root = self._root(word)
        if word not in self.postings and root not in self.postings:
            # a spoken compound the catalog writes apart: "isbergssallad" -> "Sallad Isberg"
            parts = self._parts(word)
            if parts:
                right, both = parts
                add(both, 1.0, right, "isärskrivet")
                add(self.postings[right] - both, 0.55, right, "sammansättning")
        if len(word) >= 3:
            for compound in self.by_suffix.get(word, set()) | self.by_suffix.get(root, set()):
                add(self.postings[compound], 0.8, compound, "sammansättning")
            for compound in self.by_prefix.get(word, ()):
                add(self.postings[compound], 0.45, compound, "förled")
        add(self.group_postings.get(root, ()), 0.6, word, "avdelning")
        for subcategory in self.term_words.get(word, ()):
            add(self.group_postings.get("#" + subcategory, ()), 0.7, word, "synonym")
        add(self.brand_postings.get(word, ()), 0.9, word, "märke")
        add(self.postings.get(root, ()), 1.0, root, "böjning")
        add(self.postings.get(word, ()), 1.0, word, "namn")
        if len(word) >= 5 or (not hits and len(word) >= 4):
            # a word the catalog knows well leans little on look-alikes
            known = len(self.postings.get(word, ())) + len(self.postings.get(root, ()))
            factor = 0.5 if known >= 10 else 0.85
            for token, score, _ in process.extract(
                word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=78, limit=5
            ):
                if abs(len(token) - len(word)) >= 3 and (
                    word.startswith(token) or token.startswith(word)
                ):
                    continue  # "potatis" in "potatismos" is another thing, not a misspelling
                add(self.postings.get(token, ()), factor * score / 100, token, "stavning")
                add(self.brand_postings.get(token, ()), factor * score / 100, token, "stavning")
        return hits

    def _parts(self, word: str) -> tuple[str, set[int]] | None:
        """Two catalog words that make `word`, with a linking s, i or e between them or none
        ("isberg|s|sallad", "pytt|i|panna"), and the products named by both; the longest head
        (the second word) wins."""
        for cut in range(3, len(word) - 2):
            left, rest = word[:cut], word[cut:]
            if left not in self.postings:
                continue
            for right in (rest, rest[1:] if rest[0] in "sie" else ""):
                if len(right) >= 3 and right in self.postings:
                    both = self.postings[left] & self.postings[right]
                    if both:
                        return right, both
        return None

    def _root(self, word: str) -> str:
        """The singular the catalog knows: paprikor -> paprika, påsar -> påse, tomater -> tomat."""
        forms = [word[:-1]] if word.endswith(("r", "n")) else []  # avokador, äpplen
        if word.endswith(("or", "ar")):
            forms += [word[:-2] + "a", word[:-2] + "e"]
        for form in forms:
            if len(form) >= 4 and form in self.postings:
                return form
        return stem(word)

    def _search(
        self, query: list[str]
    ) -> tuple[dict[int, float], dict[int, str], str, dict[str, dict]]:
        hits = {word: self._word_hits(word) for word in query}
        # the head noun: spoken Swedish names the thing first and its variety after it
        # ("yoghurt jordgubb", "potatismos pulver"), after any adjectives ("krossade tomater")
        nouns = [
            w
            for w in query
            if not _adjective(w) and any(h[2] != "förled" for h in hits[w].values())
        ]
        head = nouns[0] if nouns else max(query, key=lambda w: len(hits[w]))
        scored: dict[int, float] = {}
        kinds: dict[int, str] = {}
        total = len(query) + 0.5
        for word in query:
            share = 1.5 if word == head else 1.0
            for i, (weight, token, _how) in hits[word].items():
                last = self.last_word[i]
                if token != last and last not in query and self.head_nouns[last] >= 5:
                    weight *= 0.75  # a flavour or part of another kind ("Päron Fruktdryck")
                if token in self.ingredients[i]:
                    weight *= 0.75
                scored[i] = scored.get(i, 0.0) + share * weight
                if word == head and _how not in {"stavning", "förled", "avdelning", "synonym"}:
                    kinds[i] = token if _how != "märke" else ""
        for i, value in scored.items():
            extra = max(0, self.content_size[i] - len(query))
            position = 0.15 if self.first_word[i] in query else 0.0
            scored[i] = round(100 * value / total + 10 * position - 2.5 * extra, 2)
        return scored, kinds, head, hits

    def _kind(self, i: int, token: str) -> str:
        """A product's kind for the matched word: the compound itself ("mellanmjölk") or the
        modifier before a bare head noun ("svart te")."""
        words = [w for w in self.name_tokens[i] if not w[:1].isdigit()]
        if not token:  # reached through the brand: the name's first word says what it is
            return next((w for w in words if w not in ATTRIBUTES), "")
        if token in words:
            at = words.index(token)
            if at > 0 and words[-1] == token and words[at - 1] not in MODIFIER_STOP:
                return f"{words[at - 1]} {token}"
        return token

    def _generic(self, word: str) -> bool:
        """Does the word alone name many kinds of product ("bröd", "ost", "te")?"""
        if word not in self._generic_words:
            self._generic_words[word] = self._names_many_kinds(word)
        return self._generic_words[word]

    def _names_many_kinds(self, word: str) -> bool:
        if word in self.category_words:
            return True
        exact = self.postings.get(word, set()) | self.postings.get(stem(word), set())
        compounds = Counter()
        for compound in self.by_suffix.get(word, ()):
            compounds[compound] = len(self.postings[compound])
        real = [c for c, n in compounds.items() if n >= 2]
        if sum(compounds.values()) > 2 * len(exact) and len(real) >= 3:
            return True
        # "svart te", "apple juice": a bare head noun after many different modifiers; but a
        # word that is itself a compound ("filmjölk", "tandkräm") names one kind
        if any(word[cut:] in self.postings for cut in range(3, len(word) - 2)):
            return False
        modifiers = Counter(self._kind(i, word) for i in exact)
        head_last = sum(n for kind, n in modifiers.items() if " " in kind)
        return len(modifiers) >= 6 and head_last >= 0.4 * len(exact)

    def _decide(
        self, item: ItemMatch, narrowing: list[str], head: str, counts: Counter[str]
    ) -> None:
        kinds = {c.kind for c in item.candidates}
        if narrowing:
            item.reason = "fler ord avgör varan"
            return
        if not self._generic(head) or len(kinds) < 2:
            item.reason = "ett tydligt varuslag"
            return
        usual = [c for c in item.candidates[:1] if c.key in counts]
        if usual:
            item.reason = f"brukar köpa {usual[0].name}"
            return
        item.ambiguous = True
        item.reason = f'"{head}" kan vara {len(kinds)} olika sorter'

    def _candidate(self, i: int, score: float, kind: str, counts: Counter[str]) -> Candidate:
        product = self.products[i]
        why = BOUGHT_BEFORE if product.key in counts else ""
        return Candidate(
            product.key,
            product.name,
            product.brand,
            product.size_text,
            kind or product.name.lower(),
            score,
            why,
        )

    def _usual_candidates(self, counts: Counter[str]) -> list[Candidate]:
        out = []
        for key, n in counts.most_common(LIMIT):
            if key in self.index_by_key:
                out.append(self._candidate(self.index_by_key[key], float(n), "", counts))
        return out


ADJECTIVES = _words(
    "gul gula röd röda grön gröna vit vita svart svarta blå stor stora liten lilla små "
    "färsk färska fryst frysta ny nya mild milda stark starka söt söta sur sura mjuk mjuka "
    "grov grova ljus ljusa mörk mörka fin fina hel hela"
)


def _adjective(word: str) -> bool:
    """Rough: 'krossade', 'rökt', 'riven', 'naturell' describe; they are not the thing."""
    neuter = word.endswith("t") and word[:-1] in ADJECTIVES  # "mjukt bröd", "vitt vin"
    return (
        word in ADJECTIVES
        or neuter
        or word.endswith(("ade", "ad", "rökt", "kokt", "iga", "iskt", "ell"))
    )


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in ATTRIBUTES and not w[:1].isdigit()]


def _by_kind(ranked: list[int], kinds: dict[int, str], word: str) -> list[int]:
    """The best product of each kind first, the commonest named kinds ("mellanmjölk") before
    the bare word itself, then the rest.
    Only products in `kinds` (the strong matches) can stand for a kind."""
    sizes = Counter(kinds.values())
    seen: set[str] = set()
    first, rest = [], []
    for i in ranked:
        kind = kinds.get(i)
        (rest if kind is None or kind in seen else first).append(i)
        seen.add(kind)
    first.sort(key=lambda i: (kinds[i] == word, -sizes[kinds[i]]))  # stable: ties keep their rank
    return first + rest


def _without_usual(words: list[str]) -> tuple[list[str], bool]:
    for phrase in USUAL:
        n = len(phrase)
        for start in range(len(words) - n + 1):
            if tuple(words[start : start + n]) == phrase:
                return words[:start] + words[start + n :], True
    return words, False
