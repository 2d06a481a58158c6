import io
import wave

import pytest
from tiny_voice import make_tiny_voice

from assistant.voice.tts import Synthesizer, clamp_length_scale, first_clause

pytestmark = pytest.mark.voice


@pytest.fixture(scope="module", params=["joe", "tiny"])
def synthesizer(request, synthesizer: Synthesizer, tmp_path_factory) -> Synthesizer:
    """The same checks on the real small voice and on the tiny generated one."""
    if request.param == "joe":
        return synthesizer
    return Synthesizer.load(make_tiny_voice(tmp_path_factory.mktemp("tiny-voice")))


def _seconds(pcm: bytes, rate: int) -> float:
    return len(pcm) / 2 / rate


def test_one_chunk_per_sentence_first_sentence_first(synthesizer: Synthesizer) -> None:
    stream = synthesizer.stream_pcm(
        "Yes. This second sentence is a good deal longer than the first."
    )
    first = next(stream)  # available before the second sentence is synthesised
    rest = list(stream)
    assert len(rest) == 1
    assert _seconds(first, synthesizer.sample_rate) < _seconds(rest[0], synthesizer.sample_rate)


def test_wav_chunks_are_complete_mono_16_bit_files(synthesizer: Synthesizer) -> None:
    chunks = list(synthesizer.stream_wav("Det kostar 49,90 kr. Tack!"))
    assert len(chunks) == 2
    for chunk in chunks:
        with wave.open(io.BytesIO(chunk)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
            assert wav.getframerate() == synthesizer.sample_rate
            assert wav.getnframes() > synthesizer.sample_rate // 10


def test_slower_rate_gives_longer_audio(synthesizer: Synthesizer) -> None:
    text = "Two litres of milk and one loaf of bread"
    normal = b"".join(synthesizer.stream_pcm(text, length_scale=1.0))
    slow = b"".join(synthesizer.stream_pcm(text, length_scale=1.6))
    assert len(slow) > 1.3 * len(normal)


def test_rate_is_clamped_and_empty_text_gives_no_audio(synthesizer: Synthesizer) -> None:
    assert clamp_length_scale(9) == 2.0 and clamp_length_scale(0) == 0.5
    assert list(synthesizer.stream_pcm("   ")) == []


def test_a_long_first_sentence_starts_with_its_first_clause(synthesizer: Synthesizer) -> None:
    assert first_clause("Förlåt, jag förstår bara svenska. Säg vad du vill handla.") == [
        "Förlåt,",
        "jag förstår bara svenska. Säg vad du vill handla.",
    ]
    assert first_clause("Ja, tack. Något mer?") == ["Ja, tack. Något mer?"]  # too short to split
    assert first_clause("Lagt i korgen: Lättmjölk från Arla, tre stycken. Något mer?") == [
        "Lagt i korgen:",
        "Lättmjölk från Arla, tre stycken. Något mer?",
    ]
    assert first_clause("Korgen är tom, vad vill du handla i dag?") == [
        "Korgen är tom,",
        "vad vill du handla i dag?",
    ]
    chunks = list(synthesizer.stream_pcm("Förlåt, jag förstår bara svenska. Säg vad du vill."))
    assert len(chunks) == 3  # the clause, the rest of the sentence, the next sentence
    assert len(chunks[0]) < len(chunks[1])
