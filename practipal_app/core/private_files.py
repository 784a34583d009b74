"""Files under the data dir are the practice's own: dirs 0700 and files 0600, whatever the umask.

The data dir holds the SQLite database (live reset links and every client's record), uploads,
staged imports and backups. Any other local user must not be able to read them.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: The umask the app runs under, so SQLite's WAL and SHM files and every file a library writes are
#: private too.
PRIVATE_UMASK = 0o077


class DataDirRefused(Exception):
    """The data dir cannot be made private (it belongs to another user)."""


def private_dir(path: Path) -> Path:
    """`path` and its missing parents created, and `path` itself set to 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def open_private(path: Path, mode: str = "wb") -> IO:
    """Open `path` for writing; a new file is created 0600 (an existing one is set to 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)
    return os.fdopen(fd, mode)


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` at 0600, all or nothing: a temp file beside it, then a rename."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp creates the file 0600
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def make_private(path: Path) -> None:
    """Set an existing file to 0600, or a dir to 0700."""
    os.chmod(path, PRIVATE_DIR_MODE if path.is_dir() else PRIVATE_FILE_MODE)


def loose_modes(root: Path) -> list[Path]:
    """Everything under `root` (itself included) that a group or other user could read."""
    found = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.stat().st_mode & 0o077:
            found.append(path)
    return found


def secure_data_dir(root: Path) -> list[Path]:
    """Create the data dir 0700, or make an existing one private: returns what had to be fixed.

    Refuses a data dir owned by another user: this process could not keep it private.
    """
    os.umask(PRIVATE_UMASK)
    if not root.exists():
        private_dir(root)
        return []
    owner = root.stat().st_uid
    if owner != os.getuid():
        raise DataDirRefused(
            f"The data dir {root} belongs to another user (uid {owner}); PractiPal runs as uid "
            f"{os.getuid()} and cannot keep it private. Give it to this user "
            f"(chown -R) or point PRACTIPAL_DATA_DIR elsewhere."
        )
    fixed = [p for p in loose_modes(root) if stat.S_ISDIR(p.stat().st_mode) or p.is_file()]
    for path in fixed:
        try:
            make_private(path)
        except PermissionError as exc:
            raise DataDirRefused(
                f"{path} in the data dir is readable by other users and belongs to another "
                "user, so PractiPal cannot make it private. Give it to this user (chown) or "
                "remove it."
            ) from exc
    return fixed


def prepare_data_dir(root: Path) -> None:
    """At start: the data dir made private (saying what had to be fixed), or the process stops."""
    try:
        fixed = secure_data_dir(root)
    except DataDirRefused as exc:
        raise SystemExit(f"PractiPal will not start: {exc}") from None
    if fixed:
        print(
            f"PractiPal: the data dir {root} was readable by other users; made {len(fixed)} "
            "path(s) private (dirs 0700, files 0600).",
            file=sys.stderr,
        )
