from pathlib import Path

import pytest

from assistant.voice.stt import (
    AudioFormatError,
    Recognizer,
    SpeechModel,
    supports_grammar,
    vocabulary,
)

pytestmark = pytest.mark.voice


def _recognise(rec: Recognizer, pcm: bytes) -> list[str]:
    finals = [
        e.text
        for i in range(0, len(pcm), 3200)
        if (e := rec.feed(pcm[i : i + 3200])).kind == "final"
    ]
    return [t for t in [*finals, rec.finish().text] if t]


def test_wrong_rate_and_stereo_are_refused(vosk_model: SpeechModel) -> None:
    with pytest.raises(AudioFormatError, match="16 kHz mono"):
        Recognizer(vosk_model, sample_rate=44_100)
    with pytest.raises(AudioFormatError):
        Recognizer(vosk_model, channels=2)


def test_silence_and_truncated_frames_give_empty_text(vosk_model: SpeechModel) -> None:
    rec = Recognizer(vosk_model)
    rec.feed(b"\x00" * 3201)  # odd length: truncated sample
    rec.feed(b"\x00" * 16_001)
    assert rec.finish().text == ""


def test_grammar_mode_restricts_recognition_to_known_catalog_words(
    vosk_model: SpeechModel, spoken_pcm
) -> None:
    pcm = spoken_pcm("안녕하세요. 감사합니다", voice="ko")
    words = vocabulary(["안녕하세요 감사합니다", "mjölk 1,5 l"])  # mjölk is unknown to the model
    biased = Recognizer(vosk_model, words=words)
    assert biased.mode == "grammar"
    assert " ".join(_recognise(biased, pcm)) == "안녕하세요 감사합니다"
    free = Recognizer(vosk_model)
    assert free.mode == "free"
    assert " ".join(_recognise(free, pcm)) != "안녕하세요 감사합니다"


def test_unknown_words_only_means_free_mode(vosk_model: SpeechModel) -> None:
    assert Recognizer(vosk_model, words={"mjölk", "limpa"}).mode == "free"


def test_static_graph_cannot_take_a_grammar(ko_model_dir: Path, tmp_path: Path) -> None:
    assert supports_grammar(ko_model_dir)
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "HCLG.fst").write_bytes(b"")
    assert not supports_grammar(tmp_path)


def test_end_of_speech_is_reported_after_trailing_silence(
    vosk_model: SpeechModel, spoken_pcm
) -> None:
    pcm = (
        spoken_pcm("två liter mellanmjölk och en limpa") + b"\x00" * 32_000 * 2
    )  # two seconds of silence
    rec = Recognizer(vosk_model)
    events = [rec.feed(pcm[i : i + 3200]) for i in range(0, len(pcm), 3200)]
    ends = [e for e in events if e.end_of_speech]
    assert ends and ends[0].kind == "final" and ends[0].text  # Korean-ish words, but not empty
    assert any(e.kind == "partial" and e.text for e in events)


def test_vocabulary_drops_numbers_and_signs() -> None:
    assert vocabulary(["Mellanmjölk 1,5% 1 l", "Limpa, skivad"]) == {
        "mellanmjölk",
        "l",
        "limpa",
        "skivad",
    }


def test_noise_alone_is_not_end_of_speech_and_recogniser_is_reusable(
    vosk_model: SpeechModel, spoken_pcm
) -> None:
    import random

    rng = random.Random(7)
    noise = b"".join(
        rng.randint(-3000, 3000).to_bytes(2, "little", signed=True) for _ in range(16_000)
    )
    rec = Recognizer(vosk_model, trailing_silence_ms=300)
    rec.feed(noise)
    assert rec.finish().kind == "final"
    pcm = spoken_pcm("två liter mellanmjölk och en limpa") + b"\x00" * 16_000
    events = [rec.feed(pcm[i : i + 3200]) for i in range(0, len(pcm), 3200)]
    assert any(e.end_of_speech and e.text for e in events)


def _chunks(pcm: bytes, size: int = 1600) -> list[bytes]:
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


def test_quiet_is_not_decoded_and_speech_after_it_is(vosk_model: SpeechModel, spoken_pcm) -> None:
    rec = Recognizer(vosk_model)
    for chunk in _chunks(b"\x00" * 64_000):  # two seconds of an open, quiet microphone
        assert rec.feed(chunk).text == ""
        assert not rec.active  # nothing decoded
    events = [rec.feed(c) for c in _chunks(spoken_pcm("två liter mellanmjölk och en limpa"))]
    assert rec.active and any(e.text for e in events)
    # (the small Korean model's words differ from run to run even for the same audio, so the
    # words themselves are not compared)


def test_sound_without_words_is_let_go(vosk_model: SpeechModel) -> None:
    import numpy as np

    hum = (600 * np.sin(2 * np.pi * 50 * np.arange(4_800) / 16_000)).astype("<i2").tobytes()
    rec = Recognizer(vosk_model)
    events = [rec.feed(c) for c in _chunks(hum)]
    assert rec.active  # sound: decoded
    events += [rec.feed(c) for c in _chunks(b"\x00" * 64_000)]
    assert not rec.active  # no words came: back to skipping the quiet
    assert not [e for e in events if e.text]
