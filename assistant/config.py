"""Settings read from the environment (HANDLA_*), with embedded defaults for a laptop or tablet kiosk."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

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


def _flag(value: str | None) -> bool | None:
    if value is None or not value.strip():
        return None
    return value.strip().lower() in ("1", "true", "ja", "yes", "on")


def _secret_key(data_dir: Path) -> str:
    """HANDLA_SECRET_KEY, or a random key kept in the data directory (mode 0600)."""
    if key := os.environ.get("HANDLA_SECRET_KEY"):
        return key
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


def load_settings() -> Settings:
    env = os.environ
    data_dir = Path(env.get("HANDLA_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(
        data_dir=data_dir,
        database_url=env.get("HANDLA_DATABASE_URL", f"sqlite:///{data_dir / 'handla.sqlite3'}"),
        catalog_dir=Path(env.get("HANDLA_CATALOG_DIR", PROJECT_ROOT / "demo_catalog")),
        models_dir=Path(env.get("HANDLA_MODELS_DIR", PROJECT_ROOT / "models")),
        secret_key=_secret_key(data_dir),
        host=env.get("HANDLA_HOST", "127.0.0.1"),
        port=int(env.get("HANDLA_PORT", "8000")),
        rasa_url=env.get("HANDLA_RASA_URL", "http://127.0.0.1:5005"),
        rasa_token=env.get("HANDLA_RASA_TOKEN", ""),
        action_server_url=env.get("HANDLA_ACTION_SERVER_URL", "http://127.0.0.1:5055"),
        rasa_channel_secret=env.get("HANDLA_RASA_CHANNEL_SECRET", ""),
        action_token=env.get("HANDLA_ACTION_TOKEN", ""),
        smtp_host=env.get("HANDLA_SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("HANDLA_SMTP_PORT", "25")),
        smtp_sender=env.get("HANDLA_SMTP_SENDER", "handla@localhost"),
        https_only=_flag(env.get("HANDLA_HTTPS_ONLY")),
        outbox_lease_seconds=float(env.get("HANDLA_OUTBOX_LEASE_SECONDS", "120")),
        outbox_workers=max(int(env.get("HANDLA_OUTBOX_WORKERS", "2")), 1),
        workers=max(int(env.get("HANDLA_WORKERS", "1")), 1),
        rasa_workers=max(int(env.get("HANDLA_RASA_WORKERS", "1")), 1),
        action_workers=max(int(env.get("HANDLA_ACTION_WORKERS", "1")), 1),
        redis_url=env.get("HANDLA_REDIS_URL", ""),
    )
