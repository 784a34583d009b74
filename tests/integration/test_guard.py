"""The guard every handler carries: who runs the body, who is sent where, and what the browser sees
of a guarded handler's signature. Driven with the session cookie a websocket would carry."""

from __future__ import annotations

import inspect

import pytest
from reflex.istate.data import RouterData
from reflex.state import State

from practipal_app import db
from practipal_app.core.identity import Actor
from practipal_app.models import Role
from practipal_app.people import auth
from practipal_app.state.guard import GUARDED, guarded, roles_of
from practipal_app.state.session import CLINICIANS, OWNER


def tab(cookie: str = "", path: str = "/app/settings/outbox") -> State:
    """What a handler reads of the tab that sent an event: its route and the websocket's cookie."""
    headers = {"cookie": f"{auth.SESSION_COOKIE}={cookie}"} if cookie else {}
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {"headers": headers, "pathname": path, "asPath": path, "query": {}}
    )
    return root


def redirect_path(spec) -> str:
    return spec.args[0][1]._var_value


@pytest.fixture
def ran() -> list:
    return []


@pytest.fixture
def owner_only(ran):
    @guarded(OWNER)
    async def handler(self, actor: Actor, page: int, label: str = "x"):
        ran.append((actor.role, page, label))
        return "ran"

    return handler


async def test_the_owner_runs_the_body_with_the_actor_and_the_browsers_arguments(
    owner, owner_only, ran
):
    cookie = db.call(auth.start_session, owner, "pytest")
    assert await owner_only(tab(cookie), 2, label="y") == "ran"
    assert ran == [(Role.OWNER, 2, "y")]


async def test_a_stranger_is_sent_to_sign_in_and_back_without_the_body_running(
    engine, owner_only, ran
):
    away = await owner_only(tab(path="/app/settings/outbox"), 1)
    assert redirect_path(away) == "/login?next=%2Fapp%2Fsettings%2Foutbox"
    assert ran == []


async def test_another_role_is_sent_to_its_own_home_without_the_body_running(
    therapist, owner_only, ran
):
    cookie = db.call(auth.start_session, therapist, "pytest")
    away = await owner_only(tab(cookie), 1)
    assert redirect_path(away) == "/app" and ran == []


async def test_an_ended_session_counts_as_a_stranger(owner, owner_only, ran):
    cookie = db.call(auth.start_session, owner, "pytest")
    db.call(auth.end_session, cookie)
    assert redirect_path(await owner_only(tab(cookie), 1)).startswith("/login?next=") and ran == []


async def test_generator_handlers_are_guarded_and_yield_through(owner, therapist):
    @guarded(CLINICIANS)
    def steps(self, actor: Actor, count: int):
        for n in range(count):
            yield f"{actor.name} {n}"

    cookie = db.call(auth.start_session, owner, "pytest")
    assert [u async for u in steps(tab(cookie), 2)] == [f"{owner.name} 0", f"{owner.name} 1"]
    [away] = [u async for u in steps(tab(), 2)]
    assert redirect_path(away).startswith("/login?next=")


def test_the_browser_sees_only_the_real_arguments(owner_only):
    assert list(inspect.signature(owner_only).parameters) == ["self", "page", "label"]
    assert "actor" not in owner_only.__annotations__
    assert roles_of(owner_only) == OWNER
    assert GUARDED[owner_only.__qualname__] == OWNER


def test_a_handler_that_forgets_the_actor_is_refused_at_import():
    with pytest.raises(TypeError, match="takes `actor`"):

        @guarded(OWNER)
        async def load(self, page: int):
            return page
