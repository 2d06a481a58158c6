"""Several app processes, each with several outbox workers, on one database: every order is
handed over once, by exactly one of them."""

from __future__ import annotations

from pathlib import Path

from handoff_support import (
    SECRET_ENV,
    MailStore,
    WebhookStore,
    confirm,
    seed_shop,
    start_workers,
    wait_for,
    worker_env,
)
from sqlalchemy import func, select

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import DeliveryAttempt, Order

ORDERS_PER_STORE = 6
LEASE_SECONDS = 60  # nobody dies here: no hand-off may look abandoned on a busy machine


def _sent(sessions) -> int:
    with session_scope(sessions) as s:
        return s.scalar(select(func.count()).where(Order.status == "sent"))


def test_two_processes_hand_each_order_over_once(migrated_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "butikens-hemlighet")
    engine = make_engine(migrated_url)
    sessions = make_sessionmaker(engine)
    webhook, mail = WebhookStore(), MailStore()
    processes = []
    try:
        shop = seed_shop(sessions, webhook.url, clients_per_store=ORDERS_PER_STORE)
        processes = start_workers(worker_env(migrated_url, tmp_path, mail, LEASE_SECONDS), count=2)
        for n in range(ORDERS_PER_STORE):  # while both processes look for work
            for store in (shop.webhook_store, shop.mail_store, shop.file_store):
                confirm(sessions, shop, store, n)
        wait_for(lambda: _sent(sessions) == 3 * ORDERS_PER_STORE, what="every order")
    finally:
        for process in processes:
            process.terminate()  # SIGTERM: the way the app stops
            assert process.wait(timeout=20) == 0
        webhook.close()
        mail.close()
    assert len(webhook.keys) == len(webhook.distinct) == ORDERS_PER_STORE
    assert len(mail.message_ids) == len(set(mail.message_ids)) == ORDERS_PER_STORE
    assert len(list((tmp_path / "outgoing" / "filbutiken").iterdir())) == 2 * ORDERS_PER_STORE
    with session_scope(sessions) as s:
        states = s.scalars(select(DeliveryAttempt.state)).all()
    assert states == ["done"] * 3 * ORDERS_PER_STORE  # one attempt per order, none repeated
    engine.dispose()
