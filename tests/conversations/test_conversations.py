"""Our own conversations through a running Handla (web app, real Rasa, real actions: the
session's `live_assistant`), judged by the basket and the orders after every turn
(assistant.evaluate_chat)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluate_chat import App, Result, read_spec, run

pytestmark = pytest.mark.rasa
HERE = Path(__file__).parent
FLOOR = 0.95
SETS = ("dev", "dev_more", "holdout")


def test_conversations_keep_the_basket_right(assistant_app: App) -> None:
    """All our conversations (the development set and the held-out one) together; the share
    of each part is printed (the README has both)."""
    total = Result()
    for name in SETS:
        part = Result()
        run(assistant_app, read_spec(HERE / f"{name}.yml"), part)
        print(f"{name}: turns right {part.right}/{part.turns} ({part.share:.1%}), "
              f"conversations {part.conversations_right}/{part.conversations}")  # fmt: skip
        total.turns += part.turns
        total.right += part.right
        total.misses += part.misses
    print(f"all: turns right {total.right}/{total.turns} ({total.share:.1%})")
    assert total.share >= FLOOR, "\n".join(total.misses)
