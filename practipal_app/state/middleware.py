"""What runs before every event: the tab's state belongs to the session acting now."""

from __future__ import annotations

import json

from reflex.middleware import Middleware
from reflex.state import StateUpdate

from practipal_app.state import viewer
from practipal_app.state.session import remember_signed_in, signed_in
from practipal_app.state.tab_session import claim

#: The most of a page address (path and query, as JSON) a tab's state keeps. Reflex stores what
#: every event says about its page for the tab's lifetime, signed in or not.
ADDRESS_MAX = 4_000
_ADDRESS_KEYS = ("pathname", "query", "asPath")


def _address_size(router_data: dict) -> int:
    return len(json.dumps([router_data.get(k) for k in _ADDRESS_KEYS], default=str))


class TabSessionMiddleware(Middleware):
    """Runs before every event: an oversized page address is dropped (and the event with it), and
    the tab's state is the acting session's, or it is emptied (and, claimed by a signed-in
    session, shows who is signed in)."""

    async def preprocess(self, app, state, event):
        if _address_size(state.router_data) > ADDRESS_MAX:
            blank = {**state.router_data, "pathname": "/", "query": {}, "asPath": "/"}
            state.router_data = state._update_router_vars(blank, state.router_data)
            return StateUpdate()
        actor = await signed_in(state)
        remember_signed_in(state, actor)
        if await claim(state, actor):
            await viewer.show(state, actor)
        return None
