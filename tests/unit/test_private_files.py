"""Files the app writes are 0600 and dirs 0700 even under a umask that would share them."""

from __future__ import annotations

import os
import stat

import pytest

from practipal_app.core.private_files import (
    loose_modes,
    open_private,
    private_dir,
    write_private,
)


@pytest.fixture
def open_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_and_made_dirs_are_private_whatever_the_umask(tmp_path, open_umask):
    folder = private_dir(tmp_path / "backups")
    written = write_private(folder / "status.json", b"{}")
    with open_private(folder / "archive.tar.gz") as out:
        out.write(b"archive")
    assert (_mode(folder), _mode(written), _mode(folder / "archive.tar.gz")) == (
        0o700,
        0o600,
        0o600,
    )
    assert sorted(p.name for p in folder.iterdir()) == ["archive.tar.gz", "status.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = write_private(tmp_path / "status.json", b"old")

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_private(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]


def test_what_others_can_read_is_listed(tmp_path, open_umask):
    (tmp_path / "shared.txt").write_text("x")
    write_private(tmp_path / "private.txt", b"x")
    os.chmod(tmp_path, 0o700)
    assert loose_modes(tmp_path) == [tmp_path / "shared.txt"]
