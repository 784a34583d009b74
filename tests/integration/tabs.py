"""A page's Reflex state as one browser tab holds it, signed in as someone: its handlers are called
directly, and the guard reads the session cookie from the tab's router as it would from the
websocket."""

from __future__ import annotations

from reflex.istate.data import RouterData
from reflex.state import State

from practipal_app import db
from practipal_app.models import User
from practipal_app.people import auth


def open_page(state_class: type[State], user: User | int, path: str, query: dict | None = None):
    """`state_class` in a new tab at `path`, signed in as `user` (a row or an id)."""
    if isinstance(user, int):
        user = db.call(lambda s: s.get(User, user))
    cookie = db.call(auth.start_session, user, "pytest")
    router = RouterData.from_router_data(
        {
            "headers": {"cookie": f"{auth.SESSION_COOKIE}={cookie}"},
            "pathname": path,
            "asPath": path,
            "query": query or {},
        }
    )
    root = State(_reflex_internal_init=True)
    root.router = router
    page = root.get_substate(state_class.get_full_name().split(".")[1:])
    page.router = router
    return page


def run(page, handler: str, *args):
    """Call one of the page's handlers as its event would (the guard included)."""
    return page.event_handlers[handler].fn(page, *args)
