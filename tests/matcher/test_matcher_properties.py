"""Properties of splitting and matching over generated input (hypothesis)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_matcher import CatalogIndex
from catalog_matcher.carriers import _FRAME
from catalog_matcher.catalog_files import load_products
from catalog_matcher.splitting import LEADING, split_items
from catalog_matcher.wordclasses import CONNECTORS, PARTICLES, TRAILING, is_filler

ROOT = Path(__file__).resolve().parents[2]
INDEX = CatalogIndex(load_products(ROOT / "demo_catalog" / "willys_2023.csv"))
# the words product names are made of, without the small words a request is framed with
NOT_PRODUCT_TEXT = _FRAME | PARTICLES | TRAILING | CONNECTORS | LEADING | {"vanliga", "vanligt"}
PRODUCT_WORDS = sorted(
    w
    for w in INDEX.name_words
    if re.fullmatch(r"[a-zåäö]{2,}", w) and w not in NOT_PRODUCT_TEXT and not is_filler(w)
)
AMOUNTS = ["två", "tre", "ett paket", "en burk", "fem", "ett kilo", "två liter", "4", "1/2 dl"]


@st.composite
def product_text(draw: st.DrawFn) -> list[str]:
    """A spoken list: items of one to three product words, most with an amount before them."""
    words: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            words += draw(st.sampled_from(AMOUNTS)).split()
        words += draw(st.lists(st.sampled_from(PRODUCT_WORDS), min_size=1, max_size=3))
    return words


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(product_text())
def test_splitting_never_loses_or_repeats_a_word(words: list[str]) -> None:
    items = split_items(" ".join(words), INDEX)
    assert [w for item in items for w in item.words] == words
    assert all(item.words for item in items)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_result_never_an_exception(text: str) -> None:
    for item in INDEX.match(text):
        assert item.status in {"found", "ambiguous", "not_found"}
        assert item.ambiguous == (item.status == "ambiguous")
        assert not (item.status == "not_found" and item.candidates)
        assert item.status == "not_found" or item.candidates  # found means a proposal
        assert isinstance(item.text, str)
    assert isinstance(INDEX.match_item(text).status, str)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(), max_size=12), max_size=8))
def test_words_of_any_alphabet_give_a_result(parts: list[str]) -> None:
    items = INDEX.match(" ".join(parts))
    assert isinstance(items, list)


@pytest.mark.parametrize("text", ["", " ", ",,,", "\n\n", "(((", "1/0 dl", "0-0 st", "½½½"])
def test_empty_or_odd_input_is_a_clear_empty_result(text: str) -> None:
    for item in INDEX.match(text):
        assert item.status in {"found", "ambiguous", "not_found"}
