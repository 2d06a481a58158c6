"""Product pictures: the real picture from the disk cache or fetched (short timeout), else a
generated SVG placeholder (department colour, a glyph, the product's short name in large type).

A fetch goes only to a host among the catalog's picture hosts, over http(s), and never to a
private, loopback or link-local address: the address is checked when the connection is made
(after DNS, so a name cannot be re-pointed in between), for every redirect too.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 2.0
MAX_BYTES = 5_000_000
MAX_REDIRECTS = 3
HOST_RETRY_SECONDS = 300.0
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
SVG = "image/svg+xml"

# Simple white pictograms drawn as SVG shapes in a 120 x 120 box (emoji fonts are not
# installed everywhere, so the glyphs are shapes, not characters).
_CARTON = '<path d="M35 40 L60 15 L85 40 V110 H35 Z M35 40 H85" />'
_APPLE = '<circle cx="60" cy="70" r="38"/><path d="M60 32 C60 20 68 12 80 10" />'
_MEAT = '<ellipse cx="55" cy="60" rx="42" ry="30"/><circle cx="45" cy="58" r="9"/>'
_FISH = '<path d="M15 60 C40 25 80 25 95 60 C80 95 40 95 15 60 Z M95 60 L115 40 V80 Z"/>'
_LOAF = '<path d="M20 105 V55 C20 25 100 25 100 55 V105 Z M45 45 L55 65 M65 45 L75 65"/>'
_CUP = '<path d="M25 40 H85 V85 C85 100 25 100 25 85 Z M85 50 C105 50 105 75 85 75"/>'
_SNOW = '<path d="M60 10 V110 M17 35 L103 85 M17 85 L103 35"/>'
_SWEET = '<circle cx="60" cy="60" r="25"/><path d="M35 60 L10 45 V75 Z M85 60 L110 45 V75 Z"/>'
_BOTTLE = '<path d="M50 10 H70 V35 L85 50 V110 H35 V50 L50 35 Z"/>'
_PAW = '<ellipse cx="60" cy="80" rx="25" ry="20"/><circle cx="30" cy="45" r="10"/><circle cx="50" cy="30" r="10"/><circle cx="70" cy="30" r="10"/><circle cx="90" cy="45" r="10"/>'
_BASKET = '<path d="M15 50 H105 L92 105 H28 Z M35 50 L55 15 M85 50 L65 15"/>'

# department keyword -> (colour, pictogram); a keyword matches anywhere in the department name
DEPARTMENTS: list[tuple[tuple[str, ...], str, str]] = [
    (("mejeri", "ost", "ägg", "mjölk"), "#2b6cb0", _CARTON),
    (("frukt", "grönt", "grönsak"), "#2f855a", _APPLE),
    (("kött", "chark", "fågel", "kyckling"), "#c53030", _MEAT),
    (("fisk", "skaldjur"), "#2c7a7b", _FISH),
    (("bröd", "kakor", "bageri"), "#975a16", _LOAF),
    (("dryck", "kaffe", "te"), "#6b46c1", _CUP),
    (("fryst", "glass"), "#2a4365", _SNOW),
    (("godis", "snacks", "chips"), "#b83280", _SWEET),
    (("städ", "tvätt", "disk", "hem", "hushåll", "hygien", "hälsa", "skönhet"), "#4a5568", _BOTTLE),
    (("djur",), "#744210", _PAW),
]
DEFAULT_STYLE = ("#4a5568", _BASKET)

_unreachable_until: dict[str, float] = {}


@dataclass(frozen=True)
class Picture:
    content: bytes
    media_type: str


def department_style(department: str | None) -> tuple[str, str]:
    text = (department or "").lower()
    for words, colour, glyph in DEPARTMENTS:
        if any(word in text for word in words):
            return colour, glyph
    return DEFAULT_STYLE


def short_name(name: str, limit: int = 18) -> list[str]:
    """At most two lines of the first words of the name, each within `limit` characters."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        elif len(lines) < 2:
            lines.append(word if len(word) <= limit else word[: limit - 1] + "…")
        else:
            lines[-1] = lines[-1].rstrip("…") + "…" if not lines[-1].endswith("…") else lines[-1]
            break
    return lines or ["?"]


def placeholder_svg(name: str, department: str | None) -> bytes:
    colour, glyph = department_style(department)
    lines = short_name(name)
    # bold sans-serif is about 0.62 em a character: shrink long lines to fit 370 px
    size = min(44, int(370 / (0.62 * max(len(line) for line in lines))))
    text = "".join(
        f'<text x="200" y="{300 + i * (size + 8)}" font-size="{size}" font-weight="bold" '
        f'font-family="DejaVu Sans, Arial, sans-serif" text-anchor="middle" fill="#fff">'
        f"{escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" '
        f'role="img" aria-label="{escape(name)}">'
        f'<rect width="400" height="400" rx="24" fill="{colour}"/>'
        f'<g transform="translate(110 25) scale(1.5)" fill="none" stroke="#fff" stroke-width="7" '
        f'stroke-linejoin="round" stroke-linecap="round">{glyph}</g>'
        f"{text}<title>{escape(name)}</title></svg>"
    )
    return svg.encode()


