"""Restoring a backup into an empty deployment.

Nothing is written to the deployment until the whole archive has been decrypted, unpacked into a
private folder inside the data dir and checked against its manifest; then the database is put in
place (PostgreSQL: in one transaction) and the uploads moved beside it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from practipal_app.backups import archive, databases
from practipal_app.backups.archive import BackupError, Manifest
from practipal_app.config import Settings
from practipal_app.core.private_files import make_private, private_dir


@dataclass(frozen=True)
class Restored:
    database_kind: str
    created_at: datetime
    files: int
    #: (label, rows): clients, messages, invoices, payments, resources.
    counts: tuple[tuple[str, int], ...]


def _files_in(folder: Path) -> list[Path]:
    return (
        [p for p in folder.rglob("*") if p.is_file() or p.is_symlink()] if folder.exists() else []
    )


def refuse_unless_empty(settings: Settings) -> None:
    """Refuse a deployment that holds any table or any uploaded file."""
    if found := databases.tables(settings.database_url):
        raise BackupError(
            f"Refused: the database already holds {len(found)} tables. Restore only into an "
            "empty database (a new PRACTIPAL_DATABASE_URL, or a new data dir for SQLite)."
        )
    if found := _files_in(settings.uploads_dir):
        raise BackupError(
            f"Refused: the uploads folder {settings.uploads_dir} already holds {len(found)} "
            "files. Restore only into an empty data dir."
        )


def _plain_archive(path: Path, work: Path, passphrase: str, identity: str) -> Path:
    if not archive.is_encrypted(path):
        return path
    plain = work / "archive.tar.gz"
    archive.decrypt_file(path, plain, passphrase=passphrase, identity=identity)
    return plain


def _check_kind(manifest: Manifest, kind: str) -> None:
    if manifest.database_kind != kind:
        raise BackupError(
            f"Refused: this archive holds a {manifest.database_kind} database, and this "
            f"deployment uses {kind}. Restore it where PRACTIPAL_DATABASE_URL is "
            f"{manifest.database_kind}."
        )


def _place_database(settings: Settings, kind: str, dump: Path) -> None:
    if kind == databases.POSTGRESQL:
        databases.restore_postgres(settings.database_url, dump)
        return
    target = databases.sqlite_file(settings.database_url)
    if not target.parent.exists():
        private_dir(target.parent)
    for leftover in ("-wal", "-shm", "-journal"):  # of an empty database: never applied to this one
        Path(f"{target}{leftover}").unlink(missing_ok=True)
    shutil.move(dump, target)
    make_private(target)


def _place_uploads(unpacked: Path, uploads_dir: Path) -> int:
    if not unpacked.is_dir():
        return 0
    private_dir(uploads_dir)
    moved = 0
    for path in sorted(p for p in unpacked.rglob("*") if p.is_file()):
        target = uploads_dir / path.relative_to(unpacked)
        archive.private_dirs(uploads_dir, target.parent)
        shutil.move(path, target)
        make_private(target)
        moved += 1
    return moved


def restore(
    settings: Settings, path: Path, *, passphrase: str = "", identity: str = ""
) -> Restored:
    """Put a backup archive back into this (empty) deployment: database and uploads."""
    kind = databases.kind_of(settings.database_url)
    if not path.is_file():
        raise BackupError(f"There is no archive at {path}.")
    refuse_unless_empty(settings)
    data_dir = private_dir(settings.data_dir)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".practipal-restore-") as temp:
        work = Path(temp)
        unpacked = work / "unpacked"
        manifest = archive.unpack(_plain_archive(path, work, passphrase, identity), unpacked)
        _check_kind(manifest, kind)
        _place_database(settings, kind, unpacked / manifest.database_member.path)
        files = _place_uploads(unpacked / archive.UPLOADS, settings.uploads_dir)
    return Restored(kind, manifest.created_at, files, databases.counts(settings.database_url))
