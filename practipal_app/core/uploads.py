"""Uploaded files waiting in the private pending folder until the form that uses them is sent.

Reflex's own upload folder is public; what a browser uploads is written here instead, under a
random name, readable only by the PractiPal user, and read back or discarded by that path. Paths
stay in backend-only state: the browser never sees them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from practipal_app.config import get_settings


def pending_dir() -> Path:
    path = get_settings().uploads_dir / "pending"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stage(data: bytes) -> str:
    """Write an upload to the pending folder (mode 0600 whatever the umask); its path."""
    path = pending_dir() / secrets.token_hex(16)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return str(path)


def read(path: str) -> bytes:
    """A staged upload's bytes; only paths inside the pending folder are read."""
    return _inside(path).read_bytes()


def discard(path: str) -> None:
    if path:
        _inside(path).unlink(missing_ok=True)


def _inside(path: str) -> Path:
    resolved = Path(path).resolve()
    if resolved.parent != pending_dir().resolve():
        raise ValueError("not a staged upload")
    return resolved
