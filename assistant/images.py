"""Product pictures: the real picture from the disk cache or fetched (short timeout), else a
generated SVG placeholder (department colour, a glyph, the product's short name in large type)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import httpx

FETCH_TIMEOUT = 2.0
MAX_BYTES = 5_000_000
HOST_RETRY_SECONDS = 300.0
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
SVG = "image/svg+xml"

# department keyword -> (colour, glyph); matched as a prefix-insensitive substring
DEPARTMENTS: list[tuple[tuple[str, ...], str, str]] = [
    (("mejeri", "ost", "ägg", "mjölk"), "#2b6cb0", "🥛"),
    (("frukt", "grönt", "grönsak"), "#2f855a", "🍎"),
    (("kött", "chark", "fågel", "kyckling"), "#c53030", "🥩"),
    (("fisk", "skaldjur"), "#2c7a7b", "🐟"),
    (("bröd", "kakor", "bageri"), "#b7791f", "🍞"),
    (("dryck", "kaffe", "te"), "#6b46c1", "☕"),
    (("fryst", "glass"), "#3182ce", "❄"),
    (("godis", "snacks", "chips"), "#d53f8c", "🍬"),
    (("städ", "tvätt", "disk", "hem", "hushåll"), "#4a5568", "🧽"),
    (("hygien", "hälsa", "skönhet", "apotek"), "#805ad5", "🧴"),
    (("barn", "baby"), "#dd6b20", "🍼"),
    (("djur",), "#975a16", "🐾"),
]
DEFAULT_STYLE = ("#4a5568", "🛒")

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
    text = "".join(
        f'<text x="200" y="{300 + i * 52}" font-size="44" font-weight="bold" '
        f'text-anchor="middle" fill="#fff">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" '
        f'role="img" aria-label="{escape(name)}">'
        f'<rect width="400" height="400" rx="24" fill="{colour}"/>'
        f'<text x="200" y="190" font-size="130" text-anchor="middle">{glyph}</text>'
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


def _fetch(cache_dir: Path, url: str) -> Picture | None:
    host = urlsplit(url).netloc
    if _unreachable_until.get(host, 0) > time.monotonic():
        return None
    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=True)
    except httpx.HTTPError:
        _unreachable_until[host] = time.monotonic() + HOST_RETRY_SECONDS
        return None
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code != 200 or media_type not in IMAGE_TYPES:
        return None
    if len(response.content) > MAX_BYTES:
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _cache_path(cache_dir, url).with_suffix("." + IMAGE_TYPES[media_type])
    tmp = path.with_suffix(".part")
    tmp.write_bytes(response.content)
    tmp.replace(path)
    return Picture(response.content, media_type)


def product_picture(
    cache_dir: Path, image_url: str | None, name: str, department: str | None
) -> Picture:
    """The real picture when cached or reachable, else the placeholder."""
    if image_url and image_url.startswith(("http://", "https://")):
        picture = _cached(cache_dir, image_url) or _fetch(cache_dir, image_url)
        if picture:
            return picture
    return Picture(placeholder_svg(name, department), SVG)
