"""The client page as the tablet shows it: client mode (only the client's page until staff
leave it with their password), where each post lands, wishes in their own rows, the client's
recent orders, and the admin's client list and settings page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import DeliverySlot, Order, OrderLine

if TYPE_CHECKING:
    from tests.helpers.seed import WebWorld

PASSWORD = "rätt-lösenord-123"


def _post(web: WebWorld, path: str, page: str | None = None, **data: str):
    token = web.csrf(page or "/login")
    return web.client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _future_slot(url: str) -> int:
    engine = make_engine(url)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with session_scope(make_sessionmaker(engine)) as session:
        slot = DeliverySlot(store_id=1, starts_at=now + timedelta(days=3),
                            ends_at=now + timedelta(days=3, hours=2), capacity=5, booked=0,
                            cutoff_at=now + timedelta(days=2))  # fmt: skip
        session.add(slot)
        session.flush()
        slot_id = slot.id
    engine.dispose()
    return slot_id


def _add_wish(url: str, client_id: int, words: str) -> int:
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        basket = session.scalar(
            select(Order).where(Order.client_id == client_id, Order.status == "basket")
        ) or Order(client_id=client_id, store_id=1, status="basket")
        line = OrderLine(spoken_text=words, quantity=1, status="needs_staff")
        basket.lines.append(line)
        session.add(basket)
        session.flush()
        line_id = line.id
    engine.dispose()
    return line_id


def test_client_mode_shows_only_the_clients_page_until_staff_leave_it(web: WebWorld) -> None:
    greta, harry = web.anna_client_id, web.bertil_client_id
    web.login("chef")  # an admin sees every client and the admin menu
    page = web.client.get(f"/clients/{greta}").text
    assert "Huvudmeny" in page and "Kundläge" in page and 'class="client-mode"' not in page
    assert _post(web, f"/clients/{greta}/client-mode").headers["location"] == f"/clients/{greta}"

    page = web.client.get(f"/clients/{greta}").text
    assert 'class="client-mode"' in page
    for staff_thing in ("Huvudmeny", "Hantera kunder", "Logga ut", "Månadssammanställning",
                        ">Kundläge<"):  # fmt: skip
        assert staff_thing not in page, staff_thing
    assert "Personal: lämna kundläget" in page
    for elsewhere in ("/staff/clients", "/staff/queue", "/admin/clients", "/admin/stores",
                      f"/clients/{harry}", f"/clients/{greta}/statement", "/login", "/"):  # fmt: skip
        answer = web.client.get(elsewhere, follow_redirects=False)
        assert answer.status_code == 303, elsewhere
        assert answer.headers["location"] == f"/clients/{greta}", elsewhere
    assert _post(web, "/logout", f"/clients/{greta}").headers["location"] == f"/clients/{greta}"
    assert _post(web, "/admin/clients", f"/clients/{greta}", display_name="X").status_code == 303
    # the client's own things still work: the basket API, the search, the assistant's status
    assert web.client.get(f"/api/clients/{greta}/basket").status_code == 200
    assert web.client.get("/api/assistant/status").status_code == 200
    found = _post(web, f"/clients/{greta}/items", f"/clients/{greta}", text="två liter mellanmjölk")
    assert found.status_code == 303 and found.headers["location"] == f"/clients/{greta}#sok"

    wrong = _post(web, f"/clients/{greta}/client-mode/leave", f"/clients/{greta}", password="fel")
    assert wrong.status_code == 403 and "Fel lösenord" in wrong.text
    assert web.client.get("/staff/clients", follow_redirects=False).status_code == 303
    left = _post(web, f"/clients/{greta}/client-mode/leave", f"/clients/{greta}",
                 password=PASSWORD)  # fmt: skip
    assert left.status_code == 303
    page = web.client.get(left.headers["location"]).text
    assert "Kundläget är avslutat." in page and "Huvudmeny" in page
    assert web.client.get("/staff/clients").status_code == 200


def test_client_mode_is_only_for_a_client_the_staff_member_may_see(web: WebWorld) -> None:
    web.login("anna")
    assert _post(web, f"/clients/{web.bertil_client_id}/client-mode").status_code == 404
    assert web.client.get("/staff/clients", follow_redirects=False).status_code == 200
    _post(web, f"/clients/{web.anna_client_id}/client-mode")
    assert web.login("bertil").status_code == 303  # no other login from the client's tablet
    assert "Greta" in web.client.get("/staff/clients").text  # still anna's session, on Greta


def test_each_post_lands_on_the_part_it_changed(web: WebWorld, migrated_url: str) -> None:
    web.login("anna")
    greta = web.anna_client_id
    page = f"/clients/{greta}"
    assert _post(web, f"{page}/items", page, text="bröd").headers["location"] == f"{page}#sok"
    text = web.client.get(page).text
    choice = int(re.search(r'id="val-(\d+)"', text)[1])
    assert text.index('id="sok"') < text.index(f'id="val-{choice}"')  # the search stays first
    others = _post(web, f"{page}/basket/{choice}/others", page)
    assert others.headers["location"] == f"{page}#val-{choice}"
    product = re.search(rf'/choices/{choice}">.*?name="product_id" value="(\d+)"', text, re.S)[1]
    tapped = _post(web, f"{page}/choices/{choice}", page, product_id=product)
    assert tapped.headers["location"] == f"{page}#sok"
    text = web.client.get(page).text
    assert "Lagt i korgen" in text
    line = int(re.search(r'id="rad-(\d+)"', text)[1])
    more = _post(web, f"{page}/basket/{line}/quantity", page, quantity="2")
    assert more.headers["location"] == f"{page}#rad-{line}"
    instead = _post(web, f"{page}/basket/{line}/substitution", page, choice="none")
    assert instead.headers["location"] == f"{page}#rad-{line}"
    slot = _post(web, f"{page}/slot", page, slot_id=str(_future_slot(migrated_url)))
    assert slot.headers["location"] == f"{page}#sammanfattning"
    gone = _post(web, f"{page}/basket/{line}/quantity", page, quantity="0")
    assert gone.headers["location"] == f"{page}#korg"
    _post(web, f"{page}/items", page, text="bröd")
    choice = int(re.search(r'id="val-(\d+)"', web.client.get(page).text)[1])
    skipped = _post(web, f"{page}/basket/{choice}/remove", page, back="sok")
    assert skipped.headers["location"] == f"{page}#sok"


def test_a_wish_has_its_own_row_with_a_staff_search(web: WebWorld, migrated_url: str) -> None:
    greta = web.anna_client_id
    wish = _add_wish(migrated_url, greta, "kaviar")
    web.login("anna")
    page = web.client.get(f"/clients/{greta}").text
    row = page[page.index("Väntar på personal") :]
    assert f'id="val-{wish}"' in row and "”kaviar” finns inte i butiken" in row
    assert "Välj vara</button>" in row and 'name="line_id"' in row
    assert 'class="panel choice"' not in page  # not shown as a choice for the client
    searched = _post(web, f"/clients/{greta}/items", f"/clients/{greta}", text="mellanmjölk",
                     line_id=str(wish))  # fmt: skip
    assert searched.headers["location"] == f"/clients/{greta}#val-{wish}"
    page = web.client.get(f"/clients/{greta}").text
    assert "Väntar på personal" not in page and "Mellanmjölk" in page

    _add_wish(migrated_url, greta, "surströmming")
    _post(web, f"/clients/{greta}/client-mode")
    page = web.client.get(f"/clients/{greta}").text
    assert "surströmming" in page and "Välj vara</button>" not in page  # staff tools hidden


def test_the_client_page_lists_recent_orders_and_the_receipt_thanks_once(
    web: WebWorld, migrated_url: str
) -> None:
    web.login("anna")
    greta = web.anna_client_id
    page = f"/clients/{greta}"
    assert "Dina beställningar" not in web.client.get(page).text
    _post(web, f"{page}/items", page, text="två liter mellanmjölk")
    _post(web, f"{page}/slot", page, slot_id=str(_future_slot(migrated_url)))
    text = web.client.get(page).text
    form = re.search(r'action="/clients/\d+/confirm" data-confirm>(.*?)</form>', text, re.S)[1]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form)) | {"armed": "1"}
    done = web.client.post(f"{page}/confirm", data=fields, follow_redirects=False)
    receipt = done.headers["location"]
    order_id = int(receipt.rsplit("/", 1)[1])
    assert f"Tack! Beställning {order_id}" in web.client.get(receipt).text
    again = web.client.get(receipt).text
    assert "Tack!" not in again and f"Beställning {order_id}" in again
    text = web.client.get(page).text
    history = text[text.index("Dina beställningar") :]
    assert f'href="/clients/{greta}/orders/{order_id}"' in history
    assert f"Beställning {order_id}, " in history and "126,90\u00a0kr" in history  # with fees
    assert "Väntar på att lämnas till butiken" in history or "Skickad till butiken" in history


def test_the_admin_client_list_is_searchable_with_one_client_per_page(web: WebWorld) -> None:
    web.login("chef")
    listing = web.client.get("/admin/clients").text
    assert "2 kunder" in listing and listing.count('name="display_name"') == 1  # only "Ny kund"
    found = web.client.get("/admin/clients", params={"q": "gre"}).text
    assert "1 av 2 kunder" in found and ">Greta</a>" in found and ">Harry</a>" not in found
    none = web.client.get("/admin/clients", params={"q": "zzz"}).text
    assert "Ingen kund heter" in none
    greta = web.anna_client_id
    settings = web.client.get(f"/admin/clients/{greta}").text
    assert 'value="Greta"' in settings and "Ta bort Greta och alla uppgifter" in settings
    assert web.client.get("/admin/clients/999").status_code == 404

    form = {"display_name": "Greta Andersson", "store_id": "1", "substitution": "ask",
            "speech_rate": "0.9", "staff_id": "1", "unit": "Hemtjänst Syd",
            "picking_payer": "client", "delivery_payer": "grannen", "payment": "invoice"}  # fmt: skip
    refused = _post(web, f"/admin/clients/{greta}", "/staff/clients", **form)
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert 'value="Greta Andersson"' in refused.text and 'value="Hemtjänst Syd"' in refused.text
    saved = _post(web, f"/admin/clients/{greta}", "/staff/clients",
                  **{**form, "delivery_payer": "municipality"})  # fmt: skip
    assert saved.headers["location"] == f"/admin/clients#client-{greta}"
    assert "Sparat: Greta Andersson." in web.client.get("/admin/clients").text

    added = _post(web, "/admin/clients", "/staff/clients", **{**form, "display_name": " "})
    assert added.status_code == 422 and 'value="Hemtjänst Syd"' in added.text
    wrong = _post(web, f"/admin/clients/{greta}/delete", "/staff/clients", confirm_name="Greta")
    assert wrong.status_code == 422 and "Skriv kundens namn (Greta Andersson)" in wrong.text
    gone = _post(web, f"/admin/clients/{greta}/delete", "/staff/clients",
                 confirm_name="Greta Andersson")  # fmt: skip
    assert "Borttagen: Greta Andersson" in web.client.get(gone.headers["location"]).text


def test_staff_accounts_say_sparat_and_keep_what_was_typed(web: WebWorld) -> None:
    web.login("chef")
    account = {"username": "cecilia", "password": "ett-långt-lösen",
               "password_again": "annat-lösen-här", "role": "admin"}  # fmt: skip
    refused = _post(web, "/admin/staff", "/staff/clients", **account)
    assert refused.status_code == 422 and 'value="cecilia"' in refused.text
    assert '<option value="admin" selected>' in refused.text
    made = _post(web, "/admin/staff", "/staff/clients",
                 **{**account, "password_again": "ett-långt-lösen"})  # fmt: skip
    assert "Sparat: kontot cecilia är skapat." in web.client.get(made.headers["location"]).text
    off = _post(web, "/admin/staff/4/active", "/staff/clients", active="0")
    assert "Sparat: kontot cecilia är avstängt." in web.client.get(off.headers["location"]).text
