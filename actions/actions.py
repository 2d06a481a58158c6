"""The custom actions: items to candidates and cards, choices, changes, total, slot, order.

Each action answers in short Swedish (the text TTS speaks) and, where products are shown, a
custom payload ``{"cards": [...], "item": {...}}`` that the web page draws as picture cards.
Any failure gives a polite Swedish answer; a refused change leaves the basket as it was.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.basket import Basket, Line, ServiceError, basket_of
from actions.catalog import CardInfo, client_id_of, index_for, sessions
from actions.choosing import choose, names_a_card
from actions.wording import amount_text, choice_question, join_words, unique, usual_question
from assistant.db import session_scope
from assistant.web.matching import purchase_prior
from catalog_matcher import ItemMatch
from catalog_matcher.normalize import fold
from catalog_matcher.quantities import to_number
from catalog_matcher.result import BOUGHT_BEFORE

log = logging.getLogger(__name__)
MAX_CARDS = 4
MAX_TEXT = 500
FAILED = "Förlåt, något gick fel hos mig. Inget har ändrats i korgen."
Pending = list[dict[str, Any]]


def _entities(tracker: Tracker, name: str) -> list[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities", []) if e.get("entity") == name]  # fmt: skip


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")[:MAX_TEXT]


class BasketAction:
    """Runs `act` and turns a refusal or an error into a polite answer.

    Not an `Action` itself: rasa-sdk registers every Action subclass it finds.
    """

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            return self.act(dispatcher, tracker, basket_of(tracker.sender_id))
        except ServiceError as error:
            dispatcher.utter_message(text=f"{error.message} Inget har ändrats.")
        except Exception:
            log.exception("%s failed", type(self).__name__)
            dispatcher.utter_message(text=FAILED)
        return []

    @abstractmethod
    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, basket: Basket
    ) -> list[EventType]: ...


def _cards(basket: Basket, item: dict[str, Any]) -> list[CardInfo]:
    """The picture cards of a pending item (products gone from the catalog left out)."""
    return [c for c in (basket.card(k) for k in item["keys"]) if c]


def _show_next(dispatcher: CollectingDispatcher, basket: Basket, pending: Pending) -> None:
    """Ask the client to choose for the first pending item, with its picture cards."""
    item = pending[0]
    cards = _cards(basket, item)
    if item.get("usual") and cards:
        question = usual_question(cards[0].name, cards[0].brand)
    else:
        question = choice_question(
            item["text"],
            item["kinds"],
            unique([c.brand for c in cards]),
            unique([c.name for c in cards]),
        )
    dispatcher.utter_message(
        text=question,
        json_message={
            "cards": [c.to_json() for c in cards],
            "item": {k: item[k] for k in ("text", "quantity", "unit")},
        },
    )


def _pending_item(item: ItemMatch) -> dict[str, Any]:
    shown = item.candidates[:MAX_CARDS]
    kinds = unique([c.kind for c in shown]) if item.ambiguous else unique([shown[0].kind])
    return {
        "text": item.text,
        "quantity": str(item.quantity),
        "unit": item.unit,
        "keys": [c.key for c in shown],
        "kinds": kinds,
        "usual": not item.ambiguous and shown[0].why == BOUGHT_BEFORE,
    }


class ActionAddItems(BasketAction, Action):
    def name(self) -> str:
        return "action_add_items"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        shown: Pending = list(tracker.get_slot("pending") or [])
        if shown:  # "Bregott" while the butter cards are shown picks that card
            cards = _cards(basket, shown[0])
            if names_a_card(_text(tracker), cards) is not None:
                return _pick(dispatcher, tracker, basket, shown, cards)
        client_id = client_id_of(tracker.sender_id)
        with session_scope(sessions()) as session:
            index = index_for(session, client_id)
            history = purchase_prior(session, client_id) if client_id is not None else []
        items = index.match(_text(tracker), history)
        added, missing, pending, noted = [], [], [], False
        for item in items:
            if not item.candidates:
                missing.append(f"”{item.text}”")
                noted = basket.note_for_staff(item.text) or noted
            elif len(item.candidates) == 1:
                name = basket.add(item.candidates[0].key, item.quantity, item.unit, item.text)
                added.append(f"{amount_text(item.quantity)} {name}")
            else:
                pending.append(_pending_item(item))
        parts = []
        if added:
            parts.append(f"Jag har lagt i {join_words(added)}.")
        if missing:
            parts.append(f"Jag hittade inget för {join_words(missing)}.")
            if noted:
                parts.append("Jag har skrivit upp det så att personalen kan hjälpa till.")
        if not items:
            parts.append("Jag hörde ingen vara. Säg till exempel ”en limpa”.")
        if parts:
            dispatcher.utter_message(text=" ".join(parts))
        if pending:
            _show_next(dispatcher, basket, pending)
        elif added:
            dispatcher.utter_message(text="Något mer?")
        return [SlotSet("pending", pending or None)]


class ActionChoose(BasketAction, Action):
    def name(self) -> str:
        return "action_choose"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        pending: Pending = list(tracker.get_slot("pending") or [])
        if not pending:
            dispatcher.utter_message(text="Det finns inget att välja just nu. Vad vill du handla?")
            return []
        return _pick(dispatcher, tracker, basket, pending, _cards(basket, pending[0]))


def _pick(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    basket: Basket,
    pending: Pending,
    cards: list[CardInfo],
) -> list[EventType]:
    """Add the card the client's words choose for the first pending item; then the next."""
    item = pending[0]
    said = _entities(tracker, "choice") + _entities(tracker, "brand")
    chosen = choose(_text(tracker), said, cards)
    if chosen is None:
        dispatcher.utter_message(
            text="Jag förstod inte vilken du menar. Säg till exempel ”den första”."
        )
        return []
    card = cards[chosen]
    name = basket.add(card.product_key, Decimal(item["quantity"]), item["unit"], item["text"])
    dispatcher.utter_message(
        text=f"Jag har lagt i {amount_text(Decimal(item['quantity']))} {name}."
    )
    rest = pending[1:]
    if rest:
        _show_next(dispatcher, basket, rest)
    else:
        dispatcher.utter_message(text="Något mer?")
    return [SlotSet("pending", rest or None)]


