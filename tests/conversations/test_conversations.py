"""Our own conversations through a freshly started Handla (web app, real Rasa, real actions),
judged by the basket and the orders after every turn (assistant.evaluate_chat)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.evaluate_chat import App, Result, read_spec, run
from assistant.process_group import RASA, trained_model
from tests.helpers.live_handla import LiveHandla, live_handla

pytestmark = pytest.mark.rasa
HERE = Path(__file__).parent
FLOOR = 0.95
SETS = ("dev", "dev_more", "holdout")

if not RASA.exists() or trained_model() is None:
    pytest.skip("Rasa or a trained model is missing: run ./script/setup", allow_module_level=True)


@pytest.fixture(scope="module")
def handla(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHandla]:
    with live_handla(tmp_path_factory.mktemp("handla")) as live:
        yield live


@pytest.fixture(scope="module")
def app(handla: LiveHandla) -> App:
    app = App(handla.url, handla.user, handla.password)
    app.wait_until_ready(300)
    return app


def test_conversations_keep_the_basket_right(app: App) -> None:
    """All our conversations (the development set and the held-out one) together; the share
    of each part is printed (the README has both)."""
    total = Result()
    for name in SETS:
        part = Result()
        run(app, read_spec(HERE / f"{name}.yml"), part)
        print(f"{name}: turns right {part.right}/{part.turns} ({part.share:.1%}), "
              f"conversations {part.conversations_right}/{part.conversations}")  # fmt: skip
        total.turns += part.turns
        total.right += part.right
        total.misses += part.misses
    print(f"all: turns right {total.right}/{total.turns} ({total.share:.1%})")
    assert total.share >= FLOOR, "\n".join(total.misses)
