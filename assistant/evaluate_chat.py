"""Whole conversations through a running Handla, judged by the basket and the orders after every
turn (never by intent names): `python -m assistant.evaluate_chat FILE [--url URL]`.

For each conversation a fresh client is created in the named store (through the admin page, as
an admin would), the `setup` turns are said without being scored (e.g. an earlier order, so
"som vanligt" has something to go on), then every turn of `turns` is said through the client
page's chat endpoint and checked against what the basket must hold afterwards. The file:

    store: Willys 2023                 # the store of every conversation (or per conversation)
    conversations:
      - name: a list in one breath
        turns:
          - say: fem ägg två gurkor ett paket kaffe
            expect:
              lines:                   # exactly these product lines, in any order
                - {match: "gurka", quantity: 2}
                - {match: "kaffe"}
              choices: ["ägg"]         # open choices, by the client's words (regex)
              wishes: []               # waiting for staff, by the client's words
              orders: 0                # placed orders of this client
              unchanged: true          # nothing in the basket changed this turn
              reply: "Ska jag skicka"  # a regex the answer must contain (use sparingly)

A key left out is not checked. `match` is a regular expression over "name | brand" (lower
case); `quantity` is the line's quantity (packages, or kg for weight items). Prints each miss
and the share of turns right; exits 1 when it is below `--floor`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from assistant.voice.speech_text import as_spoken

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE_CSRF = re.compile(r'data-csrf="([^"]+)"')


@dataclass
class Result:
    conversations: int = 0
    turns: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)
    conversations_right: int = 0

    @property
    def share(self) -> float:
        return self.right / self.turns if self.turns else 1.0


class App:
    """A staff member (an admin) in a running Handla, over HTTP."""

    def __init__(
        self, url: str, user: str, password: str, timeout: float = 60, speech: bool = False
    ) -> None:
        self.speech = speech  # every turn as the speech recogniser writes it (`as_spoken`)
        self.http = httpx.Client(base_url=url, follow_redirects=True, timeout=timeout)
        page = self.http.get("/login")
        page.raise_for_status()
        token = CSRF.search(page.text)
        assert token, "the login page has no CSRF token"
        answer = self.http.post(
            "/login", data={"username": user, "password": password, "csrf_token": token[1]}
        )
        if "/login" in str(answer.url):
            raise SystemExit(f"Inloggningen misslyckades för {user}.")

    def wait_until_ready(self, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status = self.http.get("/api/assistant/status").json().get("status")
            if status == "ready":
                return
            time.sleep(2)
        raise SystemExit("Assistenten blev inte redo.")

    def new_client(self, store: str) -> int:
        page = self.http.get("/admin/clients")
        page.raise_for_status()
        stores = {
            name.strip(): value
            for value, name in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.text)
        }
        store_id = next((v for n, v in stores.items() if n.startswith(store)), None)
        if store_id is None:
            raise SystemExit(f"Butiken {store} finns inte ({', '.join(stores)}).")
        name = f"Utvärdering {uuid.uuid4().hex[:8]}"
        token = CSRF.search(page.text)
        assert token
        self.http.post(
            "/admin/clients",
            data={
                "display_name": name,
                "store_id": store_id,
                "substitution": "ask",
                "speech_rate": "1.0",
                "csrf_token": token[1],
            },
        ).raise_for_status()
        listing = self.http.get("/staff/clients").text
        found = re.search(r'href="/clients/(\d+)"[^>]*>\s*' + re.escape(name), listing)
        if found is None:
            raise SystemExit("Den nya kunden syns inte i kundlistan.")
        return int(found[1])

    def say(self, client_id: int, text: str) -> str:
        page = self.http.get(f"/clients/{client_id}")
        token = PAGE_CSRF.search(page.text)
        if token is None:
            raise SystemExit(f"/clients/{client_id} has no chat: {page.status_code} {page.url}\n"
                             f"{page.text[:600]}")  # fmt: skip
        text = as_spoken(text) if self.speech else text
        answer = self.http.post(
            f"/clients/{client_id}/chat", json={"text": text}, headers={"X-CSRF-Token": token[1]}
        )
        answer.raise_for_status()
        return " ".join(r.get("text") or "" for r in answer.json()["replies"])

    def basket(self, client_id: int) -> dict[str, Any]:
        answer = self.http.get(f"/api/clients/{client_id}/basket")
        answer.raise_for_status()
        return dict(answer.json())

    def orders(self, client_id: int) -> list[dict[str, Any]]:
        answer = self.http.get(f"/api/clients/{client_id}/orders")
        answer.raise_for_status()
        return list(answer.json())


def _product_lines(basket: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in basket["lines"] if line["status"] == "ok"]


def _said(basket: dict[str, Any], status: str) -> list[str]:
    return [line["spoken_text"] for line in basket["lines"] if line["status"] == status]


def _match_lines(expected: list[dict[str, Any]], lines: list[dict[str, Any]]) -> str | None:
    left = list(lines)
    for want in expected:
        pattern = re.compile(str(want["match"]), re.IGNORECASE)
        hit = next(
            (
                line
                for line in left
                if pattern.search(f"{line['name']} | {line['brand']}".lower())
                and ("quantity" not in want or float(want["quantity"]) == float(line["quantity"]))
            ),
            None,
        )
        if hit is None:
            return f"ingen rad för {want}"
        left.remove(hit)
    if left:
        extra = [f"{line['quantity']:g} {line['name']}" for line in left]
        return f"fler rader än väntat: {extra}"
    return None


def _match_words(kind: str, expected: list[str], said: list[str]) -> str | None:
    left = list(said)
    for want in expected:
        pattern = re.compile(str(want), re.IGNORECASE)
        hit = next((s for s in left if pattern.search(s)), None)
        if hit is None:
            return f"inget {kind} för {want!r} (finns: {said})"
        left.remove(hit)
    if left:
        return f"fler {kind} än väntat: {left}"
    return None


def _state(basket: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted((ln["status"], ln["product_id"], ln["quantity"], ln["spoken_text"])
                  for ln in basket["lines"])  # fmt: skip


def judge(
    expect: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    orders: list[dict[str, Any]],
    reply: str,
) -> list[str]:
    """What the basket after the turn gets wrong (empty when it is right)."""
    problems: list[str] = []
    if "lines" in expect:
        problem = _match_lines(list(expect["lines"] or []), _product_lines(after))
        problems += [problem] if problem else []
    for key, status in (("choices", "needs_choice"), ("wishes", "needs_staff")):
        if key in expect:
            problem = _match_words(key, list(expect[key] or []), _said(after, status))
            problems += [problem] if problem else []
    if "orders" in expect and len(orders) != int(expect["orders"]):
        problems.append(f"{len(orders)} beställningar, väntade {expect['orders']}")
    if "order_status" in expect and (not orders or orders[0]["status"] not in
                                     str(expect["order_status"]).split("|")):  # fmt: skip
        problems.append(f"beställningens status {orders[0]['status'] if orders else '-'}")
    if expect.get("unchanged") and _state(before) != _state(after):
        problems.append("korgen ändrades")
    if "reply" in expect and not re.search(str(expect["reply"]), reply, re.IGNORECASE):
        problems.append(f"svaret saknar {expect['reply']!r}")
    return problems


def run(app: App, spec: dict[str, Any], result: Result, verbose: bool = False) -> None:
    default_store = str(spec.get("store", "Willys 2023"))
    for conversation in spec["conversations"]:
        result.conversations += 1
        name = conversation.get("name", f"samtal {result.conversations}")
        client_id = app.new_client(str(conversation.get("store", default_store)))
        for text in conversation.get("setup", []) or []:
            app.say(client_id, str(text))
        all_right = True
        for number, turn in enumerate(conversation["turns"], start=1):
            before = app.basket(client_id)
            reply = app.say(client_id, str(turn["say"]))
            after = app.basket(client_id)
            orders = app.orders(client_id)
            problems = judge(turn.get("expect") or {}, before, after, orders, reply)
            result.turns += 1
            if problems:
                all_right = False
                result.misses.append(
                    f"{name} #{number} {turn['say']!r}: {'; '.join(problems)}\n    svar: {reply}"
                )
            else:
                result.right += 1
            if verbose:
                mark = "ok " if not problems else "FEL"
                print(f"{mark} {name} #{number} {turn['say']!r} -> {reply}")
        result.conversations_right += all_right


def read_spec(path: str | Path) -> dict[str, Any]:
    data = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise SystemExit(f"{path}: väntade en lista under 'conversations'.")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluate_chat")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--url", default=os.environ.get("HANDLA_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--user", default=os.environ.get("HANDLA_EVAL_USER", "admin"))
    parser.add_argument("--password", default=os.environ.get("HANDLA_EVAL_PASSWORD", ""))
    parser.add_argument("--floor", type=float, default=0.0, help="lowest share of turns right")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--speech", action="store_true",
                        help="say every turn as the recogniser writes it (as the voice loop does)")  # fmt: skip
    args = parser.parse_args(argv)
    app = App(args.url, args.user, args.password, speech=args.speech)
    app.wait_until_ready()
    result = Result()
    for path in args.files:
        run(app, read_spec(path), result, args.verbose)
    for miss in result.misses:
        print("MISS", miss)
    print(
        f"turns right {result.right}/{result.turns} ({result.share:.1%}); "
        f"conversations right {result.conversations_right}/{result.conversations}"
    )
    return 0 if result.share >= args.floor else 1


if __name__ == "__main__":
    sys.exit(main())
