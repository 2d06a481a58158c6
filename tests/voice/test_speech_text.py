import pytest

from assistant.voice.speech_text import as_spoken, number_words, price_words, speakable


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "noll"), (1, "ett"), (17, "sjutton"), (49, "fyrtionio"), (100, "etthundra"),
     (250, "tvåhundrafemtio"), (1000, "ettusen"), (2024, "tvåtusentjugofyra")],
)  # fmt: skip
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


def test_prices() -> None:
    assert speakable("49,90 kr") == "fyrtionio kronor och nittio öre"
    assert speakable("Mjölk kostar 1 kr") == "Mjölk kostar en krona"
    assert price_words(0, 50) == "femtio öre"


def test_units() -> None:
    assert speakable("1,5 kg") == "en och en halv kilo"
    assert speakable("500 g smör") == "femhundra gram smör"
    assert speakable("2 st bullar") == "två stycken bullar"
    assert speakable("0,5 l") == "en halv liter"


def test_totals_slots_and_percentages_in_answers() -> None:
    assert speakable("Att betala 1\u00a0234,50\u00a0kr") == (
        "Att betala ettusentvåhundratrettiofyra kronor och femtio öre"
    )
    assert speakable("Du beställer 4 varor för 176,90 kr, leverans torsdag 3/12 10–12.") == (
        "Du beställer fyra varor för etthundrasjuttiosex kronor och nittio öre, "
        "leverans torsdag den tredje december tio till tolv."
    )
    assert speakable("fredag 21/11 16.30–18") == (
        "fredag den tjugoförsta november sexton och trettio till arton"
    )
    assert speakable("Beställ senast onsdag 2/12 kl. 16.") == (
        "Beställ senast onsdag den andra december klockan sexton."
    )
    assert speakable("Mellanmjölk 1,5% 1l") == "Mellanmjölk en komma fem procent en liter"
    assert (
        speakable("Nu är det 3 st, 2 för 50 kr") == "Nu är det tre stycken, två för femtio kronor"
    )


@pytest.mark.parametrize(
    ("text", "spoken"),
    [("Två liter mellanmjölk, 1 limpa.", "två liter mellanmjölk en limpa"),
     ("[unk] en limpa [unk]", "en limpa"),
     ("Mjölk 1,5% – 2 st!", "mjölk en komma fem procent två stycken"),
     ("Nej, 3 i stället", "nej tre i stället"),
     ("ta bort Coca-Cola", "ta bort coca cola"),
     ("två liter mellanmjölk", "två liter mellanmjölk")],
)  # fmt: skip
def test_as_spoken_writes_as_the_recogniser_does(text: str, spoken: str) -> None:
    assert as_spoken(text) == spoken
    assert as_spoken(spoken) == spoken  # recogniser output passes unchanged
