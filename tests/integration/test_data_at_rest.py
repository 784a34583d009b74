"""The data dir is the practice's own: 0700, every file in it 0600, whatever the umask.

The database holds live reset links and every client's record. Each test starts the app's real
configuration (`rxconfig.py`, which every `reflex` command and server process loads first) in a
child process with the common umask 022, then writes the database, its WAL and an upload.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

#: Start as `reflex run` does, then write a table in SQLite (WAL and SHM files) and an upload.
START_AND_WRITE = """
import os
os.umask(0o022)
import rxconfig  # noqa: F401  (what every reflex process loads first)
from sqlalchemy import text
from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core import uploads
with db.session_scope() as session:
    session.exec(text("CREATE TABLE note (body TEXT)"))
    session.exec(text("INSERT INTO note VALUES ('reset link')"))
engine = db.get_engine()
connection = engine.raw_connection()  # keep the WAL open while the modes are read
uploads.stage(b"an exported chat")
root = get_settings().data_dir
print("MODES", *sorted(
    f"{p.relative_to(root)}:{oct(p.stat().st_mode & 0o777)}" for p in [root, *root.rglob("*")]
))
"""


def _start(data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRACTIPAL_", "REFLEX_"))}
    env["PRACTIPAL_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-c", START_AND_WRITE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _modes(output: str) -> dict[str, str]:
    line = next(line for line in output.splitlines() if line.startswith("MODES "))
    return dict(item.rsplit(":", 1) for item in line.split()[1:])


def test_a_new_data_dir_and_everything_in_it_is_private(tmp_path):
    result = _start(tmp_path / "data")
    assert result.returncode == 0, result.stderr[-2000:]
    modes = _modes(result.stdout)
    assert {"practipal.db", "practipal.db-wal", "practipal.db-shm"} <= set(modes)
    assert any(name.startswith("uploads/pending/") for name in modes)
    for name, mode in modes.items():
        path = tmp_path / "data" / name
        assert mode == ("0o700" if path.is_dir() else "0o600"), (name, mode)


def test_a_data_dir_others_can_read_is_fixed_at_start_and_said_so(tmp_path):
    data = tmp_path / "data"
    (data / "uploads").mkdir(parents=True)
    (data / "uploads" / "old-export.txt").write_text("12/03/2024, 21:10 - Riya: hello")
    for path, mode in (
        (data, 0o755),
        (data / "uploads", 0o755),
        (data / "uploads" / "old-export.txt", 0o644),
    ):
        os.chmod(path, mode)  # noqa: S103 (readable by others, on purpose)
    result = _start(data)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "was readable by other users; made 3 path(s) private" in result.stderr
    assert stat.S_IMODE((data / "uploads" / "old-export.txt").stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give the dir to another user")
def test_a_data_dir_of_another_user_is_refused_with_the_reason(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 65534, 65534)
    result = _start(data)
    assert result.returncode != 0
    assert "PractiPal will not start: The data dir" in result.stderr
    assert "belongs to another user (uid 65534)" in result.stderr
    assert not (data / "practipal.db").exists()
