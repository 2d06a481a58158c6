"""The hand-off tests' session factory: a migrated database on each backend, with the webhook
stores' secret set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from handoff_support import SECRET_ENV
from sqlalchemy.orm import Session, sessionmaker

from assistant.db import make_engine, make_sessionmaker


@pytest.fixture
def sessions(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    monkeypatch.setenv(SECRET_ENV, "butikens-hemlighet")
    engine = make_engine(migrated_url)
    yield make_sessionmaker(engine)
    engine.dispose()
