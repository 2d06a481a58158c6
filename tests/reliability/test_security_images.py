"""The picture route fetches only for logged-in staff, only from the catalog's picture hosts and
never from a private or loopback address (redirects included); otherwise the placeholder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from security_app import BASE, World, make_app, seed

from assistant.db import upgrade_database
from assistant.images import MAX_BYTES, SVG, FetchPolicy, product_picture, public_address

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@dataclass
class PictureServer:
    """A real HTTP server on 127.0.0.1 that records the paths asked for."""

    url: str = ""
    asked: list[str] = field(default_factory=list)
    redirect_to: str = ""


@pytest.fixture
def pictures() -> Iterator[PictureServer]:
    state = PictureServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            state.asked.append(self.path)
            if self.path == "/flytta.png":
                self.send_response(302)
                self.send_header("Location", state.redirect_to)
                self.end_headers()
                return
            body = b"0" * (MAX_BYTES + 1) if self.path == "/stor.png" else PNG
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def world(tmp_path: Path, pictures: PictureServer) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'handla.sqlite3'}"
    upgrade_database(url)
    # a catalog row pointing the server at itself, as a hostile feed could
    client_id, product_id = seed(url, image_url=f"{pictures.url}/mjolk.png")
    app = make_app(url, tmp_path)
    with TestClient(app, base_url=BASE) as client:
        yield World(app, client, client_id, product_id)
    app.state.engine.dispose()


def test_anonymous_callers_get_no_picture_and_cause_no_fetch(
    world: World, pictures: PictureServer
) -> None:
    response = world.client.get(f"/api/products/{world.product_id}/image", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert pictures.asked == []


def test_a_picture_url_on_a_local_address_is_never_fetched(
    world: World, pictures: PictureServer
) -> None:
    world.login("anna")
    response = world.client.get(f"/api/products/{world.product_id}/image")
    assert response.status_code == 200 and response.headers["content-type"].startswith(SVG)
    assert "Mellanmjölk" in response.text  # the placeholder
    assert pictures.asked == []


# The policies below allow the test's local server (only tests may), to show the other rules.


def test_only_the_catalogs_picture_hosts_are_asked(tmp_path: Path, pictures: PictureServer) -> None:
    elsewhere = FetchPolicy(hosts=lambda: {"bilder.butiken.se"}, allow_private=True)
    picture = product_picture(tmp_path, f"{pictures.url}/mjolk.png", "Mjölk", None, elsewhere)
    assert picture.media_type == SVG and pictures.asked == []
    catalog = FetchPolicy(hosts=lambda: {"127.0.0.1"}, allow_private=True)
    picture = product_picture(tmp_path, f"{pictures.url}/mjolk.png", "Mjölk", None, catalog)
    assert picture.content == PNG and pictures.asked == ["/mjolk.png"]


def test_a_redirect_is_followed_only_to_a_catalog_host(
    tmp_path: Path, pictures: PictureServer
) -> None:
    policy = FetchPolicy(hosts=lambda: {"127.0.0.1"}, allow_private=True)
    pictures.redirect_to = pictures.url.replace("127.0.0.1", "localhost") + "/mal.png"
    picture = product_picture(tmp_path, f"{pictures.url}/flytta.png", "Mjölk", None, policy)
    assert picture.media_type == SVG and pictures.asked == ["/flytta.png"]
    pictures.redirect_to = "/mjolk.png"  # on the same host it is followed
    picture = product_picture(tmp_path / "2", f"{pictures.url}/flytta.png", "Mjölk", None, policy)
    assert picture.content == PNG and pictures.asked[-1] == "/mjolk.png"


def test_a_name_that_resolves_to_a_private_address_is_refused(
    tmp_path: Path, pictures: PictureServer
) -> None:
    url = pictures.url.replace("127.0.0.1", "localhost") + "/mjolk.png"
    picture = product_picture(tmp_path, url, "Mjölk", None, FetchPolicy(lambda: {"localhost"}))
    assert picture.media_type == SVG and pictures.asked == []


def test_an_oversized_picture_is_not_kept(tmp_path: Path, pictures: PictureServer) -> None:
    policy = FetchPolicy(hosts=lambda: {"127.0.0.1"}, allow_private=True)
    picture = product_picture(tmp_path, f"{pictures.url}/stor.png", "Mjölk", None, policy)
    assert picture.media_type == SVG and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),  # a cloud's metadata service
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("224.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert public_address(address) is public
