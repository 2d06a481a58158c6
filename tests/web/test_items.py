"""Typed words go through the one intake: clear items go in at once ("Lagt i korgen", with
"Nej, visa andra"), a word naming many kinds becomes a picture choice, odd input changes
nothing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Product, PurchaseHistory

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld


def _search(web: WebWorld, client_id: int, text: str, **extra: str):
    token = web.csrf("/staff/clients")
    return web.client.post(
        f"/clients/{client_id}/items", data={"text": text, "csrf_token": token, **extra}
    )


def _choice_forms(page: str) -> list[tuple[str, dict[str, str]]]:
    forms = re.findall(r'<form method="post" action="(/clients/\d+/choices/\d+)">(.*?)</form>',
                       page, re.S)  # fmt: skip
    return [(action, dict(re.findall(r'name="([^"]+)" value="([^"]*)"', body)))
            for action, body in forms]  # fmt: skip


def test_ambiguous_bread_becomes_a_picture_choice(web: WebWorld) -> None:
    web.login("anna")
    page = _search(web, web.anna_client_id, "bröd")
    assert page.status_code == 200 and page.url.path == f"/clients/{web.anna_client_id}"
    assert "Vilken sorts bröd menar du?" in page.text
    assert len(_choice_forms(page.text)) == 3
    assert "/api/products/" in page.text
    assert "Erbjudande: 2 för 50\u00a0kr" in page.text
    assert "29,95\u00a0kr" in page.text  # format_sek uses a no-break space
    assert "Du beställer" not in page.text  # not orderable while the choice is open
    action, fields = _choice_forms(page.text)[0]
    assert web.client.post(action, data=fields).status_code == 200
    again = web.client.post(action, data=fields)
    assert again.status_code == 422 and "redan vald" in again.text  # one tap, one line


def test_a_clear_item_goes_in_at_once_with_a_way_out(web: WebWorld) -> None:
    web.login("anna")
    greta = web.anna_client_id
    page = _search(web, greta, "två liter mellanmjölk")
    assert "Lagt i korgen" in page.text
    assert re.search(r"2 st Mellanmjölk 1,5% 1l</strong>, Arla · 29,90", page.text)
    others = re.search(rf'action="(/clients/{greta}/basket/\d+/others)"', page.text)
    assert others and "Nej, visa andra" in page.text
    token = web.csrf("/staff/clients")
    choice = web.client.post(others[1], data={"csrf_token": token})
    assert "vill du ha i stället?" in choice.text
    assert 'class="basket-line"' not in choice.text  # nothing in the basket until a pick
    assert len(_choice_forms(choice.text)) >= 2


def test_item_search_refuses_bad_input_and_odd_words_change_nothing(web: WebWorld) -> None:
    web.login("anna")
    greta = web.anna_client_id
    assert _search(web, greta, "").status_code == 422
    assert _search(web, greta, "x" * 501).status_code == 422
    assert _search(web, web.bertil_client_id, "bröd").status_code == 404
    forged = web.client.post(f"/clients/{greta}/items", data={"text": "bröd", "csrf_token": "fel"})
    assert forged.status_code == 403
    for odd in ("asdfghjkl qwerty", "where is the milk please", "<b>hej</b>"):
        page = _search(web, greta, odd)
        assert page.status_code == 200 and "Lagt i korgen" not in page.text
        assert 'class="basket-line"' not in page.text and "val-" not in page.text
    assert web.client.get(f"/api/clients/{greta}/basket").json()["lines"] == []


def test_a_catalog_import_elsewhere_is_seen_at_once(
    web: WebWorld, migrated_url: str, tmp_path
) -> None:
    """`handla catalog import` runs in another process; the app's matcher must not stay stale."""
    from assistant.catalog_import import import_catalog

    web.login("anna")
    greta = web.anna_client_id
    assert len(_choice_forms(_search(web, greta, "bröd").text)) == 3
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "name,price,brand,size,department\nSkogaholmslimpa,34.95,Pågen,775g,Bröd\n"
        "Mellanmjölk 1,5%,15.95,Arla,1l,Mejeri\n",
        encoding="utf-8",
    )
    engine = make_engine(migrated_url)
    import_catalog(make_sessionmaker(engine), feed, store="Testbutiken")
    engine.dispose()
    page = _search(web, greta, "limpa")
    assert "Skogaholmslimpa" in page.text and "34,95\u00a0kr" in page.text


def test_the_clients_usual_product_settles_a_generic_word(web: WebWorld, migrated_url: str) -> None:
    web.login("anna")
    greta = web.anna_client_id
    assert "Vilken sorts mjölk menar du?" in _search(web, greta, "mjölk").text
    engine = make_engine(migrated_url)
    with session_scope(make_sessionmaker(engine)) as session:
        usual = session.scalars(select(Product).where(Product.size_text == "1,5l")).one()
        session.add_all(
            PurchaseHistory(client_id=greta, product_id=usual.id, quantity=1) for _ in range(3)
        )
    engine.dispose()
    page = _search(web, greta, "mjölk")
    assert "Lagt i korgen" in page.text and "Mellanmjölk 1,5% 1,5l" in page.text
    lines = web.client.get(f"/api/clients/{greta}/basket").json()["lines"]
    assert [(ln["product_id"], ln["status"]) for ln in lines if ln["status"] == "ok"] == [
        (usual.id, "ok")
    ]
    not_annas = _search(web, web.bertil_client_id, "mjölk")  # Harry is bertil's client
    assert not_annas.status_code == 404
