"""Bad ids and bodies get 404/413/422, never a 500: huge ids (also on the picture route), large
and deeply nested bodies, catalog uploads with '..' names, over-long fields or nested JSON; a
read-only database gives a Swedish 503 page and /api/health says so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from security_app import BASE, World, csrf, make_app, running_world, seed
from sqlalchemy.engine import make_url

from assistant.web.admin_catalog import safe_file_name
from tests.helpers.catalog_upload import upload_catalog

HUGE = ["99999999999999999999999", str(2**63), str(2**63 - 1), str(2**31), str(-(2**63) - 1)]


@pytest.fixture
def world(migrated_sqlite_url: str, tmp_path: Path) -> Iterator[World]:
    with running_world(migrated_sqlite_url, tmp_path, raise_server_exceptions=False) as world:
        yield world


@pytest.mark.parametrize("huge", HUGE)
def test_huge_ids_are_not_found(world: World, huge: str) -> None:
    anonymous = world.browser()
    assert anonymous.get(f"/api/products/{huge}/image", follow_redirects=False).status_code == 404
    world.login("anna")
    page_token = csrf(world.client, f"/clients/{world.client_id}")
    assert world.client.get(f"/api/products/{huge}/image").status_code == 404
    assert world.client.get(f"/clients/{huge}").status_code == 404
    assert world.client.get(f"/clients/{huge}/statement").status_code == 404
    posted = world.client.post(f"/clients/{huge}/basket", data={"csrf_token": page_token,
                               "product_id": "1", "quantity": "1"})  # fmt: skip
    assert posted.status_code == 404
    # in a form field the same number is wrong input
    field = world.client.post(f"/clients/{world.client_id}/basket", data={
        "csrf_token": page_token, "product_id": huge, "quantity": "1"})  # fmt: skip
    assert field.status_code in (404, 422)


def _chat(world: World, **request: object):
    token = csrf(world.client, f"/clients/{world.client_id}")
    return world.client.post(
        f"/clients/{world.client_id}/chat",
        headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
        **request,
    )


def test_oversized_bodies_are_refused_before_they_are_read(world: World) -> None:
    world.login("anna")
    two_mb = json.dumps({"text": "a" * 2_000_000}).encode()
    assert _chat(world, content=two_mb).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts as it reads
        for start in range(0, len(two_mb), 65_536):
            yield two_mb[start : start + 65_536]

    assert _chat(world, content=chunks()).status_code == 413
    assert _chat(world, content=json.dumps({"text": "hej"})).status_code == 200
    token = csrf(world.client, f"/clients/{world.client_id}")
    big_form = world.client.post(f"/clients/{world.client_id}/items",
                                 data={"csrf_token": token, "text": "x" * 2_000_000})  # fmt: skip
    assert big_form.status_code == 413


def test_deeply_nested_json_is_refused(world: World) -> None:
    world.login("anna")
    nested = _chat(world, content=("[" * 200_000 + "]" * 200_000).encode())
    assert nested.status_code in (400, 422)
    assert _chat(world, content=json.dumps({"text": [[[[["hej"]]]]]})).status_code == 422


def _upload(world: World, name: str, body: bytes, store: str = "Testbutiken") -> Response:
    return upload_catalog(world.client, csrf(world.client, "/admin/catalog"), name, body, store)


def test_catalog_uploads_with_odd_names_fields_and_nesting(world: World) -> None:
    world.login("chef")
    feed = b"name,price\nFilmj\xc3\xb6lk,18.50\n"
    for name in ("..", "../../../etc/katalog.csv", ".hidden.csv", "..\\..\\x.csv", "\x00.csv"):
        page = _upload(world, name, feed)
        assert page.status_code == 200 and "Klart" in page.text, name
        saved = safe_file_name(name)  # where the upload waited for its import
        assert saved and "/" not in saved and "\\" not in saved and not saved.startswith(".")

    long_field = b"name,price\nMj\xc3\xb6lk,12\n" + b"B" * 200_000 + b",3\nSm\xc3\xb6r,40\n"
    page = _upload(world, "lang.csv", long_field)
    assert "2 nya" in page.text and "ett fält är längre än 131 072 tecken" in page.text

    nested = _upload(world, "djup.json", b"[" * 100_000 + b"]" * 100_000)
    assert nested.status_code == 422 and "för djupt nästlad" in nested.text
    late = json.dumps([{"name": "Mjölk", "price": 12}] * 3000)[:-1] + ', {"name": ' + "[" * 100_000
    broken = _upload(world, "trasig.json", late.encode())
    assert broken.status_code == 200 and "gick inte att läsa" in broken.text
    assert "Inget ändrades" in broken.text

    # more than any other request may send (1 MB), far less than the upload's 100 MB
    big = b"name,price\n" + b"".join(b"Vara %d %s,12\n" % (n, b"x" * 250) for n in range(5000))
    assert len(big) > 1024 * 1024
    assert "5000 nya" in _upload(world, "stor.csv", big).text


def _read_only_url(url: str) -> str:
    """The same database, opened so that it cannot be written to."""
    parts = make_url(url)
    if url.startswith("sqlite"):
        return f"sqlite:///file:{parts.database}?mode=ro&uri=true"
    with psycopg.connect(f"host={parts.query['host']} user=postgres dbname=postgres",
                         autocommit=True) as connection:  # fmt: skip
        connection.execute(
            f'ALTER DATABASE "{parts.database}" SET default_transaction_read_only = on'
        )
    return url


def test_a_read_only_database_is_reported_and_pages_say_so(
    migrated_url: str, tmp_path: Path
) -> None:
    client_id, _ = seed(migrated_url)
    app = make_app(_read_only_url(migrated_url), tmp_path)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as browser:
        health = browser.get("/api/health")
        assert health.status_code == 503 and health.json()["writable"] is False
        assert browser.get("/login").status_code == 200  # reading still works
        refused = World(app, browser, client_id, 0).login("anna")
        assert refused.status_code == 503
        assert "Databasen går inte att skriva till" in refused.text
    app.state.engine.dispose()
