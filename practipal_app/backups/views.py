"""What the owner's settings page shows of the last backup. Pure: no database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from practipal_app.backups.status import BackupStatus
from practipal_app.core.timefmt import format_local

#: Older than this, the last good backup is worth a warning.
STALE_AFTER = timedelta(days=2)
COMMAND = "practipal backup"


@dataclass(frozen=True)
class BackupStatusRow:
    #: Whether a backup was ever tried.
    known: bool = False
    ok: bool = False
    when: str = ""
    size: str = ""
    result: str = ""
    file: str = ""
    #: Empty when all is well.
    warning: str = ""


def size_label(size: int) -> str:
    """'812 bytes', '4.2 kB', '37.5 MB', '1.2 GB' (powers of 1000, as file managers count)."""
    if size < 1000:
        return f"{size} bytes"
    value, units = size / 1000, ["kB", "MB", "GB"]
    while value >= 1000 and len(units) > 1:
        value, units = value / 1000, units[1:]
    return f"{value:.1f} {units[0]}"


def _warning(status: BackupStatus | None, timezone: str, now: datetime) -> str:
    if status is None:
        return (
            f"No backup has been taken yet. Take one on the server now with `{COMMAND}`; the "
            "worker then takes one every day."
        )
    if not status.ok:
        last = status.last_ok_at
        since = f" The last good one is from {format_local(last, timezone)}." if last else ""
        error = status.error.rstrip(".")
        return f"The last backup failed: {error}.{since} Fix the cause, then run `{COMMAND}`."
    if now - status.at > STALE_AFTER:
        return (
            "The last backup is more than two days old: check that PractiPal is running, or take "
            f"one now with `{COMMAND}`."
        )
    return ""


def status_row(status: BackupStatus | None, timezone: str, now: datetime) -> BackupStatusRow:
    warning = _warning(status, timezone, now)
    if status is None:
        return BackupStatusRow(warning=warning)
    return BackupStatusRow(
        known=True,
        ok=status.ok,
        when=format_local(status.at, timezone),
        size=size_label(status.size) if status.ok else "",
        result="Succeeded" if status.ok else "Failed",
        file=status.file,
        warning=warning,
    )