_ENDINGS = ("erna", "arna", "orna", "na", "en", "et", "n", "t")


def _roots(word: str) -> list[str]:
    """ "mjölken" -> ["mjölken", "mjölk"]: the word without a definite or plural ending."""
    word = fold(word)
    return [word] + [
        word[: -len(e)] for e in _ENDINGS if word.endswith(e) and len(word) - len(e) >= 3
    ]


def _score(word: str, name: str) -> float:
    best = 0.0
    for root in _roots(word):
        for token in fold(name).split():
            if token == root:
                return 100.0
            if len(root) >= 4 and token.endswith(root):
                best = max(best, 90.0)  # "mjölk" in "mellanmjölk"
            best = max(best, fuzz.ratio(root, token))
    return best


def _find_line(lines: list[Line], words: list[str]) -> Line | None:
    """The basket line a spoken product word points at ("mjölken"), else the last line."""
    if not lines:
        return None
    if not words:
        return lines[-1]
    score, line = max(
        ((max(_score(w, ln.name) for w in words), ln) for ln in lines), key=lambda t: t[0]
    )
    return line if score >= 75 else None


class ActionRemoveItem(BasketAction, Action):
    def name(self) -> str:
        return "action_remove_item"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        line = _find_line(basket.lines(), _entities(tracker, "product"))
        if line is None:
            dispatcher.utter_message(text="Den varan finns inte i korgen.")
            return []
        basket.remove(line.id)
        dispatcher.utter_message(text=f"Jag har tagit bort {line.name}.")
        return []


