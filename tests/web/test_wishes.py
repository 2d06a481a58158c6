"""Wishes the store seems to lack wait for staff: the queue lists them, the client page shows
them with a search for other words, a tapped card settles them, and the order waits until then.
A typed list goes through the one intake: clear items in, choices open, nothing twice."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.orders import add_wish

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld


def _post(web: WebWorld, path: str, **data: str):
    token = web.csrf("/staff/clients")
    return web.client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _wish(url: str, client_id: int, text: str) -> int:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        line_id = add_wish(session, client_id, text).id
    engine.dispose()
    return line_id


def _choice_form(page: str, name: str = "") -> tuple[str, dict[str, str]]:
    forms = re.findall(r'<form method="post" action="(/clients/\d+/choices/\d+)">(.*?)</form>',
                       page, re.S)  # fmt: skip
    action, body = next((a, b) for a, b in forms if name in b)
    return action, dict(re.findall(r'name="([^"]+)" value="([^"]*)"', body))


def test_staff_settle_a_wish_by_searching_other_words(web: WebWorld, migrated_url: str) -> None:
    greta = web.anna_client_id
    wish = _wish(migrated_url, greta, "det grova brödet")
    web.login("anna")
    queue = web.client.get("/staff/queue").text
    assert "det grova brödet" in queue and f'href="/clients/{greta}#val-{wish}"' in queue
    page = web.client.get(f"/clients/{greta}").text
    assert "”det grova brödet” finns inte i butiken." in page
    assert "Personal: sök med andra ord" in page
    assert "Du beställer" not in page  # not orderable while a wish waits

    searched = _post(web, f"/clients/{greta}/items", text="lingongrova", line_id=str(wish))
    assert searched.status_code == 303
    page = web.client.get(f"/clients/{greta}").text
    action, fields = _choice_form(page, "Lingongrova")
    assert web.client.post(action, data=fields, follow_redirects=False).status_code == 303
    page = web.client.get(f"/clients/{greta}").text
    assert "finns inte i butiken" not in page and 'class="basket-line"' in page
    assert "det grova brödet" not in web.client.get("/staff/queue").text
    again = web.client.post(action, data=fields, follow_redirects=False)
    assert again.status_code == 422  # settled already; nothing added twice


def test_another_staff_members_wish_is_invisible(web: WebWorld, migrated_url: str) -> None:
    wish = _wish(migrated_url, web.bertil_client_id, "Harrys snus")
    web.login("anna")
    assert "Harrys snus" not in web.client.get("/staff/queue").text
    response = _post(web, f"/clients/{web.bertil_client_id}/items", text="snus",
                     line_id=str(wish))  # fmt: skip
    assert response.status_code == 404


def test_a_typed_list_goes_in_item_by_item(web: WebWorld) -> None:
    """Staff type the client's whole list: the clear milk goes in, the bread waits as a choice;
    posting the same list again adds the milk again but opens no second bread choice."""
    greta = web.anna_client_id
    web.login("anna")
    assert (
        _post(web, f"/clients/{greta}/items", text="två liter mellanmjölk och bröd").status_code
        == 303
    )
    page = web.client.get(f"/clients/{greta}").text
    assert "Lagt i korgen" in page and "Vilken sorts bröd menar du?" in page
    basket = web.client.get(f"/api/clients/{greta}/basket").json()
    assert [(ln["status"], ln["quantity"]) for ln in basket["lines"]] == [
        ("ok", 2.0), ("needs_choice", None)]  # fmt: skip
    _post(web, f"/clients/{greta}/items", text="bröd")
    assert len(web.client.get(f"/api/clients/{greta}/basket").json()["choices"]) == 1

    action, fields = _choice_form(page)
    web.client.post(action, data=fields, follow_redirects=False)
    page = web.client.get(f"/clients/{greta}").text
    assert "Vilken sorts" not in page and page.count('class="basket-line"') == 2
