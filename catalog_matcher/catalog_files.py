"""Read store catalog files into Product records, row by row, never aborting on one bad row.

Formats, told apart by their header:
- the 3-store 2020 file (`store,article_number,name,brand,category,...`), each row names its store;
- the Willys 2023 file (`name,brand_and_size,price,savings,...`), "BRAND, size" in one field;
- the generic feed (CSV or JSON) a store can produce itself; see GENERIC_COLUMNS and the README.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO, overload

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
    """What a catalog file holds: its format, notes about the file as a whole, and its rows.

    The rows are read from the file as they are iterated (constant memory; the file closes when
    they run out). `bytes_read()` against `size` tells how far that is. A file found broken
    part-way (invalid JSON) raises CatalogFormatError from the iteration."""

    path: Path
    format: str
    notes: list[str]
    rows: Iterator[Product | RowError]
    size: int
    stream: TextIO

    def bytes_read(self) -> int:
        return self.size if self.stream.closed else self.stream.buffer.tell()

    def close(self) -> None:
        self.stream.close()


CHUNK = 1 << 20
MAX_JSON_ITEM = 1 << 20
"""A product object in a JSON feed larger than this (1 MB) is not a product."""


def open_catalog(path: str | Path, store: str | None = None) -> CatalogFile:
    """Open a catalog file. `store` names the store for files whose rows do not name one
    (default: the file name without extension)."""
    path = Path(path)
    encoding, notes = _encoding(path)
    default_store = store or path.stem
    stream = path.open(encoding=encoding, newline="")
    try:
        first = _first_character(stream)
        if not first:
            raise CatalogFormatError(f"{path.name}: filen är tom")
        size = path.stat().st_size

        def catalog(kind: str, rows: Iterator[Product | RowError]) -> CatalogFile:
            return CatalogFile(path, kind, notes, _closing(stream, rows), size, stream)

        if first in "[{":
            records = _json_records(stream, path.name)
            return catalog("generic-json", _read_generic(records, default_store))
        reader = csv.DictReader(stream)
        try:
            header = [name.strip() for name in (reader.fieldnames or [])]
        except csv.Error as error:
            raise CatalogFormatError(f"{path.name}: rubrikraden: {_csv_problem(error)}") from None
        reader.fieldnames = header
        if set(STORES_2020_COLUMNS) <= set(header):
            return catalog("stores-2020", _read_stores_2020(_numbered(reader), store))
        if set(WILLYS_2023_COLUMNS) <= set(header):
            return catalog("willys-2023", _read_willys_2023(_numbered(reader), default_store))
        missing = [column for column in GENERIC_REQUIRED if column not in header]
        if missing:
            raise CatalogFormatError(
                f"{path.name}: okänt format, kolumner saknas: {', '.join(missing)} "
                f"(rubrikraden har: {', '.join(header) or 'inga kolumner'})"
            )
        return catalog("generic-csv", _read_generic(_numbered(reader), default_store))
    except BaseException:
        stream.close()
        raise


def read_catalog(path: str | Path, store: str | None = None) -> Iterator[Product | RowError]:
    """Every row of the file as a Product or a RowError with its line number and reason."""
    return open_catalog(path, store).rows


def load_products(path: str | Path, store: str | None = None) -> list[Product]:
    """The readable products of a file (unreadable rows are skipped; use read_catalog to see them)."""
    return [row for row in read_catalog(path, store) if isinstance(row, Product)]


def _encoding(path: Path) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM) if the whole file decodes as such, else Latin-1 with a note;
    checked block by block, so a large file is never held in memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as file:
            while block := file.read(CHUNK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1", ["filen är inte UTF-8; den lästes som Latin-1"]
    return "utf-8-sig", []


def _first_character(stream: TextIO) -> str:
    """The first character that is not white space ("" for an empty file); rewinds."""
    while block := stream.read(CHUNK):
        if stripped := block.lstrip():
            stream.seek(0)
            return stripped[0]
    return ""


def _closing(stream: TextIO, rows: Iterator[Product | RowError]) -> Iterator[Product | RowError]:
    with stream:
        yield from rows


class _JsonStream:
    """Reads a JSON list of products (or {"products": [...]}) one product at a time."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream, self.name = stream, name
        self.buffer, self.pos, self.eof = "", 0, False
        self.lines_before = 0  # newlines in the text already dropped from the buffer
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        self.lines_before += self.buffer.count("\n", 0, self.pos)
        block = self.stream.read(CHUNK // 4)
        self.buffer, self.pos = self.buffer[self.pos :] + block, 0
        self.eof = not block
        return bool(block)

    def _line(self, pos: int) -> int:
        return self.lines_before + self.buffer.count("\n", 0, pos) + 1

    def error(self, message: str, pos: int | None = None) -> CatalogFormatError:
        line = self._line(self.pos if pos is None else pos)
        return CatalogFormatError(f"{self.name}: ogiltig JSON ({message}, rad {line})")

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer) or not self._fill():
                return self.buffer[self.pos : self.pos + 1]

    def take(self, expected: str) -> str:
        found = self.peek()
        if not found or found not in expected:
            raise self.error(f"väntade {' eller '.join(expected)}")
        self.pos += 1
        return found

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                # maybe the value goes on in the next block; a real error stays one
                if len(self.buffer) - self.pos < MAX_JSON_ITEM and self._fill():
                    continue
                if len(self.buffer) - self.pos >= MAX_JSON_ITEM:
                    raise self.error("en produkt är större än 1 MB eller felskriven") from None
                raise self.error(error.msg, error.pos) from None
            except RecursionError:
                raise self.error("för djupt nästlad") from None
            if end == len(self.buffer) and self._fill():
                continue  # a number at the end of the block may have more digits
            self.pos = end
            return value

    def items(self) -> Iterator[tuple[int, dict[str, Any]]]:
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        number = 0
        while True:
            record = self.value()
            number += 1
            yield number, record if isinstance(record, dict) else {"__invalid__": record}
            if self.take(",]") == "]":
                return