class ActionChangeQuantity(BasketAction, Action):
    def name(self) -> str:
        return "action_change_quantity"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        line = _find_line(basket.lines(), _entities(tracker, "product"))
        if line is None:
            dispatcher.utter_message(text="Vilken vara menar du? Den finns inte i korgen.")
            return []
        numbers = [n for n in (to_number(fold(q)) for q in _entities(tracker, "quantity")) if n]
        text = fold(_text(tracker))
        if "dubbla" in text:
            wanted = line.quantity * 2
        elif "till" in text.split()[-1:] or text.startswith("en till"):
            wanted = line.quantity + 1
        elif numbers:
            wanted = numbers[-1]
        else:
            dispatcher.utter_message(text=f"Hur många {line.name} vill du ha?")
            return []
        basket.set_quantity(line.id, wanted)
        dispatcher.utter_message(text=f"Nu är det {amount_text(wanted)} {line.name}.")
        return []


class ActionReadBasket(BasketAction, Action):
    def name(self) -> str:
        return "action_read_basket"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        lines = basket.lines()
        if not lines:
            dispatcher.utter_message(text="Korgen är tom. Vad vill du handla?")
            return []
        listed = join_words([f"{amount_text(ln.quantity)} {ln.name}" for ln in lines])
        dispatcher.utter_message(text=f"I korgen finns {listed}. {basket.total_text()}")
        return []


class ActionUsualOrder(BasketAction, Action):
    def name(self) -> str:
        return "action_usual_order"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        usual = basket.usual()
        if not usual:
            dispatcher.utter_message(
                text="Jag hittar ingen tidigare beställning. Säg vad du vill handla."
            )
            return []
        names = [basket.add(key, quantity, None, "som vanligt") for key, quantity in usual]
        dispatcher.utter_message(
            text=f"Jag har lagt i det du brukar köpa: {join_words(names)}. Vill du ändra något?"
        )
        return []


WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


class ActionChooseDelivery(BasketAction, Action):
    def name(self) -> str:
        return "action_choose_delivery"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        slots = basket.slots()
        if not slots:
            dispatcher.utter_message(text="Det finns inga lediga leveranstider just nu.")
            return []
        text = fold(_text(tracker))
        day = next((d for d in WEEKDAYS if d in text), None)
        soonest = any(w in text for w in ("första", "snart", "snarast"))
        match = next((s for s in slots if day and s[1].startswith(day)), None)
        if match is None and soonest:
            match = slots[0]
        if match is None:
            labels = [label for _, label in slots]
            dispatcher.utter_message(
                text=f"Lediga tider: {join_words(labels)}. Vilken passar?",
                buttons=[{"title": label, "payload": f"leverans {label}"} for label in labels],
            )
            return []
        label = basket.book(match[0])
        dispatcher.utter_message(text=f"Jag har bokat leverans {label}.")
        return []


class ActionAskConfirm(BasketAction, Action):
    def name(self) -> str:
        return "action_ask_confirm"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        lines = basket.lines()
        if not lines:
            dispatcher.utter_message(text="Korgen är tom, så det finns inget att beställa än.")
            return []
        count = len(lines)
        dispatcher.utter_message(
            text=f"Du har {count} {'vara' if count == 1 else 'varor'} i korgen. "
            f"{basket.total_text()} Ska jag skicka beställningen? Svara ja eller nej."
        )
        return []


class ActionPlaceOrder(BasketAction, Action):
    def name(self) -> str:
        return "action_place_order"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        dispatcher.utter_message(text=basket.confirm())
        return [SlotSet("pending", None)]


class ActionCancel(BasketAction, Action):
    def name(self) -> str:
        return "action_cancel"

    def act(self, dispatcher, tracker, basket):  # type: ignore[no-untyped-def]
        dispatcher.utter_message(
            text="Okej, jag har avbrutit. Inget är beställt och korgen är som förut."
        )
        return [SlotSet("pending", None)]
