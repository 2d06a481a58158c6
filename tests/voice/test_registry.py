from pathlib import Path

from assistant.voice.registry import MODELS, is_present


def test_pinned_checksums_from_issue() -> None:
    by_key = {m.key: m for m in MODELS}
    vosk = by_key["vosk-model-small-sv-rhasspy-0.15"].files[0]
    assert (vosk.md5, vosk.size) == ("5ae431c65fe8636692118792daa22ecc", 303_504_931)
    assert by_key["sv_SE-nst-medium"].files[0].size == 63_104_526


def test_presence_follows_folder_layout(tmp_path: Path) -> None:
    vosk, piper = MODELS
    assert not is_present(vosk, tmp_path) and not is_present(piper, tmp_path)
    (tmp_path / vosk.key / "am").mkdir(parents=True)
    for f in piper.files:
        (tmp_path / f.name).write_bytes(b"x")
    assert is_present(vosk, tmp_path) and is_present(piper, tmp_path)
