"""The one guard every event handler carries, and the short list of handlers that need none.

A browser can call any public handler of any state with any payload. So each handler is declared
with `@guarded(ROLES)`: before the body runs, the guard reads the session cookie of the websocket,
checks the person's role, makes sure the tab's state belongs to this sign-in session (see
state/tab_session.py), and passes the `Actor` in as the argument after `self`. A stranger is
sent to sign-in and someone in another role to their own home, and the body never runs. The
browser still sends only the handler's real arguments: `actor` is not part of the signature Reflex
sees.

A unit test fails for any handler of any state that is neither guarded nor in `UNGUARDED`, and the
socket sweep in tests/e2e calls every guarded handler as the wrong role and as nobody.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import reflex as rx

from practipal_app.models import Role
from practipal_app.state.session import require
from practipal_app.state.tab_session import claim

#: The attribute a guarded handler's function carries: the roles that may run it.
ROLES_ATTRIBUTE = "practipal_roles"

#: Every guarded handler, by "StateClass.handler": the roles that may run it.
GUARDED: dict[str, frozenset[Role]] = {}

#: Handlers without a guard, by "StateClass.handler", each with the reason it needs none. Public
#: pages act before anyone is signed in (each keeps only small, bounded fields); the others are UI
#: toggles that touch no data and store nothing the browser sends.
UNGUARDED: dict[str, str] = {
    "IndexState.route": "the root URL: sends each visitor to setup, sign-in or their home",
    "SetupState.load": "public first-run page: redirects once the practice exists",
    "SetupState.submit": "public first-run form: refuses once the practice exists",
    "LoginState.load": "public sign-in page",
    "LoginState.submit": "public sign-in form: checks the password itself",
    "ResetState.load": "public reset page: checks the link's token",
    "ResetState.request_link": "public 'forgot password' form: answers the same for any address",
    "ResetState.choose_password": "public reset form: checks the link's token",
    "InviteState.load": "public invite page: checks the link's token",
    "InviteState.submit": "public invite form: checks the link's token",
    "ClientsState.toggle_form": "shows or hides the add-client form",
    "CalendarState.close_detail": "closes the session panel",
    "CalendarState.toggle_form": "shows or hides the booking form",
    "SessionsState.keep": "withdraws the late-cancellation question (nothing is changed)",
    "BookState.clear_choice": "withdraws the chosen time before confirming",
    "ResourcesState.close_preview": "closes the preview panel",
    "ResourcesState.close_sharing": "closes the sharing panel",
    "PortalResourcesState.close": "closes the opened resource",
    "BillingState.toggle_new": "opens or closes the new-invoice panel",
    "BillingState.add_line": "shows one more empty line in the new-invoice form",
    "BillingState.cancel_payment": "closes the payment panel",
    "BillingState.cancel_void": "closes the void panel",
}


def guarded(roles: frozenset[Role]) -> Callable[[Callable], rx.event]:
    """`@guarded(STAFF)` on a handler `def name(self, actor, ...)`: only `roles` run its body.

    Works for plain, async and generator handlers alike; the handler Reflex sees is async.
    """

    def decorate(fn: Callable) -> rx.event:
        parameters = list(inspect.signature(fn).parameters.values())
        if len(parameters) < 2 or parameters[1].name != "actor":
            raise TypeError(f"{fn.__qualname__}: a guarded handler takes `actor` after `self`")
        handler = _generator_guard(fn, roles) if _is_generator(fn) else _call_guard(fn, roles)
        functools.update_wrapper(handler, fn)
        # What Reflex reads to build the browser's call: the signature and hints without `actor`.
        handler.__signature__ = inspect.signature(fn).replace(
            parameters=[parameters[0], *parameters[2:]]
        )
        handler.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "actor"}
        setattr(handler, ROLES_ATTRIBUTE, roles)
        GUARDED[fn.__qualname__] = roles
        return rx.event(handler)

    return decorate


def roles_of(fn: Callable) -> frozenset[Role] | None:
    """The roles a handler's function is guarded for; None when it carries no guard."""
    return getattr(fn, ROLES_ATTRIBUTE, None)


def _is_generator(fn: Callable) -> bool:
    return inspect.isasyncgenfunction(fn) or inspect.isgeneratorfunction(fn)


def _call_guard(fn: Callable, roles: frozenset[Role]) -> Callable:
    async def handler(self, *args, **kwargs):
        actor, away = await require(self, roles)
        if away is not None:
            return away
        await claim(self, actor)
        result = fn(self, actor, *args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    return handler


def _generator_guard(fn: Callable, roles: frozenset[Role]) -> Callable:
    async def handler(self, *args, **kwargs):
        actor, away = await require(self, roles)
        if away is not None:
            yield away
            return
        await claim(self, actor)
        updates = fn(self, actor, *args, **kwargs)
        if inspect.isasyncgen(updates):
            async for update in updates:
                yield update
        else:
            for update in updates:
                yield update

    return handler
