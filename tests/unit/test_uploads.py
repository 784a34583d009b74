"""Staged uploads: private files in the pending folder, read back and discarded by path only
there."""

from __future__ import annotations

import stat

import pytest

from practipal_app.core import uploads


def test_a_staged_upload_is_private_and_reads_back(data_dir):
    path = uploads.stage(b"chat export")
    assert (
        stat.S_IMODE(uploads.pending_dir().joinpath(path.rsplit("/", 1)[1]).stat().st_mode) == 0o600
    )
    assert uploads.read(path) == b"chat export"
    uploads.discard(path)
    with pytest.raises(FileNotFoundError):
        uploads.read(path)


def test_paths_outside_the_pending_folder_are_refused(data_dir, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    with pytest.raises(ValueError):
        uploads.read(str(outside))
    with pytest.raises(ValueError):
        uploads.discard(str(uploads.pending_dir() / ".." / "practipal.db"))
    assert outside.exists()
