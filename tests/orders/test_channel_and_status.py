"""Confirming is refused when the store's channel cannot work; one set of words per state."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assistant.adapters.channels import StoreTarget
from assistant.db import session_scope
from assistant.db.models import ORDER_STATUSES, DeliverySlot, Order, OutboxMessage, Store
from assistant.orders import (
    ORDER_STATUS_LABEL,
    ORDER_STATUS_TEXT,
    OrderStatus,
    ServiceError,
    add_item,
    book_slot,
    channel_problem,
    confirm_order,
)
from assistant.orders.store_channel import folder_name, outgoing_folder

ENV = {"HANDLA_WEBHOOK_SECRET_ICA": "hemligt"}


@pytest.mark.parametrize(
    ("channel", "target", "secret_ref", "words"),
    [
        ("email", "", None, "e-postadress"),
        ("email", "inte-en-adress", None, "e-postadress"),
        ("webhook", "", "HANDLA_WEBHOOK_SECRET_ICA", "webbadress"),
        ("webhook", "ftp://butik.se/order", "HANDLA_WEBHOOK_SECRET_ICA", "webbadress"),
        ("webhook", "https://butik.se/order", None, "miljövariabeln"),
        ("webhook", "https://butik.se/order", "HANDLA_NOT_SET", "HANDLA_NOT_SET"),
        ("file", "", None, "mapp"),
        ("file", "../../etc", None, "mapp"),
        ("fax", "0470-123", None, "Okänt"),
    ],
)
def test_a_channel_that_cannot_work_says_why(channel, target, secret_ref, words):
    problem = channel_problem(StoreTarget(channel, target, secret_ref), ENV)
    assert problem is not None and words in problem


@pytest.mark.parametrize(
    "store",
    [
        StoreTarget("email", "order@butik.se"),
        StoreTarget("webhook", "https://butik.se/order", "HANDLA_WEBHOOK_SECRET_ICA"),
        StoreTarget("file", "willys-2023"),
    ],
)
def test_a_usable_channel_has_no_problem(store):
    assert channel_problem(store, ENV) is None


def test_file_drop_folders_stay_under_outgoing(tmp_path):
    assert folder_name("Hemköp Växjö") == "hemkop-vaxjo"
    assert folder_name("Willys 2023") == "willys-2023"
    assert folder_name("???") == "butik"
    assert outgoing_folder(tmp_path, "willys-2023") == tmp_path / "outgoing" / "willys-2023"
    for bad in ("..", "../x", "a/b", "", ".hidden"):
        with pytest.raises(ValueError):
            outgoing_folder(tmp_path, bad)


def _counts(sessions, shop) -> tuple[int, int, int]:
    with session_scope(sessions) as s:
        return (
            s.scalar(select(func.count()).select_from(OutboxMessage)),
            s.scalar(select(func.count()).where(Order.status == "basket")),
            s.get(DeliverySlot, shop.slot).booked,
        )


def test_confirming_is_refused_with_the_reason_and_nothing_changes(sessions, shop, monkeypatch):
    with session_scope(sessions) as s:
        add_item(s, shop.client, shop.milk, 4)
        book_slot(s, shop.client, shop.slot, shop.now)
    monkeypatch.delenv("HANDLA_TEST_STORE_SECRET")  # the webhook's secret is not set here
    before = _counts(sessions, shop)
    with pytest.raises(ServiceError) as refused, session_scope(sessions) as s:
        confirm_order(s, shop.client, "key-1", shop.staff, shop.now)
    assert "HANDLA_TEST_STORE_SECRET" in refused.value.message
    assert "Willys Växjö" in refused.value.message and "administratör" in refused.value.message
    with session_scope(sessions) as s:  # an e-mail store without an address
        store = s.get(Store, shop.store)
        store.order_channel, store.order_target, store.secret_ref = "email", "", None
    with pytest.raises(ServiceError, match="e-postadress"), session_scope(sessions) as s:
        confirm_order(s, shop.client, "key-1", shop.staff, shop.now)
    assert _counts(sessions, shop) == before
    with session_scope(sessions) as s:
        s.get(Store, shop.store).order_target = "order@willys.example"
    with session_scope(sessions) as s:
        assert confirm_order(s, shop.client, "key-1", shop.staff, shop.now).status == "confirmed"


def test_every_state_has_one_sentence_and_one_label():
    assert set(OrderStatus.ALL) == set(ORDER_STATUSES)
    assert set(ORDER_STATUS_TEXT) == set(ORDER_STATUS_LABEL) == set(ORDER_STATUSES)
    assert "väntar" in ORDER_STATUS_TEXT["confirmed"]  # not "sent" before the store has it
    assert "skickad till butiken" in ORDER_STATUS_TEXT["sent"]
