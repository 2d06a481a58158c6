"""`handla staff add`: argon2-hashed accounts, password rules, no duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.cli import main
from assistant.db import make_engine, make_sessionmaker, session_scope
from assistant.db.models import StaffUser
from assistant.staff_accounts import verify_password


def test_staff_add_creates_a_hashed_admin_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    monkeypatch.setenv("HANDLA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HANDLA_DATABASE_URL", url)
    monkeypatch.setenv("HANDLA_PASSWORD", "kort")
    assert main(["staff", "add", "eva", "--admin"]) == 2
    assert "minst 10 tecken" in capsys.readouterr().err

    monkeypatch.setenv("HANDLA_PASSWORD", "ett-långt-lösenord")
    assert main(["staff", "add", "eva", "--admin"]) == 0
    assert main(["staff", "add", "eva"]) == 1
    assert "finns redan" in capsys.readouterr().err

    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        staff = session.scalars(select(StaffUser)).all()
        assert [(s.username, s.role) for s in staff] == [("eva", "admin")]
        assert staff[0].password_hash.startswith("$argon2")
        assert verify_password(staff[0].password_hash, "ett-långt-lösenord")
    engine.dispose()
