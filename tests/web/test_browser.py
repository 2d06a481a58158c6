"""The tablet and staff pages in real Chromium (Playwright), with axe-core and screenshots.

The app runs under uvicorn in a subprocess on a free 127.0.0.1 port with a temp data dir and
the small demo catalog of tests/helpers/seed.py. Every page is screenshotted at 1024×768 and 800×1280
into artifacts/screenshots/ and checked with axe-core (no serious or critical violations).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.chat.history import record_turn
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import DeliverySlot, Product, Store
from assistant.orders.product_view import product_card
from assistant.orders.slots import LOCAL_TZ
from tests.helpers.browser import (
    AXE,
    LANDSCAPE,
    PASSWORD,
    PORTRAIT,
    LiveApp,
    axe_problems,
    chromium_page,
    log_in,
    running_app,
    screenshot,
)
from tests.helpers.seed import seed_world
from tests.helpers.webhook import WebhookReceiver

pytestmark = pytest.mark.browser

SECRET_ENV = "HANDLA_TEST_STORE_SECRET"
WEBHOOK_SECRET = "butikens-hemlighet-för-testet"
# what the demo store's feed says beyond conftest's: jämförpris, eco label, a missing size
COMPARE = {"Skogaholmslimpa": (4252, "kr/kg"), "Lingongrova": (5990, "kr/kg"),
           "Mellanmjölk 1,5%": (1495, "kr/l")}  # fmt: skip


def _prepare_store(url: str, webhook_url: str) -> None:
    """The demo store hands orders to the test's webhook and has a slot on Thursday 10–12; its
    feed has jämförpris for some products, an eco label and a product without a size; Greta's
    chat of today showed a card (as the assistant does), to compare with the page's cards."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    local = now.astimezone(LOCAL_TZ)
    days = (3 - local.weekday()) % 7 or 7  # next Thursday, at least a day away
    day = (local + timedelta(days=days)).date()
    starts = datetime.combine(day, dt_time(10), LOCAL_TZ).astimezone(UTC)
    with session_scope(make_sessionmaker(engine)) as session:
        store = session.scalars(select(Store)).one()
        store.order_channel, store.order_target, store.secret_ref = (
            "webhook",
            webhook_url,
            SECRET_ENV,
        )
        session.add(DeliverySlot(store=store, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                 capacity=10, booked=0, cutoff_at=starts - timedelta(hours=12)))  # fmt: skip
        for product in session.scalars(select(Product)):
            if product.name in COMPARE:
                product.compare_price_ore, product.compare_unit = COMPARE[product.name]
            if product.name == "Formfranska":
                product.organic, product.size_text = True, None
        lingon = session.scalars(select(Product).where(Product.name == "Lingongrova")).one()
        card = product_card(lingon, 1, None, local.date()).to_json()
        record_turn(session, 1, "grovt bröd", [{"text": "Menar du det här?",
                                                "custom": {"cards": [card]}}])  # fmt: skip
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """The store refuses the first two posts (500); every post must carry its signature."""
    with WebhookReceiver(fail=2, secret=WEBHOOK_SECRET, refuse_status=500) as store:
        yield store


@pytest.fixture
def live(tmp_path: Path, receiver: WebhookReceiver) -> Iterator[tuple[LiveApp, int]]:
    """The app, with a store that hands orders to the test's webhook."""
    prepare = functools.partial(_prepare_store, webhook_url=receiver.url)
    with running_app(tmp_path, seed_world, prepare, HANDLA_OUTBOX_LEASE_SECONDS="15",
                     **{SECRET_ENV: WEBHOOK_SECRET}) as running:  # fmt: skip
        yield running


@contextmanager
def _browser_page(
    *args: str, permissions: tuple[str, ...] = (), viewport: dict | None = None
) -> Iterator:
    try:
        with chromium_page(*args, permissions=permissions, viewport=viewport) as page:
            yield page
    except FileNotFoundError as missing:
        pytest.skip(str(missing))


@pytest.fixture
def page() -> Iterator:
    with _browser_page() as opened:
        yield opened


def _check_page(page, name: str) -> None:
    """Screenshot the page at both tablet sizes and assert axe-core finds no serious or
    critical violations at either; the page is left at the size it had."""
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run ./script/setup (needs npm)")
    before = page.viewport_size
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        screenshot(page, name)
        bad = axe_problems(page)
        assert not bad, f"axe-core on {name} at {size['width']}×{size['height']}:\n" + "\n".join(
            bad
        )
    page.set_viewport_size(before)


def _text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().replace("\u00a0", " ")


def _in_view(page, selector: str) -> None:
    """The element is on the screen as the page landed (no scrolling by the test)."""
    box = page.locator(selector).first.evaluate(
        "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }"
    )
    height = page.viewport_size["height"]
    assert box[0] >= 0 and box[1] <= height, f"{selector} is at {box}, the screen is {height} px"


