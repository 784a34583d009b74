"""The session check every event makes: from memory, without the write lock, and forgotten at once
when the session ends in this process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from practipal_app import db
from practipal_app.models import AuthSession
from practipal_app.models.base import utcnow
from practipal_app.people import auth, session_cache


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    session_cache.forget_all()
    yield
    session_cache.forget_all()


@pytest.fixture
def statements(engine) -> list[str]:
    """Every SQL statement the app sends from now on."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _token(owner) -> str:
    return db.call(auth.start_session, owner, "pytest")


def test_a_second_check_within_the_ttl_asks_the_database_nothing(owner, statements):
    token = _token(owner)
    first = asyncio.run(session_cache.actor(token))
    asked = len(statements)
    second = asyncio.run(session_cache.actor(token))
    assert first == second and first.user_id == owner.id
    assert asked > 0 and len(statements) == asked


def test_sign_out_is_seen_by_the_very_next_check(owner):
    token = _token(owner)
    assert asyncio.run(session_cache.actor(token)) is not None
    db.call(auth.end_session, token)
    assert asyncio.run(session_cache.actor(token)) is None


def test_sign_out_everywhere_is_seen_by_the_very_next_check(owner):
    phone, laptop = _token(owner), _token(owner)
    actor = asyncio.run(session_cache.actor(phone))
    assert asyncio.run(session_cache.actor(laptop)) is not None
    db.call(auth.sign_out_everywhere, actor)
    assert asyncio.run(session_cache.actor(phone)) is None
    assert asyncio.run(session_cache.actor(laptop)) is None


def test_a_session_ended_by_another_worker_stops_within_the_ttl(owner, monkeypatch):
    token = _token(owner)
    assert asyncio.run(session_cache.actor(token)) is not None
    with db.session_scope() as session:  # another process: no commit hook of ours runs there
        session.exec(update(AuthSession).values(revoked_at=utcnow()))
    assert asyncio.run(session_cache.actor(token)) is not None  # still the cached answer
    monkeypatch.setattr(session_cache, "TTL_SECONDS", 0.0)
    assert asyncio.run(session_cache.actor(token)) is None


def test_last_seen_is_written_at_most_once_a_minute(owner, statements):
    token = _token(owner)
    long_ago = utcnow() - timedelta(minutes=5)
    with db.session_scope() as session:
        session.exec(update(AuthSession).values(last_seen_at=long_ago))
    del statements[:]

    async def three_checks() -> None:
        for _ in range(3):
            assert await session_cache.actor(token) is not None
        await db.writes_done()

    asyncio.run(three_checks())
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE AUTHSESSION")]
    assert len(updates) == 1
    row = db.read(lambda s: s.exec(auth.select(AuthSession)).one())
    assert row.last_seen_at > long_ago + timedelta(minutes=4)


def test_the_check_neither_takes_nor_waits_for_the_write_lock(database, owner):
    if database.backend != "sqlite":
        pytest.skip("SQLite's single write lock")
    token = _token(owner)
    held, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        with database.engine.begin():  # the app's engine begins every write IMMEDIATE
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    write = None
    try:
        assert held.wait(10)
        actor = asyncio.run(asyncio.wait_for(session_cache.actor(token), timeout=3))
        assert actor is not None and actor.user_id == owner.id
        # The control: a write does wait, so the lock really is held.
        write = threading.Thread(target=db.call, args=(auth.touch, actor.session_id, utcnow()))
        write.start()
        write.join(1.0)
        assert write.is_alive()
    finally:
        release.set()
        holder.join()
        if write is not None:
            write.join()
