"""Every event handler of every state is guarded or on the reviewed allow-list.

A browser can call any public handler with any payload, so a handler that forgets its guard is a
hole. This enumerates what Reflex will route: every state class of the app and every handler of
each. Reflex's own internal states (hydration, var updates, exception reports) are not ours to
guard.
"""

from __future__ import annotations

import reflex as rx

from practipal_app.practipal_app import app  # noqa: F401  (imports every page, so every state)
from practipal_app.state.guard import GUARDED, UNGUARDED, roles_of

#: Present on every state: it only calls the state's own `set_<var>` handlers by name, which are
#: guarded or listed themselves (and a guarded one is never run from here: its coroutine is not
#: awaited).
DISPATCHERS = {"setvar"}


def _states(cls: type[rx.State]):
    for sub in cls.get_substates():
        yield sub
        yield from _states(sub)


def _ours() -> dict[str, object]:
    handlers = {}
    for state in (rx.State, *_states(rx.State)):
        if not state.__module__.startswith("practipal_app."):
            continue
        for name, handler in state.event_handlers.items():
            if name not in DISPATCHERS:
                handlers[f"{state.__name__}.{name}"] = handler
    return handlers


def test_every_handler_is_guarded_or_allow_listed():
    loose = sorted(
        name
        for name, handler in _ours().items()
        if roles_of(handler.fn) is None and name not in UNGUARDED
    )
    assert loose == [], (
        "guard these with @guarded(ROLES), or list them in state.guard.UNGUARDED with a reason"
    )


def test_the_allow_list_names_only_real_unguarded_handlers():
    handlers = _ours()
    assert sorted(set(UNGUARDED) - set(handlers)) == []
    assert sorted(name for name in UNGUARDED if roles_of(handlers[name].fn) is not None) == []
    assert all(reason.strip() for reason in UNGUARDED.values())


def test_the_registry_is_every_guarded_handler():
    guarded = {name for name, handler in _ours().items() if roles_of(handler.fn) is not None}
    assert guarded == set(GUARDED)
    assert len(guarded) > 100


def test_allow_listed_handlers_store_nothing_the_browser_sends():
    """Public pages take bounded forms; the UI toggles among them take no argument at all."""
    handlers = _ours()
    public = {"IndexState", "SetupState", "LoginState", "ResetState", "InviteState"}
    toggles = [name for name in UNGUARDED if name.split(".")[0] not in public]
    assert [n for n in toggles if list(handlers[n].get_parameters()) != ["self"]] == []
