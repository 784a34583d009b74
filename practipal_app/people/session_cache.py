"""Who a session cookie belongs to, answered from memory for a few seconds.

Every websocket event and every file request asks, so the answer is kept per token hash for
`TTL_SECONDS`, read without the write lock, and "last seen" (what the idle timeout counts from) is
written at most once a minute, in the background. A transaction that ends sessions (sign-out, sign
out everywhere, a password reset) empties this process's cache when it commits; another worker of a
team deployment keeps its answer until it is `TTL_SECONDS` old.
"""

from __future__ import annotations

import time
from dataclasses import replace

from sqlalchemy import event
from sqlalchemy.orm import Session

from practipal_app import db
from practipal_app.core.identity import Actor
from practipal_app.core.tokens import hash_token
from practipal_app.models.base import utcnow
from practipal_app.people import auth

TTL_SECONDS = 10.0
#: More live sessions than this in one process and the cache starts afresh.
MAX_ENTRIES = 20_000

_entries: dict[str, tuple[float, auth.LiveSession]] = {}
#: Bumped whenever the cache is emptied, so a lookup that raced a sign-out is not kept.
_generation = 0


async def actor(token: str | None) -> Actor | None:
    """The signed-in actor of a session cookie, or None."""
    if not token:
        return None
    key = hash_token(token)
    now = utcnow()
    live = _cached(key)
    if live is None:
        generation = _generation
        live = await db.aread(auth.look_up, key, now)
        if live is None:
            return None
        _keep(key, live, generation)
    if not live.live_at(now):
        _entries.pop(key, None)
        return None
    if live.due_touch(now):
        _keep(key, replace(live, last_seen_at=now), _generation)
        db.write_later(auth.touch, live.actor.session_id, now)
    return live.actor


def forget_all() -> None:
    global _generation
    _generation += 1
    _entries.clear()


def _cached(key: str) -> auth.LiveSession | None:
    entry = _entries.get(key)
    if entry is None or time.monotonic() - entry[0] > TTL_SECONDS:
        return None
    return entry[1]


def _keep(key: str, live: auth.LiveSession, generation: int) -> None:
    if generation != _generation:
        return
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (time.monotonic(), live)


@event.listens_for(Session, "after_commit")
def _forget_ended_sessions(session: Session) -> None:
    if session.info.pop(auth.SESSIONS_ENDED, False):
        forget_all()
