"""The database half of a backup: SQLite through its online backup API (a consistent copy while the
app writes), PostgreSQL through `pg_dump` and `pg_restore` when they are on this machine."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlmodel import func, select

from practipal_app import db
from practipal_app.backups.archive import BackupError
from practipal_app.core.private_files import open_private
from practipal_app.models import ClientProfile, Invoice, Message, Payment, Resource

SQLITE, POSTGRESQL = "sqlite", "postgresql"
#: The database member's file name in an archive, by kind.
DUMP_NAMES = {SQLITE: "practipal.db", POSTGRESQL: "practipal.dump"}
#: What a restore reports, by label.
COUNTED = (
    ("clients", ClientProfile),
    ("messages", Message),
    ("invoices", Invoice),
    ("payments", Payment),
    ("resources", Resource),
)
CLIENT_TOOLS = "install the PostgreSQL client tools (Debian/Ubuntu: apt install postgresql-client)"


def _url(url: str) -> URL:
    return make_url(db.normalize_url(url))


def kind_of(url: str) -> str:
    backend = _url(url).get_backend_name()
    if backend in (SQLITE, POSTGRESQL):
        return backend
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")


def sqlite_file(url: str) -> Path:
    name = _url(url).database
    if not name or name == ":memory:":
        raise BackupError("The SQLite database is in memory: there is nothing to back up.")
    return Path(name)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_revision(path: Path) -> str | None:
    with closing(_read_only(path)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no such table: the schema was not made by Alembic
            return None
    return row[0] if row else None


def copy_sqlite(source: Path, target: Path) -> str | None:
    """A consistent copy of the live database (writers carry on); its Alembic revision.

    One backup step copies every page inside a single read transaction: in WAL mode writers are
    not blocked, and nothing they commit meanwhile gets into the copy half-way.
    """
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    open_private(target).close()  # SQLite keeps the mode of a file it is given
    with closing(_read_only(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return _sqlite_revision(target)


# PostgreSQL ---------------------------------------------------------------------------------------


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it (no `+psycopg`), with the password moved out of argv to the env."""
    parsed = _url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
        parsed = parsed.set(password=None)
    return parsed.render_as_string(hide_password=False), env


def _tool(name: str, purpose: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is needed to {purpose} a PostgreSQL database: {CLIENT_TOOLS}.")
    return path


def _major(tool: str) -> int:
    command = [tool, "--version"]
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    if not match:
        raise BackupError(f"Could not read the version of {tool} ({out.strip()!r}).")
    return int(match.group(1))


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    # S603: a tool found by shutil.which with fixed options and the app's own URL; no shell.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{name} failed: {lines[-1] if lines else f'exit {done.returncode}'}")


@contextmanager
def _connected(url: str) -> Iterator[sa.Connection]:
    """A connection of its own (not the app's pool); an unreachable server is a BackupError."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    except sa.exc.OperationalError as exc:
        first = str(exc.orig or exc).strip().splitlines()[0]
        raise BackupError(f"Could not use the database: {first}") from exc
    finally:
        engine.dispose()


def _postgres_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def dump_postgres(url: str, target: Path) -> str | None:
    """`pg_dump -Fc` of the database into `target` (0600); its Alembic revision."""
    pg_dump = _tool("pg_dump", "back up")
    with _connected(url) as conn:
        server = int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000
        revision = _postgres_revision(conn)
    client = _major(pg_dump)
    if client < server:
        raise BackupError(
            f"pg_dump {client} is older than the PostgreSQL {server} server and cannot dump it: "
            f"install postgresql-client-{server}."
        )
    libpq, env = _libpq(url)
    open_private(target).close()  # pg_dump rewrites the file and keeps its mode
    command = ["--no-owner", "--no-privileges", "--format=custom", f"--file={target}"]
    _run([pg_dump, *command, f"--dbname={libpq}"], env, "pg_dump")
    return revision


def restore_postgres(url: str, dump: Path) -> None:
    """Load a dump into the (empty) database in one transaction: all of it, or nothing."""
    pg_restore = _tool("pg_restore", "restore")
    libpq, env = _libpq(url)
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    _run([pg_restore, *options, f"--dbname={libpq}", str(dump)], env, "pg_restore")


# Both ---------------------------------------------------------------------------------------------


def snapshot(url: str, target: Path) -> str | None:
    """The database copied (SQLite) or dumped (PostgreSQL) into `target`; its Alembic revision."""
    if kind_of(url) == SQLITE:
        return copy_sqlite(sqlite_file(url), target)
    return dump_postgres(url, target)


def tables(url: str) -> list[str]:
    """The tables the database holds (in PostgreSQL: in its current schema); [] for no file."""
    if kind_of(url) == POSTGRESQL:
        sql = (
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        with _connected(url) as conn:
            return list(conn.exec_driver_sql(sql).scalars())
    path = sqlite_file(url)
    if not path.exists():
        return []
    sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    try:
        with closing(_read_only(path)) as conn:
            return [row[0] for row in conn.execute(sql)]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} exists and is not an empty SQLite database ({exc}).") from exc


def counts(url: str) -> tuple[tuple[str, int], ...]:
    """(label, rows) of what a person would call the practice's records."""
    with _connected(url) as conn:
        return tuple(
            (label, conn.execute(select(func.count()).select_from(model)).scalar_one())
            for label, model in COUNTED
        )
