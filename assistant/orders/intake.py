"""One intake for chat, voice and touch: what the client said becomes basket lines and open
questions.

`take_text` runs the catalog matcher (with the client's purchase history as its prior) and
hands each item to `take_item`:

- a clear item goes in at once as its best product, with the spoken amount turned into
  packages; when that product's package does not hold the amount ("tio ägg" and a 6-pack),
  a product of the same kind whose package fits is taken instead ("tio ägg" → one 10-pack),
  and when none fits the client chooses among the packages (an open choice);
- a word that names many kinds ("bröd"), or a brand the store lacks, becomes an open choice;
- a plausible product the store lacks becomes a wish for staff (with similar products, if any);
- anything else (a keyboard mash, a foreign sentence) changes nothing and is reported back.

The matcher's other candidates stay on the line, so "inte den, den andra" and "Nej, visa
andra" work afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assistant.db.models import Client, OrderLine, Product, PurchaseHistory
from assistant.orders.amounts import fit
from assistant.orders.basket import Actor, add_item
from assistant.orders.catalog_index import MAX_ITEM_TEXT, client_index, purchase_prior
from assistant.orders.choices import add_wish, open_choice, retarget
from assistant.orders.errors import ServiceError
from assistant.orders.plausible import foreign_language, plausible_words
from catalog_matcher import CatalogIndex, ItemMatch
from catalog_matcher.result import BOUGHT_BEFORE

NO_STORE = "Kunden har ingen butik vald. Be en administratör välja butik."


@dataclass(frozen=True, slots=True)
class Added:
    line: OrderLine
    product: Product
    said: str
    usual: bool
    """The client's usual product settled the item ("som förra gången")."""


@dataclass
class Intake:
    """What one utterance did to the basket, in the order the items were said."""

    added: list[Added] = field(default_factory=list)
    choices: list[OrderLine] = field(default_factory=list)
    wishes: list[OrderLine] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    brand_missing: list[tuple[str, str]] = field(default_factory=list)
    """(brand, item text) where the store has no such product of that brand."""
    foreign: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.choices or self.wishes)


def status_of(item: ItemMatch) -> str:
    """found, ambiguous or not_found (read from the matcher's status)."""
    status = getattr(item, "status", None)
    if status:
        return str(status)
    if not item.candidates:
        return "not_found"
    return "ambiguous" if item.ambiguous else "found"


def _products(session: Session, keys: list[str]) -> dict[int, Product]:
    ids = [int(k) for k in keys if str(k).isdigit()]
    rows = session.scalars(
        select(Product)
        .where(Product.id.in_(ids), Product.active)
        .options(selectinload(Product.offers))
    )
    return {row.id: row for row in rows}


def _same_kind(item: ItemMatch) -> list[str]:
    """The candidates of the best candidate's kind, best first."""
    kind = item.candidates[0].kind
    return [c.key for c in item.candidates if c.kind == kind]


