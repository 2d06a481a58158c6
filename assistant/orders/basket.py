"""The basket: one order in status "basket" per client, its lines, and its price."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from assistant.db.models import SUBSTITUTIONS, AuditEvent, Client, Offer, Order, OrderLine, Product
from assistant.orders.errors import ServiceError
from assistant.orders.money import format_sek
from assistant.orders.pricing import Breakdown, FeeSchedule, PriceLine, price_basket
from assistant.orders.quantity import parse_quantity
from assistant.orders.slots import LOCAL_TZ

Actor = int | str
"""A staff user's id, or "client" (the client on the tablet or by voice), or "system"."""

SUBSTITUTION_LABELS = {
    "similar": "byt mot liknande",
    "none": "ingen ersättning",
    "ask": "fråga kunden",
}
MAX_LINES = 150
MAX_SPOKEN_TEXT = 500


def actor_text(actor: Actor) -> str:
    if isinstance(actor, bool) or not isinstance(actor, int | str) or actor == "":
        raise ServiceError("Okänt vem som gör ändringen.")
    return str(actor)


def record(session: Session, order: Order, actor: Actor, action: str, **detail: object) -> None:
    """An audit event on the order (who did what, when)."""
    session.add(
        AuditEvent(order_id=order.id, actor=actor_text(actor), action=action, detail=detail)
    )


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id) if isinstance(client_id, int) else None
    if client is None:
        raise ServiceError("Kunden finns inte.")
    return client


def _find_basket(session: Session, client_id: int) -> Order | None:
    return session.scalars(
        select(Order)
        .where(Order.client_id == client_id, Order.status == "basket")
        .order_by(Order.id)
        .limit(1)
    ).first()


def basket_for(session: Session, client_id: int) -> Order:
    """The client's basket, created on first use in the client's store."""
    client = _client(session, client_id)
    if client.store_id is None:
        raise ServiceError("Kunden har ingen butik vald. Be en administratör välja butik.")
    basket = _find_basket(session, client_id)
    if basket is None:
        # Two tabs adding the first item at once must not make two baskets: a no-op UPDATE of
        # the client row takes its lock (the database write lock on SQLite), then look again.
        session.execute(
            update(Client)
            .where(Client.id == client.id)
            .values(store_id=Client.store_id)
            .execution_options(synchronize_session=False)
        )
        basket = _find_basket(session, client_id)
    if basket is None:
        basket = Order(client_id=client.id, store_id=client.store_id, status="basket")
        session.add(basket)
        session.flush()
    elif basket.store_id != client.store_id and not basket.lines and basket.slot_id is None:
        basket.store_id = client.store_id  # the client changed store before adding anything
        session.flush()
    return basket


def display_name(product: Product) -> str:
    """ "Mellanmjölk 1,5 l" — the name with its size, as shown to the client and the store."""
    if product.size_text and product.size_text not in product.name:
        return f"{product.name} {product.size_text}"
    return product.name


def _product(session: Session, basket: Order, product_id: object) -> Product:
    product = None
    if isinstance(product_id, int) and not isinstance(product_id, bool):
        product = session.get(Product, product_id)
    elif isinstance(product_id, str) and product_id.strip().isdigit():
        product = session.get(Product, int(product_id))
    if product is None:
        raise ServiceError("Varan finns inte i sortimentet.")
    if product.store_id != basket.store_id:
        raise ServiceError(f"{display_name(product)} säljs inte av kundens butik.")
    if not product.active:
        raise ServiceError(f"{display_name(product)} går inte att beställa just nu.")
    return product


def _substitution(value: str) -> str:
    if value not in SUBSTITUTIONS:
        raise ServiceError("Välj ”byt mot liknande”, ”ingen ersättning” eller ”fråga kunden”.")
    return value


