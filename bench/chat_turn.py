"""A text turn as the tablet sends it: POST /clients/{id}/chat -> Rasa (NLU + dialogue) -> the
action server (matcher, order service) -> the reply. Starts `handla serve` (real Rasa, real
actions, Willys 2023, a fresh data dir) and prints p50/p95 for one conversation and for 20 at
once, beside Rasa's own /model/parse for the same texts.

    .venv/bin/python bench/chat_turn.py [--concurrent 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluate_chat import App  # noqa: E402
from assistant.process_group import trained_model  # noqa: E402
from tests.helpers.live_handla import live_handla  # noqa: E402

RASA_TOKEN = "bench-token"
TURNS = ["hej", "två liter mellanmjölk", "nej förresten fyra", "bröd", "den första",
         "vad kostar det", "ta bort den sista", "tre bananer"]  # fmt: skip


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms"


class Conversation:
    """One client's chat, as chat.js posts it (its own page token)."""

    def __init__(self, app: App, client_id: int) -> None:
        self.http = httpx.Client(base_url=str(app.http.base_url), cookies=app.http.cookies,
                                 timeout=60)  # fmt: skip
        page = self.http.get(f"/clients/{client_id}").text
        self.csrf = page.split('data-csrf="', 1)[1].split('"', 1)[0]
        self.path = f"/clients/{client_id}/chat"

    def say(self, text: str) -> float:
        begun = time.perf_counter()
        answer = self.http.post(self.path, json={"text": text}, headers={"X-CSRF-Token": self.csrf})
        took = time.perf_counter() - begun
        answer.raise_for_status()
        return took


def run(conversations: list[Conversation], rounds: int) -> list[float]:
    def talk(conversation: Conversation) -> list[float]:
        return [conversation.say(text) for _ in range(rounds) for text in TURNS]

    with ThreadPoolExecutor(len(conversations)) as pool:
        return [t for times in pool.map(talk, conversations) for t in times]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if trained_model() is None:
        print("No trained Rasa model: run ./script/setup first.", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="handla-bench-"))
    with live_handla(work, HANDLA_RASA_TOKEN=RASA_TOKEN) as handla:
        app = App(handla.url, handla.user, handla.password)
        app.wait_until_ready(400)
        rasa = handla.env["HANDLA_RASA_URL"]
        one = Conversation(app, app.new_client("Willys 2023"))
        one.say("hej")  # warm-up
        single = run([one], args.rounds)
        parses = []
        for text in TURNS * args.rounds:
            begun = time.perf_counter()
            httpx.post(f"{rasa}/model/parse", json={"text": text}, params={"token": RASA_TOKEN},
                       timeout=30)  # fmt: skip
            parses.append(time.perf_counter() - begun)
        many = [Conversation(app, app.new_client("Willys 2023")) for _ in range(args.concurrent)]
        begun = time.perf_counter()
        together = run(many, max(1, args.rounds // 2))
        wall = time.perf_counter() - begun
    print(f"Willys 2023, {len(TURNS)} turns a round, 2 cores")
    print(f"one conversation ({len(single)} turns):        {percentiles(single)}")
    print(f"{args.concurrent} conversations at once ({len(together)} turns): "
          f"{percentiles(together)}   {len(together) / wall:.1f} turns/s")  # fmt: skip
    print(f"Rasa /model/parse alone:                   {percentiles(parses)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
