import json
from decimal import Decimal
from pathlib import Path

import pytest

from catalog_matcher.catalog_files import (
    CatalogFormatError,
    RowError,
    load_products,
    open_catalog,
    parse_offer,
    read_catalog,
    split_brand_and_size,
)
from catalog_matcher.product import Offer, Product

DEMO = Path(__file__).resolve().parents[2] / "demo_catalog"


def rejected(rows):
    return [row for row in rows if isinstance(row, RowError) and not row.repeat]


def test_stores_2020_file_reads_every_row():
    rows = list(read_catalog(DEMO / "stores_2020.csv"))
    products = [row for row in rows if isinstance(row, Product)]
    assert len(rows) == 9477
    assert rejected(rows) == []
    assert {p.store for p in products} == {"Coop", "Hemköp", "Willys"}
    assert sum(1 for p in products if p.offer) > 500
    assert all(p.key.startswith(p.store + ":") for p in products)


def test_willys_2023_file_splits_brand_and_size():
    catalog = open_catalog(DEMO / "willys_2023.csv", store="Willys")
    rows = list(catalog.rows)
    assert catalog.format == "willys-2023"
    assert len(rows) == 6304
    products = [row for row in rows if isinstance(row, Product)]
    milk = next(p for p in products if p.name == "Mellanmjölk Färsk Ekologisk 1,5%")
    assert (milk.brand, milk.size_text, milk.size.amount, milk.size.unit) == (
        "Falköpings",
        "1l",
        Decimal(1000),
        "ml",
    )
    # the few rows that contradict an earlier row are reported with their line numbers
    assert all("dubblett av rad" in error.reason for error in rejected(rows))
    assert len(rejected(rows)) < 10


def test_willys_savings_become_a_reduction_on_the_ordinary_price():
    products = load_products(DEMO / "willys_2023.csv")
    on_offer = [p for p in products if p.offer]
    assert on_offer
    for product in on_offer:
        assert product.offer.kind == "reduction"
        assert product.offer.price < product.price


def test_loose_goods_are_sold_by_weight():
    products = load_products(DEMO / "willys_2023.csv")
    assert any(p.sold_by == "kg" for p in products)
    assert any(p.sold_by == "kg" for p in load_products(DEMO / "stores_2020.csv"))


@pytest.mark.parametrize(
    ("label", "price", "expected"),
    [
        ("2 för 25:-", None, Offer("multibuy", 2, Decimal(25), "2 för 25:-")),
        (
            "Välj & blanda! 3 för",
            Decimal(50),
            Offer("multibuy", 3, Decimal(50), "Välj & blanda! 3 för"),
        ),
        (
            "Spara 5,00 kr/st",
            Decimal("19.9"),
            Offer("reduction", 1, Decimal("19.9"), "Spara 5,00 kr/st"),
        ),
        ("59:90 /kg", None, Offer("reduction", 1, Decimal("59.9"), "59:90 /kg")),
        ("", None, None),
        ("2 för", None, None),
    ],
)
def test_offers_from_labels(label, price, expected):
    assert parse_offer(label, price) == expected


def test_brand_and_size_field():
    assert split_brand_and_size("ARLA KO, 1,5kg") == ("ARLA KO", "1,5kg")
    assert split_brand_and_size("ca: 800g") == ("", "ca: 800g")
    assert split_brand_and_size("GARANT") == ("GARANT", "")
    assert split_brand_and_size("") == ("", "")


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def test_empty_file_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogFormatError, match="tom"):
        open_catalog(write(tmp_path, "feed.csv", ""))


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(CatalogFormatError, match="price"):
        open_catalog(write(tmp_path, "feed.csv", "name,brand\nMjölk,Arla\n"))


def test_latin1_file_is_read_with_a_note(tmp_path):
    catalog = open_catalog(write(tmp_path, "feed.csv", "name,price\nSmör,59,90\n", "latin-1"))
    assert "Latin-1" in catalog.notes[0]
    rows = list(catalog.rows)
    assert isinstance(rows[0], RowError)  # an unquoted comma makes a third field


def test_bad_rows_are_reported_and_the_rest_read(tmp_path):
    feed = (
        "article_number,name,price,size\n"
        "1,Mellanmjölk,13.90,1l\n"
        "2,Smör,-5,500g\n"
        "3,Bröd,gratis,\n"
        "4,,10,\n"
        "1,Annan mjölk,12.00,1l\n"
        "5,Ägg,29.90,12-pack\n"
    )
    rows = list(read_catalog(write(tmp_path, "feed.csv", feed), store="Testbutik"))
    assert [p.name for p in rows if isinstance(p, Product)] == ["Mellanmjölk", "Ägg"]
    errors = {e.line: e.reason for e in rows if isinstance(e, RowError)}
    assert set(errors) == {3, 4, 5, 6}
    assert "negativt" in errors[3]
    assert "inte ett tal" in errors[4]
    assert "namn saknas" in errors[5]
    assert "dubblett av rad 2" in errors[6]


def test_generic_json_feed(tmp_path):
    feed = {
        "products": [
            {
                "article_number": "7310865001818",
                "name": "Mellanmjölk",
                "brand": "Arla",
                "size": "1,5 l",
                "price": 19.9,
                "department": "Mejeri",
                "offer_label": "2 för 35:-",
            },
            "not a product",
        ]
    }
    rows = list(read_catalog(write(tmp_path, "feed.json", json.dumps(feed)), store="ICA Nära"))
    milk, error = rows
    assert milk.store == "ICA Nära" and milk.size.amount == 1500 and milk.offer.quantity == 2
    assert isinstance(error, RowError) and error.line == 2


def test_invalid_json_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogFormatError, match="JSON"):
        open_catalog(write(tmp_path, "feed.json", "[{"))
