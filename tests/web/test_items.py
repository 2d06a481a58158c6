"""Typed items go through the matcher and come back as picture cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import Product, PurchaseHistory

if TYPE_CHECKING:
    from conftest import WebWorld


def _search(web: WebWorld, client_id: int, text: str, **extra: str):
    token = web.csrf("/staff/clients")
    return web.client.post(
        f"/clients/{client_id}/items", data={"text": text, "csrf_token": token, **extra}
    )


def test_ambiguous_bread_shows_candidate_pictures(web: WebWorld) -> None:
    web.login("anna")
    page = _search(web, web.anna_client_id, "bröd")
    assert page.status_code == 200
    assert "Vilket bröd menar du?" in page.text
    assert page.text.count('class="product-card"') == 3
    assert "/api/products/" in page.text
    assert "Erbjudande: 2 för 50 kr" in page.text
    assert "29,95\u00a0kr" in page.text  # format_sek uses a no-break space


def test_clear_item_shows_one_card(web: WebWorld) -> None:
    web.login("anna")
    page = _search(web, web.anna_client_id, "två liter mellanmjölk")
    assert page.status_code == 200
    assert "är det den här?" in page.text
    assert page.text.count('class="product-card"') == 1
    assert "Mellanmjölk 1,5%" in page.text


def test_item_search_refuses_bad_input(web: WebWorld) -> None:
    web.login("anna")
    assert _search(web, web.anna_client_id, "").status_code == 422
    assert _search(web, web.anna_client_id, "x" * 201).status_code == 422
    assert _search(web, web.bertil_client_id, "bröd").status_code == 404
    forged = web.client.post(
        f"/clients/{web.anna_client_id}/items", data={"text": "bröd", "csrf_token": "fel"}
    )
    assert forged.status_code == 403


def test_a_catalog_import_elsewhere_is_seen_at_once(
    web: WebWorld, migrated_url: str, tmp_path
) -> None:
    """`handla catalog import` runs in another process; the app's matcher must not stay stale."""
    from assistant.catalog_import import import_catalog
    from assistant.db import make_engine, make_sessionmaker

    web.login("anna")
    assert _search(web, web.anna_client_id, "bröd").text.count('class="product-card"') == 3
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "name,price,brand,size,department\nSkogaholmslimpa,34.95,Pågen,775g,Bröd\n"
        "Mellanmjölk 1,5%,15.95,Arla,1l,Mejeri\n",
        encoding="utf-8",
    )
    engine = make_engine(migrated_url)
    import_catalog(make_sessionmaker(engine), feed, store="Testbutiken")
    engine.dispose()
    page = _search(web, web.anna_client_id, "bröd")
    assert "Lingongrova" not in page.text and "Skogaholmslimpa" in page.text
    assert "34,95\u00a0kr" in page.text


def test_the_clients_usual_product_settles_a_generic_word(web: WebWorld, migrated_url: str) -> None:
    web.login("anna")
    greta = web.anna_client_id
    assert "Vilket mjölk menar du?" in _search(web, greta, "mjölk").text
    engine = make_engine(migrated_url)
    with session_scope(make_sessionmaker(engine)) as session:
        usual = session.scalars(select(Product).where(Product.size_text == "1,5l")).one()
        session.add_all(
            PurchaseHistory(client_id=greta, product_id=usual.id, quantity=1) for _ in range(3)
        )
    engine.dispose()
    page = _search(web, greta, "mjölk")
    assert "”mjölk” – är det den här?" in page.text
    assert page.text.count('class="product-card"') == 1
    assert f'name="product_id" value="{usual.id}"' in page.text
    not_annas = _search(web, web.bertil_client_id, "mjölk")  # Harry is bertil's client
    assert not_annas.status_code == 404
