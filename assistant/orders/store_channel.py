"""How a store receives orders, and whether that way can work right now.

Channels: "webhook" (signed JSON POST to a URL; the secret is read from the environment
variable `secret_ref` names), "email" (an e-mail to an address) and "file" (the order sheet
as CSV and PDF in the folder $HANDLA_DATA_DIR/outgoing/<folder>; `order_target` is the
folder's name). `channel_problem` is what confirming checks (an order that cannot reach the
store is refused, not reported as sent) and what the admin page warns about.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

CHANNEL_LABELS = {
    "file": "Fil i en mapp (CSV och PDF)",
    "webhook": "Webhook (JSON till butikens adress)",
    "email": "E-post",
}
OUTGOING_DIR = "outgoing"
MAX_TARGET = 500
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,99}$")
_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


class HasChannel(Protocol):
    @property
    def order_channel(self) -> str: ...
    @property
    def order_target(self) -> str: ...
    @property
    def secret_ref(self) -> str | None: ...


def folder_name(store_name: str) -> str:
    """The default file-drop folder for a store: "Hemköp Växjö" -> "hemkop-vaxjo"."""
    plain = unicodedata.normalize("NFKD", store_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:100] or "butik"


def outgoing_folder(data_dir: Path, folder: str) -> Path:
    """$HANDLA_DATA_DIR/outgoing/<folder>; the name is checked, so it stays inside."""
    if not _FOLDER.match(folder or ""):
        raise ValueError(f"ogiltigt mappnamn: {folder!r}")
    return data_dir / OUTGOING_DIR / folder


def target_problem(channel: str, target: str, secret_ref: str | None) -> str | None:
    """What is wrong with the settings themselves (the admin page refuses these)."""
    target = target or ""
    if channel == "webhook":
        url = urlparse(target)
        if url.scheme not in ("https", "http") or not url.netloc or len(target) > MAX_TARGET:
            return (
                "Butikens webbadress för beställningar saknas eller är ogiltig "
                "(till exempel https://butik.se/order)."
            )
        if not secret_ref or not _ENV_NAME.match(secret_ref):
            return (
                "Butikens webhook saknar namnet på miljövariabeln med hemligheten "
                "(till exempel HANDLA_WEBHOOK_SECRET_ICA; själva hemligheten sparas aldrig här)."
            )
        return None
    if channel == "email":
        if not _EMAIL.match(target) or len(target) > MAX_TARGET:
            return "Butikens e-postadress för beställningar saknas eller är ogiltig."
        return None
    if channel == "file":
        if not _FOLDER.match(target):
            return (
                "Butikens mapp för beställningar saknas eller har ett ogiltigt namn "
                "(bokstäver a–z, siffror, - och _)."
            )
        return None
    return f"Okänt sätt att ta emot beställningar: {channel}."


def channel_problem(store: HasChannel, env: Mapping[str, str] | None = None) -> str | None:
    """Why an order to this store could not be handed over now, or None when it can.

    Checks the settings and the environment (`env`, default the process environment: is the
    webhook's secret variable set?). It cannot know whether the store's server answers."""
    channel, target, secret_ref = store.order_channel, store.order_target, store.secret_ref
    if problem := target_problem(channel, target, secret_ref):
        return problem
    env = os.environ if env is None else env
    if channel == "webhook" and secret_ref and not env.get(secret_ref):
        return f"Miljövariabeln {secret_ref} med butikens hemlighet är inte satt."
    return None
