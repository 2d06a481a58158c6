"""Every answer carries the security headers; the CSP forbids inline script and style, so no
template or script may rely on them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_app import World, running_world

from assistant.web.guards import UNEXPECTED
from assistant.web.templating import STATIC_DIR, TEMPLATE_DIR


@pytest.fixture
def world(migrated_sqlite_url: str, tmp_path: Path) -> Iterator[World]:
    with running_world(migrated_sqlite_url, tmp_path) as world:
        yield world


def _policy(headers) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";")
    )
    return {name: value for name, value in directives}


def test_pages_errors_files_and_api_answers_carry_the_headers(world: World) -> None:
    answers = [
        world.client.get("/login"),
        world.client.get("/finns-inte"),
        world.client.get("/static/handla.css"),
        world.client.get("/api/health"),
        world.client.post("/login", content=b"x" * 2_000_000),
    ]
    world.login("anna")
    answers += [world.client.get(f"/clients/{world.client_id}"), world.client.get("/clients/2")]
    for response in answers:
        headers = response.headers
        policy = _policy(headers)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert "unsafe" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    page = answers[-2]
    assert page.headers["cache-control"] == "no-store"  # a client's page is not kept on the tablet


def test_an_unexpected_error_is_a_swedish_page_with_the_headers(
    migrated_sqlite_url: str, tmp_path: Path
) -> None:
    with running_world(migrated_sqlite_url, tmp_path, raise_server_exceptions=False) as world:

        def broken() -> None:
            raise RuntimeError("a bug")

        world.app.add_api_route("/trasig", broken)
        world.app.add_api_route("/api/trasig", broken)
        page, api = world.client.get("/trasig"), world.client.get("/api/trasig")
    assert page.status_code == api.status_code == 500
    assert "Något gick fel hos oss" in page.text and "a bug" not in page.text
    assert api.json() == {"detail": UNEXPECTED}
    for response in (page, api):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]
UNSAFE_SCRIPT = [
    (re.compile(r"\beval\s*\("), "eval"),
    (re.compile(r"new\s+Function\b"), "new Function"),
    (re.compile(r"setAttribute\(\s*[\"'](style|on)", re.I), "inline style or handler"),
    (re.compile(r"set(Timeout|Interval)\(\s*[\"'`]"), "code in a string"),
    (re.compile(r"\sstyle\s*=|\son[a-z]+\s*="), "markup with inline style or handler"),
]


@pytest.mark.parametrize("path", sorted(TEMPLATE_DIR.glob("*.html")), ids=lambda p: p.name)
def test_templates_need_no_inline_script_or_style(path: Path) -> None:
    text = path.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{path.name}: {found}"


@pytest.mark.parametrize("path", sorted(STATIC_DIR.glob("*.js")), ids=lambda p: p.name)
def test_scripts_need_nothing_the_policy_forbids(path: Path) -> None:
    text = path.read_text()
    found = [what for pattern, what in UNSAFE_SCRIPT if pattern.search(text)]
    assert not found, f"{path.name}: {found}"