def take_item(
    session: Session, client_id: int, item: ItemMatch, intake: Intake, *, actor: Actor
) -> None:
    """Put one matched item in the basket (see the module docstring)."""
    status = status_of(item)
    keys = [c.key for c in item.candidates]
    said, unit = item.quantity, item.unit
    if status == "not_found":
        suggestions = [int(c.key) for c in getattr(item, "suggestions", []) if c.key.isdigit()]
        index_ok = plausible_words(item.text, _index(session, client_id))
        if index_ok:
            intake.wishes.append(
                add_wish(
                    session,
                    client_id,
                    item.text,
                    suggestions=suggestions,
                    said_quantity=said,
                    said_unit=unit,
                    actor=actor,
                )  # fmt: skip
            )
        else:
            intake.not_understood.append(item.text)
        return
    ids = [int(k) for k in keys if k.isdigit()]
    if getattr(item, "brand_missing", False):
        intake.brand_missing.append((getattr(item, "brand", ""), item.text))
        intake.choices.append(open_choice(session, client_id, item.text, ids, said_quantity=said,
                                          said_unit=unit, reason="brand", actor=actor))  # fmt: skip
        return
    if status == "ambiguous":
        intake.choices.append(open_choice(session, client_id, item.text, ids, said_quantity=said,
                                          said_unit=unit, reason="kind", actor=actor))  # fmt: skip
        return
    products = _products(session, keys)
    fitting = next(
        (
            products[int(k)]
            for k in _same_kind(item)
            if int(k) in products and fit(products[int(k)], said, unit).exact
        ),
        None,
    )
    if fitting is None:
        if not products:
            intake.not_understood.append(item.text)
            return
        same = [int(k) for k in _same_kind(item)]
        rest = [i for i in ids if i not in same]
        intake.choices.append(open_choice(session, client_id, item.text, same + rest,
                                          said_quantity=said, said_unit=unit, reason="pack",
                                          actor=actor))  # fmt: skip
        return
    amount = fit(fitting, said, unit)
    line = add_item(
        session,
        client_id,
        fitting.id,
        amount.quantity,
        spoken_text=item.text,
        said_quantity=amount.pieces or said,
        said_unit="st" if amount.pieces else unit,
        candidates=[fitting.id, *(i for i in ids if i != fitting.id)],
        actor=actor,
    )
    usual = any(c.key == str(fitting.id) and c.why == BOUGHT_BEFORE for c in item.candidates)
    intake.added.append(Added(line, fitting, item.text, usual))


def _index(session: Session, client_id: int) -> CatalogIndex:
    client = session.get(Client, client_id)
    index = client_index(session, client) if client is not None else None
    if index is None:
        raise ServiceError(NO_STORE)
    return index


def match_text(session: Session, client_id: int, text: str) -> list[ItemMatch]:
    """The matcher's items for `text` in the client's store, with their history as prior."""
    index = _index(session, client_id)
    return index.match(text[:MAX_ITEM_TEXT], purchase_prior(session, client_id))


def take_text(session: Session, client_id: int, text: str, *, actor: Actor = "client") -> Intake:
    """Everything `text` asks for, into the basket (see the module docstring)."""
    intake = Intake()
    if foreign_language(text):
        intake.foreign = True
        return intake
    for item in match_text(session, client_id, text):
        take_item(session, client_id, item, intake, actor=actor)
    return intake


def search_for_line(
    session: Session, client_id: int, line_id: int, text: str, *, actor: Actor = "client"
) -> OrderLine:
    """Staff search other words for a waiting line: it becomes a choice among what they find."""
    items = match_text(session, client_id, text)
    keys: list[int] = []
    for item in items:
        found = item.candidates or getattr(item, "suggestions", [])
        keys += [int(c.key) for c in found if c.key.isdigit() and int(c.key) not in keys]
    return retarget(session, client_id, line_id, text, keys, actor=actor)


MAX_USUAL = 20


def take_usual(session: Session, client_id: int, *, actor: Actor = "client") -> Intake:
    """ "Som vanligt": what the client has bought in this store before, each product in the
    quantity of its latest order, most often bought first."""
    client = session.get(Client, client_id)
    intake = Intake()
    if client is None or client.store_id is None:
        raise ServiceError(NO_STORE)
    latest = (
        select(PurchaseHistory.product_id, func.count().label("times"),
               func.max(PurchaseHistory.id).label("last"))
        .join(Product, Product.id == PurchaseHistory.product_id)
        .where(PurchaseHistory.client_id == client_id, Product.active,
               Product.store_id == client.store_id)
        .group_by(PurchaseHistory.product_id)
        .order_by(func.count().desc(), func.max(PurchaseHistory.id).desc())
        .limit(MAX_USUAL)
    ).subquery()  # fmt: skip
    rows = session.execute(
        select(Product, PurchaseHistory.quantity)
        .join(latest, latest.c.product_id == Product.id)
        .join(PurchaseHistory, PurchaseHistory.id == latest.c.last)
        .order_by(latest.c.times.desc(), latest.c.last.desc())
    ).all()
    for product, quantity in rows:
        line = add_item(session, client_id, product.id, quantity, spoken_text="som vanligt",
                        actor=actor)  # fmt: skip
        intake.added.append(Added(line, product, "som vanligt", True))
    return intake
