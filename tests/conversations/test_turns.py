"""Turns of the conversation in process (the actions' code without the Rasa server), on a small
store whose products make each case unambiguous: what every turn leaves in the basket."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from actions.conversation import Conversation, Turn
from assistant.catalog_import import import_catalog
from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Client, DeliverySlot, Order, Product, Store
from assistant.orders.catalog_index import forget_indexes
from assistant.orders.errors import ServiceError

FEED = """name,price,brand,size,department,organic,compare_price,compare_unit
Formfranska Skivad,25.90,Skogaholm,600g,Bröd,,43.17,kr/kg
Rågbröd Mörkt,29.90,Pågen,500g,Bröd,,59.80,kr/kg
Lingongrova,29.95,Pågen,500g,Bröd,,59.90,kr/kg
Skogaholmslimpa,32.95,Skogaholm,775g,Bröd,,42.52,kr/kg
Mellanmjölk 1.5%,14.95,Arla,1l,Mejeri,,14.95,kr/l
Mellanmjölk Ekologisk 1.5%,17.95,Arla,1l,Mejeri,1,17.95,kr/l
Lättmjölk Laktosfri 0.5%,19.95,Arla,1l,Mejeri,,19.95,kr/l
Standardmjölk 3%,15.95,Arla,1l,Mejeri,,15.95,kr/l
Ägg 6-pack,24.90,Kronägg,6st,Ägg,,4.15,kr/st
Ägg 10-pack,36.90,Kronägg,10st,Ägg,,3.69,kr/st
Falukorv,33.90,Scan,800g,Chark,,42.38,kr/kg
Gurka,14.90,,1st,Grönsaker,,14.90,kr/st
Bryggkaffe Mellanrost,59.90,Zoégas,450g,Kaffe,,133.11,kr/kg
"""


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[object, int]]:
    url = f"sqlite:///{tmp_path / 'turns.sqlite3'}"
    upgrade_database(url)
    feed = tmp_path / "butiken.csv"
    feed.write_text(FEED, encoding="utf-8")
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    import_catalog(sessions, feed, store="Butiken")
    with session_scope(sessions) as session:
        store = session.scalars(select(Store)).one()
        store.order_channel, store.order_target = "file", "butiken"
        store.picking_fee_ore, store.minimum_order_ore = 4900, 0
        start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        session.add(DeliverySlot(store=store, starts_at=start, ends_at=start + timedelta(hours=2),
                                 capacity=5, cutoff_at=start - timedelta(hours=12)))  # fmt: skip
        client = Client(display_name="Greta", store=store)
        session.add(client)
        session.flush()
        client_id = client.id
    forget_indexes()
    yield sessions, client_id
    engine.dispose()


def say(shop, handler: str, text: str, **entities: str) -> str:
    """One turn through the handler Rasa's rule would pick (e.g. "finish" for "det var allt")."""
    sessions, client_id = shop
    with session_scope(sessions) as session:
        conversation = Conversation(
            session, client_id, Turn(text, handler, {k: [v] for k, v in entities.items()})
        )
        getattr(conversation, handler)()
        return " ".join(reply.text for reply in conversation.replies)


def basket(shop) -> tuple[list[tuple[str, float]], list[str], list[str]]:
    """(product lines as (name, quantity), open choices' words, wishes' words)."""
    sessions, client_id = shop
    with session_scope(sessions) as session:
        order = session.scalars(
            select(Order).where(Order.client_id == client_id, Order.status == "basket")
        ).first()
        lines = order.lines if order else []
        return (
            sorted((ln.product.name, float(ln.quantity)) for ln in lines if ln.status == "ok"),
            [ln.spoken_text for ln in lines if ln.status == "needs_choice"],
            [ln.spoken_text for ln in lines if ln.status == "needs_staff"],
        )


def orders(shop) -> list[Order]:
    sessions, client_id = shop
    with session_scope(sessions) as session:
        return list(session.scalars(select(Order).where(Order.client_id == client_id,
                                                         Order.status != "basket")))  # fmt: skip


