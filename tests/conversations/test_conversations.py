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


@pytest.mark.parametrize("name", ["dev", "holdout"])
def test_conversations_keep_the_basket_right(app: App, name: str) -> None:
    result = Result()
    run(app, read_spec(HERE / f"{name}.yml"), result)
    print(f"{name}: turns right {result.right}/{result.turns} ({result.share:.1%})")
    assert result.share >= FLOOR, "\n".join(result.misses)
