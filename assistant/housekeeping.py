"""The app's periodic chores, in a thread beside the web app: the weekly patterns' delivery
slots rolled forward, expired debug recordings deleted, the chat of earlier days forgotten.

Each chore runs in its own transaction, once at start and then every `interval` seconds; a
failing chore (the database restarting) is logged and tried again next round. Pages and the
chat only read, so nothing that needs writing is left for them to do.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from assistant.chat.history import clients_with_earlier_chat, forget_old_messages
from assistant.db import session_scope
from assistant.orders.slot_patterns import refresh_all_slots
from assistant.voice.recordings import purge_expired

log = logging.getLogger(__name__)
INTERVAL = 600.0


class Housekeeper(threading.Thread):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        data_dir: Path,
        interval: float = INTERVAL,
        forget_conversation: Callable[[int], object] = lambda _client_id: None,
    ) -> None:
        """`forget_conversation(client_id)` empties Rasa's copy of a client's chat (False: Rasa
        did not answer)."""
        super().__init__(name="handla-housekeeping", daemon=True)
        self._sessions, self._data_dir, self._interval = sessions, data_dir, interval
        self._forget_conversation = forget_conversation
        self._stopping = threading.Event()
        self.chores: list[tuple[str, Callable[[], object]]] = [
            ("delivery slots", self._slots),
            ("debug recordings", lambda: purge_expired(self._sessions, self._data_dir)),
            ("earlier days' chat", self._chat),
        ]

    def _slots(self) -> None:
        with session_scope(self._sessions) as session:
            refresh_all_slots(session)

    def _chat(self) -> None:
        with session_scope(self._sessions) as session:
            earlier = clients_with_earlier_chat(session)
            forget_old_messages(session)
        for client_id in earlier:  # Rasa's copy in its memory, as the app's chat just went
            if self._forget_conversation(client_id) is False:
                break  # Rasa is not answering (still starting): a started Rasa remembers nothing

    def run_chores(self) -> None:
        for name, chore in self.chores:
            try:
                chore()
            except Exception:  # e.g. the database restarting: try again next round
                log.exception("housekeeping: %s failed", name)

    def start(self) -> None:
        self.run_chores()  # what a stopped app left, before anything is served
        super().start()

    def run(self) -> None:
        while not self._stopping.wait(self._interval):
            self.run_chores()

    def stop(self) -> None:
        self._stopping.set()
        self.join(5)
