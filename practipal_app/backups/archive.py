"""The backup archive: one tar.gz, optionally age-encrypted, holding `database/<file>`,
`uploads/...` and a `manifest.json` that lists every other member with its size and SHA-256.

Reading one unpacks it into a private folder and checks every member against the manifest before
anything is used; a member that is not a plain file, or whose path could lead out of that folder,
refuses the whole archive.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from practipal_app.core.private_files import PRIVATE_FILE_MODE, open_private, private_dir

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database"
UPLOADS = "uploads"
#: The folders an archive's members (other than the manifest) live in.
TOP = (DATABASE, UPLOADS)
SUFFIX = ".tar.gz"
ENCRYPTED_SUFFIX = ".tar.gz.age"
#: Every archive this app writes, and the only files retention ever deletes.
NAME = re.compile(r"^practipal-(\d{8}-\d{6})Z(?:-\d+)?\.tar\.gz(?:\.age)?$")
AGE_HEADER = b"age-encryption.org/v1\n"
CHUNK = 1 << 20
MAX_MANIFEST = 64 << 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in plain words."""


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    app_version: str
    created_at: datetime
    database_kind: str
    alembic_revision: str | None
    members: tuple[Member, ...]

    def to_json(self) -> bytes:
        data = asdict(self)
        data["created_at"] = self.created_at.astimezone(UTC).isoformat()
        return json.dumps(data, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            version = data["format_version"]
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupError("The archive's manifest.json is not readable.") from exc
        if version != FORMAT_VERSION:
            raise BackupError(
                f"Unknown backup format version {version!r} (this PractiPal reads version "
                f"{FORMAT_VERSION}); restore it with the PractiPal version that wrote it "
                f"({data.get('app_version', 'unknown')})."
            )
        try:
            return cls(
                format_version=version,
                app_version=str(data["app_version"]),
                created_at=datetime.fromisoformat(data["created_at"]),
                database_kind=str(data["database_kind"]),
                alembic_revision=data["alembic_revision"],
                members=tuple(
                    Member(_safe_path(m["path"]), int(m["size"]), str(m["sha256"]))
                    for m in data["members"]
                ),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupError(f"The archive's manifest.json is incomplete ({exc}).") from exc

    @property
    def database_member(self) -> Member:
        return next(m for m in self.members if m.path.startswith(f"{DATABASE}/"))

    @property
    def upload_members(self) -> list[Member]:
        return [m for m in self.members if m.path.startswith(f"{UPLOADS}/")]


# Names --------------------------------------------------------------------------------------------


def backup_name(now: datetime, encrypted: bool, n: int = 0) -> str:
    """'practipal-20261203-023000Z.tar.gz' (UTC); '-1', '-2' … only if that name is taken."""
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"practipal-{stamp}Z{f'-{n}' if n else ''}{ENCRYPTED_SUFFIX if encrypted else SUFFIX}"


def taken_at(name: str) -> datetime | None:
    """When the backup of that file name was taken; None for any other file."""
    match = NAME.match(name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)


def place(file: Path, folder: Path, now: datetime, encrypted: bool) -> Path:
    """Rename a finished archive to its final name in `folder`, never over another backup."""
    for n in range(100):
        target = folder / backup_name(now, encrypted, n)
        if not target.exists():
            os.replace(file, target)
            return target
    raise BackupError(f"Too many backups named {backup_name(now, encrypted)} in {folder}.")


def private_dirs(root: Path, folder: Path) -> Path:
    """`folder` (inside the existing `root`) and every folder between them, each 0700."""
    current = root
    for part in folder.relative_to(root).parts:
        current = private_dir(current / part)
    return folder


# Writing ------------------------------------------------------------------------------------------


class _Hashing:
    """A file read through: what tarfile copies out is hashed on the way."""

    def __init__(self, raw: IO[bytes]):
        self.raw, self.digest = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def upload_files(uploads_dir: Path) -> list[tuple[str, Path]]:
    """(member path, file) for every regular file under the uploads folder, links not followed.

    Files being written (`.name.part`, renamed into place when complete) are left out.
    """
    found = []
    for folder, _dirs, names in os.walk(uploads_dir):
        for name in names:
            path = Path(folder, name)
            if (name.startswith(".") and name.endswith(".part")) or path.is_symlink():
                continue
            if path.is_file():
                found.append((f"{UPLOADS}/{path.relative_to(uploads_dir).as_posix()}", path))
    return sorted(found)


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> Member | None:
    try:
        raw = path.open("rb")
    except FileNotFoundError:  # a staged upload discarded since it was listed
        return None
    with raw:
        # Uploads are written once and renamed into place, never changed: the open file is stable.
        stat = os.fstat(raw.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), PRIVATE_FILE_MODE
        hashing = _Hashing(raw)
        tar.addfile(info, hashing)
    return Member(name, info.size, hashing.digest.hexdigest())


def write_tar(
    target: IO[bytes],
    files: Iterable[tuple[str, Path]],
    *,
    database_kind: str,
    alembic_revision: str | None,
    app_version: str,
    created_at: datetime,
) -> Manifest:
    """Write the tar.gz of `files` (member path, file) and its manifest into `target`."""
    with tarfile.open(fileobj=target, mode="w:gz", compresslevel=6) as tar:
        added = (_add_file(tar, name, path) for name, path in files)
        manifest = Manifest(
            FORMAT_VERSION,
            app_version,
            created_at,
            database_kind,
            alembic_revision,
            tuple(m for m in added if m is not None),
        )
        data = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(created_at.timestamp()), 0o600
        tar.addfile(info, io.BytesIO(data))
    return manifest


# Encryption (age, through pyrage) -----------------------------------------------------------------


def check_recipient(recipient: str) -> None:
    """Refuse anything but an age public key ('age1…'), before a backup is taken for it."""
    import pyrage

    try:
        pyrage.x25519.Recipient.from_str(recipient.strip())
    except pyrage.RecipientError as exc:
        raise BackupError(f"Not an age public key (age1…): {exc}.") from exc


def encrypt_file(plain: Path, target: Path, *, passphrase: str = "", recipient: str = "") -> None:
    """Encrypt the whole archive to a passphrase or to an age public key, into a new 0600 file."""
    import pyrage

    if passphrase:
        # pyrage encrypts to a passphrase in memory only.
        sealed = pyrage.passphrase.encrypt(plain.read_bytes(), passphrase)
        with open_private(target) as out:
            out.write(sealed)
        return
    key = pyrage.x25519.Recipient.from_str(recipient.strip())
    with plain.open("rb") as source, open_private(target) as out:
        pyrage.encrypt_io(source, out, [key])


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(AGE_HEADER)) == AGE_HEADER


def _identity(text: str):
    import pyrage

    keys = [
        line.strip() for line in text.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")
    ]
    if not keys:
        raise BackupError("The identity file holds no age secret key (AGE-SECRET-KEY-…).")
    try:
        return pyrage.x25519.Identity.from_str(keys[0])
    except pyrage.IdentityError as exc:
        raise BackupError(f"The identity file's key is not valid: {exc}.") from exc


def decrypt_file(path: Path, target: Path, *, passphrase: str = "", identity: str = "") -> None:
    """Decrypt an encrypted archive into a new 0600 file with a passphrase or an age identity."""
    import pyrage

    if not passphrase and not identity:
        raise BackupError(
            "This archive is encrypted: give its passphrase (--passphrase-env VAR) or the age "
            "identity file (--identity FILE)."
        )
    try:
        if passphrase:
            plain = pyrage.passphrase.decrypt(path.read_bytes(), passphrase)
            with open_private(target) as out:
                out.write(plain)
        else:
            key = _identity(identity)
            with path.open("rb") as source, open_private(target) as out:
                pyrage.decrypt_io(source, out, [key])
    except pyrage.DecryptError as exc:
        raise BackupError(
            f"Could not decrypt the archive ({exc}): wrong passphrase or key, or the file is "
            "damaged."
        ) from exc


# Reading ------------------------------------------------------------------------------------------


def _safe_path(name: str) -> str:
    """A member path that stays inside the folder it is unpacked into, in the archive's layout."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise BackupError(
            f"Refused: the archive member {name!r} would be written outside the restore folder."
        )
    if path.as_posix() != MANIFEST and (len(path.parts) < 2 or path.parts[0] not in TOP):
        raise BackupError(
            f"Refused: the archive member {name!r} is not part of a PractiPal backup."
        )
    return path.as_posix()


def _checked(info: tarfile.TarInfo) -> str:
    name = _safe_path(info.name)
    if not info.isreg():
        raise BackupError(
            f"Refused: the archive member {info.name!r} is a link, folder or device, not a file."
        )
    return name


def _extract(tar: tarfile.TarFile, info: tarfile.TarInfo, root: Path, name: str) -> Member:
    target = root / name
    private_dirs(root, target.parent)
    source = tar.extractfile(info)
    digest, size = hashlib.sha256(), 0
    with open_private(target) as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return Member(name, size, digest.hexdigest())


def _read_members(tar_gz: Path, root: Path) -> tuple[bytes | None, dict[str, Member]]:
    manifest, found = None, {}
    with tarfile.open(tar_gz, mode="r:gz") as tar:
        for info in tar:
            name = _checked(info)
            if name in found or (name == MANIFEST and manifest is not None):
                raise BackupError(f"Refused: the archive holds {name} twice.")
            if name == MANIFEST:
                manifest = tar.extractfile(info).read(MAX_MANIFEST)
            else:
                found[name] = _extract(tar, info, root, name)
    return manifest, found


def _verify(manifest: Manifest, found: dict[str, Member]) -> None:
    listed = {m.path: m for m in manifest.members}
    if missing := sorted(set(listed) - set(found)):
        raise BackupError(
            f"The archive is incomplete: {missing[0]} is in its manifest but missing."
        )
    if extra := sorted(set(found) - set(listed)):
        raise BackupError(
            f"Refused: the archive holds {extra[0]}, which its manifest does not list."
        )
    for path, member in listed.items():
        if found[path] != member:
            raise BackupError(
                f"Checksum mismatch for {path}: the archive was changed or damaged after it was "
                "written."
            )
    if sum(m.path.startswith(f"{DATABASE}/") for m in manifest.members) != 1:
        raise BackupError("The archive does not hold exactly one database.")


def unpack(tar_gz: Path, root: Path) -> Manifest:
    """Unpack a (decrypted) archive into the new private folder `root` and verify every member."""
    private_dir(root)
    try:
        raw, found = _read_members(tar_gz, root)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(f"The archive is damaged or incomplete ({exc}).") from exc
    if raw is None:
        raise BackupError(
            "The archive has no manifest.json: it is incomplete or not a PractiPal backup."
        )
    manifest = Manifest.from_json(raw)
    _verify(manifest, found)
    return manifest
