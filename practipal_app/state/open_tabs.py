"""Open tabs keep their state; closed ones lose it within minutes.

Reflex drops a tab's state `redis_token_expiration` seconds after its last event, on both state
managers, whether the tab is still open or not. rxconfig.py makes that minutes rather than an hour,
so a tab left open and quiet (a note half read, a page on a second screen) would find its state
gone at its next click. This lifespan task refreshes, every quarter of that time, the state of
each tab whose websocket is connected to this worker; a closed tab's state then ends on time.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.istate.manager.redis import StateManagerRedis

log = logging.getLogger("practipal.tabs")


def _state_names(root: type[rx.State] = rx.State) -> list[str]:
    """The full names of every state class, at any depth (Reflex's and the app's)."""
    names = [root.get_full_name()]
    for cls in root.get_substates():
        names.extend(_state_names(cls))
    return names


async def refresh_open_tabs(app: rx.App) -> int:
    """Restart the expiry of every connected tab's state; returns how many tabs."""
    namespace = app.event_namespace
    tokens = list(namespace.token_to_sid) if namespace is not None else []
    manager = app.state_manager
    if isinstance(manager, StateManagerRedis):
        # One key per state class of a tab (`<token>_<state name>`, as Reflex 0.10 stores them);
        # EXPIRE skips a key the tab never wrote.
        names = _state_names()
        pipeline = manager.redis.pipeline(transaction=False)
        for token in tokens:
            for name in names:
                pipeline.expire(f"{token}_{name}", manager.token_expiration)
        await pipeline.execute()
    else:
        for token in tokens:  # reading a state restarts its expiry in memory
            await manager.get_state(rx.BaseStateToken(ident=token, cls=rx.State))
    return len(tokens)


async def keep_open_tabs(app: rx.App) -> None:
    """Lifespan task: refresh the open tabs' states four times per expiry period."""
    period = rx.config.get_config().redis_token_expiration / 4
    while True:
        await asyncio.sleep(period)
        try:
            await refresh_open_tabs(app)
        except Exception:  # a failed pass is retried on the next one
            log.exception("refreshing the open tabs' state failed")
