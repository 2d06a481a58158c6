"""The basket: one order in status "basket" per client, its lines, and its price."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from assistant.db.enums import LineStatus, OrderStatus
from assistant.db.models import SUBSTITUTIONS, AuditEvent, Client, Order, OrderLine, Product
from assistant.orders.amounts import fit
from assistant.orders.errors import ServiceError
from assistant.orders.pricing import Breakdown, FeeSchedule, price_basket
from assistant.orders.product_view import display_name, price_line_for
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
MAX_CANDIDATES = 12


def actor_text(actor: Actor) -> str:
    if isinstance(actor, bool) or not isinstance(actor, int | str) or actor == "":
        raise ServiceError("Okänt vem som gör ändringen.")
    return str(actor)


def record(session: Session, order: Order, actor: Actor, action: str, **detail: object) -> None:
    """An audit event on the order (who did what, when)."""
    session.add(
        AuditEvent(order_id=order.id, actor=actor_text(actor), action=action, detail=detail)
    )


def client_of(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id) if isinstance(client_id, int) else None
    if client is None:
        raise ServiceError("Kunden finns inte.")
    return client


def find_basket(session: Session, client_id: int) -> Order | None:
    """The client's open basket, if any (looking never creates one)."""
    return session.scalars(
        select(Order)
        .where(Order.client_id == client_id, Order.status == OrderStatus.BASKET)
        .order_by(Order.id)
        .limit(1)
    ).first()


def basket_for(session: Session, client_id: int) -> Order:
    """The client's basket, created on first use in the client's store."""
    client = client_of(session, client_id)
    if client.store_id is None:
        raise ServiceError("Kunden har ingen butik vald. Be en administratör välja butik.")
    basket = find_basket(session, client_id)
    if basket is None:
        # Two tabs adding the first item at once must not make two baskets: a no-op UPDATE of
        # the client row takes its lock (the database write lock on SQLite), then look again.
        session.execute(
            update(Client)
            .where(Client.id == client.id)
            .values(store_id=Client.store_id)
            .execution_options(synchronize_session=False)
        )
        basket = find_basket(session, client_id)
    if basket is None:
        basket = Order(client_id=client.id, store_id=client.store_id, status=OrderStatus.BASKET)
        session.add(basket)
        session.flush()
    elif basket.store_id != client.store_id and not basket.lines and basket.slot_id is None:
        basket.store_id = client.store_id  # the client changed store before adding anything
        session.flush()
    return basket


def _product(session: Session, basket: Order, product_id: object) -> Product:
    product = None
    if isinstance(product_id, int) and not isinstance(product_id, bool):
        product = session.get(Product, product_id) if 0 < product_id < 2**31 else None
    elif isinstance(product_id, str) and product_id.strip().isdigit():
        product = session.get(Product, int(product_id)) if len(product_id) < 10 else None
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


def _said(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        said = Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        return None
    return said if said.is_finite() and 0 < said < 10_000 else None


def add_item(
    session: Session,
    client_id: int,
    product_id: int,
    quantity: object,
    *,
    spoken_text: str = "",
    said_quantity: object = None,
    said_unit: str | None = None,
    candidates: list[int] | None = None,
    substitution: str | None = None,
    actor: Actor = "client",
) -> OrderLine:
    """Add a product to the basket; the same product again adds to its line's quantity.

    Atomic: the increment is one `UPDATE … SET quantity = quantity + n`, and a second line of
    the same product cannot exist (unique constraint), so parallel taps all count and make one
    line. `said_quantity`/`said_unit` keep the amount as said ("5 st" bananas, "2 l" milk) and
    `candidates` the matcher's other proposals ("inte den, den andra")."""
    basket = basket_for(session, client_id)
    product = _product(session, basket, product_id)
    name = display_name(product)
    wanted = parse_quantity(quantity, product.sold_by, name)
    spoken_text = " ".join((spoken_text or "").split())
    if len(spoken_text) > MAX_SPOKEN_TEXT:
        raise ServiceError("Texten är för lång.")
    chosen = _substitution(substitution or basket.client.substitution)
    said = _said(said_quantity)
    unit = (said_unit or "")[:20] or None
    line = _increment(session, basket, product, wanted, said, unit, substitution)
    if line is None:
        if _line_count(session, basket) >= MAX_LINES:
            raise ServiceError(f"Korgen rymmer högst {MAX_LINES} varor.")
        fresh = OrderLine(
            order_id=basket.id,
            product_id=product.id,
            spoken_text=spoken_text,
            quantity=wanted,
            said_quantity=said,
            said_unit=unit,
            candidates=[int(c) for c in (candidates or [])][:MAX_CANDIDATES],
            unit_price_ore=product.price_ore,
            substitution=chosen,
        )
        try:
            with session.begin_nested():
                session.add(fresh)
            line = fresh
        except IntegrityError:  # another request added the product this very moment
            line = _increment(session, basket, product, wanted, said, unit, substitution)
            if line is None:
                raise
    parse_quantity(line.quantity, product.sold_by, name)  # the sum stays within the limits
    session.expire(basket, ["lines"])
    record(session, basket, actor, "add_item", product_id=product.id, quantity=str(wanted))
    return line


def _line_count(session: Session, basket: Order) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(OrderLine).where(OrderLine.order_id == basket.id)
        )
        or 0
    )


