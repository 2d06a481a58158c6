"""The custom actions in process, without the Rasa server: the demo catalog for a sender that
is no client, and a client's real basket in the order service (SQLite) from items to order."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions as act
from actions import catalog
from actions.catalog import CardInfo
from actions.choosing import choose
from assistant.db import session_scope
from assistant.db.models import Order, Product, PurchaseHistory


def _tracker(sender: str, text: str, entities: list[dict[str, Any]] = (), pending=None) -> Tracker:
    message = {"text": text, "intent": {"name": "x"}, "entities": list(entities)}
    return Tracker(sender, {"pending": pending}, message, [], False, None, {}, "action_listen")


def _run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def _pending(events: list[dict[str, Any]]) -> Any:
    return next((e["value"] for e in events if e.get("name") == "pending"), None)


CARDS = [
    CardInfo("1", "Mellanmjölk 1,5%", "Arla", "1 l", 17.9, ""),
    CardInfo("2", "Mellanmjölk 1,5%", "Garant", "1 l", 13.5, ""),
    CardInfo("3", "Grovt bröd", "Pågen", "750 g", 32.0, ""),
]


@pytest.mark.parametrize(
    ("text", "entities", "index"),
    [
        ("den första", ["första"], 0),
        ("nummer två", ["två"], 1),
        ("den sista", ["sista"], 2),
        ("Garant tack", ["Garant"], 1),
        ("det grova", ["grova"], 2),
        ("den billigaste", ["billigaste"], 1),
        ("den lila", [], None),
    ],
)
def test_choose_understands_ordinals_brands_and_words(text, entities, index) -> None:
    assert choose(text, entities, CARDS) == index


def test_demo_conversation_shows_cards_and_asks_before_ordering() -> None:
    sender = "demo-test"
    messages, events = _run(
        act.ActionAddItems(), _tracker(sender, "två liter mellanmjölk och en limpa")
    )
    question = messages[-1]
    assert question["text"].startswith("Jag hittade") and "Vilken vill du ha?" in question["text"]
    cards = question["custom"]["cards"]
    assert 2 <= len(cards) <= 4 and {"product_key", "name", "brand", "price"} <= set(cards[0])
    assert question["custom"]["item"]["quantity"] == "2"
    pending = _pending(events)
    assert len(pending) == 2

    messages, events = _run(act.ActionChoose(), _tracker(sender, "den första", pending=pending))
    assert messages[0]["text"].startswith("Jag har lagt i 2 ")
    pending = _pending(events)
    messages, events = _run(act.ActionChoose(), _tracker(sender, "nummer två", pending=pending))
    assert _pending(events) is None and messages[-1]["text"] == "Något mer?"

    messages, _ = _run(act.ActionReadBasket(), _tracker(sender, "vad kostar det"))
    assert "Mellanmjölk" in messages[0]["text"]
    messages, _ = _run(act.ActionAskConfirm(), _tracker(sender, "beställ"))
    assert "Svara ja eller nej" in messages[0]["text"]
    messages, _ = _run(act.ActionPlaceOrder(), _tracker(sender, "ja"))
    assert "klar" in messages[0]["text"]


def test_unknown_words_get_a_polite_answer() -> None:
    messages, events = _run(act.ActionAddItems(), _tracker("demo-x", "blorfnik"))
    assert messages and "hittade inget" in messages[0]["text"]
    assert _pending(events) is None


def test_client_conversation_reaches_the_order_service(shop: int) -> None:
    sender = f"client-{shop}"
    messages, events = _run(act.ActionAddItems(), _tracker(sender, "två mellanmjölk och lantbröd"))
    assert "Jag har lagt i 1 Lantbröd" in messages[0]["text"]
    assert {c["brand"] for c in messages[-1]["custom"]["cards"]} == {"Arla", "Garant"}
    pending = _pending(events)
    entities = [{"entity": "brand", "value": "Garant"}]
    messages, _ = _run(act.ActionChoose(), _tracker(sender, "Garant", entities, pending))
    assert "Mellanmjölk" in messages[0]["text"]

    entities = [{"entity": "product", "value": "brödet"}]
    messages, _ = _run(act.ActionRemoveItem(), _tracker(sender, "ta bort brödet", entities))
    assert messages[0]["text"] == "Jag har tagit bort Lantbröd 1 l."
    messages, _ = _run(act.ActionReadBasket(), _tracker(sender, "vad kostar det"))
    assert "2 Mellanmjölk 1,5% 1 l" in messages[0]["text"] and "27,00" in messages[0]["text"]

    messages, _ = _run(act.ActionChooseDelivery(), _tracker(sender, "så snart som möjligt"))
    assert messages[0]["text"].startswith("Jag har bokat leverans ")
    _run(act.ActionAskConfirm(), _tracker(sender, "beställ"))
    messages, _ = _run(act.ActionPlaceOrder(), _tracker(sender, "ja"))
    assert messages[0]["text"].startswith("Beställningen är bekräftad")
    with session_scope(catalog.sessions()) as session:
        order = session.query(Order).filter_by(client_id=shop, status="confirmed").one()
        assert [(ln.product.brand, ln.quantity) for ln in order.lines] == [("Garant", 2)]


def test_a_refusal_changes_nothing(shop: int) -> None:
    sender = f"client-{shop}"
    messages, _ = _run(act.ActionPlaceOrder(), _tracker(sender, "ja"))
    assert messages[0]["text"] == "Korgen är tom. Inget har ändrats."


def test_an_unknown_item_is_written_up_for_staff(shop: int) -> None:
    sender = f"client-{shop}"
    messages, _ = _run(act.ActionAddItems(), _tracker(sender, "blorfnik"))
    assert "Jag har skrivit upp det så att personalen kan hjälpa till." in messages[0]["text"]
    with session_scope(catalog.sessions()) as session:
        basket = session.query(Order).filter_by(client_id=shop, status="basket").one()
        assert [(ln.spoken_text, ln.status) for ln in basket.lines] == [("blorfnik", "needs_staff")]
    messages, _ = _run(act.ActionPlaceOrder(), _tracker(sender, "ja"))
    assert "Personalen behöver välja vara" in messages[0]["text"]


def test_the_clients_usual_product_comes_first_and_is_named(shop: int) -> None:
    with session_scope(catalog.sessions()) as session:
        garant = session.query(Product).filter_by(brand="Garant").one()
        session.add_all(
            PurchaseHistory(client_id=shop, product_id=garant.id, quantity=2) for _ in range(2)
        )
    sender = f"client-{shop}"
    messages, events = _run(act.ActionAddItems(), _tracker(sender, "mellanmjölk"))
    question = messages[-1]
    assert question["text"] == (
        "Du brukar ta Mellanmjölk 1,5% från Garant. Säg ”den vanliga”, eller välj en annan bild."
    )
    assert question["custom"]["cards"][0]["brand"] == "Garant"
    usual = _tracker(sender, "den vanliga", [{"entity": "choice", "value": "vanliga"}],
                     _pending(events))  # fmt: skip
    messages, _ = _run(act.ActionChoose(), usual)
    assert messages[0]["text"].startswith("Jag har lagt i 1 Mellanmjölk 1,5%")


def test_naming_a_shown_card_picks_it_even_when_heard_as_adding() -> None:
    sender = "demo-named"
    _, events = _run(act.ActionAddItems(), _tracker(sender, "bröd"))
    pending = _pending(events)
    cards = [catalog.demo_product(key).name for key in pending[0]["keys"]]
    kind = cards[-1].split()[0]  # e.g. "Rågbröd" from "Rågbröd Mustigt"
    messages, events = _run(act.ActionAddItems(), _tracker(sender, f"{kind} tack", pending=pending))
    assert messages[0]["text"] == f"Jag har lagt i 1 {cards[-1]}."
    assert _pending(events) is None

    _, events = _run(act.ActionAddItems(), _tracker(sender, "bröd"))
    messages, events = _run(
        act.ActionAddItems(), _tracker(sender, "två liter mellanmjölk", pending=_pending(events))
    )  # a new item, not a choice among the breads
    assert "mellanmjölk" in messages[-1]["text"].lower()
