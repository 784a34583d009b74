"""A tab's state belongs to the sign-in session that filled it, and ends with it.

Reflex keeps each tab's state on the server under the tab's client token and sends all of it to
whoever connects with that token. So before every event (the page's first `hydrate` included) the
middleware reads the session cookie of the websocket; when the session that owns the tab's state
is not the one acting now (signed out, expired, or someone else), every PractiPal state of the tab
is emptied first. The lifespan task empties the tabs of sessions that ended while their tabs were
quiet, so nothing of theirs waits on the server for the next connection.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from practipal_app import db
from practipal_app.core.identity import Actor
from practipal_app.people import tabs

log = logging.getLogger("practipal.tabs")

#: How often the server looks for tabs of sessions that have ended.
SWEEP_SECONDS = 5.0


class TabOwnerState(rx.State):
    """The sign-in session this tab's state belongs to; never sent to the browser."""

    _session_id: int = 0


def practipal_states(root: type[rx.State] = rx.State) -> list[type[rx.State]]:
    """Every state class of this app, at any depth."""
    found = []
    for cls in root.get_substates():
        if cls.__module__.startswith("practipal_app."):
            found.append(cls)
        found.extend(practipal_states(cls))
    return found


async def empty(state: rx.State) -> None:
    """Reset every PractiPal state of this tab to its defaults (loading those not yet loaded)."""
    root = state._get_root_state()
    for cls in practipal_states():
        (await root.get_state(cls)).reset()


async def claim(state: rx.State, actor: Actor | None) -> bool:
    """Make the tab's state belong to `actor`'s session, emptying what another session left.
    True when the tab has just been claimed by a signed-in session."""
    owner = await state.get_state(TabOwnerState)
    session_id = actor.session_id if actor else 0
    if owner._session_id == session_id:
        return False
    if owner._session_id:
        await empty(state)
    owner._session_id = session_id
    if session_id and (client_token := state.router.session.client_token):
        db.write_later(tabs.bind, session_id, client_token)
    return bool(session_id)


async def empty_ended_tabs(app: rx.App) -> None:
    """Lifespan task: empty, on the server, the tabs of every session that has ended."""
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            await _sweep(app)
        except Exception:  # a failed pass is retried on the next one
            log.exception("emptying the tabs of ended sessions failed")


async def _sweep(app: rx.App) -> int:
    bindings = await db.acall(tabs.ended)
    for binding in bindings:
        token = rx.BaseStateToken(ident=binding.client_token, cls=rx.State)
        async with app.modify_state(token) as root:
            await empty(root)
    await db.acall(tabs.forget, [b.id for b in bindings])
    return len(bindings)
