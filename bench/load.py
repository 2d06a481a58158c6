"""Many conversations at once through the app, as tablets hold them: each posts a turn, waits
for the answer (and `--think` seconds), then the next, for `--seconds`. Starts `handla serve`
(real Rasa and actions, Willys 2023, a fresh data dir), on SQLite or on a throw-away PostgreSQL
(`--postgres`), with `--workers` app processes.

Every conversation repeats a script whose basket after each turn is known ("två liter
mellanmjölk", "en falukorv", "nej förresten fyra", "ta bort falukorven", ...); at the end each
client's basket must be exactly what its last answered turn left. Prints turns/s, p50/p95,
errors and that consistency check.

    .venv/bin/python bench/load.py --conversations 50 --seconds 60 [--postgres --workers 2]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluate_chat import App  # noqa: E402
from tests.helpers.live_handla import free_port, live_handla  # noqa: E402
from tests.helpers.postgres import new_database, postgres_cluster  # noqa: E402

# (what the client says, the basket afterwards as {name pattern: quantity})
SCRIPT: list[tuple[str, dict[str, float]]] = [
    ("två liter mellanmjölk", {"mellanmjölk": 2}),
    ("en falukorv", {"mellanmjölk": 2, "falukorv": 1}),
    ("vad kostar det", {"mellanmjölk": 2, "falukorv": 1}),
    ("nej förresten fyra", {"mellanmjölk": 2, "falukorv": 4}),
    ("ta bort falukorven", {"mellanmjölk": 2}),
    ("ta bort mjölken", {}),
]
FAILURES = ("något gick fel", "svarar inte", "Det gick inte", "startar")


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def converse(app: App, client_id: int, stop_at: float, think: float, tally: Tally) -> int:
    """One tablet's conversation until `stop_at`; returns how many turns were answered."""
    http = httpx.Client(base_url=str(app.http.base_url), cookies=app.http.cookies, timeout=120)
    page = http.get(f"/clients/{client_id}").text
    csrf = page.split('data-csrf="', 1)[1].split('"', 1)[0]
    answered = 0
    while time.monotonic() < stop_at:
        text = SCRIPT[answered % len(SCRIPT)][0]
        begun = time.perf_counter()
        try:
            answer = http.post(f"/clients/{client_id}/chat", json={"text": text},
                               headers={"X-CSRF-Token": csrf})  # fmt: skip
            took = time.perf_counter() - begun
            if answer.status_code != 200:
                raise ValueError(f"HTTP {answer.status_code}: {answer.text[:160]}")
            replies = " ".join(r["text"] for r in answer.json()["replies"])
            failed = answer.status_code != 200 or any(f in replies for f in FAILURES)
        except (httpx.HTTPError, ValueError, KeyError) as error:
            took, failed, replies = time.perf_counter() - begun, True, repr(error)
        with tally.lock:
            tally.times.append(took)
            if failed:
                tally.errors.append(f"{client_id} {text!r}: {replies[:120]}")
        if failed:
            break  # the script's expected basket no longer holds for this conversation
        answered += 1
        if think:
            time.sleep(think)
    return answered


def consistent(app: App, client_id: int, answered: int) -> bool:
    want = SCRIPT[(answered - 1) % len(SCRIPT)][1] if answered else {}
    lines = [ln for ln in app.basket(client_id)["lines"] if ln["status"] == "ok"]
    got = {key: ln["quantity"] for ln in lines for key in want if key in ln["name"].lower()}
    return len(lines) == len(want) and got == want


@contextmanager
def redis_server():  # noqa: ANN201
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(0.5)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0, help="pause after each answer (s)")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="app processes")
    parser.add_argument("--rasa-workers", type=int, default=1)
    parser.add_argument("--action-workers", type=int, default=1)
    args = parser.parse_args()
    env = {"HANDLA_WORKERS": str(args.workers), "HANDLA_ACTION_WORKERS": str(args.action_workers),
           "HANDLA_RASA_WORKERS": str(args.rasa_workers)}  # fmt: skip
    with ExitStack() as stack:
        if args.postgres:
            socket_dir = stack.enter_context(postgres_cluster(max_connections=200))
            env["HANDLA_DATABASE_URL"] = new_database(socket_dir)
        if args.rasa_workers > 1:
            env["HANDLA_REDIS_URL"] = stack.enter_context(redis_server())
        work = Path(tempfile.mkdtemp(prefix="handla-load-"))
        handla = stack.enter_context(live_handla(work, **env))
        app = App(handla.url, handla.user, handla.password)
        app.wait_until_ready(400)
        clients = [app.new_client("Willys 2023") for _ in range(args.conversations)]
        tally = Tally()
        stop_at = time.monotonic() + args.seconds
        begun = time.perf_counter()
        with ThreadPoolExecutor(args.conversations) as pool:
            answered = list(pool.map(lambda c: converse(app, c, stop_at, args.think, tally),
                                     clients))  # fmt: skip
        wall = time.perf_counter() - begun
        right = sum(consistent(app, c, n) for c, n in zip(clients, answered, strict=True))
    backend = "PostgreSQL" if args.postgres else "SQLite"
    times = tally.times
    print(f"{backend}, {args.workers} app worker(s), {args.rasa_workers} Rasa, "
          f"{args.action_workers} action server(s); {args.conversations} conversations, "
          f"{args.seconds:.0f} s, think {args.think:g} s")  # fmt: skip
    print(f"turns {len(times)}   {len(times) / wall:.1f} turns/s   "
          f"p50 {statistics.median(times) * 1000:.0f} ms   "
          f"p95 {percentile(times, 0.95) * 1000:.0f} ms   errors {len(tally.errors)}")  # fmt: skip
    print(f"baskets exactly as the assistant said: {right}/{len(clients)}")
    for error in tally.errors[:10]:
        print("ERROR", error)
    return 0 if not tally.errors and right == len(clients) else 1


if __name__ == "__main__":
    sys.exit(main())
