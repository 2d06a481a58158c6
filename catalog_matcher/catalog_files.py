"""Read store catalog files into Product records, row by row, never aborting on one bad row.

Formats, told apart by their header:
- the 3-store 2020 file (`store,article_number,name,brand,category,...`), each row names its store;
- the Willys 2023 file (`name,brand_and_size,price,savings,...`), "BRAND, size" in one field;
- the generic feed (CSV or JSON) a store can produce itself; see GENERIC_COLUMNS and the README.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from catalog_matcher.product import Offer, Product
from catalog_matcher.sizes import parse_size, plain, to_decimal

STORES_2020_COLUMNS = ("store", "article_number", "name", "brand", "category", "price")
WILLYS_2023_COLUMNS = ("name", "brand_and_size", "price", "savings", "compare_price")
GENERIC_REQUIRED = ("name", "price")
GENERIC_COLUMNS = (
    "store",
    "article_number",
    "name",
    "brand",
    "size",
    "price",
    "sold_by",
    "compare_price",
    "compare_unit",
    "department",
    "subcategory",
    "organic",
    "image_url",
    "offer_label",
    "offer_price",
)
MAX_PRICE = Decimal(100_000)


class CatalogFormatError(ValueError):
    """The whole file cannot be read (empty, unknown format, required columns missing)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was not read. `repeat` marks a row that lists an already read product again
    (webshop exports list a product under each of its groups, even departments): nothing is lost
    by skipping it."""

    line: int
    reason: str
    repeat: bool = False


@dataclass
class CatalogFile:
    """What a catalog file holds: its format, notes about the file as a whole, and its rows."""

    path: Path
    format: str
    notes: list[str]
    rows: Iterator[Product | RowError]


def open_catalog(path: str | Path, store: str | None = None) -> CatalogFile:
    """Open a catalog file. `store` names the store for files whose rows do not name one
    (default: the file name without extension)."""
    path = Path(path)
    text, notes = _decode(path.read_bytes())
    if not text.strip():
        raise CatalogFormatError(f"{path.name}: filen är tom")
    default_store = store or path.stem
    if text.lstrip().startswith(("[", "{")):
        records = _json_records(text, path.name)
        return CatalogFile(path, "generic-json", notes, _read_generic(records, default_store))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    if set(STORES_2020_COLUMNS) <= set(header):
        rows = _read_stores_2020(_numbered(reader), store)
        return CatalogFile(path, "stores-2020", notes, rows)
    if set(WILLYS_2023_COLUMNS) <= set(header):
        return CatalogFile(
            path, "willys-2023", notes, _read_willys_2023(_numbered(reader), default_store)
        )
    missing = [column for column in GENERIC_REQUIRED if column not in header]
    if missing:
        raise CatalogFormatError(
            f"{path.name}: okänt format, kolumner saknas: {', '.join(missing)} "
            f"(rubrikraden har: {', '.join(header) or 'inga kolumner'})"
        )
    return CatalogFile(path, "generic-csv", notes, _read_generic(_numbered(reader), default_store))


def read_catalog(path: str | Path, store: str | None = None) -> Iterator[Product | RowError]:
    """Every row of the file as a Product or a RowError with its line number and reason."""
    return open_catalog(path, store).rows


def load_products(path: str | Path, store: str | None = None) -> list[Product]:
    """The readable products of a file (unreadable rows are skipped; use read_catalog to see them)."""
    return [row for row in read_catalog(path, store) if isinstance(row, Product)]


def _decode(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("latin-1"), ["filen är inte UTF-8; den lästes som Latin-1"]


def _json_records(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogFormatError(
            f"{name}: ogiltig JSON ({error.msg}, rad {error.lineno})"
        ) from None
    if isinstance(data, dict):
        data = data.get("products")
    if not isinstance(data, list):
        raise CatalogFormatError(
            f'{name}: JSON ska vara en lista av produkter eller {{"products": [...]}}'
        )
    return [
        (number, record if isinstance(record, dict) else {"__invalid__": record})
        for number, record in enumerate(data, start=1)
    ]


def _numbered(reader: csv.DictReader) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows with the line number where each starts (the header is line 1)."""
    line = reader.line_num + 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