def _cache_path(cache_dir: Path, url: str) -> Path:
    return cache_dir / hashlib.sha256(url.encode()).hexdigest()


def _cached(cache_dir: Path, url: str) -> Picture | None:
    base = _cache_path(cache_dir, url)
    for media_type, ext in IMAGE_TYPES.items():
        path = base.with_suffix("." + ext)
        if path.exists():
            return Picture(path.read_bytes(), media_type)
    return None


class _RefusedAddress(httpcore.ConnectError):
    pass


def public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _PublicOnly(httpcore.SyncBackend):
    """Connects only to public addresses: every address the name resolves to must be one, and
    the connection goes to the address that was checked."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise httpcore.ConnectError(str(error)) from error
        addresses = [str(info[4][0]) for info in found]
        if not addresses or not (self.allow_private or all(map(public_address, addresses))):
            raise _RefusedAddress(f"{host} är en privat eller lokal adress")
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


@dataclass(frozen=True)
class FetchPolicy:
    """Where pictures may come from: `hosts` (a callable, asked only when a fetch is needed)
    names the catalog's picture hosts. `allow_private` is for a test's local server only."""

    hosts: Callable[[], Iterable[str]]
    allow_private: bool = False


def _allowed(url: str, hosts: set[str]) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in hosts


def _fetch(cache_dir: Path, url: str, policy: FetchPolicy) -> Picture | None:
    host = urlsplit(url).netloc
    if _unreachable_until.get(host, 0) > time.monotonic():
        return None
    hosts = {h.lower() for h in policy.hosts()}
    timeout = {
        "connect": FETCH_TIMEOUT,
        "read": FETCH_TIMEOUT,
        "write": FETCH_TIMEOUT,
        "pool": FETCH_TIMEOUT,
    }
    deadline = time.monotonic() + 3 * FETCH_TIMEOUT
    location = url
    with httpcore.ConnectionPool(network_backend=_PublicOnly(policy.allow_private)) as pool:
        for _ in range(MAX_REDIRECTS + 1):
            if not _allowed(location, hosts):
                return None
            try:
                with pool.stream("GET", location, extensions={"timeout": timeout}) as response:
                    headers = {k.decode().lower(): v.decode("latin-1") for k, v in response.headers}
                    if response.status in (301, 302, 303, 307, 308) and "location" in headers:
                        location = urljoin(location, headers["location"])
                        continue
                    media_type = headers.get("content-type", "").split(";")[0].strip()
                    if response.status != 200 or media_type not in IMAGE_TYPES:
                        return None
                    content = _read_limited(response, deadline)
            except _RefusedAddress:
                return None
            except (
                httpcore.ConnectError,
                httpcore.TimeoutException,
                httpcore.NetworkError,
                httpcore.ProtocolError,
                httpcore.UnsupportedProtocol,
            ):
                _unreachable_until[host] = time.monotonic() + HOST_RETRY_SECONDS
                log.info("pictures from %s unreachable; placeholders for a while", host)
                return None
            if content is None:
                return None
            cache_dir.mkdir(parents=True, exist_ok=True)
            path = _cache_path(cache_dir, url).with_suffix("." + IMAGE_TYPES[media_type])
            tmp = path.with_suffix(".part")
            tmp.write_bytes(content)
            tmp.replace(path)
            return Picture(content, media_type)
    return None  # too many redirects


def _read_limited(response: httpcore.Response, deadline: float) -> bytes | None:
    """The body, or None when it grows past MAX_BYTES or takes too long in all."""
    content = bytearray()
    for chunk in response.iter_stream():
        content += chunk
        if len(content) > MAX_BYTES or time.monotonic() > deadline:
            return None
    return bytes(content)


def product_picture(
    cache_dir: Path,
    image_url: str | None,
    name: str,
    department: str | None,
    policy: FetchPolicy | None = None,
) -> Picture:
    """The real picture when cached or (with a policy) fetchable, else the placeholder."""
    if image_url and image_url.startswith(("http://", "https://")):
        picture = _cached(cache_dir, image_url)
        if picture is None and policy is not None:
            picture = _fetch(cache_dir, image_url, policy)
        if picture:
            return picture
    return Picture(placeholder_svg(name, department), SVG)
