"""Backups that restore: `practipal backup` while ten writers write, `practipal restore` into a
fresh deployment that then serves the same clients, messages, invoices and files; the archives a
restore refuses; encryption; retention; the worker's daily job and its lock; private file modes;
the owner's view on /app/settings.

Each deployment here is its own data dir and database: a SQLite file, or a PostgreSQL database
created for the test (made with `alembic upgrade head`) and dropped after it.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import itertools
import json
import os
import shutil
import sqlite3
import stat
import tarfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pyrage
import pytest
from alembic.config import Config
from scheduling_helpers import actor
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel
from tabs import open_page, run

from alembic import command
from practipal_app import cli, config, db, worker
from practipal_app.backups import archive, schedule, status
from practipal_app.backups.archive import BackupError
from practipal_app.backups.restore import restore
from practipal_app.backups.take import take_backup
from practipal_app.backups.views import BackupStatusRow, status_row
from practipal_app.billing import invoices, payments
from practipal_app.billing.invoices import LineInput
from practipal_app.content import resources
from practipal_app.core.private_files import loose_modes
from practipal_app.core.timefmt import format_local
from practipal_app.messaging import threads as messaging
from practipal_app.messaging import views as message_views
from practipal_app.models import Practice, Role
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import clients

# At import, not inside a test: Reflex registers states in the context that imports them.
from practipal_app.state.backups import BackupStatusState

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PRACTIPAL_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"]
PDF = b"%PDF-1.4\n"
KOLKATA = ZoneInfo("Asia/Kolkata")


def _need_postgres() -> None:
    if not PG_URL:
        pytest.skip("PRACTIPAL_TEST_POSTGRES_URL is not set")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not on PATH")


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in 2026 in the server's zone, the zone PRACTIPAL_BACKUP_TIME is read in."""
    return datetime(2026, month, day, hour, minute).astimezone()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder`: relative path -> SHA-256."""
    return {p.relative_to(folder).as_posix(): sha(p) for p in folder.rglob("*") if p.is_file()}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def archives(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if archive.NAME.match(p.name))


# Deployments --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    data_dir: Path
    url: str

    @property
    def settings(self) -> config.Settings:
        return config.load_settings(
            {"PRACTIPAL_DATA_DIR": str(self.data_dir), "PRACTIPAL_DATABASE_URL": self.url}
        )

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"


def _admin(*statements: str) -> None:
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _migrate(url: str) -> None:
    """`alembic upgrade head`, through the project's alembic/env.py."""
    engine = db.make_engine(url)
    alembic = Config(str(ROOT / "alembic.ini"))
    try:
        with engine.connect() as conn:
            alembic.attributes["connection"] = conn
            command.upgrade(alembic, "head")
            conn.commit()
    finally:
        engine.dispose()


class Deployments:
    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        self.tmp_path, self.monkeypatch = tmp_path, monkeypatch
        self.databases: list[str] = []
        self.engines = []

    def new(self, name: str, backend: str = "sqlite", migrate: bool = True) -> Deployment:
        data_dir = self.tmp_path / name
        if backend == "sqlite":
            data_dir.mkdir(mode=0o700)
            url = f"sqlite:///{data_dir / 'practipal.db'}"
        else:
            database = f"practipal_backup_{name}_{os.getpid()}"
            _admin(
                f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                f'CREATE DATABASE "{database}"',
            )
            self.databases.append(database)
            url = make_url(PG_URL).set(database=database).render_as_string(hide_password=False)
        if migrate:
            _migrate(url)
        return Deployment(data_dir, url)

    def use(self, deployment: Deployment) -> None:
        """Point this process's app at the deployment, as its environment would."""
        self.monkeypatch.setenv("PRACTIPAL_DATA_DIR", str(deployment.data_dir))
        self.monkeypatch.setenv("PRACTIPAL_DATABASE_URL", deployment.url)
        config.get_settings.cache_clear()
        engine = db.make_engine(deployment.url)
        self.engines.append(engine)
        db.set_engine(engine)

    def close(self) -> None:
        db.set_engine(None)
        config.get_settings.cache_clear()
        for engine in self.engines:
            engine.dispose()
        for database in self.databases:
            _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def deploy(tmp_path, monkeypatch) -> Iterator[Deployments]:
    for name in ("PRACTIPAL_SMTP_HOST", "PRACTIPAL_BACKUP_TIME"):
        monkeypatch.delenv(name, raising=False)
    made = Deployments(tmp_path, monkeypatch)
    try:
        yield made
    finally:
        made.close()


@dataclass(frozen=True)
class SmallBackup:
    source: Deployment
    archive: Path


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> SmallBackup:
    """A SQLite deployment with one practice and two uploaded files, and its backup."""
    data_dir = tmp_path_factory.mktemp("small")
    source = Deployment(data_dir, f"sqlite:///{data_dir / 'practipal.db'}")
    engine = db.make_engine(source.url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Practice(name="Sunrise Counselling"))
        session.commit()
    engine.dispose()
    files = data_dir / "uploads" / "resources"
    files.mkdir(parents=True)
    (files / "a.pdf").write_bytes(PDF + b"grounding " * 50)
    (files / "b.pdf").write_bytes(PDF + b"worksheet " * 50)
    return SmallBackup(source, take_backup(source.settings, tmp_path_factory.mktemp("out")).path)


# The practice, written to by real services --------------------------------------------------------


def seed_owner() -> int:
    return db.call(
        practice.create_practice,
        practice_name="Sunrise Counselling",
        timezone="Asia/Kolkata",
        owner_name="Asha Rao",
        email="asha@example.com",
        password="Calm-Harbour-Tea-42",
    ).id


@dataclass(frozen=True)
class Unit:
    """What one writer adds in one round: a client who writes, is invoiced, pays, gets a file."""

    client_id: int
    invoice_id: int
    resource_id: int


def write_unit(owner, n: int) -> Unit:
    form = clients.ClientForm(name=f"Client {n:03d}", email=f"client{n:03d}@example.com")
    client_id = db.call(clients.add_client, owner, form)
    db.call(messaging.post_client_message, actor(client_id), "other", f"Note {n}: the link fails")
    invoice_id = db.call(
        invoices.create,
        owner,
        client_id,
        [LineInput("Therapy session", 1, 150_000)],
        issue_now=True,
    )
    today = datetime.now(KOLKATA).date()
    db.call(payments.record, owner, invoice_id, amount="500", paid_on=today, method="upi")
    resource_id = db.call(
        resources.add_file,
        owner,
        title=f"Worksheet {n}",
        category="worksheet",
        tags="",
        language="",
        practice_wide=False,
        file_name=f"worksheet-{n}.pdf",
        data=PDF + os.urandom(3000),
    )
    return Unit(client_id, invoice_id, resource_id)


@contextmanager
def writers(owner_id: int, count: int = 10, warm: int = 15) -> Iterator[list[Unit]]:
    """`count` threads writing units until the block ends; it starts once `warm` units are done.
    The list holds the units complete so far; a writer's error is raised when the block ends."""
    done: list[Unit] = []
    stop, warmed, numbers = threading.Event(), threading.Event(), itertools.count()

    def write() -> None:
        owner = actor(owner_id)
        while not stop.is_set():
            done.append(write_unit(owner, next(numbers)))
            if len(done) >= warm:
                warmed.set()

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(write) for _ in range(count)]
        try:
            while not warmed.wait(0.05):
                for future in futures:
                    if future.done():
                        future.result()  # a writer that died raises here
            yield done
        finally:
            stop.set()
        for future in futures:
            future.result()


def served(owner_id: int, units: list[Unit]) -> dict[int, tuple]:
    """What the app's services give for each unit: the client, their messages, the invoice and
    the file (type, name, SHA-256)."""
    owner = actor(owner_id)
    found = {}
    for unit in units:
        path, content_type, name = db.call(resources.file_for, owner, unit.resource_id)
        conversation = db.call(messaging.client_thread, actor(unit.client_id))
        found[unit.client_id] = (
            db.call(clients.get_client, owner, unit.client_id),
            message_views.message_rows(conversation),
            db.call(invoices.invoice_for, owner, unit.invoice_id).model_dump(),
            (content_type, name, sha(path)),
        )
    return found


def assert_consistent(deployment: Deployment) -> None:
    """No half-applied payment, no row pointing at nothing, no resource without its file."""
    if deployment.url.startswith("sqlite"):
        path = Path(make_url(deployment.url).database)
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            conn.close()
    with db.get_engine().connect() as conn:
        unbalanced = conn.exec_driver_sql(
            "SELECT i.id FROM invoice i LEFT JOIN payment p ON p.invoice_id = i.id "
            "GROUP BY i.id, i.paid_paise HAVING i.paid_paise <> COALESCE(SUM(p.amount_paise), 0)"
        ).all()
        stored = conn.exec_driver_sql("SELECT stored_name FROM resource").scalars().all()
    assert unbalanced == []
    assert stored and all((deployment.data_dir / "uploads/resources" / s).is_file() for s in stored)


# Backup while ten writers write; restore; the same app --------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_taken_while_ten_writers_write_restores_into_an_app_that_serves_the_same(
    backend, deploy, capsys
):
    if backend == "postgresql":
        _need_postgres()
    source = deploy.new("src", backend)
    deploy.use(source)
    owner_id = seed_owner()
    with writers(owner_id) as done:
        before = list(done)  # every unit here had committed when the backup started
        assert cli.main(["backup"]) == 0
        during = len(done)
    printed = capsys.readouterr().out.splitlines()
    path = Path(printed[0])
    assert path.parent == source.backups and archive.NAME.match(path.name)
    assert f"Backed up the {backend} database at revision " in printed[2]
    expected = served(owner_id, before)
    source_files = tree(source.data_dir / "uploads")

    target = deploy.new("dst", backend, migrate=False)
    deploy.use(target)
    assert cli.main(["restore", str(path)]) == 0
    assert f"Restored the {backend} database (" in capsys.readouterr().out

    assert served(owner_id, before) == expected
    assert_consistent(target)
    restored_files = tree(target.data_dir / "uploads")
    assert len(restored_files) >= len(before)
    assert {p: source_files[p] for p in restored_files} == restored_files  # byte-identical
    restored_clients = db.call(clients.list_clients, actor(owner_id))[1]
    assert len(before) <= restored_clients <= during + 10  # writers in flight may have finished
    # A second restore finds the deployment no longer empty.
    assert cli.main(["restore", str(path)]) == 1
    assert "Refused: the database already holds" in capsys.readouterr().err


# What a restore refuses ---------------------------------------------------------------------------


def fresh(tmp_path: Path, name: str = "fresh") -> Deployment:
    return Deployment(tmp_path / name, f"sqlite:///{tmp_path / name / 'practipal.db'}")


def nothing_written(target: Deployment) -> bool:
    return not target.data_dir.exists() or not any(target.data_dir.iterdir())


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def repack(members: dict[str, bytes], target: Path, *extra: tarfile.TarInfo) -> Path:
    with tarfile.open(target, "w:gz") as tar:
        for info in extra:
            tar.addfile(info, io.BytesIO(b"x" * info.size))
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def with_manifest(members: dict[str, bytes], **changes) -> dict[str, bytes]:
    manifest = json.loads(members[archive.MANIFEST])
    manifest.update(changes)
    return {**members, archive.MANIFEST: json.dumps(manifest).encode()}


def member(name: str, kind: bytes = tarfile.REGTYPE, size: int = 1, link: str = ""):
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname = kind, size if kind == tarfile.REGTYPE else 0, link
    return info


def truncated(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def not_gzip(source: Path, target: Path) -> Path:
    target.write_bytes(b"hello")
    return target


def tampered(source: Path, target: Path) -> Path:
    members = members_of(source)
    members["uploads/resources/a.pdf"] = PDF + b"changed after the backup"
    return repack(members, target)


BROKEN: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "truncated": (truncated, "The archive is damaged or incomplete"),
    "not gzip": (not_gzip, "The archive is damaged or incomplete"),
    "tampered member": (tampered, "Checksum mismatch for uploads/resources/a.pdf"),
    "unlisted member": (
        lambda s, t: repack(members_of(s), t, member("uploads/resources/extra.pdf")),
        "Refused: the archive holds uploads/resources/extra.pdf, which its manifest does not list",
    ),
    "no manifest": (
        lambda s, t: repack({k: v for k, v in members_of(s).items() if k != archive.MANIFEST}, t),
        "The archive has no manifest.json",
    ),
    "unknown format": (
        lambda s, t: repack(with_manifest(members_of(s), format_version=99), t),
        "Unknown backup format version 99",
    ),
    "dot-dot member": (
        lambda s, t: repack(members_of(s), t, member("uploads/../../evil.txt")),
        "Refused: the archive member 'uploads/../../evil.txt' would be written outside",
    ),
    "absolute member": (
        lambda s, t: repack(members_of(s), t, member("/tmp/evil.txt")),
        "Refused: the archive member '/tmp/evil.txt' would be written outside",
    ),
    "symlink member": (
        lambda s, t: repack(members_of(s), t, member("uploads/x", tarfile.SYMTYPE, link="/etc")),
        "Refused: the archive member 'uploads/x' is a link, folder or device",
    ),
    "device member": (
        lambda s, t: repack(members_of(s), t, member("uploads/tty", tarfile.CHRTYPE)),
        "Refused: the archive member 'uploads/tty' is a link, folder or device",
    ),
    "other database kind": (
        lambda s, t: repack(with_manifest(members_of(s), database_kind="postgresql"), t),
        "Refused: this archive holds a postgresql database, and this deployment uses sqlite",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_restore_refuses_a_broken_or_unsafe_archive_and_writes_nothing(case, small, tmp_path):
    make, message = BROKEN[case]
    broken = make(small.archive, tmp_path / "broken.tar.gz")
    target = fresh(tmp_path)
    with pytest.raises(BackupError) as refused:
        restore(target.settings, broken)
    assert message in str(refused.value)
    assert nothing_written(target)
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


def test_restore_refuses_a_database_or_uploads_folder_that_is_not_empty(small, tmp_path, deploy):
    with_tables = deploy.new("tables")
    deploy.use(with_tables)
    assert cli.main(["restore", str(small.archive)]) == 1
    database_files = {"practipal.db", "practipal.db-wal", "practipal.db-shm"}
    assert {p.name for p in with_tables.data_dir.iterdir()} <= database_files
    assert db.call(lambda s: s.get(Practice, 1)) is None  # still the empty practice table

    with_files = fresh(tmp_path, "files")
    kept = with_files.data_dir / "uploads" / "resources" / "mine.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(PDF)
    with pytest.raises(BackupError, match="uploads folder .* already holds 1 files"):
        restore(with_files.settings, small.archive)
    assert tree(with_files.data_dir) == {"uploads/resources/mine.pdf": sha(kept)}


def test_the_restore_command_says_why_it_refused(small, tmp_path, deploy, capsys):
    deploy.use(deploy.new("busy"))
    assert cli.main(["restore", str(small.archive)]) == 1
    assert capsys.readouterr().err.startswith("practipal restore: Refused: the database already")


# Encryption ---------------------------------------------------------------------------------------


def test_a_passphrase_encrypted_backup_restores_only_with_its_passphrase(
    small, tmp_path, deploy, monkeypatch, capsys
):
    sealed = take_backup(small.source.settings, tmp_path / "out", passphrase="monsoon-kettle").path
    assert sealed.name.endswith(".tar.gz.age") and archive.is_encrypted(sealed)
    assert b"grounding" not in sealed.read_bytes()
    target = fresh(tmp_path)
    with pytest.raises(BackupError, match="This archive is encrypted: give its passphrase"):
        restore(target.settings, sealed)
    with pytest.raises(BackupError, match="wrong passphrase or key"):
        restore(target.settings, sealed, passphrase="monsoon-teapot")
    assert nothing_written(target)

    deploy.use(target)
    monkeypatch.setenv("BACKUP_PASSPHRASE", "monsoon-kettle")
    assert cli.main(["restore", str(sealed), "--passphrase-env", "BACKUP_PASSPHRASE"]) == 0
    assert "and 2 uploaded files" in capsys.readouterr().out
    assert tree(target.data_dir / "uploads") == tree(small.source.data_dir / "uploads")


def test_a_backup_encrypted_to_an_age_key_restores_with_its_identity_file(
    small, tmp_path, deploy, capsys
):
    identity = pyrage.x25519.Identity.generate()
    deploy.use(small.source)
    command = ["backup", "--out", str(tmp_path / "out"), "--recipient", str(identity.to_public())]
    assert cli.main(command) == 0
    sealed = Path(capsys.readouterr().out.splitlines()[0])
    assert sealed.name.endswith(".tar.gz.age") and archive.is_encrypted(sealed)
    key_file = tmp_path / "key.txt"
    key_file.write_text(
        f"# created: 2026-03-04\n# public key: {identity.to_public()}\n{identity}\n"
    )
    other = tmp_path / "other.txt"
    other.write_text(f"{pyrage.x25519.Identity.generate()}\n")

    target = fresh(tmp_path)
    deploy.use(target)
    assert cli.main(["restore", str(sealed), "--identity", str(other)]) == 1
    assert "wrong passphrase or key" in capsys.readouterr().err
    assert nothing_written(target)
    assert cli.main(["restore", str(sealed), "--identity", str(key_file)]) == 0
    assert tree(target.data_dir / "uploads") == tree(small.source.data_dir / "uploads")


def test_a_passphrase_is_read_from_the_environment_and_a_bad_key_refused_before_backing_up(
    small, tmp_path, deploy, capsys
):
    deploy.use(small.source)
    out = tmp_path / "out"
    assert cli.main(["backup", "--out", str(out), "--passphrase-env", "NO_SUCH_VARIABLE"]) == 1
    assert "Set the environment variable NO_SUCH_VARIABLE" in capsys.readouterr().err
    assert cli.main(["backup", "--out", str(out), "--recipient", "age1nope"]) == 1
    assert "Not an age public key" in capsys.readouterr().err
    assert not out.exists() or archives(out) == []


# PostgreSQL's tools -------------------------------------------------------------------------------


def test_a_postgresql_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    settings = config.load_settings(
        {
            "PRACTIPAL_DATA_DIR": str(tmp_path / "data"),
            "PRACTIPAL_DATABASE_URL": "postgresql://practipal@127.0.0.1:1/practipal",
        }
    )
    with pytest.raises(BackupError, match=r"pg_dump is needed .* apt install postgresql-client"):
        take_backup(settings)
    recorded = status.read_status(tmp_path / "data" / "backups")
    assert not recorded.ok and recorded.error.startswith("pg_dump is needed")


def test_a_pg_dump_older_than_the_server_is_refused(tmp_path, monkeypatch):
    _need_postgres()
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o700)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    settings = config.load_settings(
        {"PRACTIPAL_DATA_DIR": str(tmp_path / "data"), "PRACTIPAL_DATABASE_URL": PG_URL}
    )
    with pytest.raises(BackupError, match=r"pg_dump 9 is older than the PostgreSQL \d+ server"):
        take_backup(settings, tmp_path / "out")
    assert archives(tmp_path / "out") == []


# Retention ----------------------------------------------------------------------------------------


def test_retention_keeps_seven_daily_and_four_weekly_backups(tmp_path):
    """Sixty nightly backups up to Wednesday 4 March 2026, and a second one that day."""
    nights = [datetime(2026, 3, 4, 2, 30, tzinfo=UTC) - timedelta(days=d) for d in range(60)]
    names = [archive.backup_name(at, encrypted=d % 2 == 1) for d, at in enumerate(nights)]
    names.append(archive.backup_name(datetime(2026, 3, 4, 10, 0, tzinfo=UTC), encrypted=False))
    for name in [*names, "notes.txt", "status.json", "practipal-latest.tar.gz"]:
        (tmp_path / name).write_bytes(b"")

    gone = schedule.prune(tmp_path)

    daily = ["20260304-100000", *(f"202603{d:02d}-023000" for d in (3, 2, 1))]
    daily += [f"202602{d:02d}-023000" for d in (28, 27, 26)]
    # The newest of the ISO weeks 2-8 March and 23 Feb - 1 March are daily ones already; the
    # weekly ones are the Sundays of the four weeks before.
    weekly = [f"202602{d:02d}-023000" for d in (22, 15, 8, 1)]
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in kept if archive.NAME.match(n)] == sorted(
        n for n in names if any(f"-{stamp}Z" in n for stamp in daily + weekly)
    )
    assert len(gone) == 61 - 11
    assert {"notes.txt", "status.json", "practipal-latest.tar.gz"} <= set(kept)


# The worker's daily backup ------------------------------------------------------------------------


def test_the_daily_backup_is_taken_once_a_day_at_its_time_and_caught_up_after_downtime(
    deploy, monkeypatch
):
    monkeypatch.setenv("PRACTIPAL_BACKUP_TIME", "02:30")
    deployment = deploy.new("daily")
    deploy.use(deployment)

    first = schedule.run_daily_backup(local(3, 4, 9))  # never backed up: at once
    assert first is not None and first.parent == deployment.backups
    assert schedule.run_daily_backup(local(3, 4, 9, 5)) is None
    assert schedule.run_daily_backup(local(3, 5, 2, 29)) is None
    second = schedule.run_daily_backup(local(3, 5, 2, 31))
    # The server was down from the 6th to the 8th: one backup when it is back, then none.
    third = schedule.run_daily_backup(local(3, 8, 15))
    assert schedule.run_daily_backup(local(3, 8, 15, 1)) is None
    assert archives(deployment.backups) == sorted(p.name for p in (first, second, third))
    recorded = status.read_status(deployment.backups)
    assert recorded.ok and recorded.file == third.name and recorded.size == third.stat().st_size


def test_the_daily_backup_can_be_turned_off(deploy, monkeypatch):
    monkeypatch.setenv("PRACTIPAL_BACKUP_TIME", "off")
    deployment = deploy.new("off")
    deploy.use(deployment)
    assert schedule.run_daily_backup(local(3, 4, 9)) is None
    assert not deployment.backups.exists()


async def test_the_worker_backs_up_without_a_mail_server(deploy):
    deployment = deploy.new("nomail")
    deploy.use(deployment)
    settings = config.get_settings()
    assert not settings.smtp_configured
    await worker.poll_once(settings)
    assert len(archives(deployment.backups)) == 1
    assert status.read_status(deployment.backups).ok


async def test_a_failed_backup_is_recorded_kept_on_the_page_and_retried_an_hour_later(
    deploy, monkeypatch, caplog
):
    deployment = deploy.new("fails")
    deploy.use(deployment)
    good = schedule.run_daily_backup(local(3, 4, 9))
    monkeypatch.setenv("PRACTIPAL_DATABASE_URL", f"sqlite:///{deployment.data_dir / 'gone.db'}")
    config.get_settings.cache_clear()

    await worker.run_housekeeping(local(3, 5, 2, 31))  # the worker logs it and carries on
    assert "run_daily_backup failed" in caplog.text
    recorded = status.read_status(deployment.backups)
    assert not recorded.ok and recorded.error.startswith("There is no SQLite database at ")
    assert recorded.last_ok_at == local(3, 4, 9) and recorded.at == local(3, 5, 2, 31)
    row = status_row(recorded, "Asia/Kolkata", local(3, 5, 2, 32))
    assert row.result == "Failed" and row.warning.startswith("The last backup failed: There is no")
    assert "The last good one is from 4 Mar 2026" in row.warning

    assert schedule.run_daily_backup(local(3, 5, 3, 0)) is None  # not retried at every poll
    monkeypatch.setenv("PRACTIPAL_DATABASE_URL", deployment.url)
    config.get_settings.cache_clear()
    retried = schedule.run_daily_backup(local(3, 5, 3, 32))
    assert archives(deployment.backups) == sorted([good.name, retried.name])


def test_two_processes_due_at_once_take_one_backup(deploy):
    deployment = deploy.new("race")
    deploy.use(deployment)
    folder = status.make_backups_dir(config.get_settings())
    with (folder / schedule.LOCK_FILE).open("a") as held:  # another process is taking it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert schedule.run_daily_backup(local(3, 4, 9)) is None
        fcntl.flock(held, fcntl.LOCK_UN)

    start = threading.Barrier(2)

    def take(_: int) -> Path | None:
        start.wait()
        return schedule.run_daily_backup(local(3, 4, 9))

    with ThreadPoolExecutor(2) as pool:
        taken = list(pool.map(take, range(2)))
    assert sorted(t is None for t in taken) == [False, True]
    assert len(archives(folder)) == 1


def test_backups_and_restored_files_are_private_whatever_the_umask(deploy, small, tmp_path):
    previous = os.umask(0o022)
    try:
        deployment = deploy.new("modes")
        deploy.use(deployment)
        taken = schedule.run_daily_backup(local(3, 4, 9))
        folder = deployment.backups
        assert mode(folder) == 0o700
        assert {p.name: mode(p) for p in folder.iterdir()} == {
            taken.name: 0o600,
            status.STATUS_FILE: 0o600,
            schedule.LOCK_FILE: 0o600,
        }
        target = fresh(tmp_path)
        restore(target.settings, small.archive)
        assert mode(target.data_dir / "practipal.db") == 0o600
        assert mode(target.data_dir / "uploads" / "resources") == 0o700
        assert loose_modes(target.data_dir) == []
    finally:
        os.umask(previous)


# The owner's settings page ------------------------------------------------------------------------


async def test_the_owner_sees_the_last_backup_and_a_therapist_is_sent_away(deploy):
    deployment = deploy.new("page")
    deploy.use(deployment)
    owner_id = seed_owner()
    therapist = db.call(
        practice.add_staff, 1, "Vikram Nair", "vikram@example.com", Role.THERAPIST, None
    )
    page = open_page(BackupStatusState, owner_id, "/app/settings")

    await run(page, "load")
    assert not page.backup.known
    assert "No backup has been taken yet" in page.backup.warning
    assert "`practipal backup`" in page.backup.warning

    at = utcnow() - timedelta(hours=3)
    name = archive.backup_name(at, encrypted=False)
    status.record_success(status.make_backups_dir(config.get_settings()), at, Path(name), 2_345_678)
    await run(page, "load")
    assert page.backup == BackupStatusRow(
        known=True,
        ok=True,
        when=format_local(at, "Asia/Kolkata"),
        size="2.3 MB",
        result="Succeeded",
        file=name,
        warning="",
    )

    stale = status_row(status.read_status(deployment.backups), "Asia/Kolkata", at + timedelta(3))
    assert stale.warning.startswith("The last backup is more than two days old")

    theirs = open_page(BackupStatusState, therapist, "/app/settings")
    away = await run(theirs, "load")
    assert away.args[0][1]._var_value == "/app"
    assert theirs.backup == BackupStatusRow()