def _search(page, text: str) -> None:
    """Type into the search and wait for the page it lands on (the search, then what it did)."""
    page.get_by_label("Vara", exact=True).fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Sök", exact=True).click()
    _in_view(page, "#item-text")


def _tap(page, target) -> None:
    """Tap and wait for the page the form posts to (a bare click can race the next locator
    into the page that is being left)."""
    with page.expect_navigation():
        target.click()


def _wait_for_hand_off(receiver: WebhookReceiver, seconds: float = 150) -> None:
    """Until the store has the order (the app's outbox worker retries with back-off), then a
    little longer: a second delivery would show up within the worker's next rounds."""
    deadline = time.monotonic() + seconds
    while not receiver.accepted and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)


def _orders(page, base: str, client_id: int) -> list[dict]:
    return page.request.get(f"{base}/api/clients/{client_id}/orders").json()


def _card(page, name: str):
    return page.locator("#val button.product-card").filter(has_text=name)


def test_staff_and_client_order_by_touch_and_the_store_gets_it_once(
    live: tuple[LiveApp, int], receiver: WebhookReceiver
) -> None:
    app, client_id = live
    base = app.base
    with _browser_page(viewport=PORTRAIT) as page:
        page.clock.install()  # real time flows; the confirm's timers can be fast-forwarded
        page.goto(f"{base}/login")
        _check_page(page, "01-login")
        log_in(page, base, "anna")
        _check_page(page, "02-clients")
        page.get_by_role("link", name="Greta", exact=True).click()
        page.wait_for_url(f"{base}/clients/{client_id}")
        expect(page.locator("#chat-status")).to_contain_text("Assistenten är inte igång")
        expect(page.locator("#chat-send")).to_be_disabled()
        _check_page(page, "03-client")

        # "bröd" is a choice among pictures; each card shows the feed's facts
        _search(page, "bröd")
        expect(page.get_by_role("heading", name="Vilken sorts bröd menar du?")).to_be_visible()
        _in_view(page, ".choice-heading")
        cards = page.locator("#val button.product-card")
        assert cards.count() == 3
        widths = page.eval_on_selector_all("#val .product-card img",
                                           "imgs => imgs.map(i => i.naturalWidth)")  # fmt: skip
        assert all(width > 0 for width in widths), "a product picture did not load"
        boxes = [cards.nth(i).bounding_box() for i in range(2)]
        assert boxes[0]["y"] == boxes[1]["y"], "two cards a row on a portrait tablet"
        limpa = _text(page, "#val .product-card:has-text('Skogaholmslimpa')")
        assert "Pågen · 775g" in limpa and "32,95 kr/st" in limpa and "Jfr 42,52 kr/kg" in limpa
        franska = _text(page, "#val .product-card:has-text('Formfranska')")
        assert "storlek saknas" in franska and "Ekologisk" in franska and "Jfr" not in franska
        lingon = _text(page, "#val .product-card:has-text('Lingongrova')")
        assert "Erbjudande: 2 för 50 kr" in lingon and "Jfr 59,90 kr/kg" in lingon
        assert "Lägg i korgen: 1 st · 29,95 kr" in lingon
        chat_card = _text(page, "#chat-log .product-card")  # the assistant's card of today
        assert chat_card == lingon, "a card in the chat says the same as on the page"
        _check_page(page, "04-bread-choice")

        _tap(page, _card(page, "Lingongrova"))
        expect(page.locator(".added")).to_contain_text("Lagt i korgen")
        _in_view(page, "#item-text")
        _in_view(page, ".added")
        assert "29,95 kr" in _text(page, "#korg .line-total")  # the card's price is the basket's
        _tap(page, page.get_by_role("button", name="En till Lingongrova 500g"))
        expect(page.locator("#korg .count")).to_have_text("2 st")
        _in_view(page, "#korg .count")

        # clear words go in at once; "Nej, visa andra" turns them back into a choice
        _search(page, "två liter mellanmjölk")
        added = page.locator(".added")
        expect(added).to_contain_text("Lagt i korgen")
        expect(added).to_contain_text("2 st Mellanmjölk 1,5% 1l")
        _in_view(page, ".added")
        _check_page(page, "05-added")
        _tap(page, page.get_by_role("button", name="Nej, visa andra än Mellanmjölk 1,5% 1l"))
        _in_view(page, "#val .choice-heading")
        expect(page.locator("#val .choice-heading")).to_have_text(
            "Vilken sorts mellanmjölk vill du ha i stället?"
        )
        expect(_card(page, "Mellanmjölk")).not_to_have_count(0)
        _check_page(page, "06-other-milk")
        _tap(page, _card(page, "1l").filter(has_text="Mellanmjölk"))
        expect(page.locator("#korg .count")).to_have_count(2)
        basket = _text(page, "#korg").replace("\t", " ")
        assert "Erbjudande: 2 för 50 kr" in basket and "Du sparar 9,90 kr" in basket
        assert "Jfr 14,95 kr/l" in basket
        for fee in ("Plockavgift 49,00 kr", "Leveransavgift 29,00 kr", "Fakturaavgift 19,00 kr"):
            assert fee in basket, fee
        assert "Att betala 176,90 kr" in basket
        _check_page(page, "07-basket")

        _tap(page, page.locator("#leverans button.slot").filter(has_text="torsdag"))
        summary = _text(page, ".summary-text")
        assert summary.startswith("Du beställer 4 varor för 176,90 kr, leverans torsdag ")
        assert summary.endswith(" 10–12")
        _in_view(page, ".summary-text")
        _in_view(page, "button.confirm")
        _check_page(page, "08-summary")

        # a double tap arms the button and orders nothing; the armed state expires
        order_button = page.locator("button.confirm")
        order_button.dblclick()
        expect(order_button).to_have_text("Tryck igen för att beställa")
        page.clock.run_for(2000)  # a navigation a second tap started would be under way now
        page.wait_for_load_state()
        assert page.url.startswith(f"{base}/clients/{client_id}") and "/orders/" not in page.url
        assert _orders(page, base, client_id) == [] and not receiver.accepted
        _check_page(page, "09-confirm-armed")
        page.clock.fast_forward(10_000)
        expect(order_button).to_have_text("Beställ")
        order_button.click(click_count=3, delay=50)  # a tremor: three quick taps
        page.clock.run_for(2000)
        expect(order_button).to_have_text("Tryck igen för att beställa")
        assert _orders(page, base, client_id) == []
        page.clock.fast_forward(1000)  # a pause, then a deliberate second tap
        _tap(page, order_button)
        page.get_by_role("heading", name="Tack! Beställning").wait_for()
        _check_page(page, "10-receipt")

        receipt = page.url
        # while the store is down (the outbox tries again after 15 s and 30 s), staff go on
        page.goto(f"{base}/clients/{client_id}")
        # a wish the store lacks waits in its own row; staff settle it with other words
        _search(page, "smör")
        wish = page.locator("#onskemal")
        expect(wish).to_contain_text("”smör” finns inte i butiken")
        _in_view(page, "#onskemal")
        _check_page(page, "12-wish")
        page.goto(f"{base}/staff/queue")
        expect(page.locator("main")).to_contain_text("smör")
        _check_page(page, "13-queue")
        _tap(page, page.get_by_role("link", name="Välj vara för Greta"))
        _in_view(page, "#onskemal .wish-heading")
        page.get_by_label("Personal: sök med andra ord för ”smör”").fill("standardmjölk")
        _tap(page, page.get_by_role("button", name="Välj vara för smör"))
        _in_view(page, "#val .choice-heading")
        _tap(page, _card(page, "Standardmjölk"))
        expect(page.locator(".added")).to_contain_text("Standardmjölk")
        expect(page.locator("#onskemal")).to_have_count(0)

        # client mode: only Greta's page, no staff menu, leaving needs the password
        page.get_by_role("button", name="Kundläge").click()
        page.wait_for_url(f"{base}/clients/{client_id}")
        expect(page.get_by_role("navigation", name="Huvudmeny")).to_have_count(0)
        expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
        header = page.locator(".topbar").bounding_box()
        assert header["height"] < 80, "the client's tablet has a slim header"
        _check_page(page, "14-client-mode")
        for elsewhere in ("/staff/clients", "/admin/clients", f"/clients/{client_id}/statement"):
            page.goto(f"{base}{elsewhere}")
            assert page.url == f"{base}/clients/{client_id}", elsewhere
        page.get_by_text("Personal: lämna kundläget").click()
        page.get_by_label("Ditt lösenord").fill("fel-lösenord")
        _tap(page, page.get_by_role("button", name="Lämna kundläget"))
        expect(page.get_by_role("alert")).to_have_text("Fel lösenord. Kundläget är kvar.")
        page.get_by_label("Ditt lösenord").fill(PASSWORD)
        _tap(page, page.get_by_role("button", name="Lämna kundläget"))
        expect(page.locator("p.notice")).to_have_text("Kundläget är avslutat.")
        expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()

        _wait_for_hand_off(receiver)
        assert receiver.refused == 2 and receiver.bad_signatures == 0
        assert len(receiver.accepted) == 1, "the store must get the order exactly once"
        sheet, key = receiver.accepted[0]
        assert sheet["total"] == 17690 and key
        assert {line["name"] for line in sheet["lines"]} == {"Lingongrova 500g",
                                                            "Mellanmjölk 1,5% 1l"}  # fmt: skip
        (order,) = _orders(page, base, client_id)
        page.goto(receipt)
        assert "skickad till butiken" in _text(page, ".status")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Beställning {order['id']}")

        # the client page lists the order with its state and a link to the receipt
        page.get_by_role("link", name="Tillbaka till Greta").click()
        history = page.locator("#bestallningar")
        expect(history).to_contain_text(f"Beställning {order['id']}")
        expect(history).to_contain_text("176,90 kr")
        expect(history).to_contain_text("Skickad till butiken")
        _check_page(page, "11-client-history")

        page.get_by_role("link", name="Månadssammanställning").click()
        page.get_by_role("link", name="Hämta som PDF").wait_for()
        statement = _text(page, "main").replace("\t", " ")
        assert "Status: Skickad till butiken" in statement
        assert "Lingongrova 500g 2 st 2 för 50 kr: −9,90 kr 50,00 kr" in statement
        assert "Mellanmjölk 1,5% 1l 2 st  29,90 kr" in statement
        _check_page(page, "15-statement")
        page.goto(f"{base}/staff/attention")
        _check_page(page, "16-attention")
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(f"{base}/login")

        log_in(page, base, "chef")
        page.get_by_role("link", name="Butiker").click()
        page.get_by_role("heading", name="Butiker och avgifter").wait_for()
        _check_page(page, "17-admin-stores")
        page.get_by_role("link", name="Leveranstider för Testbutiken").click()
        page.get_by_role("heading", name="Leveranstider – Testbutiken").wait_for()
        _check_page(page, "18-admin-slots")
        page.get_by_role("link", name="Hantera kunder").click()
        page.get_by_role("heading", name="Kunder", exact=True).wait_for()
        expect(page.locator("details.new-client")).not_to_have_attribute("open", "")
        _check_page(page, "19-admin-clients")
        page.get_by_label("Sök kund").fill("har")
        page.get_by_role("button", name="Sök", exact=True).click()
        expect(page.locator(".client-list tbody tr")).to_have_count(1)
        page.get_by_role("link", name="Harry", exact=True).click()
        page.get_by_role("heading", name="Harry", exact=True).wait_for()
        _check_page(page, "20-admin-client")
        page.get_by_label("Enhet eller kommun").fill("Hemtjänst Norr")
        _tap(page, page.get_by_role("button", name="Spara", exact=True))
        expect(page.get_by_role("status")).to_have_text("Sparat: Harry.")
        _in_view(page, "#client-2")
        for link, heading, shot in (("Personal", "Personal", "21-admin-staff"),
                                    ("Katalog", "Importera en katalog", "22-admin-catalog")):  # fmt: skip
            page.get_by_role("link", name=link, exact=True).click()
            page.get_by_role("heading", name=heading, exact=True).wait_for()
            _check_page(page, shot)
        page.goto(f"{base}/admin/fees")
        _check_page(page, "23-admin-fees")


