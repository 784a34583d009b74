"""The record of the last backup (time, file, size, result), kept as `status.json` in the backups
folder so the worker, the CLI and the settings page read the same one."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from practipal_app.config import Settings, get_settings
from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.private_files import private_dir, write_private
from practipal_app.models import Practice, Role

log = logging.getLogger("practipal.backups")

STATUS_FILE = "status.json"


@dataclass(frozen=True)
class BackupStatus:
    #: When the last backup was attempted.
    at: datetime
    ok: bool
    file: str = ""
    size: int = 0
    error: str = ""
    #: When the last successful backup was taken (also after a failed one).
    last_ok_at: datetime | None = None


def backups_dir(settings: Settings) -> Path:
    return settings.data_dir / "backups"


def make_backups_dir(settings: Settings) -> Path:
    """The backups folder, created 0700 (and the data dir, if it is new)."""
    if not settings.data_dir.exists():
        private_dir(settings.data_dir)
    return private_dir(backups_dir(settings))


def read_status(folder: Path) -> BackupStatus | None:
    """The last backup's record; None when there has never been one (or it is unreadable)."""
    try:
        data = json.loads((folder / STATUS_FILE).read_text())
        last_ok = data.get("last_ok_at")
        return BackupStatus(
            at=datetime.fromisoformat(data["at"]),
            ok=bool(data["ok"]),
            file=str(data.get("file", "")),
            size=int(data.get("size", 0)),
            error=str(data.get("error", "")),
            last_ok_at=datetime.fromisoformat(last_ok) if last_ok else None,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError):
        log.warning("unreadable backup status in %s", folder, exc_info=True)
        return None


def _write(folder: Path, status: BackupStatus) -> None:
    data = {
        "at": status.at.isoformat(),
        "ok": status.ok,
        "file": status.file,
        "size": status.size,
        "error": status.error,
        "last_ok_at": status.last_ok_at.isoformat() if status.last_ok_at else None,
    }
    write_private(private_dir(folder) / STATUS_FILE, json.dumps(data, indent=1).encode())


def record_success(folder: Path, at: datetime, path: Path, size: int) -> None:
    _write(folder, BackupStatus(at, True, path.name, size, "", at))


def record_failure(folder: Path, at: datetime, error: str) -> None:
    previous = read_status(folder)
    last_ok = previous.last_ok_at if previous else None
    _write(folder, BackupStatus(at, False, error=error[:500], last_ok_at=last_ok))


def for_owner(session: Session, actor: Actor) -> tuple[BackupStatus | None, str]:
    """The last backup's record and the practice's time zone; only the owner sees it."""
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only the practice owner sees the backups.")
    practice = session.get(Practice, actor.practice_id)
    return read_status(backups_dir(get_settings())), practice.timezone
