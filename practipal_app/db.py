"""Engine and session helpers. SQLite gets WAL and foreign keys; PostgreSQL uses psycopg 3."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from practipal_app.config import get_settings

T = TypeVar("T")

log = logging.getLogger("practipal.db")

_engine: Engine | None = None


def normalize_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN is turned off; `_sqlite_begin` issues it instead, so a
    # transaction can take the write lock up front (BEGIN IMMEDIATE) when it must.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: every transaction takes SQLite's single write lock when it starts, so a
    # check-then-write (an overlap check before a booking, a claim before a send) cannot interleave
    # with another writer, and no transaction fails later on a stale snapshot. Transactions here
    # are short; `read_only` scopes start DEFERRED and never block writers.
    mode = (
        "DEFERRED" if connection.get_execution_options().get("practipal_read_only") else "IMMEDIATE"
    )
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        settings = get_settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        _engine = make_engine(settings.database_url)
    return _engine


def set_engine(engine: Engine | None) -> None:
    """Point the app at another engine (tests, CLI)."""
    global _engine
    _engine = engine


def _keep_loaded(session: Session, instance: Any) -> None:
    # The identity map holds rows weakly: a row one service read and let go is read again by the
    # next service's `session.get` in the same transaction (a page's client profile three times).
    # Holding them until the session closes makes repeated gets free.
    session.info.setdefault("loaded", []).append(instance)


event.listen(Session, "loaded_as_persistent", _keep_loaded)


@contextmanager
def session_scope(read_only: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    On SQLite it holds the write lock from its start unless `read_only`. PostgreSQL relies on its
    constraints instead (e.g. the appointment exclusion constraint) to settle races.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        if read_only:
            session.connection(execution_options={"practipal_read_only": True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run fn(session, *args) in its own transaction."""
    with session_scope() as session:
        return fn(session, *args, **kwargs)


def read(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service that only reads: on SQLite it neither takes nor waits for the write lock."""
    with session_scope(read_only=True) as session:
        return fn(session, *args, **kwargs)


async def aread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(read, fn, *args, **kwargs)


async def aread_each(*calls: tuple[Any, ...]) -> list[Any]:
    """Several reads, each `(fn, *args)`, in one read-only transaction and one trip to a worker
    thread: a page that shows five things pays for one."""

    def run(session: Session) -> list[Any]:
        return [fn(session, *args) for fn, *args in calls]

    return await aread(run)


async def acall(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service in a worker thread so the event loop never waits on the database."""
    return await asyncio.to_thread(call, fn, *args, **kwargs)


#: Writes started by `write_later` and not yet finished (the loop keeps only weak references).
_pending: set[asyncio.Task] = set()


def write_later(fn: Callable[..., Any], *args: Any) -> None:
    """Start a short bookkeeping write and return at once: the event that asked does not wait for
    the write lock (nor hold its tab's state lock meanwhile). A failure is logged, not raised."""
    task = asyncio.get_running_loop().create_task(_write_logged(fn, *args))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _write_logged(fn: Callable[..., Any], *args: Any) -> None:
    try:
        await acall(fn, *args)
    except Exception:
        log.exception("background write %s failed", getattr(fn, "__qualname__", fn))


async def writes_done() -> None:
    """Wait for every `write_later` write started so far (tests)."""
    while _pending:
        await asyncio.gather(*list(_pending), return_exceptions=True)
