"""Which products a conversation matches against: the client's store, or the demo catalog.

The Rasa sender id is `client-<id>` for the app's chat (see assistant.chat.routes); any other
sender (a developer's `rasa shell`, the tests) uses the Willys 2023 demo file. Each index is
built once per action-server process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from assistant.config import PROJECT_ROOT, load_settings
from assistant.db import make_engine, make_sessionmaker
from assistant.db.models import Client
from assistant.web.matching import store_index
from catalog_matcher import CatalogIndex
from catalog_matcher.catalog_files import load_products
from catalog_matcher.product import Product

DEMO_CATALOG = PROJECT_ROOT / "demo_catalog" / "willys_2023.csv"
_SENDER = re.compile(r"^client-(\d{1,12})$")


@dataclass(frozen=True)
class CardInfo:
    """What a picture card shows about one product."""

    product_key: str
    name: str
    brand: str
    size: str
    price: float
    image_url: str

    def to_json(self) -> dict[str, object]:
        return {
            "product_key": self.product_key,
            "name": self.name,
            "brand": self.brand,
            "size": self.size,
            "price": self.price,
            "image_url": self.image_url,
        }


def client_id_of(sender_id: str) -> int | None:
    match = _SENDER.match(sender_id or "")
    return int(match.group(1)) if match else None


@lru_cache(maxsize=1)
def sessions() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(load_settings().database_url))


@lru_cache(maxsize=1)
def _demo() -> tuple[CatalogIndex, dict[str, Product]]:
    products = load_products(DEMO_CATALOG)
    return CatalogIndex(products), {p.key: p for p in products}


_store_indexes: dict[int, tuple[tuple, CatalogIndex]] = {}


def demo_index() -> CatalogIndex:
    return _demo()[0]


def demo_product(key: str) -> Product | None:
    return _demo()[1].get(key)


def client_store(session: Session, client_id: int) -> int | None:
    client = session.get(Client, client_id)
    return client.store_id if client else None


def index_for(session: Session, client_id: int | None) -> CatalogIndex:
    """The client's store's index, or the demo index for a sender that is no client."""
    if client_id is None:
        return demo_index()
    store_id = client_store(session, client_id)
    if store_id is None:
        return demo_index()
    return store_index(_store_indexes, session, store_id)


def price_of(value: Decimal | int) -> float:
    return float(Decimal(value))