def _json_records(stream: TextIO, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records, read as they are iterated; the first is read at once, so a file that is not
    a JSON list of products fails when it is opened."""
    records = _json_stream(stream, name)
    first = list(itertools.islice(records, 1))
    return itertools.chain(first, records)


def _json_stream(stream: TextIO, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = _JsonStream(stream, name)
    found = False
    if reader.peek() == "[":
        yield from reader.items()
        found = True
    elif reader.take("{") and reader.peek() == "}":
        reader.take("}")
    else:
        while True:
            key = reader.value()
            if not isinstance(key, str):
                raise reader.error("en nyckel ska vara en sträng")
            reader.take(":")
            if key == "products" and not found and reader.peek() == "[":
                yield from reader.items()
                found = True
            else:
                reader.value()
            if reader.take(",}") == "}":
                break
    if reader.peek():
        raise reader.error("mer text efter slutet")
    if not found:
        raise CatalogFormatError(
            f'{name}: JSON ska vara en lista av produkter eller {{"products": [...]}}'
        )


def _numbered(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows with the line number where each starts (the header is line 1). A row the csv module
    cannot read (a field over its 131,072-character limit) becomes a row error; it skips to the
    next line."""
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row = {"__unreadable__": _csv_problem(error)}
        yield line, row
        line = reader.line_num + 1


def _csv_problem(error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"ett fält är längre än {csv.field_size_limit():,} tecken".replace(",", " ")
    return f"raden går inte att läsa ({error})"


class _RowProblem(Exception):
    pass


def _field(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


@overload
def _price(row: dict[str, Any], name: str, required: Literal[True] = True) -> Decimal: ...
@overload
def _price(row: dict[str, Any], name: str, required: bool) -> Decimal | None: ...
def _price(row: dict[str, Any], name: str, required: bool = True) -> Decimal | None:
    """A price in kronor; None when an optional one is empty, _RowProblem when unreadable."""
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
    """Later rows with an already read key are errors, or repeats when only the department
    differs (the same product filed under another group). Only a line number and a hash are kept
    per product, so a large file costs little memory."""
    first: dict[str, tuple[int, int]] = {}
    for line, row in rows:
        if isinstance(row, Product):
            # the same product filed under another department is the same product
            fingerprint = hash(replace(row, department="", subcategory=""))
            if row.key in first:
                first_line, first_fingerprint = first[row.key]
                if fingerprint == first_fingerprint:
                    yield RowError(line, f"samma vara som rad {first_line}", repeat=True)
                else:
                    yield RowError(
                        line, f"dubblett av rad {first_line} med andra uppgifter ({row.key})"
                    )
                continue
            first[row.key] = (line, fingerprint)
        yield row


def _each(
    rows: Iterable[tuple[int, dict[str, Any]]], build: Callable[[dict[str, Any]], Product]
) -> Iterator[tuple[int, Product | RowError]]:
    for line, row in rows:
        if "__unreadable__" in row:
            yield line, RowError(line, row["__unreadable__"])
            continue
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
        sold_by_text = _field(row, "sold_by").lower() or "st"
        if sold_by_text not in {"st", "kg"}:
            raise _RowProblem(f"sold_by ska vara st eller kg, inte {sold_by_text!r}")
        sold_by: Literal["st", "kg"] = "kg" if sold_by_text == "kg" else "st"
        return Product(
            key=f"{store}:{article or name + '|' + size_text}",
            store=store,
            name=name,
            brand=_field(row, "brand"),
            size=parse_size(size_text) if size_text else parse_size(name),
            size_text=size_text,
            price=_price(row, "price"),
            sold_by=sold_by,
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