def add_item(
    session: Session,
    client_id: int,
    product_id: int,
    quantity: object,
    *,
    spoken_text: str = "",
    substitution: str | None = None,
    actor: Actor = "client",
) -> OrderLine:
    """Add a product to the basket; the same product again adds to its line's quantity."""
    basket = basket_for(session, client_id)
    product = _product(session, basket, product_id)
    name = display_name(product)
    wanted = parse_quantity(quantity, product.sold_by, name)
    spoken_text = (spoken_text or "").strip()
    if len(spoken_text) > MAX_SPOKEN_TEXT:
        raise ServiceError("Texten är för lång.")
    chosen = _substitution(substitution or basket.client.substitution)
    line = next((ln for ln in basket.lines if ln.product_id == product.id), None)
    if line is not None:
        line.quantity = parse_quantity(line.quantity + wanted, product.sold_by, name)
        line.substitution = chosen if substitution else line.substitution
    else:
        if len(basket.lines) >= MAX_LINES:
            raise ServiceError(f"Korgen rymmer högst {MAX_LINES} varor.")
        line = OrderLine(
            product_id=product.id,
            spoken_text=spoken_text,
            quantity=wanted,
            unit_price_ore=product.price_ore,
            substitution=chosen,
        )
        basket.lines.append(line)
    session.flush()
    record(session, basket, actor, "add_item", product_id=product.id, quantity=str(wanted))
    return line


def _basket_line(session: Session, client_id: int, line_id: object) -> tuple[Order, OrderLine]:
    basket = _find_basket(session, _client(session, client_id).id)
    line = session.get(OrderLine, line_id) if isinstance(line_id, int) else None
    if basket is None or line is None or line.order_id != basket.id:
        raise ServiceError("Raden finns inte i korgen.")
    return basket, line


def _is_zero(value: object) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return Decimal(str(value).strip().replace(",", ".")) == 0
    except ArithmeticError:
        return False


def set_quantity(
    session: Session, client_id: int, line_id: int, quantity: object, *, actor: Actor = "client"
) -> OrderLine | None:
    """Change a line's quantity; 0 removes the line (and returns None)."""
    basket, line = _basket_line(session, client_id, line_id)
    if _is_zero(quantity):
        remove_line(session, client_id, line_id, actor=actor)
        return None
    sold_by = line.product.sold_by if line.product else "st"
    line.quantity = parse_quantity(quantity, sold_by, line.product.name if line.product else "")
    session.flush()
    record(session, basket, actor, "set_quantity", line_id=line.id, quantity=str(line.quantity))
    return line


def wish_waiting_text(line: OrderLine) -> str:
    """What the basket and a refused confirmation say about a wish staff have not settled."""
    return f"Personalen behöver välja vara för ”{line.spoken_text or 'en vara'}”."


def add_wish(
    session: Session, client_id: int, spoken_text: str, *, actor: Actor = "client"
) -> OrderLine:
    """Something the client asked for that the assistant could not find: a line without a
    product, waiting for staff (the staff queue); the order cannot be placed until it is
    settled by `resolve_wish` or removed."""
    spoken_text = " ".join((spoken_text or "").split())
    if not spoken_text or len(spoken_text) > MAX_SPOKEN_TEXT:
        raise ServiceError("Skriv vad kunden vill ha, högst 500 tecken.")
    basket = basket_for(session, client_id)
    same = next((ln for ln in basket.lines if ln.status == "needs_staff"
                 and ln.spoken_text == spoken_text), None)  # fmt: skip
    if same is not None:
        return same
    if len(basket.lines) >= MAX_LINES:
        raise ServiceError(f"Korgen rymmer högst {MAX_LINES} varor.")
    line = OrderLine(spoken_text=spoken_text, quantity=Decimal(1), status="needs_staff")
    basket.lines.append(line)
    session.flush()
    record(session, basket, actor, "add_wish", line_id=line.id, spoken_text=spoken_text)
    return line


def resolve_wish(
    session: Session,
    client_id: int,
    wish_line_id: int,
    product_id: int,
    quantity: object,
    *,
    actor: Actor = "client",
) -> OrderLine:
    """Staff picked the product for a waiting wish: the product goes in, the wish goes away."""
    basket, wish = _basket_line(session, client_id, wish_line_id)
    if wish.status != "needs_staff":
        raise ServiceError("Raden väntar inte på personal.")
    line = add_item(session, client_id, product_id, quantity, spoken_text=wish.spoken_text,
                    actor=actor)  # fmt: skip
    basket.lines.remove(wish)
    session.flush()
    record(session, basket, actor, "resolve_wish", line_id=wish_line_id, product_id=product_id)
    return line


