"""The custom actions: one per intent, each a turn of `Conversation` in one transaction.

Each action answers in short Swedish (the text the voice speaks) and, where products are shown,
a custom payload `{"line_id": …, "cards": [...]}` that the page draws as picture cards. A
refusal of the order service is said as is and changes nothing; any other failure gives a
polite answer and changes nothing either (the transaction is rolled back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.catalog import client_id_of, sessions
from actions.conversation import Conversation, Reply, Turn
from assistant.chat.history import record_turn
from assistant.db import session_scope
from assistant.orders.catalog_index import warm_index
from assistant.orders.errors import ServiceError

log = logging.getLogger(__name__)
MAX_TEXT = 500
FAILED = "Förlåt, något gick fel hos mig. Inget har ändrats i korgen."
NO_CLIENT = "Jag vet inte vems korg det här är. Öppna kundens sida i Handla och försök igen."


def _turn(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    entities: dict[str, list[str]] = {}
    for entity in message.get("entities") or []:
        entities.setdefault(str(entity.get("entity")), []).append(str(entity.get("value")))
    intent = (message.get("intent") or {}).get("name") or ""
    return Turn(str(message.get("text") or "")[:MAX_TEXT], str(intent), entities)


def _shown(tracker: Tracker, turn: Turn) -> str:
    """What the chat shows the client said: the app's words for a tapped card, else the text."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return str(metadata.get("shown") or turn.text)[:MAX_TEXT]


def respond(
    dispatcher: CollectingDispatcher, tracker: Tracker, handler: Callable[[Conversation], None]
) -> list[EventType]:
    """Run one handler for the sender's client, keep the turn in the day's chat (in the same
    transaction as the basket change) and say its replies."""
    client_id = client_id_of(tracker.sender_id)
    if client_id is None:
        dispatcher.utter_message(text=NO_CLIENT)
        return []
    turn = _turn(tracker)
    replies: list[Reply]
    with session_scope(sessions(), read_only=True) as session:  # build or check the store's
        warm_index(session, client_id)  # matcher index before taking the write lock
    try:
        with session_scope(sessions()) as session:
            conversation = Conversation(session, client_id, turn)
            handler(conversation)
            replies = conversation.replies
            record_turn(session, client_id, _shown(tracker, turn), [r.as_json() for r in replies])
    except Exception as error:  # nothing of the turn was written; say so, and keep that
        if isinstance(error, ServiceError):
            replies = [Reply(f"{error.message} Inget har ändrats.")]
        else:
            log.exception("the turn failed")
            replies = [Reply(FAILED)]
        with session_scope(sessions()) as session:
            record_turn(session, client_id, _shown(tracker, turn), [r.as_json() for r in replies])
    for reply in replies:
        dispatcher.utter_message(text=reply.text, json_message=reply.custom,
                                 buttons=reply.buttons or [])  # fmt: skip
    return []


def _action(name: str, handler: Callable[[Conversation], None]) -> type[Action]:
    """An Action class named `name` that runs `handler` (rasa-sdk registers every subclass)."""

    def action_name(self: Action) -> str:
        return name

    def run(
        self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return respond(dispatcher, tracker, handler)

    class_name = "".join(part.title() for part in name.split("_"))
    return type(
        class_name, (Action,), {"name": action_name, "run": run, "__doc__": handler.__doc__}
    )


ACTIONS = {
    "action_add_items": Conversation.add_items,
    "action_choose": Conversation.choose,
    "action_change_quantity": Conversation.change_quantity,
    "action_change_product": Conversation.change_product,
    "action_remove_item": Conversation.remove_item,
    "action_skip": Conversation.skip,
    "action_show_more": Conversation.show_more,
    "action_ask_price": Conversation.ask_price,
    "action_read_basket": Conversation.read_basket,
    "action_finish": Conversation.finish,
    "action_choose_delivery": Conversation.choose_delivery,
    "action_affirm": Conversation.affirm,
    "action_deny": Conversation.deny,
    "action_usual_order": Conversation.usual_order,
    "action_cancel": Conversation.cancel,
    "action_understand": Conversation.fallback,
    "action_greet": Conversation.greet,
    "action_goodbye": Conversation.goodbye,
    "action_thank": Conversation.thank,
    "action_help": Conversation.help,
    "action_wait": Conversation.wait,
    "action_out_of_scope": Conversation.out_of_scope,
}
for _name, _handler in ACTIONS.items():
    globals()[_name] = _action(_name, _handler)
