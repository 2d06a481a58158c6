"""Shopping lists as people say and type them, and an honest "not in the store", on the real
Willys 2023 and Coop 2020 catalogs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from catalog_matcher import CatalogIndex
from catalog_matcher.catalog_files import load_products

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex(load_products(ROOT / "demo_catalog" / "willys_2023.csv"))


@pytest.fixture(scope="module")
def coop() -> CatalogIndex:
    return CatalogIndex(load_products(ROOT / "demo_catalog" / "stores_2020.csv", "Coop"))


def test_a_list_without_och_splits_at_amounts(index: CatalogIndex) -> None:
    items = index.match("fem ägg två gurkor ett paket kaffe")
    assert [(i.text, i.quantity, i.unit) for i in items] == [
        ("ägg", 5, "st"),
        ("gurkor", 2, "st"),
        ("kaffe", 1, "paket"),
    ]
    assert "ägg" in items[0].candidates[0].name.lower()
    assert items[1].candidates[0].name.lower().startswith("gurka")
    assert items[2].status == "ambiguous"


def test_an_amount_after_the_item_stays_with_it(index: CatalogIndex) -> None:
    (milk,) = index.match("lättmjölk två stycken")
    assert (milk.text, milk.quantity, milk.unit) == ("lättmjölk", 2, "st")
    bregott, cucumbers = index.match("ett paket bregott två gurkor")
    assert (bregott.quantity, cucumbers.quantity) == (1, 2)


def test_numbers_inside_a_product_do_not_split(index: CatalogIndex) -> None:
    assert len(index.match("en och en halv liter mjölk")) == 1
    (milk,) = index.match("mellanmjölk 1,5%")
    assert "mellanmjölk" in milk.candidates[0].name.lower()


def test_a_boundary_between_two_catalog_nouns(index: CatalogIndex) -> None:
    assert [i.text for i in index.match("mjölk bröd ost")] == ["mjölk", "bröd", "ost"]
    assert [i.text for i in index.match("prinskorv senap")] == ["prinskorv", "senap"]
    # words that name one product together stay together
    assert [i.text for i in index.match("yoghurt jordgubb")] == ["yoghurt jordgubb"]
    assert [i.text for i in index.match("potatismos pulver")] == ["potatismos pulver"]
    assert [i.text for i in index.match("earl grey")] == ["earl grey"]


@pytest.mark.parametrize(
    ("said", "text"),
    [
        ("jag skulle vilja ha två liter mellanmjölk", "mellanmjölk"),
        ("kan du lägga till tre bananer", "bananer"),
        ("och så behöver jag hönsbuljong", "hönsbuljong"),
        ("sen tar vi en ketchup", "ketchup"),
        ("skriv upp två paket köttbullar", "köttbullar"),
        ("glöm inte kattmaten", "kattmaten"),
        ("har ni havregryn", "havregryn"),
        ("finns det färska räkor", "färska räkor"),
        ("jag behöver en gurka", "gurka"),
        ("vi behöver också toalettpapper", "toalettpapper"),
        ("öh ehm en limpa tack", "limpa"),
        ("ta en gurka med", "gurka"),
        ("ett paket smör är du snäll", "smör"),
    ],
)
def test_request_frames_are_not_the_product(index: CatalogIndex, said: str, text: str) -> None:
    (item,) = index.match(said)
    assert item.text == text
    assert item.status != "not_found"


def test_a_frame_in_the_middle_starts_a_new_item(index: CatalogIndex) -> None:
    items = index.match("mjölk och bröd jag behöver också smör")
    assert [i.text for i in items] == ["mjölk", "bröd", "smör"]


def test_quantities_and_text_of_skriv_upp(index: CatalogIndex) -> None:
    (item,) = index.match("skriv upp två paket köttbullar")
    assert (item.quantity, item.unit) == (2, "paket")
    assert "köttbullar" in item.candidates[0].name.lower()


def test_an_unknown_compound_falls_back_to_its_parts(index: CatalogIndex) -> None:
    (item,) = index.match("grönsaksbuljongtärningar")
    assert item.status == "found"
    assert "buljong" in item.candidates[0].name.lower()
    assert "grönsak" in item.candidates[0].name.lower()
    (salad,) = index.match("ett salladshuvud")
    assert "sallad" in salad.candidates[0].name.lower()


@pytest.mark.parametrize("word", ["julskinka", "surströmming", "lutfisk", "hjortfilé", "tahini"])
def test_items_the_store_lacks_are_not_found(index: CatalogIndex, word: str) -> None:
    (item,) = index.match(word)
    assert item.status == "not_found" and not item.ambiguous
    assert item.candidates == [] and item.groups == {}
    assert "finns inte" in item.reason


def test_a_missing_item_carries_labelled_suggestions(index: CatalogIndex) -> None:
    (item,) = index.match("julskinka")
    assert item.suggestions and all("skinka" in s.name.lower() for s in item.suggestions)
    assert "förslag" in item.reason


def test_brand_phrases_select_the_brand(index: CatalogIndex) -> None:
    (coffee,) = index.match("kaffe från zoegas")
    assert coffee.brand == "Zoégas" and not coffee.brand_missing
    assert all(c.brand == "Zoégas" for c in coffee.candidates)
    assert coffee.text == "kaffe zoegas"
    (marked,) = index.match("en påse kaffe av märket löfbergs")
    assert marked.brand == "Löfbergs" and marked.candidates[0].brand == "Löfbergs"
    (leading,) = index.match("två flaskor pepsi max")
    assert leading.brand == "Pepsi" and "pepsi max" in leading.candidates[0].name.lower()
    (alone,) = index.match("bregott")
    assert alone.status == "found" and alone.candidates[0].brand == "Bregott"


def test_från_in_a_product_name_is_not_a_brand(index: CatalogIndex) -> None:
    (item,) = index.match("balsamvinäger från modena")
    assert item.brand == "" and "modena" in item.candidates[0].name.lower()


def test_a_brand_without_such_a_product_offers_the_kind(index: CatalogIndex) -> None:
    (item,) = index.match("tre burkar kattmat från felix")
    assert item.brand == "Felix" and item.brand_missing
    assert item.status == "found" and "kattmat" in item.candidates[0].name.lower()
    assert all(c.brand != "Felix" for c in item.candidates)
    (other,) = index.match("en påse chips från pringles")
    assert other.brand == "Pringles" and other.brand_missing and other.status == "ambiguous"


def test_a_brand_the_store_lacks_alone_is_not_found(coop: CatalogIndex) -> None:
    (item,) = coop.match("två flaskor pepsi max")
    assert item.status == "not_found" and item.brand_missing


@pytest.mark.parametrize(
    ("said", "quantity", "unit", "name"),
    [
        ("1/2 dl grädde", Decimal("0.5"), "dl", "grädde"),
        ("2 msk olivolja", 1, None, "olivolja"),
        ("ca 500 g kycklingfilé", 500, "g", "kyckling"),
        ("2 vitlöksklyftor, pressade", 1, None, "vitlök"),
        ("½ dl kaffegrädde", Decimal("0.5"), "dl", "kaffegrädde"),
    ],
)
def test_typed_recipe_lines(
    index: CatalogIndex, said: str, quantity: Decimal | int, unit: str | None, name: str
) -> None:
    (item,) = index.match(said)
    assert (item.quantity, item.unit) == (quantity, unit)
    assert name in item.candidates[0].name.lower()
    assert "2-pack" not in item.candidates[0].name.lower()


def test_descriptors_stay_with_their_item(index: CatalogIndex) -> None:
    items = index.match(
        "1 rödlök, finhackad\n2 morötter, skalade och rivna\npersilja till servering"
    )
    assert [i.text for i in items] == ["rödlök", "morötter", "persilja"]
    (tomatoes,) = index.match("1 burk krossade tomater (à 400 g)")
    assert (tomatoes.quantity, tomatoes.unit) == (1, "burk")
    (bananas,) = index.match("Bananer (5 st)")
    assert (bananas.quantity, bananas.unit) == (5, "st")


def test_a_form_the_store_lacks_is_not_presented_as_the_product(coop: CatalogIndex) -> None:
    (item,) = coop.match("en burk krossade tomater")  # Coop 2020 sells fresh tomatoes only
    assert item.status == "not_found" and item.candidates == []


def test_generic_category_words_are_a_choice(index: CatalogIndex) -> None:
    for word in ("chips", "öl", "läsk", "glass", "korv", "juice"):
        (item,) = index.match(word)
        assert item.status == "ambiguous" and item.ambiguous, word
        assert len(item.groups) >= 2, word


def test_kinds_a_shopper_expects_first(index: CatalogIndex, coop: CatalogIndex) -> None:
    (milk,) = index.match("mjölk")
    assert [c.kind for c in milk.candidates[:3]] == ["mellanmjölk", "lättmjölk", "standardmjölk"]
    (bread,) = index.match("bröd")
    first_kinds = [c.kind for c in bread.candidates[:4]]
    assert "korvbröd" not in first_kinds and "hamburgerbröd" not in first_kinds
    (cheese,) = index.match("ost")
    assert "pastasås" not in cheese.candidates[0].name.lower()
    assert all("pastasås" not in c.name.lower() for c in cheese.candidates[:5])
    (butter,) = coop.match("smör")  # Coop 2020 sells Smörgåsrån and a butter knife, no butter
    assert butter.status == "not_found"


def test_to_json_has_the_new_fields(index: CatalogIndex) -> None:
    (item,) = index.match("julskinka")
    data = json.loads(json.dumps(item.to_json()))
    assert data["status"] == "not_found" and data["candidates"] == []
    assert {"suggestions", "brand", "brand_missing", "ambiguous", "groups"} <= set(data)
