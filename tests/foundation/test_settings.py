"""Settings: a bad HANDLA_* value stops the start with a Swedish message naming the variable,
and reading the settings writes nothing (the data directory and key file are made by a start)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config import SettingsError, load_settings, prepare_data_dir


def test_bad_values_are_named_in_swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDLA_PORT", "åttatusen")
    monkeypatch.setenv("HANDLA_OUTBOX_LEASE_SECONDS", "-1")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert "HANDLA_PORT ska vara ett heltal (nu: 'åttatusen')." in str(refused.value)
    assert "HANDLA_OUTBOX_LEASE_SECONDS ska vara minst 0" in str(refused.value)


def test_the_command_says_so_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HANDLA_SMTP_PORT", "99999")
    monkeypatch.setenv("HANDLA_PASSWORD", "ett-långt-lösenord")
    assert main(["staff", "add", "eva"]) == 2
    assert "HANDLA_SMTP_PORT får vara högst 65535" in capsys.readouterr().err


def test_reading_writes_nothing_and_a_start_makes_the_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("HANDLA_DATA_DIR", str(data))
    settings = load_settings()
    assert not data.exists() and settings.secret_key == ""
    prepared = prepare_data_dir(settings)
    assert len(prepared.secret_key) > 40
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (
        load_settings().secret_key == prepared.secret_key == prepare_data_dir(settings).secret_key
    )
    monkeypatch.setenv("HANDLA_HTTPS_ONLY", "ja")
    assert load_settings().https_only is True
