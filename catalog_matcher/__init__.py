"""Catalog matcher: from a spoken Swedish shopping phrase to ranked candidate products.

Pure Python (rapidfuzz only): products in, results out. The API the app calls::

    from catalog_matcher import CatalogIndex
    index = CatalogIndex(products)              # once per catalog (an iterable of Product)
    items = index.match("två liter mellanmjölk och en limpa", history=None)
    item = index.match_item("två liter mellanmjölk")   # an already split item

Each `ItemMatch` has `text` (the words naming the product, and the brand's if said),
`quantity` (int or Decimal), `unit` ("l", "kg", "g", "dl", "st", a package word such as
"paket", or None; kitchen measures such as "2 msk" read as quantity 1, no unit), `status`
("found": propose the first candidate; "ambiguous": a picture choice, one row per kind in
`groups`; "not_found": the store has no credible match, `candidates` is empty and
`suggestions` holds similar products), `ambiguous` (status == "ambiguous"), `reason`
(Swedish), `candidates` (`Candidate`: key, name, brand, size, kind, score, why), `groups`
(kind -> product keys), `suggestions`, `brand` (the brand asked for, as the catalog spells
it) and `brand_missing` (no product of that brand for this kind: candidates are other
brands'). `history` is a sequence of `Purchase(key or name, count, date)` or plain product
keys; see `catalog_matcher.history` for the `--history FILE` format.
"""

from catalog_matcher.history import Purchase, read_history
from catalog_matcher.index import CatalogIndex
from catalog_matcher.result import Candidate, ItemMatch

__all__ = ["CatalogIndex", "Candidate", "ItemMatch", "Purchase", "read_history"]
