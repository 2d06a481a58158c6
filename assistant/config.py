"""Settings read from the environment (HANDLA_*), with embedded defaults for a laptop or tablet kiosk.

`load_settings()` reads and checks every variable (a bad value stops the start with a Swedish
message naming the variable, `SettingsError`) and changes nothing on disk; `prepare_data_dir`
makes the data directory and, unless HANDLA_SECRET_KEY is set, the key file the session cookies
are signed with (what a start of the app does once)."""

from __future__ import annotations

import dataclasses
import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    catalog_dir: Path
    models_dir: Path
    secret_key: str
    host: str
    port: int
    rasa_url: str
    rasa_token: str
    action_server_url: str
    rasa_channel_secret: str = ""
    """Signs the app's messages to Rasa's channel (HANDLA_RASA_CHANNEL_SECRET; random per run)."""
    action_token: str = ""
    """What Rasa shows the action server (HANDLA_ACTION_TOKEN; random per run)."""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "handla@localhost"
    https_only: bool | None = None
    """HANDLA_HTTPS_ONLY: True sends the session cookie over HTTPS only (behind a TLS proxy),
    False also over plain HTTP; None (unset) decides by the address the app listens on."""
    outbox_lease_seconds: float = 120
    """How long a hand-off under way is left alone before another worker may take it."""
    outbox_workers: int = 2
    """Outbox worker threads per app process (each hands off one order at a time)."""
    workers: int = 1
    """App processes behind the one address (HANDLA_WORKERS, `handla serve --workers N`)."""
    rasa_workers: int = 1
    """Rasa server processes (HANDLA_RASA_WORKERS); more than one needs HANDLA_REDIS_URL."""
    action_workers: int = 1
    """Action server processes (HANDLA_ACTION_WORKERS)."""
    redis_url: str = ""
    """Rasa's lock store when several Rasa processes run (HANDLA_REDIS_URL)."""

    @property
    def image_cache_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def secure_cookies(self) -> bool:
        """Secure cookies unless told otherwise or only this machine can reach the app: a
        tablet on the network reaches it through a TLS proxy, and a cookie that could travel
        over plain HTTP on a shared network could be read there."""
        if self.https_only is not None:
            return self.https_only
        return not is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SettingsError(ValueError):
    """A HANDLA_* variable with a value that cannot work; the message is Swedish."""


FLAG_TRUE = ("1", "true", "ja", "yes", "on")


class _Environment(BaseSettings):
    """The HANDLA_* variables, checked (names are the Settings fields in capitals)."""

    model_config = SettingsConfigDict(env_prefix="HANDLA_", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""
    catalog_dir: Path = PROJECT_ROOT / "demo_catalog"
    models_dir: Path = PROJECT_ROOT / "models"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_channel_secret: str = ""
    action_token: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_sender: str = "handla@localhost"
    https_only: str = ""
    outbox_lease_seconds: float = Field(120, gt=0)
    outbox_workers: int = 2
    workers: int = 1
    rasa_workers: int = 1
    action_workers: int = 1
    redis_url: str = ""

    @field_validator("outbox_workers", "workers", "rasa_workers", "action_workers")
    @classmethod
    def at_least_one(cls, value: int) -> int:
        return max(value, 1)


def _swedish(error: dict[str, Any]) -> str:
    name = f"HANDLA_{str(error['loc'][0]).upper()}"
    context = error.get("ctx") or {}
    kind = error["type"]
    if kind == "int_parsing":
        rule = "ska vara ett heltal"
    elif kind == "float_parsing":
        rule = "ska vara ett tal (med punkt som decimaltecken)"
    elif kind in ("greater_than_equal", "greater_than"):
        rule = f"ska vara minst {context.get('ge', context.get('gt'))}"
    elif kind in ("less_than_equal", "less_than"):
        rule = f"får vara högst {context.get('le', context.get('lt'))}"
    else:
        rule = "har ett värde som inte går att använda"
    return f"{name} {rule} (nu: {error.get('input')!r})."


def _saved_key(data_dir: Path) -> str:
    key_file = data_dir / "secret_key"
    return key_file.read_text().strip() if key_file.is_file() else ""


def load_settings() -> Settings:
    """The settings from the environment; SettingsError (Swedish) for a value that cannot work.
    Reads only: see `prepare_data_dir` for what a start writes."""
    try:
        env = _Environment()
    except ValidationError as invalid:
        raise SettingsError(" ".join(_swedish(dict(e)) for e in invalid.errors())) from None
    data_dir = env.data_dir.resolve()
    flag = env.https_only.strip().lower()
    derived: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": env.database_url or f"sqlite:///{data_dir / 'handla.sqlite3'}",
        "secret_key": env.secret_key or _saved_key(data_dir),
        "https_only": (flag in FLAG_TRUE) if flag else None,
    }
    as_read = {
        field.name: getattr(env, field.name)
        for field in dataclasses.fields(Settings)
        if field.name not in derived
    }
    return Settings(**as_read, **derived)


def prepare_data_dir(settings: Settings) -> Settings:
    """Make the data directory and, without a key, a random one kept there (mode 0600): the
    settings with that key."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.secret_key:
        return settings
    key = _saved_key(settings.data_dir)
    if not key:
        key = secrets.token_urlsafe(48)
        key_file = settings.data_dir / "secret_key"
        key_file.touch(mode=0o600)
        key_file.write_text(key)
    return dataclasses.replace(settings, secret_key=key)