def test_a_list_a_pack_that_fits_and_a_spoken_correction(shop) -> None:
    say(shop, "add_items", "tio ägg två gurkor och två liter mellanmjölk")
    lines, _, _ = basket(shop)
    assert ("Ägg 10-pack", 1.0) in lines  # ten eggs: one 10-pack, not ten packs
    assert ("Gurka", 2.0) in lines and ("Mellanmjölk 1.5%", 2.0) in lines
    say(shop, "change_quantity", "nej förresten fyra")
    assert ("Mellanmjölk 1.5%", 4.0) in basket(shop)[0]  # the last line, four litres
    say(shop, "add_items", "en till")
    assert ("Mellanmjölk 1.5%", 5.0) in basket(shop)[0]
    say(shop, "change_quantity", "en mindre")
    assert ("Mellanmjölk 1.5%", 4.0) in basket(shop)[0]


def test_describing_words_choose_among_the_cards(shop) -> None:
    say(shop, "add_items", "bröd")
    assert basket(shop)[1] == ["bröd"]
    say(shop, "choose", "den ljusa")
    assert basket(shop) == ([("Formfranska Skivad", 1.0)], [], [])
    say(shop, "add_items", "mjölk")
    say(shop, "choose", "den utan laktos")
    assert ("Lättmjölk Laktosfri 0.5%", 1.0) in basket(shop)[0]
    say(shop, "add_items", "mjölk")
    say(shop, "choose", "den ekologiska")
    assert ("Mellanmjölk Ekologisk 1.5%", 1.0) in basket(shop)[0]


def test_two_open_choices_are_asked_in_turn_and_none_is_dropped(shop) -> None:
    first = say(shop, "add_items", "bröd")
    assert "Vilken sorts bröd" in first
    second = say(shop, "add_items", "och mjölk")
    assert "Vilken sorts bröd" in second  # the bread is asked again, not forgotten
    assert basket(shop)[1] == ["bröd", "mjölk"]
    say(shop, "choose", "den mörka")
    assert basket(shop)[1] == ["mjölk"]
    say(shop, "skip", "hoppa över")
    assert basket(shop) == ([("Rågbröd Mörkt", 1.0)], [], [])


def test_a_tapped_card_chooses_once(shop) -> None:
    say(shop, "add_items", "bröd")
    sessions, client_id = shop
    with session_scope(sessions) as session:
        line = session.scalars(select(Order).where(Order.client_id == client_id)).one().lines[0]
        line_id, product_id = line.id, line.candidates[1]
    say(shop, "choose", f'/choose{{"line_id": "{line_id}"}}',
        line_id=str(line_id), product_id=str(product_id))  # fmt: skip
    assert len(basket(shop)[0]) == 1
    again = say(shop, "choose", "/choose", line_id=str(line_id), product_id=str(product_id))
    assert "redan vald" in again and len(basket(shop)[0]) == 1


def test_not_that_one_and_change_to_a_described_product(shop) -> None:
    say(shop, "add_items", "en liter mellanmjölk")
    say(shop, "change_product", "byt till den laktosfria")
    assert basket(shop)[0] == [("Lättmjölk Laktosfri 0.5%", 1.0)]
    say(shop, "remove_item", "ta bort den sista")
    assert basket(shop)[0] == []


def test_odd_input_changes_nothing_and_a_missing_product_is_a_wish(shop) -> None:
    for odd in ("asdfghjkl qwertyuiop", "where is the milk please", "xzqv"):
        say(shop, "add_items", odd)
    assert basket(shop) == ([], [], [])
    answer = say(shop, "add_items", "en julskinka och en falukorv")
    assert "finns inte i butiken" in answer
    assert basket(shop) == ([("Falukorv", 1.0)], [], ["julskinka"])


def test_a_reminder_or_a_need_read_as_removing_takes_nothing_away(shop) -> None:
    """Rasa may read "glöm inte mjölken" as removing and "vi behöver falukorv" as skipping; the
    words decide: a reminder keeps or adds, a need adds, and a real removal still removes."""
    say(shop, "add_items", "två liter mellanmjölk och en gurka")
    assert "finns redan i korgen, 2 st" in say(shop, "remove_item", "glöm inte mjölken")
    say(shop, "remove_item", "glöm inte kaffet")
    say(shop, "skip", "vi behöver falukorv")
    assert "inget att hoppa över" in say(shop, "skip", "det kan vara")
    assert basket(shop)[0] == [("Bryggkaffe Mellanrost", 1.0), ("Falukorv", 1.0),
                               ("Gurka", 1.0), ("Mellanmjölk 1.5%", 2.0)]  # fmt: skip
    say(shop, "remove_item", "jag vill inte ha gurkan")
    say(shop, "remove_item", "glöm mjölken")
    assert basket(shop)[0] == [("Bryggkaffe Mellanrost", 1.0), ("Falukorv", 1.0)]


