"""Engine and session helpers. SQLite gets WAL and foreign keys; PostgreSQL uses psycopg 3."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from practipal_app.config import get_settings

T = TypeVar("T")

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
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
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
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _engine = make_engine(settings.database_url)
    return _engine


def set_engine(engine: Engine | None) -> None:
    """Point the app at another engine (tests, CLI)."""
    global _engine
    _engine = engine


@contextmanager
def session_scope(write_lock: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    `write_lock` takes SQLite's write lock when the transaction starts (BEGIN IMMEDIATE), so a
    check-then-insert cannot interleave with another writer. PostgreSQL needs no such lock here:
    its constraints (e.g. the appointment exclusion constraint) settle races.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        if write_lock:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
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


def call_locked(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Like `call`, holding the write lock from the start (see `session_scope`)."""
    with session_scope(write_lock=True) as session:
        return fn(session, *args, **kwargs)


async def acall(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service in a worker thread so the event loop never waits on the database."""
    return await asyncio.to_thread(call, fn, *args, **kwargs)


async def acall_locked(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(call_locked, fn, *args, **kwargs)