def test_an_order_confirmed_just_before_a_crash_reaches_the_store_once(
    live: tuple[LiveApp, int], receiver: WebhookReceiver, page
) -> None:
    """On a landscape tablet (1024×768): the search, what it added and the summary are on the
    screen where each post lands; the app is killed right after the confirm."""
    app, client_id = live
    base = app.base
    receiver.fail = 0
    page.clock.install()  # real time flows; the pause before the second tap is fast-forwarded
    log_in(page, base, "anna")
    page.goto(f"{base}/clients/{client_id}")
    _search(page, "bröd")
    _in_view(page, ".choice-heading")
    _tap(page, _card(page, "Skogaholmslimpa"))
    _in_view(page, ".added")
    _search(page, "två liter mellanmjölk")
    _in_view(page, ".added")
    _tap(page, page.get_by_role("button", name="En till Mellanmjölk 1,5% 1l"))
    _in_view(page, "#korg .count >> nth=1")
    _tap(page, page.locator("#leverans button.slot").first)
    _in_view(page, ".summary-text")
    _in_view(page, "button.confirm")
    page.get_by_role("button", name="Beställ", exact=True).click()
    armed = page.get_by_role("button", name="Tryck igen för att beställa")
    armed.wait_for()
    page.clock.fast_forward(1000)  # the pause that makes the second tap deliberate
    _tap(page, armed)
    page.get_by_role("heading", name="Tack!").wait_for()
    app.kill()  # right after the confirm answered: the hand-off may or may not have happened
    app.start()
    _wait_for_hand_off(receiver, 60)  # a row the killed worker had claimed waits for its lease
    assert len(receiver.accepted) == 1