def test_asking_whether_the_store_has_a_product_read_as_other_cards_adds_it(shop) -> None:
    """Rasa may read "finns det falukorv" as asking for other cards: a product the basket does
    not hold is wanted; the basket's own product (or none) still means other cards."""
    assert "inget att visa" in say(shop, "show_more", "finns det fler")
    say(shop, "show_more", "finns det falukorv")
    say(shop, "show_more", "har ni några gurkor")
    assert basket(shop)[0] == [("Falukorv", 1.0), ("Gurka", 1.0)]
    with pytest.raises(ServiceError, match="inga andra förslag"):  # the one falukorv there is
        say(shop, "show_more", "har ni andra sorters falukorv")
    assert basket(shop)[0] == [("Falukorv", 1.0), ("Gurka", 1.0)]


def test_what_i_usually_buy_is_the_usual_order_not_a_wish(shop) -> None:
    """ "det jag brukar köpa" read as adding: its words are the usual order's, not products."""
    for said in ("det jag brukar köpa", "det vanliga"):
        assert "ingen tidigare beställning" in say(shop, "add_items", said)
    assert basket(shop) == ([], [], [])


def test_an_order_needs_the_slot_in_the_question_and_an_explicit_yes(shop) -> None:
    say(shop, "add_items", "två paket bryggkaffe")
    asked = say(shop, "finish", "det var allt")
    assert "Första lediga tid är" in asked and not orders(shop)
    question = say(shop, "affirm", "ja")
    assert "Ska jag skicka beställningen?" in question and "leverans" in question
    assert "kr" in question and not orders(shop)
    assert "Beställt" in say(shop, "affirm", "ja")
    (order,) = orders(shop)
    assert order.status in ("confirmed", "sent") and basket(shop) == ([], [], [])


def test_a_price_change_after_the_question_is_refused_and_asked_again(shop) -> None:
    say(shop, "add_items", "två paket bryggkaffe")
    say(shop, "finish", "det var allt")
    say(shop, "affirm", "ja")
    sessions, _ = shop
    with session_scope(sessions) as session:
        coffee = session.scalars(select(Product).where(Product.name.like("Bryggkaffe%"))).one()
        coffee.price_ore += 1000
    answer = say(shop, "affirm", "ja")
    assert "Priset har ändrats" in answer and "Ska jag skicka beställningen?" in answer
    assert not orders(shop)
    say(shop, "affirm", "ja")
    assert len(orders(shop)) == 1


def test_no_to_the_question_then_yes_send_it(shop) -> None:
    say(shop, "add_items", "två paket bryggkaffe")
    say(shop, "finish", "det var allt")
    say(shop, "affirm", "ja")
    say(shop, "deny", "nej inte än")
    assert not orders(shop)
    say(shop, "affirm", "ja skicka beställningen")
    assert len(orders(shop)) == 1


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "UTC"])
def test_slot_labels_are_swedish_time_whatever_the_machines_clock(zone: str, tmp_path) -> None:
    """The chat names the slot in Swedish time under any TZ (SQLite hands back naive UTC)."""
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tests.conversations.test_turns import shop, say
from assistant.db import session_scope
from assistant.db.models import DeliverySlot
from assistant.orders.slots import LOCAL_TZ
gen = shop.__wrapped__(Path({str(tmp_path)!r}))
world = next(gen)
sessions, _ = world
with session_scope(sessions) as s:
    slot = s.query(DeliverySlot).one()
    local = slot.starts_at.replace(tzinfo=UTC).astimezone(LOCAL_TZ)
say(world, "add_items", "två paket bryggkaffe")
print(say(world, "finish", "det var allt"))
print(f"WANT {{local.day}}/{{local.month}} {{local.hour}}–")
"""
    env = {**os.environ, "TZ": zone}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    answer, want = done.stdout.strip().splitlines()[-2:]
    assert want.removeprefix("WANT ") in answer
