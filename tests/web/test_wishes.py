"""Wishes the assistant could not match wait for staff: the queue lists them, the client page
shows them with "Välj vara", a tapped card settles them, and the order waits until then."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.orders import add_wish

if TYPE_CHECKING:
    from conftest import WebWorld


def _post(web: WebWorld, path: str, **data: str):
    token = web.csrf("/staff/clients")
    return web.client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _wish(url: str, client_id: int, text: str) -> int:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        line_id = add_wish(session, client_id, text).id
    engine.dispose()
    return line_id


def test_staff_settle_a_wish_from_the_queue(web: WebWorld, migrated_url: str) -> None:
    greta = web.anna_client_id
    wish = _wish(migrated_url, greta, "det grova brödet")
    web.login("anna")
    queue = web.client.get("/staff/queue").text
    assert "det grova brödet" in queue and f'href="/clients/{greta}"' in queue
    page = web.client.get(f"/clients/{greta}").text
    assert "Väntar på att personalen väljer vara" in page
    assert "Personalen behöver välja vara för ”det grova brödet”." in page
    assert "Du beställer" not in page  # not orderable while a wish waits

    cards = _post(web, f"/clients/{greta}/items", text="det grova brödet", wish_line=str(wish))
    assert cards.status_code == 200
    form = re.search(r'<form method="post" action="(/clients/\d+/basket)">(.*?)</form>',
                     cards.text, re.S)  # fmt: skip
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    assert fields["wish_line"] == str(wish)
    assert web.client.post(form.group(1), data=fields, follow_redirects=False).status_code == 303
    page = web.client.get(f"/clients/{greta}").text
    assert "Väntar på att personalen väljer vara" not in page
    assert "det grova brödet" not in web.client.get("/staff/queue").text
    again = web.client.post(form.group(1), data=fields, follow_redirects=False)
    assert again.status_code == 422  # the wish is settled already; nothing added twice


def test_another_staff_members_wish_is_invisible(web: WebWorld, migrated_url: str) -> None:
    wish = _wish(migrated_url, web.bertil_client_id, "Harrys snus")
    web.login("anna")
    assert "Harrys snus" not in web.client.get("/staff/queue").text
    response = _post(web, f"/clients/{web.bertil_client_id}/items", text="snus",
                     wish_line=str(wish))  # fmt: skip
    assert response.status_code == 404


def _card_form(page: str) -> tuple[str, dict[str, str]]:
    form = re.search(r'<form method="post" action="(/clients/\d+/basket)">(.*?)</form>',
                     page, re.S)  # fmt: skip
    return form.group(1), dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))


def test_a_typed_list_waits_item_by_item(web: WebWorld) -> None:
    """Staff type the client's whole list; each item waits in the basket until its card is
    tapped, the first one's cards at once."""
    greta = web.anna_client_id
    web.login("anna")
    first = _post(web, f"/clients/{greta}/items", text="två liter mellanmjölk och bröd")
    assert "”två liter mellanmjölk” – är det den här?" in first.text
    assert first.text.count("Väntar på att personalen väljer vara") == 2
    again = _post(web, f"/clients/{greta}/items", text="två liter mellanmjölk och bröd")
    assert again.text.count("Väntar på att personalen väljer vara") == 2  # not twice over

    action, fields = _card_form(first.text)
    assert web.client.post(action, data=fields, follow_redirects=False).status_code == 303
    page = web.client.get(f"/clients/{greta}").text
    assert "2 st" in page and page.count("Väntar på att personalen väljer vara") == 1
    (bread,) = re.findall(r'name="wish_line" value="(\d+)"', page)
    choice = _post(web, f"/clients/{greta}/items", text="bröd", wish_line=bread)
    assert "Vilket bröd menar du?" in choice.text
    action, fields = _card_form(choice.text)
    web.client.post(action, data=fields, follow_redirects=False)
    page = web.client.get(f"/clients/{greta}").text
    assert "Väntar på att personalen väljer vara" not in page and "Du beställer" not in page
    assert page.count('class="basket-line"') == 2
