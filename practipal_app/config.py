"""Settings read from PRACTIPAL_* environment variables. No reflex import here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from pathlib import Path

MEGABYTE = 1_000_000  # as phones and file managers count, so "20 MB" means what the person sees


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _backup_time(value: str | None) -> time | None:
    """PRACTIPAL_BACKUP_TIME: 'HH:MM' in the server's local time (default 02:30), or 'off'."""
    text = (value or "").strip().lower() or "02:30"
    if text == "off":
        return None
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(
            f"PRACTIPAL_BACKUP_TIME must be HH:MM (24-hour, server time) or off, not {value!r}"
        ) from None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    base_url: str
    port: int
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    smtp_tls: bool
    mail_from: str
    redis_url: str
    jitsi_base_url: str = "https://meet.jit.si"
    max_upload_bytes: int = 20 * MEGABYTE
    #: When the worker takes the daily backup (server's local time); None: no daily backup.
    backup_time: time | None = time(2, 30)

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def resources_dir(self) -> Path:
        """The resource vault's files: private, served only by the authorized file route."""
        return self.uploads_dir / "resources"

    @property
    def cookie_secure(self) -> bool:
        return self.base_url.startswith("https://")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("PRACTIPAL_DATA_DIR") or "./data").resolve()
    port = int(env.get("PRACTIPAL_PORT") or 3000)
    database_url = env.get("PRACTIPAL_DATABASE_URL") or f"sqlite:///{data_dir / 'practipal.db'}"
    base_url = (env.get("PRACTIPAL_BASE_URL") or f"http://localhost:{port}").rstrip("/")
    smtp_port = int(env.get("PRACTIPAL_SMTP_PORT") or 587)
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        base_url=base_url,
        port=port,
        smtp_host=env.get("PRACTIPAL_SMTP_HOST", ""),
        smtp_port=smtp_port,
        smtp_user=env.get("PRACTIPAL_SMTP_USER", ""),
        smtp_password=env.get("PRACTIPAL_SMTP_PASSWORD", ""),
        smtp_starttls=_bool(env.get("PRACTIPAL_SMTP_STARTTLS"), smtp_port == 587),
        smtp_tls=_bool(env.get("PRACTIPAL_SMTP_TLS"), smtp_port == 465),
        mail_from=env.get("PRACTIPAL_MAIL_FROM") or "PractiPal <no-reply@localhost>",
        redis_url=env.get("REFLEX_REDIS_URL", ""),
        jitsi_base_url=(env.get("PRACTIPAL_JITSI_BASE_URL") or "https://meet.jit.si").rstrip("/"),
        max_upload_bytes=int(float(env.get("PRACTIPAL_MAX_UPLOAD_MB") or 20) * MEGABYTE),
        backup_time=_backup_time(env.get("PRACTIPAL_BACKUP_TIME")),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
