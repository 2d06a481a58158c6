"""Closed classes of Swedish words a shopping phrase is made of besides the products.

Hesitations and fillers are dropped wherever they stand. Carrier words frame a request
("jag skulle vilja ha", "kan du lägga till", "glöm inte", "har ni", "finns det"): a run of them
holding at least one verb or question word is the frame, not the product (see `carriers`).
Describing words say how, not what ("laktosfri", "skivad", "stor"): they narrow a choice but
never name the product, never start an item and never make a head noun.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HESITATION = re.compile(r"^(?:e+h*m*|ö+h*m*|ä+h*m*|h+m+|m+h*m*|a+h+|ah+m*|öh+|eh+)$")
FILLERS = _words(
    "tack snälla också även lite gärna så då ju nog väl liksom typ alltså asså va nu bara "
    "okej ok jaha ja jo precis visst förresten kanske dessutom mer mera annars något några "
    "nåt någon lite grann nej nä näe inte andra annan annat"
)
PRONOUNS = _words("jag vi du ni man mig oss dig er det")
# a frame needs one of these: modal and request verbs, "finns", "har", "glöm", question words
CORE = _words(
    "skulle ska vill ville kan kunde måste behöver behövs behöva behövde får fick tänkte önskar "
    "önskade hade har ha få ta tar tog köpa köp köper handla handlar beställa beställ beställer "
    "lägga lägg lägger skriva skriv skriver sätta sätt sätter glöm glömt glömma kom komma minns "
    "finns fanns blir bli hämta hämtar plocka plockar ge fixa fixar ordna vad heter lägger "
    "notera noterar boka brukar brukade"
)
PARTICLES = _words("till i upp in på med ihåg")  # after a verb: "lägga till", "skriv upp"
FRAME_OTHER = _words("inte också även gärna så då sen sedan och nu bara vilja vara är")
TRAILING = _words("tack också med till då så därtill")
POLITE_TAILS = (
    ("på", "listan"),
    ("till", "listan"),
    ("på", "inköpslistan"),
    ("till", "inköpslistan"),
    ("i", "korgen"),
    ("i", "varukorgen"),
    ("till", "beställningen"),
    ("är", "du", "snäll"),
    ("om", "du", "vill"),
    ("om", "du", "kan"),
    ("tack", "så", "mycket"),
    ("för", "all", "del"),
)
CONNECTORS = _words("och & samt plus sen sedan")
# words that say how, not what
DESCRIBING = _words(
    "eko ekologisk ekologiska ekologiskt krav laktosfri laktosfria laktosfritt glutenfri "
    "glutenfria glutenfritt sockerfri sockerfria mjölkfri vegansk veganska veganskt vegetarisk "
    "färsk färska färskt fryst frysta fryst djupfryst kyld kylda stor stora stort liten lilla litet "
    "små ny nya nytt hel hela helt halv halva halvt mini maxi extra fin fina fint grov grova "
    "grovt tunn tunna tunt tjock tjocka mild milda milt stark starka starkt söt söta sött sur "
    "sura surt mjuk mjuka mjukt hård hårda hårt ljus ljusa ljust mörk mörka mörkt lätt lätta "
    "mellan standard normal original klassisk klassiska naturell naturella gul gula gult röd "
    "röda rött grön gröna grönt vit vita vitt svart svarta blå blått varm varma kall kalla "
    "billig billiga billigaste vanlig vanliga vanligt bra god goda gott svensk svenska svenskt "
    "mager magra fet feta osaltad osaltat saltad saltat normalsaltat lättsaltat rökt kokt "
    "riven rivna hackad hackade skivad skivade strimlad tärnad malen malet mald hel bredbar "
    "flytande light zero fullkorn fullkorns ren rena pressad pressade skalad skalade mogen mogna "
    "fräsch färdig färdiga rå råa torkad torkade torkat"
)
# a participle or adjective by its ending ("marinerad", "krämig", "italiensk"); these
# nouns end the same way
_DESCRIBING_ENDINGS = (
    "erad",
    "erade",
    "erat",
    "ade",
    "rökt",
    "kokt",
    "iga",
    "igt",
    "iskt",
    "iska",
    "ansk",
    "anska",
    "anskt",
    "ensk",
    "enska",
    "enskt",
)
_NOUNS_ENDING_SO = (
    "sallad",
    "choklad",
    "marmelad",
    "limonad",
    "lemonad",
    "remoulad",
    "karbonad",
    "lemonade",
    "limonade",
    "orangeade",
    "sallat",
)
# the form a product comes in: "buljongtärningar", "ostskivor", "salladshuvud" name the
# modifier, not a "tärning"
FORM_WORDS = _words(
    "tärning tärningar skiva skivor bit bitar strimla strimlor pulver kub kuber klyfta klyftor "
    "huvud huvudet huvuden kruka krukor knippe knippen blad kvist kvistar "
    "påse påsar burk burkar paket förpackning"
)
# after a comma or in parentheses, a part starting with one of these describes the item
DESCRIPTOR_STARTS = _words("till gärna helst eller för efter i a à ca cirka ungefär ev eventuellt")


def is_filler(word: str) -> bool:
    return word in FILLERS or bool(HESITATION.match(word))


def is_describing(word: str) -> bool:
    if word in DESCRIBING:
        return True
    if len(word) < 5 or word.endswith(_NOUNS_ENDING_SO):
        return False
    return word.endswith(_DESCRIBING_ENDINGS) or (
        word.endswith("ad") and word[-3] not in "aeiouyåäö" and len(word) >= 6
    )


# describing words that make another product, not a better one: without them on the shelf,
# "krossade tomater" or "laktosfri mjölk" is not in the store (fresh tomatoes, ordinary milk
# are suggestions); "mjukt bröd" or "stora ägg" only narrow
_REQUIRED = _words(
    "vegansk vegan vegetarisk fryst djupfryst krossad torkad inlagd rökt kallrökt varmrökt"
)


def required_form(word: str) -> str:
    """The word's plain form if it must be matched ("frysta" -> "fryst"), else ""."""
    form = plain_form(word)
    if form in _REQUIRED or (form.endswith("fri") and len(form) > 5):
        return form
    return ""


def plain_form(word: str) -> str:
    """frysta -> fryst, krossade -> krossad, torkat -> torkad, laktosfritt -> laktosfri."""
    if word.endswith("fritt"):
        return word[:-2]
    if word.endswith("fria"):
        return word[:-1]
    if word.endswith(("a", "e")) and len(word) > 4:
        word = word[:-1]
    if word.endswith("at") and len(word) > 4:
        word = word[:-1] + "d"
    if word.endswith("ka"):
        word = word[:-1]
    return word
