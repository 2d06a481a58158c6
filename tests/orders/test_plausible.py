"""Odd input never changes the basket: only Swedish-looking product words become wishes, and a
sentence in another language is told apart from a shopping list."""

from __future__ import annotations

import pytest

from assistant.orders.plausible import foreign_language, plausible_words
from catalog_matcher import CatalogIndex
from catalog_matcher.catalog_files import load_products
from catalog_matcher.normalize import normalise

SWEDISH_MISSING = ["julskinka", "surströmming", "kalvsylta", "lutfisk", "lingonsylt", "rårakor", "kroppkakor", "ostkaka", "pepparkakor", "glögg", "messmör", "tunnbröd", "kalops", "pölsa", "renskav", "hjortron", "nyponsoppa", "fläskpannkaka", "strömming", "saffran", "mandelmassa", "semlor", "prinsesstårta", "marsipan", "polkagris", "kåldolmar", "fiskpinnar", "gravlax", "risgrynsgröt", "sotare", "blodpudding", "knäckebröd", "sill"]  # fmt: skip
MASHES = ["asdfgh", "asdfghjkl", "qwerty", "qwertyuiop", "jkjkjk", "xzqv", "ghfjdkslö", "zxcvbnm", "hjklö", "fdsa", "lkjhg", "poiuy", "mnbvc", "wxyz", "aaaaaa", "qqqq", "ööööö", "dfgdfg", "sdfsdf", "jkljkl"]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex(load_products("demo_catalog/willys_2023.csv"))


def test_swedish_grocery_words_are_plausible_and_mashes_are_not(index: CatalogIndex) -> None:
    assert [w for w in SWEDISH_MISSING if not plausible_words(w, index)] == []
    assert [w for w in MASHES if plausible_words(w, index)] == []
    assert not plausible_words("en två tre fyra fem sex sju", index)  # too many words
    assert not plausible_words("x" * 40, index)


@pytest.mark.parametrize(
    "text",
    [
        "what time is it",
        "can i have some milk please",
        "drop table order line",
        "ich möchte bitte brot kaufen",
        "haluan maitoa",
        "где молоко",
    ],  # fmt: skip
)
def test_other_languages_are_foreign(text: str) -> None:
    assert foreign_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "två liter mjölk och en limpa",
        "kan du lägga till en pizza och chips",
        "ok en ketchup",
        "jag vill ha cornflakes",
        "i morgon på förmiddagen",
        "en ost i korgen tack",
    ],  # fmt: skip
)
def test_swedish_with_borrowed_words_is_not_foreign(text: str) -> None:
    assert not foreign_language(normalise(text))
