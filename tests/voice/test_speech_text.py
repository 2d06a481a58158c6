import pytest

from assistant.voice.speech_text import number_words, price_words, speakable


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