def _increment(
    session: Session,
    basket: Order,
    product: Product,
    wanted: Decimal,
    said: Decimal | None,
    unit: str | None,
    substitution: str | None,
) -> OrderLine | None:
    """Raise the product's line by `wanted` in one statement; None when it has no line yet."""
    values: dict[str, object] = {
        "quantity": OrderLine.quantity + wanted,
        "said_quantity": case(
            (
                (OrderLine.said_unit == unit) if unit else OrderLine.said_unit.is_(None),
                OrderLine.said_quantity + (said or 0),
            ),
            else_=None,
        ),
    }
    if substitution:
        values["substitution"] = substitution
    line_id = session.scalar(
        update(OrderLine)
        .where(
            OrderLine.order_id == basket.id,
            OrderLine.product_id == product.id,
            OrderLine.status == LineStatus.OK,
        )
        .values(values)
        .returning(OrderLine.id)
        .execution_options(synchronize_session=False)
    )
    if line_id is None:
        return None
    line = session.get(OrderLine, line_id, populate_existing=True)
    return line


def _basket_line(session: Session, client_id: int, line_id: object) -> tuple[Order, OrderLine]:
    basket = find_basket(session, client_of(session, client_id).id)
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
    line.said_quantity = None  # a number typed or tapped on the line is packages, not words
    record(session, basket, actor, "set_quantity", line_id=line.id, quantity=str(line.quantity))
    return line


def set_said_amount(
    session: Session,
    client_id: int,
    line_id: int,
    said: Decimal | int,
    unit: str | None = None,
    *,
    actor: Actor = "client",
) -> OrderLine:
    """A spoken correction ("nej förresten fyra"): the new amount in the unit said before
    (four litres when two litres were said), turned into packages of the line's product."""
    basket, line = _basket_line(session, client_id, line_id)
    if line.product is None or line.status != LineStatus.OK:
        raise ServiceError("Välj vara först, sedan kan du ändra antalet.")
    unit = unit or line.said_unit
    amount = fit(line.product, said, unit)
    line.quantity = parse_quantity(amount.quantity, line.product.sold_by, line.product.name)
    line.said_quantity, line.said_unit = _said(said), unit
    session.flush()
    record(session, basket, actor, "set_quantity", line_id=line.id, quantity=str(line.quantity))
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


def priced_lines(order: Order) -> list[OrderLine]:
    """The lines that have a product and a price, in order (`breakdown.lines` follows them)."""
    return [
        line for line in order.lines if line.status == LineStatus.OK and line.product is not None
    ]


def price_order(session: Session, order: Order, now: datetime | None = None) -> Breakdown:
    """Today's price of the order; `breakdown.lines[i]` belongs to `priced_lines(order)[i]`
    (wishes and open choices have no price yet)."""
    ids = {line.product_id for line in order.lines if line.product_id is not None}
    # one query for the products and their offers; the dict keeps them alive in the session
    products = {
        p.id: p
        for p in session.scalars(
            select(Product).where(Product.id.in_(ids)).options(selectinload(Product.offers))
        )
    }
    today = (now or datetime.now(UTC)).astimezone(LOCAL_TZ).date()
    priced = [
        price_line_for(product, line.quantity, today)
        for line in order.lines
        if line.status == LineStatus.OK
        and (product := products.get(line.product_id or 0)) is not None
    ]
    return price_basket(priced, fees_for(order))


def line_count(order: Order) -> Decimal:
    """Number of pieces (kg items count as one) — for "Du beställer 12 varor"."""
    return sum(
        (Decimal(1) if ln.product and ln.product.sold_by == "kg" else ln.quantity)
        for ln in priced_lines(order)
    ) or Decimal(0)
