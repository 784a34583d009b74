"""Taking a backup: the database first, then the uploads, into one archive renamed into place only
when it is complete.

The database goes first: a file is written before the row that names it commits and deleted after
the row is gone, so uploads copied after the database snapshot hold every file it refers to (and at
worst a few newer ones no row names yet).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from practipal_app.backups import archive, databases, status
from practipal_app.backups.archive import BackupError, Manifest
from practipal_app.config import Settings
from practipal_app.core.private_files import open_private, private_dir
from practipal_app.models.base import utcnow


@dataclass(frozen=True)
class Taken:
    path: Path
    size: int
    manifest: Manifest

    @property
    def upload_count(self) -> int:
        return len(self.manifest.upload_members)

    @property
    def upload_bytes(self) -> int:
        return sum(m.size for m in self.manifest.upload_members)


def app_version() -> str:
    try:
        return metadata.version("practipal")
    except metadata.PackageNotFoundError:
        return "unknown"


def _target_dir(settings: Settings, out_dir: Path | None) -> Path:
    """The default backups folder (always 0700), or a folder of the person's choosing (created 0700
    when new; an existing one keeps its mode, the archives in it are 0600)."""
    if out_dir is None or out_dir.resolve() == status.backups_dir(settings).resolve():
        return status.make_backups_dir(settings)
    return out_dir if out_dir.is_dir() else private_dir(out_dir)


def _write_archive(
    settings: Settings, work: Path, now: datetime, passphrase: str, recipient: str
) -> tuple[Path, Manifest]:
    kind = databases.kind_of(settings.database_url)
    database = work / databases.DUMP_NAMES[kind]
    revision = databases.snapshot(settings.database_url, database)
    files = [(f"{archive.DATABASE}/{database.name}", database)]
    files += archive.upload_files(settings.uploads_dir)
    plain = work / "archive.tar.gz"
    with open_private(plain) as out:
        manifest = archive.write_tar(
            out,
            files,
            database_kind=kind,
            alembic_revision=revision,
            app_version=app_version(),
            created_at=now,
        )
    if not (passphrase or recipient):
        return plain, manifest
    sealed = work / "archive.tar.gz.age"
    archive.encrypt_file(plain, sealed, passphrase=passphrase, recipient=recipient)
    plain.unlink()
    return sealed, manifest


def _take(
    settings: Settings, out_dir: Path | None, now: datetime, passphrase: str, recipient: str
) -> Taken:
    folder = _target_dir(settings, out_dir)
    # A private work folder inside the target folder: the finished archive is only renamed.
    with tempfile.TemporaryDirectory(dir=folder, prefix=".practipal-backup-") as work:
        built, manifest = _write_archive(settings, Path(work), now, passphrase, recipient)
        path = archive.place(built, folder, now, encrypted=bool(passphrase or recipient))
    return Taken(path, path.stat().st_size, manifest)


def take_backup(
    settings: Settings,
    out_dir: Path | None = None,
    *,
    passphrase: str = "",
    recipient: str = "",
    now: datetime | None = None,
) -> Taken:
    """One archive of the database and the uploads, in `out_dir` (default: the backups folder).

    The outcome, failure included, is recorded in the backups folder's status file (a mistyped
    public key is refused before, and is not a failed backup).
    """
    now = now or utcnow()
    if recipient:
        archive.check_recipient(recipient)
    try:
        taken = _take(settings, out_dir, now, passphrase, recipient)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, BackupError) else f"{type(exc).__name__}: {exc}"
        status.record_failure(status.make_backups_dir(settings), now, reason)
        raise
    status.record_success(status.make_backups_dir(settings), now, taken.path, taken.size)
    return taken
