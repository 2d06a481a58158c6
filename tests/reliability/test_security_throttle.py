"""Password guessing is throttled per account and per address, counted in the database (every app
worker agrees), answered with 429, Retry-After and a Swedish message, and never for ever; a
browser the staff member has logged in from before is not held back by guessing elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from security_app import BASE, World, make_app, running_world
from sqlalchemy import update

from assistant.db import session_scope
from assistant.db.models import LoginFailure
from assistant.staff_access import (
    ACCOUNT_FAILURES,
    ADDRESS_FAILURES,
    THROTTLE_WINDOW,
    known_device,
    remember_device,
)


@pytest.fixture
def world(migrated_url: str, tmp_path: Path) -> Iterator[World]:
    with running_world(migrated_url, tmp_path) as world:
        yield world


def _guess(world: World, username: str = "anna", times: int = 1) -> list[int]:
    return [world.login(username, "fel-lösenord").status_code for _ in range(times)]


def test_thirty_wrong_passwords_are_throttled(world: World) -> None:
    codes = _guess(world, times=30)
    assert codes[:ACCOUNT_FAILURES] == [401] * ACCOUNT_FAILURES
    assert codes[ACCOUNT_FAILURES:] == [429] * (30 - ACCOUNT_FAILURES)
    refused = world.login("anna", "fel-lösenord")
    assert 0 < int(refused.headers["retry-after"]) <= THROTTLE_WINDOW.total_seconds()
    assert "För många felaktiga inloggningar. Vänta 15 minuter" in refused.text
    # while it waits, the right password is refused too: the answer gives nothing away
    assert world.login("anna").status_code == 429
    assert world.client.get("/staff/clients", follow_redirects=False).status_code == 303


def test_guessing_one_account_does_not_lock_out_the_others(world: World) -> None:
    _guess(world, times=ACCOUNT_FAILURES + 1)
    assert world.login("chef").status_code == 303


def test_one_address_trying_many_names_is_throttled(world: World) -> None:
    for number in range(ADDRESS_FAILURES):
        assert _guess(world, f"gissning{number}") == [401]
    assert _guess(world, "ännu-en") == [429]
    assert world.login("chef").status_code == 429  # from this address, for now


def test_a_successful_login_clears_the_accounts_failures(world: World) -> None:
    assert _guess(world, times=ACCOUNT_FAILURES - 1) == [401] * (ACCOUNT_FAILURES - 1)
    assert world.login("anna").status_code == 303
    assert _guess(world, times=ACCOUNT_FAILURES - 1) == [401] * (ACCOUNT_FAILURES - 1)
    assert world.login("anna").status_code == 303


def test_the_wait_ends_when_the_failures_leave_the_window(world: World) -> None:
    _guess(world, times=ACCOUNT_FAILURES)
    assert world.login("anna").status_code == 429
    with session_scope(world.app.state.sessions) as session:  # as if 15 minutes had passed
        session.execute(
            update(LoginFailure).values(failed_at=LoginFailure.failed_at - THROTTLE_WINDOW)
        )
    assert world.login("anna").status_code == 303


def test_every_app_worker_counts_the_same_failures(
    world: World, migrated_url: str, tmp_path: Path
) -> None:
    other = make_app(migrated_url, tmp_path / "second-worker")
    _guess(world, times=ACCOUNT_FAILURES)
    with TestClient(other, base_url=BASE) as browser:
        assert World(other, browser, 0, 0).login("anna").status_code == 429
    other.state.engine.dispose()


def test_guessing_from_elsewhere_does_not_lock_the_staff_members_own_browser(world: World) -> None:
    tablet = world.client
    assert world.login("anna", browser=tablet).status_code == 303  # once, some day before
    tablet.cookies.delete("handla_session")  # logged out since; the device cookie stays
    guesser = world.browser()
    assert _guess_from(world, guesser, ACCOUNT_FAILURES + 1)[-1] == 429
    assert world.login("anna", browser=world.browser()).status_code == 429  # a new browser waits
    assert world.login("anna", "fel-lösenord", browser=tablet).status_code == 401  # a typo
    assert world.login("anna", browser=tablet).status_code == 303  # her tablet gets in


def test_a_shared_tablet_is_known_for_each_name_that_logged_in_on_it() -> None:
    proofs = ""
    for name in ("anna", "chef", "bo"):
        proofs = remember_device("nyckel", proofs, name)
    assert all(known_device("nyckel", proofs, name) for name in ("anna", "chef", "bo"))
    assert not known_device("nyckel", proofs, "eva")
    assert not known_device("en-annan-nyckel", proofs, "anna")  # a cookie made elsewhere
    assert "anna" not in proofs  # the names themselves are not in the cookie
    assert len(remember_device("nyckel", proofs, "anna").split()) == 3  # renewed, not repeated


def _guess_from(world: World, browser: TestClient, times: int) -> list[int]:
    return [world.login("anna", "fel-lösenord", browser=browser).status_code
            for _ in range(times)]  # fmt: skip
