"""The small readers of the conversation: which card the words choose, which slot they name."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from actions.choosing import Shown, choose, names_a_product
from actions.slot_words import pick_slot
from assistant.orders.slots import LOCAL_TZ

CARDS = [
    Shown("Formfranska Skivad", "Skogaholm", 2590, 4317, Decimal(600)),
    Shown("Rågbröd Mörkt", "Pågen", 2990, 5980, Decimal(500)),
    Shown("Lingongrova", "Pågen", 2995, 5990, Decimal(500), usual=True),
    Shown("Mellanmjölk Laktosfri", "Arla", 1995, 1995, Decimal(1000), organic=True),
]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("den första", 0),
        ("nummer två", 1),
        ("den sista", 3),
        ("den i mitten", 2),
        ("tvåan", 1),
        ("skogaholm", 0),
        ("den ljusa", 0),
        ("det mörka", 1),
        ("den billigaste", 3),
        ("den dyraste", 2),
        ("den största", 3),
        ("den utan laktos", 3),
        ("den ekologiska", 3),
        ("den vanliga", 2),
        ("det grova", 2),
        ("lingongrova tack", 2),
        ("den lila", None),
        ("två", 1),
    ],
)
def test_the_words_choose_a_card(text: str, index: int | None) -> None:
    assert choose(text, CARDS) == index


def test_a_short_answer_names_a_card_only_when_one_fits() -> None:
    assert names_a_product("Skogaholm", CARDS) == 0
    assert names_a_product("pågen", CARDS) is None  # two Pågen cards: not a choice
    assert names_a_product("och ost", CARDS) is None
    assert names_a_product("två liter mellanmjölk och en limpa tack", CARDS) is None


def _slots(now: datetime) -> list[tuple[int, datetime, datetime]]:
    """Mon–Fri 10–12 and 16–18 local time for the coming two weeks."""
    out = []
    day = now.astimezone(LOCAL_TZ).date()
    for ahead in range(1, 15):
        date = day + timedelta(days=ahead)
        if date.weekday() < 5:
            for start in (10, 16):
                starts = datetime.combine(date, time(start), LOCAL_TZ).astimezone(UTC)
                out.append((len(out) + 1, starts, starts + timedelta(hours=2)))
    return out


@pytest.mark.parametrize(
    ("text", "weekday", "hour"),
    [
        ("första lediga", None, None),
        ("på torsdag", 3, 10),
        ("torsdag eftermiddag", 3, 16),
        ("på fredag förmiddag", 4, 10),
        ("leverans tisdag klockan sexton", 1, 16),
    ],
)
def test_the_words_name_a_slot(text: str, weekday: int | None, hour: int | None) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday
    slots = _slots(now)
    chosen = pick_slot(text, slots, now)
    assert chosen is not None
    start = next(s[1] for s in slots if s[0] == chosen).astimezone(LOCAL_TZ)
    if weekday is None:
        assert chosen == 1
    else:
        assert (start.weekday(), start.hour) == (weekday, hour)


def test_words_that_name_no_time_choose_no_slot() -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert pick_slot("vad kostar det", _slots(now), now) is None
    assert pick_slot("i morgon", _slots(now), now) == 1  # Wednesday 10–12
