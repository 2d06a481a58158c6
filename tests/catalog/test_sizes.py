import csv
from decimal import Decimal
from pathlib import Path

import pytest

from catalog_matcher.product import Size
from catalog_matcher.sizes import format_size, parse_size

SAMPLE = Path(__file__).parent.parent / "data" / "size_sample.tsv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5kg", Size(Decimal(1500), "g")),
        ("12p/50g", Size(Decimal(50), "g", pieces=12)),
        ("4x125g", Size(Decimal(125), "g", count=4)),
        ("ca: 1kg", Size(Decimal(1000), "g", approximate=True)),
        ("ca180g", Size(Decimal(180), "g", approximate=True)),
        ("10-pack", Size(Decimal(10), "st")),
        ("Korvbröd 10-pack", Size(Decimal(10), "st")),
        ("Ägg 20p", Size(Decimal(20), "st")),
        ("15,4gx10", Size(Decimal("15.4"), "g", count=10)),
        ("6p/33cl", Size(Decimal(330), "ml", count=6)),
        ("50cl", Size(Decimal(500), "ml")),
        ("2 hg", Size(Decimal(200), "g")),
    ],
)
def test_sizes_from_product_text(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "Mellanmjölk 1,5%", "Kaffefilter 1X4", "Räkor 70/90", "0"])
def test_text_without_a_size_has_none(text):
    assert parse_size(text) is None


def test_labels_are_swedish():
    assert format_size(parse_size("1,5kg")) == "1,5 kg"
    assert format_size(parse_size("4x125g")) == "4 x 125 g"
    assert format_size(parse_size("ca: 800g")) == "ca 800 g"


def test_hand_checked_sample_is_at_least_95_percent_right():
    """tests/data/size_sample.tsv: 120 size texts drawn from the demo catalogs, checked by hand."""
    rows = list(csv.DictReader(SAMPLE.open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) >= 100
    wrong = []
    for row in rows:
        expected = None
        if row["unit"]:
            expected = Size(
                Decimal(row["amount"]),
                row["unit"],
                count=int(row["count"]),
                approximate=row["approximate"] == "1",
                pieces=int(row["pieces"]),
            )
        if parse_size(row["text"]) != expected:
            wrong.append(row["text"])
    assert len(wrong) / len(rows) <= 0.05, wrong
