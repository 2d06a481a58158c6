import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.chat.messages import EMPTY_REPLY, TOO_LONG_REPLY, clean_message
from assistant.chat.rasa_client import RasaClient


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("  två liter   mellanmjölk ", "två liter mellanmjölk"),
        ("<b>smör</b> och bröd", "smör och bröd"),
        ("mjölk 🥛🥛", "mjölk"),
        ("1,5 kg potatis", "1,5 kg potatis"),
        ("'; DROP TABLE orders; --", "'; DROP TABLE orders; --"),
    ],
)
def test_messages_are_cleaned(raw, text):
    assert clean_message(raw).text == text


@pytest.mark.parametrize("raw", ["", "   ", None, "🥛🍞", "<br><br>", "..."])
def test_empty_messages_get_a_polite_answer(raw):
    assert clean_message(raw).refusal == EMPTY_REPLY


def test_overlong_messages_get_a_polite_answer():
    assert clean_message("mjölk " * 1000).refusal == TOO_LONG_REPLY


@given(st.text())
def test_cleaning_never_fails(raw):
    message = clean_message(raw)
    assert message.refusal or message.text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_rasa_down_gives_a_clear_answer():
    client = RasaClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    result = client.send("client-1", "hej")
    assert result.status == "unavailable"
    assert "Inget har ändrats i varukorgen" in result.replies[0].text
