"""Who is signed in, read from the HttpOnly cookie of the websocket connection, and what every state
reads from an event: route parameters, ids and ticked boxes.

Handlers are guarded with `state.guard.guarded`; page guards only decide what to display.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from functools import lru_cache
from http.cookies import CookieError, SimpleCookie
from types import MappingProxyType
from urllib.parse import quote

import reflex as rx

from practipal_app.core.errors import NotFound
from practipal_app.core.identity import Actor
from practipal_app.models import CLINICIAN_ROLES, STAFF_ROLES, Role
from practipal_app.people import auth, session_cache

STAFF = STAFF_ROLES
CLINICIANS = CLINICIAN_ROLES
CLIENTS = frozenset({Role.CLIENT})
OWNER = frozenset({Role.OWNER})


def cookie_value(state: rx.State, name: str) -> str:
    """An HttpOnly cookie's value, as sent with the websocket handshake (never part of the
    state)."""
    return _cookies(state.router.headers.cookie or "").get(name, "")


@lru_cache(maxsize=1024)
def _cookies(header: str) -> Mapping[str, str]:
    """A Cookie header's values, read-only. Every event of a tab carries its handshake's header,
    so it is parsed once."""
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return MappingProxyType({})
    return MappingProxyType({name: morsel.value for name, morsel in jar.items()})


#: The actor the tab-session middleware read for the event being processed, with the cookie it
#: read: the guard then needs no second lookup. Set only by that middleware, before each event.
_EVENT_ACTOR: ContextVar[tuple[str, Actor | None] | None] = ContextVar(
    "practipal_event_actor", default=None
)


async def signed_in(state: rx.State) -> Actor | None:
    cookie = cookie_value(state, auth.SESSION_COOKIE)
    seen = _EVENT_ACTOR.get()
    if seen is not None and seen[0] == cookie:
        return seen[1]
    return await session_cache.actor(cookie)


def remember_signed_in(state: rx.State, actor: Actor | None) -> None:
    """For the rest of this event: `actor` is who the session cookie belongs to."""
    _EVENT_ACTOR.set((cookie_value(state, auth.SESSION_COOKIE), actor))


def page_params(state: rx.State) -> dict:
    """Query and dynamic-route parameters of the page that sent the event.

    `router.page` is deprecated in favour of `router.url`, which has no route arguments; `_page`
    is the same data without the warning.
    """
    return state.router._page.params


def page_id(state: rx.State, name: str) -> int:
    """A numeric route or query parameter (e.g. the client id of /app/clients/[client_id]); -1 if
    absent."""
    raw = str(page_params(state).get(name, ""))
    return int(raw) if raw.isdigit() else -1


#: What a ticked checkbox (or switch) sends in a submitted form.
TICKED = ("on", True, "true", "1")


def ticked(form: dict, name: str) -> bool:
    """Whether the checkbox `name` was ticked in a submitted form."""
    return form.get(name) in TICKED


def checked_ids(form: dict, prefix: str = "client_") -> list[int]:
    """The ids of the ticked checkboxes named `<prefix><id>` in a submitted form."""
    return [
        int(key.removeprefix(prefix))
        for key, value in form.items()
        if key.startswith(prefix) and key.removeprefix(prefix).isdigit() and value in TICKED
    ]


def as_id(value: object) -> int:
    """An id the browser sent (a payload or a form field): NotFound when it is not one."""
    text = str(value).strip()
    if not text.isdigit():
        raise NotFound()
    return int(text)


def current_path(state: rx.State) -> str:
    url = state.router.url
    return (url.path or "/") + (f"?{url.query}" if url.query else "")


def redirect_away(state: rx.State, actor: Actor | None) -> rx.event.EventSpec:
    """Signed out: to sign-in and back. Wrong role: to the role's own home."""
    if actor is None:
        return rx.redirect(f"/login?next={quote(current_path(state), safe='')}")
    return rx.redirect(auth.home_path(actor.role))


async def require(
    state: rx.State, roles: frozenset[Role]
) -> tuple[Actor | None, rx.event.EventSpec | None]:
    """(actor, None) when allowed; (None, redirect) otherwise."""
    actor = await signed_in(state)
    if actor is None or actor.role not in roles:
        return None, redirect_away(state, actor)
    return actor, None