class _RowProblem(Exception):
    pass


def _field(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def _price(row: dict[str, Any], name: str, required: bool = True) -> Decimal | None:
    text = _field(row, name).removesuffix("kr").strip()
    if not text:
        if required:
            raise _RowProblem(f"{name} saknas")
        return None
    value = to_decimal(text)
    if value is None:
        raise _RowProblem(f"{name} är inte ett tal: {text!r}")
    if value < 0:
        raise _RowProblem(f"{name} är negativt: {text}")
    if value > MAX_PRICE:
        raise _RowProblem(f"{name} är orimligt stort: {text}")
    return plain(value)


def _compare_unit(raw: str) -> str:
    unit = raw.strip().lower().removeprefix("kr/").strip()
    if unit in {"grm", "g", "gr", "kg", "gram ungefärlig vikt"}:
        return "kr/kg"
    if unit in {"h87", "st", "p"}:
        return "kr/st"
    if unit in {"mlt", "ml", "l"}:
        return "kr/l"
    if unit in {"", "undefined"}:
        return ""
    return f"kr/{unit}"


_MULTIBUY = re.compile(r"(\d+)\s*för\s*(\d+(?:[.,:]\d+)?)?", re.IGNORECASE)
_UNIT_PRICE = re.compile(r"^(\d+):(\d{2}|-)\s*/\s*(st|kg)$")


def parse_offer(label: str, offer_price: Decimal | None) -> Offer | None:
    """'2 för 25:-', 'Välj & blanda! 3 för' with a price, 'Spara 5,00 kr/st', '59:90 /kg'."""
    label = " ".join(label.split())
    if m := _MULTIBUY.search(label):
        quantity = int(m.group(1))
        price = to_decimal(m.group(2).replace(":", ".")) if m.group(2) else offer_price
        if quantity >= 1 and price is not None and price > 0:
            return Offer("multibuy", quantity, plain(price), label)
        return None
    if m := _UNIT_PRICE.match(label):
        cents = "00" if m.group(2) == "-" else m.group(2)
        return Offer("reduction", 1, plain(Decimal(f"{m.group(1)}.{cents}")), label)
    if offer_price is not None and offer_price > 0:
        return Offer("reduction", 1, plain(offer_price), label or "Erbjudande")
    return None


def _dedupe(rows: Iterable[tuple[int, Product | RowError]]) -> Iterator[Product | RowError]:
    first: dict[str, tuple[int, Product]] = {}
    for line, row in rows:
        if isinstance(row, Product):
            if row.key in first:
                first_line, first_product = first[row.key]
                # the same product filed under another department is the same product
                if (
                    replace(
                        row,
                        department=first_product.department,
                        subcategory=first_product.subcategory,
                    )
                    == first_product
                ):
                    yield RowError(line, f"samma vara som rad {first_line}", repeat=True)
                else:
                    yield RowError(
                        line, f"dubblett av rad {first_line} med andra uppgifter ({row.key})"
                    )
                continue
            first[row.key] = (line, row)
        yield row


def _each(
    rows: Iterable[tuple[int, dict[str, Any]]], build
) -> Iterator[tuple[int, Product | RowError]]:
    for line, row in rows:
        if None in row or "__invalid__" in row:
            yield line, RowError(line, "raden har fel antal fält")
            continue
        try:
            product = build(row)
        except _RowProblem as problem:
            yield line, RowError(line, str(problem))
            continue
        if not product.name:
            yield line, RowError(line, "namn saknas")
            continue
        yield line, product


def _read_stores_2020(
    rows: Iterable[tuple[int, dict[str, Any]]], store_filter: str | None
) -> Iterator[Product | RowError]:
    def build(row: dict[str, Any]) -> Product:
        store = _field(row, "store")
        if not store:
            raise _RowProblem("butik saknas")
        name = _field(row, "name")
        article = _field(row, "article_number") or name
        promotion_price = _price(row, "promotion_price", required=False)
        offer = None
        if _field(row, "promotion_type").upper() != "LOYALTY":  # member prices need a membership
            offer = parse_offer(_field(row, "promotion_label"), promotion_price)
        return Product(
            key=f"{store}:{article}",
            store=store,
            name=name,
            brand=_field(row, "brand"),
            size=parse_size(name),
            size_text="",
            price=_price(row, "price"),
            sold_by="kg" if _field(row, "price_unit").lower() == "kr/kg" else "st",
            compare_price=_price(row, "compare_price", required=False) or None,
            compare_unit=_compare_unit(_field(row, "compare_unit")),
            department=_field(row, "category"),
            subcategory=_field(row, "subcategory"),
            organic=_field(row, "eco") in {"1", "true", "True"},
            article_number=_field(row, "article_number"),
            image_url=_field(row, "image_url"),
            offer=offer,
        )

    selected = (
        (line, row)
        for line, row in rows
        if store_filter is None or _field(row, "store").lower() == store_filter.lower()
    )
    return _dedupe(_each(selected, build))


def split_brand_and_size(field: str) -> tuple[str, str]:
    """'ARLA KO, 1,5kg' -> ('ARLA KO', '1,5kg'); 'ca: 800g' -> ('', 'ca: 800g')."""
    field = field.strip()
    if not field:
        return "", ""
    head, sep, tail = field.partition(", ")
    if sep and tail and (tail[0].isdigit() or tail.lower().startswith("ca")):
        return head.strip(), tail.strip()
    if field[0].isdigit() or field.lower().startswith("ca"):
        return "", field
    return field, ""


def _read_willys_2023(
    rows: Iterable[tuple[int, dict[str, Any]]], store: str
) -> Iterator[Product | RowError]:
    def build(row: dict[str, Any]) -> Product:
        name = _field(row, "name")
        brand, size_text = split_brand_and_size(_field(row, "brand_and_size"))
        price = _price(row, "price")
        savings = _price(row, "savings", required=False) or Decimal(0)
        compare_price = _price(row, "compare_price", required=False)
        compare_unit = _field(row, "compare_unit")
        size = parse_size(size_text) if size_text else parse_size(name)
        by_weight = (
            compare_unit == "kg" and compare_price == price and (size is None or size.approximate)
        )
        offer = None
        if savings > 0:  # the listed price is the offer price; the ordinary one is higher
            offer = Offer("reduction", 1, price, f"Spara {str(savings).replace('.', ',')} kr")
            price = plain(price + savings)
        return Product(
            key=f"{store}:{name}|{_field(row, 'brand_and_size')}",
            store=store,
            name=name,
            brand=brand.title() if brand.isupper() else brand,
            size=size,
            size_text=size_text,
            price=price,
            sold_by="kg" if by_weight else "st",
            compare_price=compare_price or None,
            compare_unit=_compare_unit(compare_unit) if compare_unit else "",
            offer=offer,
        )

    return _dedupe(_each(rows, build))


def _read_generic(
    rows: Iterable[tuple[int, dict[str, Any]]], default_store: str
) -> Iterator[Product | RowError]:
    def build(row: dict[str, Any]) -> Product:
        store = _field(row, "store") or default_store
        name = _field(row, "name")
        article = _field(row, "article_number")
        size_text = _field(row, "size")
        sold_by = _field(row, "sold_by").lower() or "st"
        if sold_by not in {"st", "kg"}:
            raise _RowProblem(f"sold_by ska vara st eller kg, inte {sold_by!r}")
        return Product(
            key=f"{store}:{article or name + '|' + size_text}",
            store=store,
            name=name,
            brand=_field(row, "brand"),
            size=parse_size(size_text) if size_text else parse_size(name),
            size_text=size_text,
            price=_price(row, "price"),
            sold_by=sold_by,  # type: ignore[arg-type]
            compare_price=_price(row, "compare_price", required=False),
            compare_unit=_compare_unit(_field(row, "compare_unit")),
            department=_field(row, "department"),
            subcategory=_field(row, "subcategory"),
            organic=_field(row, "organic").lower() in {"1", "true", "ja", "yes"},
            article_number=article,
            image_url=_field(row, "image_url"),
            offer=parse_offer(
                _field(row, "offer_label"), _price(row, "offer_price", required=False)
            ),
        )

    return _dedupe(_each(rows, build))
