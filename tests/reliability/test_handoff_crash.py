"""kill -9 at each step of a hand-off: the outbox workers run in a real process that the test
kills with SIGKILL at a chosen step; a restarted worker (the same code the app runs at start)
then finishes the job.

What each store may see (README, "How a store receives orders"):
- webhook: every attempt carries the same Idempotency-Key, so a store that dedupes by key gets
  each order once (a repeat of a key counts as the same order);
- e-mail: at most one repeat, with the same Message-ID;
- file drop: the same two files, overwritten.

The steps are reached without hooks in the code: the store's server holds the request, and the
test holds the outbox row (an open UPDATE) so the worker cannot record what the store answered.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from handoff_support import (
    LEASE_SECONDS,
    MailStore,
    WebhookStore,
    confirm,
    kill,
    order_status,
    outbox_row,
    seed_shop,
    start_worker,
    wait_for,
    worker_env,
)
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from assistant.adapters.channels import Channels
from assistant.db import session_scope
from assistant.db.models import DeliveryAttempt
from assistant.orders import resume_outbox


@pytest.fixture
def webhook():
    store = WebhookStore()
    yield store
    store.close()


@pytest.fixture
def mail():
    store = MailStore()
    yield store
    store.close()


@contextmanager
def holding_row(sessions, row_id: int) -> Iterator[None]:
    """An open UPDATE of the outbox row: the worker cannot write the row's outcome until the
    block ends (a row lock on PostgreSQL, the write lock on SQLite)."""
    session = sessions()
    try:
        session.execute(
            text("UPDATE outbox_message SET last_error = last_error WHERE id = :id"), {"id": row_id}
        )
        yield
    finally:
        session.rollback()
        session.close()


def restart(sessions, data_dir: Path, mail: MailStore | None = None) -> int:
    """What the app does when it starts again, once the dead worker's lease has ended: returns
    how many rows are still waiting."""
    channels = Channels(
        smtp_port=mail.port if mail else 1,
        smtp_sender="handla@kommun.example",
        timeout=LEASE_SECONDS / 2,
        lease_seconds=LEASE_SECONDS,
        data_dir=data_dir,
    )
    after_lease = datetime.now(UTC) + timedelta(seconds=LEASE_SECONDS + 1)
    return resume_outbox(sessions, after_lease, channels=channels)


def attempt_states(sessions) -> list[str]:
    with session_scope(sessions) as s:
        return list(s.scalars(select(DeliveryAttempt.state).order_by(DeliveryAttempt.id)))


WEBHOOK_STEPS = [
    "store-never-read-it",
    "store-has-it-no-answer",
    "answered-not-recorded",
    "recorded",
]


def _kill_at(
    step: str,
    answered_step: str,
    worker: subprocess.Popen[str],
    store: WebhookStore | MailStore,
    sessions: sessionmaker[Session],
    order_id: int,
    never_got: str,
) -> None:
    """Kill the worker process at `step` of a hand-off to `store` (which holds the request it
    gets until released): after the attempt is recorded ("recorded"), after the store answered
    but before that is recorded (`answered_step`), or while the store holds the request."""
    try:
        if step == "recorded":
            wait_for(lambda: order_status(sessions, order_id) == "sent", what="the hand-off")
            kill(worker)
        else:
            assert store.arrived.wait(20), never_got
            if step == answered_step:
                with holding_row(sessions, outbox_row(sessions, order_id)):
                    store.release.set()
                    assert store.answered.wait(10)
                    kill(worker)
            else:
                kill(worker)
                store.release.set()
    finally:
        kill(worker)


@pytest.mark.parametrize("step", WEBHOOK_STEPS)
def test_webhook_store_gets_each_order_once_whatever_step_the_worker_dies_at(
    step: str, migrated_url: str, sessions, webhook: WebhookStore, tmp_path: Path
) -> None:
    shop = seed_shop(sessions, webhook.url)
    order_id = confirm(sessions, shop, shop.webhook_store)
    webhook.hold = step != "recorded"
    webhook.take_held = step != "store-never-read-it"
    worker = start_worker(worker_env(migrated_url, tmp_path))
    _kill_at(
        step,
        "answered-not-recorded",
        worker,
        webhook,
        sessions,
        order_id,
        "the store never got a request",
    )
    died_while = attempt_states(sessions)
    assert died_while == (["done"] if step == "recorded" else ["sending"])

    assert restart(sessions, tmp_path) == 0
    assert webhook.distinct == {f"key-{shop.webhook_store}-0"}  # the store has it once
    assert len(webhook.keys) == {"store-never-read-it": 1, "recorded": 1}.get(step, 2)
    assert order_status(sessions, order_id) == "sent"
    if step != "recorded":
        assert attempt_states(sessions) == ["interrupted", "done"]


MAIL_STEPS = ["server-never-took-it", "accepted-not-recorded", "recorded"]


@pytest.mark.parametrize("step", MAIL_STEPS)
def test_email_store_gets_at_most_one_repeat_with_the_same_message_id(
    step: str, migrated_url: str, sessions, webhook: WebhookStore, mail: MailStore, tmp_path: Path
) -> None:
    shop = seed_shop(sessions, webhook.url)
    order_id = confirm(sessions, shop, shop.mail_store)
    mail.hold = step != "recorded"
    mail.take_held = step == "accepted-not-recorded"
    worker = start_worker(worker_env(migrated_url, tmp_path, mail))
    _kill_at(
        step,
        "accepted-not-recorded",
        worker,
        mail,
        sessions,
        order_id,
        "the mail server never got the message",
    )

    assert restart(sessions, tmp_path, mail) == 0
    assert 1 <= len(mail.message_ids) <= 2
    assert len(set(mail.message_ids)) == 1  # a repeat is recognisable as the same order
    assert len(mail.message_ids) == (2 if step == "accepted-not-recorded" else 1)
    assert order_status(sessions, order_id) == "sent"


def test_file_drop_store_gets_the_same_two_files_after_a_kill(
    migrated_url: str, sessions, webhook: WebhookStore, tmp_path: Path
) -> None:
    shop = seed_shop(sessions, webhook.url)
    order_id = confirm(sessions, shop, shop.file_store)
    folder = tmp_path / "outgoing" / "filbutiken"
    worker = start_worker(worker_env(migrated_url, tmp_path))
    try:  # killed as soon as the files are there: just before or just after it is recorded
        wait_for(lambda: len(list(folder.glob("*.csv"))) == 1, what="the order files")
        kill(worker)
    finally:
        kill(worker)
    assert restart(sessions, tmp_path) == 0
    names = sorted(p.name for p in folder.iterdir())
    stem = f"bestallning-{order_id}-key-{shop.file_store}-0"
    assert names == [f"{stem}.csv", f"{stem}.pdf"]
    assert order_status(sessions, order_id) == "sent"
