"""The worker's daily backup and what is kept of the old ones.

Every server process runs the worker, so the backup is taken under an exclusive lock on a file in
the backups folder: the first process takes it, the others find it done.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path

from practipal_app.backups import archive, status
from practipal_app.backups.status import BackupStatus
from practipal_app.backups.take import take_backup
from practipal_app.config import get_settings
from practipal_app.core.private_files import open_private

log = logging.getLogger("practipal.backups")

LOCK_FILE = ".lock"
#: After a failed backup, the next try waits this long (the failure is on the settings page).
RETRY_AFTER = timedelta(hours=1)
KEEP_DAILY, KEEP_WEEKLY = 7, 4
#: A work folder left by a backup that was killed half-way.
STALE_WORK = timedelta(days=1)


def latest_slot(now: datetime, at: time) -> datetime:
    """The last moment at or before `now` when the daily backup was due (server local time)."""
    local = now.astimezone()
    slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return slot if slot <= local else slot - timedelta(days=1)


def is_due(now: datetime, at: time, last: BackupStatus | None) -> bool:
    """Due when no backup succeeded since the latest slot (so a server that was down at that time
    catches up when it starts), unless the last try failed less than RETRY_AFTER ago."""
    if last is None:
        return True
    if last.last_ok_at is not None and last.last_ok_at >= latest_slot(now, at):
        return False
    return last.ok or now - last.at >= RETRY_AFTER


@contextmanager
def _exclusive(path: Path) -> Iterator[bool]:
    """Whether this process holds the lock (never waits for it)."""
    with open_private(path, "ab") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def run_daily_backup(now: datetime) -> Path | None:
    """Take the daily backup if it is due and no other process is taking it; prune old ones.

    Returns the new archive, or None when none was due. A failure is recorded, then raised.
    """
    settings = get_settings()
    if settings.backup_time is None:
        return None
    folder = status.backups_dir(settings)
    if not is_due(now, settings.backup_time, status.read_status(folder)):
        return None
    folder = status.make_backups_dir(settings)
    with _exclusive(folder / LOCK_FILE) as mine:
        # Read again under the lock: another process may have just taken it.
        if not mine or not is_due(now, settings.backup_time, status.read_status(folder)):
            return None
        taken = take_backup(settings, folder, now=now)
        log.info("backup taken: %s (%s bytes)", taken.path.name, taken.size)
        prune(folder)
        return taken.path


def _newest_per_period(
    dated: list[tuple[datetime, str]], period: Callable[[datetime], object], count: int, taken: set
) -> set[str]:
    """The newest backup of each of the latest `count` periods whose newest one is not `taken`
    already (borg prune's rule: a backup kept as a daily one does not count as a weekly one)."""
    chosen: set[str] = set()
    last = None
    for at, name in dated:
        if period(at) == last:
            continue
        last = period(at)
        if name in taken:
            continue
        chosen.add(name)
        if len(chosen) == count:
            break
    return chosen


def kept(names: list[str]) -> set[str]:
    """The newest backup of each of the last KEEP_DAILY days that have one, and the newest of each
    of the last KEEP_WEEKLY ISO weeks beyond those (days and weeks in UTC, as in the names)."""
    dated = sorted(((archive.taken_at(n), n) for n in names if archive.taken_at(n)), reverse=True)
    daily = _newest_per_period(dated, lambda at: at.date(), KEEP_DAILY, set())
    weekly = _newest_per_period(dated, lambda at: at.isocalendar()[:2], KEEP_WEEKLY, daily)
    return daily | weekly


def prune(folder: Path) -> list[str]:
    """Delete the backups retention does not keep (only files named like a backup); their names."""
    names = [p.name for p in folder.iterdir() if p.is_file() and archive.NAME.match(p.name)]
    keep = kept(names)
    gone = sorted(set(names) - keep)
    for name in gone:
        (folder / name).unlink(missing_ok=True)
    for work in folder.glob(".practipal-backup-*"):
        if work.is_dir() and clock.time() - work.stat().st_mtime > STALE_WORK.total_seconds():
            shutil.rmtree(work, ignore_errors=True)
    return gone