def remove_line(session: Session, client_id: int, line_id: int, *, actor: Actor = "client") -> None:
    basket, line = _basket_line(session, client_id, line_id)
    actor_text(actor)
    basket.lines.remove(line)
    session.flush()
    record(session, basket, actor, "remove_line", line_id=line_id, product_id=line.product_id)


def set_substitution(
    session: Session, client_id: int, line_id: int, substitution: str, *, actor: Actor = "client"
) -> OrderLine:
    """The client's wish if the product is missing: "similar", "none" or "ask"."""
    basket, line = _basket_line(session, client_id, line_id)
    line.substitution = _substitution(substitution)
    session.flush()
    record(session, basket, actor, "set_substitution", line_id=line.id, value=substitution)
    return line


def best_offer(offers: list[Offer], today: date) -> Offer | None:
    """The valid offer with the lowest price per piece."""
    valid = [
        o
        for o in offers
        if o.quantity >= 1
        and (o.valid_from is None or o.valid_from <= today)
        and (o.valid_to is None or o.valid_to >= today)
    ]
    return min(valid, key=lambda o: Fraction(o.price_ore, o.quantity), default=None)


def offer_label(offer: Offer) -> str:
    if offer.label:
        return offer.label
    if offer.quantity == 1:
        return f"Nu {format_sek(offer.price_ore)}"
    return f"{offer.quantity} för {format_sek(offer.price_ore)}"


def price_line_for(line: OrderLine, product: Product | None, today: date) -> PriceLine:
    """The pricing input for one order line (kg items: per-kg price × the wanted weight, "ca")."""
    if product is None:
        return PriceLine(line.spoken_text or "Okänd vara", 0, 1)
    name = display_name(product)
    if product.sold_by == "kg":
        grams = int(line.quantity * 1000)
        return PriceLine(name, product.price_ore, 1, per_kg=True, approx_weight_g=grams)
    offer = best_offer(product.offers, today)
    return PriceLine(
        name,
        product.price_ore,
        int(line.quantity),
        offer_quantity=offer.quantity if offer else 0,
        offer_price=offer.price_ore if offer else 0,
        offer_label=offer_label(offer) if offer else "",
    )


def fees_for(order: Order) -> FeeSchedule:
    """The store's fee rules with the client's agreement (who pays picking and delivery)."""
    store, client = order.store, order.client
    return FeeSchedule(
        picking=store.picking_fee_ore,
        delivery=store.delivery_fee_ore,
        invoice=store.invoice_fee_ore,
        minimum_order=store.minimum_order_ore,
        picking_free_from=store.picking_free_from_ore,
        delivery_free_from=store.delivery_free_from_ore,
        picking_payer=client.picking_payer,
        delivery_payer=client.delivery_payer,
        pays_by_invoice=client.pays_by_invoice,
    )


def price_order(session: Session, order: Order, now: datetime | None = None) -> Breakdown:
    """Today's price of the order; `breakdown.lines[i]` belongs to `order.lines[i]`."""
    ids = {line.product_id for line in order.lines if line.product_id is not None}
    # one query for the products and their offers; the dict keeps them alive in the session
    products = {
        p.id: p
        for p in session.scalars(
            select(Product).where(Product.id.in_(ids)).options(selectinload(Product.offers))
        )
    }
    today = (now or datetime.now(UTC)).astimezone(LOCAL_TZ).date()
    priced = [price_line_for(ln, products.get(ln.product_id), today) for ln in order.lines]
    return price_basket(priced, fees_for(order))


def line_count(order: Order) -> Decimal:
    """Number of pieces (kg items count as one) — for "Du beställer 12 varor"."""
    return sum(
        (Decimal(1) if ln.product and ln.product.sold_by == "kg" else ln.quantity)
        for ln in order.lines
    ) or Decimal(0)
