"""Uploaded files waiting in the private pending folder until the form that uses them is sent.

Reflex's own upload folder is public; what a browser uploads is written here instead, under a
random name, readable only by the PractiPal user, and read back or discarded by that path. Paths
stay in backend-only state: the browser never sees them.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from practipal_app.config import get_settings
from practipal_app.core.private_files import private_dir, write_private

#: A staged upload the tab never used (closed, or left open) is deleted after this long.
STAGED_LIFETIME = timedelta(hours=1)


def pending_dir() -> Path:
    return private_dir(private_dir(get_settings().uploads_dir) / "pending")


def stage(data: bytes) -> str:
    """Write an upload to the pending folder (mode 0600 whatever the umask); its path."""
    return str(write_private(pending_dir() / secrets.token_hex(16), data))


def discard_stale(now: datetime | None = None) -> int:
    """Delete staged uploads older than STAGED_LIFETIME, whether or not their tab is still open;
    how many were deleted."""
    cutoff = (now or datetime.now(UTC)).timestamp() - STAGED_LIFETIME.total_seconds()
    stale = [p for p in pending_dir().iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


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
