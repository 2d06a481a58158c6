"""Product pictures: fetched and cached from a real local HTTP server, or a placeholder."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest

from assistant import images
from assistant.images import SVG, FetchPolicy, product_picture

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


class _Handler(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


# the test's picture server is local, which only a policy for tests allows
LOCAL = FetchPolicy(hosts=lambda: {"127.0.0.1"}, allow_private=True)


def test_reachable_picture_is_fetched_then_served_from_cache(server, tmp_path) -> None:
    url = f"{server}/mjolk.png"
    first = product_picture(tmp_path, url, "Mjölk", "Mejeri", LOCAL)
    assert (first.content, first.media_type) == (PNG, "image/png")
    hits = _Handler.hits
    assert product_picture(tmp_path, url, "Mjölk", "Mejeri", LOCAL).content == PNG
    assert _Handler.hits == hits
    assert len(list(tmp_path.iterdir())) == 1


def test_unreachable_picture_gives_escaped_placeholder(tmp_path) -> None:
    images._unreachable_until.clear()
    picture = product_picture(
        tmp_path, "http://127.0.0.1:9/x.jpg", 'Kex <"&> Marie', "Bröd & kakor", LOCAL
    )
    assert picture.media_type == SVG
    root = ElementTree.fromstring(picture.content)  # well-formed despite <"&>
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert 'Kex <"&>' in texts[0]
    assert 'fill="#975a16"' in picture.content.decode()  # the bread department's colour
    assert root.find("{http://www.w3.org/2000/svg}g") is not None  # the drawn pictogram


def test_long_names_are_shortened_to_two_lines() -> None:
    lines = images.short_name("Grekisk yoghurt naturell 10 procent fetthalt extra krämig")
    assert len(lines) == 2 and all(len(line) <= 18 for line in lines)
