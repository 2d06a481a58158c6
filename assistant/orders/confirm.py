"""Confirming the basket: re-price, then in one transaction write the confirmed order, its
totals, the audit event, the purchase history and the outbox row that hands it to the store.

An order that could not reach the store (no address, no URL, a secret variable that is not
set: `store_channel.channel_problem`) is refused with the reason instead of being reported as
sent. The same idempotency key twice gives back the same order. Two confirms racing on one basket
are decided by one conditional UPDATE (status basket -> confirmed); the loser returns the
winner's order when the key is the same, or a clear refusal when it is not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.db import changed_rows
from assistant.db.enums import LineStatus
from assistant.db.models import Client, Order, OutboxMessage, PurchaseHistory
from assistant.orders.basket import (
    SUBSTITUTION_LABELS,
    Actor,
    actor_text,
    client_of,
    find_basket,
    price_order,
    priced_lines,
    record,
)
from assistant.orders.choices import choice_waiting_text, wish_waiting_text
from assistant.orders.errors import ServiceError
from assistant.orders.pricing import Breakdown
from assistant.orders.product_view import display_name
from assistant.orders.sheet import OrderSheet, SheetLine
from assistant.orders.slots import SlotRefused, as_utc, slot_label
from assistant.orders.status import OrderStatus
from assistant.orders.store_channel import channel_problem

MAX_KEY = 100


def order_by_key(session: Session, key: str) -> Order | None:
    return session.scalars(
        select(Order).where(Order.idempotency_key == key).execution_options(populate_existing=True)
    ).first()


def _check_lines(order: Order) -> None:
    for line in order.lines:
        product = line.product
        if line.status == LineStatus.NEEDS_CHOICE:
            raise ServiceError(choice_waiting_text(line))
        if product is None or line.status == LineStatus.NEEDS_STAFF:
            raise ServiceError(wish_waiting_text(line))
        what = display_name(product)
        if not product.active:
            raise ServiceError(f"{what} går inte längre att beställa. Ta bort eller byt varan.")
        if product.store_id != order.store_id:
            raise ServiceError(f"{what} säljs inte av kundens butik.")


def _check_channel(order: Order) -> None:
    store = order.store
    if problem := channel_problem(store):
        raise ServiceError(
            f"Beställningen kan inte lämnas till {store.name} just nu: {problem} "
            "Be en administratör rätta butikens inställningar."
        )


def _check_slot(order: Order, now: datetime) -> None:
    slot = order.slot
    if slot is None:
        raise SlotRefused("Välj en leveranstid först.")
    if as_utc(slot.cutoff_at) <= now or as_utc(slot.starts_at) <= now:
        label = slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at))
        raise SlotRefused(f"Sista beställningstid för {label} har passerat. Välj en ny tid.")


def quantity_text(quantity: Decimal) -> str:
    """Decimal("2.000") -> "2", Decimal("0.500") -> "0.5" (never exponent notation)."""
    return format(quantity.normalize(), "f")


def order_sheet(order: Order, client: Client, breakdown: Breakdown) -> OrderSheet:
    """The sheet the store receives, as confirmed (kept in the outbox row)."""
    lines = []
    for line, priced in zip(priced_lines(order), breakdown.lines, strict=True):
        product = line.product
        assert product is not None  # priced lines have one
        lines.append(
            SheetLine(
                sku=product.article_number or product.key,
                name=display_name(product),
                quantity=quantity_text(line.quantity),
                total=priced.total,
                substitution=SUBSTITUTION_LABELS.get(line.substitution, line.substitution),
                unit=product.sold_by,
                discount=priced.discount,
                offer=priced.offer,
            )
        )
    slot = order.slot
    return OrderSheet(
        order_id=order.id,
        client_name=client.display_name,
        address=str((client.preferences or {}).get("address", "")),
        slot=slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at)) if slot else "",
        lines=lines,
        fees={name: amount for name, amount in breakdown.fees.items() if amount},
        total=breakdown.total,
        municipality_fees={
            fee.name: fee.municipality_amount
            for fee in breakdown.fee_items
            if fee.municipality_amount
        },
        unit=client.unit,
    )


def confirm_order(
    session: Session,
    client_id: int,
    idempotency_key: str,
    actor: Actor,
    now: datetime | None = None,
    *,
    expected_total_ore: int | None = None,
) -> Order:
    """Confirm the client's basket and queue it for the store; returns the confirmed order.

    `idempotency_key` comes from the confirm form (one per shown summary) so a double submit
    or a second tab returns the same order. `expected_total_ore`, when given, is the total the
    client saw; a different total now is refused so nobody confirms a price they did not see.
    """
    key = (idempotency_key or "").strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > MAX_KEY:
        raise ServiceError("Beställningen saknar giltig nyckel. Ladda om sidan och försök igen.")
    who = actor_text(actor)
    now = as_utc(now or datetime.now(UTC))
    if (existing := order_by_key(session, key)) is not None:
        if existing.client_id != client_id:
            raise ServiceError("Beställningsnyckeln hör till en annan kund.")
        return existing
    client = client_of(session, client_id)
    basket = find_basket(session, client.id)
    if basket is None or not basket.lines:
        raise ServiceError("Korgen är tom.")
    _check_lines(basket)
    _check_slot(basket, now)
    _check_channel(basket)
    breakdown = price_order(session, basket, now)
    if breakdown.problems:
        raise ServiceError(" ".join(breakdown.problems))
    if expected_total_ore is not None and expected_total_ore != breakdown.total:
        raise ServiceError("Priset har ändrats. Se över summan och bekräfta igen.")
    won = session.execute(
        update(Order)
        .where(Order.id == basket.id, Order.status == OrderStatus.BASKET)
        .values(
            status=OrderStatus.CONFIRMED,
            idempotency_key=key,
            goods_ore=breakdown.goods,
            discount_ore=breakdown.discount,
            fees_ore=sum(breakdown.fees.values()),
            total_ore=breakdown.total,
            municipality_fees_ore=breakdown.municipality_fees,
            unit=client.unit,
            fee_detail=[fee.as_json() for fee in breakdown.fee_items],
            confirmed_at=now,
            confirmed_by_id=actor if isinstance(actor, int) else None,
        )
        .execution_options(synchronize_session=False)
    )
    if changed_rows(won) != 1:  # another request confirmed this basket while we priced it
        other = order_by_key(session, key)
        if other is not None and other.client_id == client.id:
            return other
        raise ServiceError("Korgen har redan beställts i ett annat fönster.")
    session.refresh(basket)
    for line in basket.lines:
        assert line.product is not None  # _check_lines refused lines without one
        line.unit_price_ore = line.product.price_ore
        session.add(
            PurchaseHistory(
                client_id=client.id,
                product_id=line.product_id,
                quantity=line.quantity,
                ordered_at=now,
            )
        )
    sheet = order_sheet(basket, client, breakdown)
    session.add(
        OutboxMessage(
            order_id=basket.id,
            adapter=basket.store.order_channel,
            payload={"key": key, "sheet": sheet.as_json()},
            next_attempt_at=now,
        )
    )
    record(session, basket, who, "confirmed", total_ore=breakdown.total, slot_id=basket.slot_id)
    session.flush()
    return basket
