"""Catalog matcher: from a spoken Swedish shopping phrase to ranked candidate products.

Pure Python (rapidfuzz only): products in, results out. The API the app calls::

    from catalog_matcher import CatalogIndex
    index = CatalogIndex(products)              # once per catalog (an iterable of Product)
    items = index.match("två liter mellanmjölk och en limpa", history=None)
    item = index.match_item("två liter mellanmjölk")   # an already split item

Each `ItemMatch` has `text`, `quantity` (int or Decimal), `unit` ("l", "kg", "g", "dl", "st",
a package word such as "paket", or None), `ambiguous`, `reason` (Swedish), `candidates`
(`Candidate`: key, name, brand, size, kind, score, why) and `groups` (kind -> product keys,
for a picture choice). `history` is a sequence of `Purchase(key or name, count, date)` or plain
product keys; see `catalog_matcher.history` for the `--history FILE` format.
"""

from catalog_matcher.history import Purchase, read_history
from catalog_matcher.index import CatalogIndex
from catalog_matcher.result import Candidate, ItemMatch

__all__ = ["CatalogIndex", "Candidate", "ItemMatch", "Purchase", "read_history"]
