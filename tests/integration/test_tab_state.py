"""A tab's server-side state belongs to the sign-in session that filled it.

Reflex hands a tab's state to whoever connects with the tab's token. Before every event the
middleware compares the session acting now with the one that filled the tab, and empties the tab
when they differ; the tabs of sessions that end are listed for the server to empty at once.
"""

from __future__ import annotations

from datetime import timedelta

from reflex.istate.data import RouterData
from reflex.state import State
from tabs import open_page, run

from practipal_app import db
from practipal_app.messaging import threads as messaging
from practipal_app.models import User
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup
from practipal_app.people import auth, tabs
from practipal_app.state.messages import PortalMessagesState
from practipal_app.state.middleware import TabSessionMiddleware
from practipal_app.state.session import cookie_value
from practipal_app.state.tab_session import TabOwnerState
from practipal_app.state.viewer import ViewerState

SECRET = "I could not sleep again kingfisher"
TAB = "5f0c4a9e-3d51-4e39-9a1b-tab-of-riya"


def _riya_with_a_message(riya: int) -> User:
    user = db.call(lambda s: s.get(User, riya))
    db.call(messaging.post_client_message, auth.actor_for(user), "scheduling", SECRET)
    return user


async def _filled_tab(riya: int):
    """Riya's messages page, loaded in the tab TAB under her session."""
    _riya_with_a_message(riya)
    page = open_page(PortalMessagesState, riya, "/portal/messages")
    root = page._get_root_state()
    root.router = _router(cookie_value(page, auth.SESSION_COOKIE))
    await TabSessionMiddleware().preprocess(None, root, None)
    await run(page, "load")
    assert SECRET in str(page.messages)
    return page, root


def _router(cookie: str) -> RouterData:
    headers = {"cookie": f"{auth.SESSION_COOKIE}={cookie}"} if cookie else {}
    return RouterData.from_router_data(
        {"headers": headers, "pathname": "/portal/messages", "token": TAB, "query": {}}
    )


async def test_after_sign_out_the_next_connection_gets_nothing_of_the_tab(riya):
    page, root = await _filled_tab(riya)
    db.call(auth.end_session, cookie_value(page, auth.SESSION_COOKIE))  # another tab signed out

    root.router = _router("")  # the same tab token connects again, with no session
    await TabSessionMiddleware().preprocess(None, root, None)
    assert page.messages == [] and page.loaded is False
    assert SECRET not in str(root.dict())


async def test_someone_else_signing_in_at_the_tab_finds_it_empty(riya, owner):
    page, root = await _filled_tab(riya)
    root.router = _router(db.call(auth.start_session, owner, "pytest"))
    await TabSessionMiddleware().preprocess(None, root, None)
    assert SECRET not in str(root.dict())


async def test_the_same_session_keeps_its_tab(riya):
    page, root = await _filled_tab(riya)
    await TabSessionMiddleware().preprocess(None, root, None)
    assert SECRET in str(page.messages)
    owner = await root.get_state(TabOwnerState)
    assert (
        owner._session_id
        == db.call(auth.resolve, cookie_value(page, auth.SESSION_COOKIE)).session_id
    )


async def test_the_page_shell_shows_whoever_claims_the_tab(riya, owner):
    """The shell's name, role and practice name are filled once, when a session claims the tab (no
    page load asks for them), and are the next session's after another signs in at the tab."""
    page, root = await _filled_tab(riya)
    shell = await root.get_state(ViewerState)
    riyas = db.call(lambda s: s.get(User, riya))
    assert (shell.name, shell.role) == (riyas.name, "client")
    assert shell.practice_name and shell.practice_name == db.call(
        setup.practice_name, riyas.practice_id
    )

    root.router = _router(db.call(auth.start_session, owner, "pytest"))
    await TabSessionMiddleware().preprocess(None, root, None)
    shell = await root.get_state(ViewerState)
    assert (shell.name, shell.role) == (owner.name, "owner")
    assert riyas.name not in str(root.dict())


async def test_a_tab_is_listed_for_emptying_once_its_session_ends_however_it_ends(riya):
    page, _root = await _filled_tab(riya)
    cookie = cookie_value(page, auth.SESSION_COOKIE)
    assert db.call(tabs.ended) == []
    idle = auth.CLIENT_POLICY.idle + timedelta(minutes=1)
    assert [b.client_token for b in db.call(tabs.ended, utcnow() + idle)] == [TAB]  # idle expiry
    db.call(auth.end_all_sessions, riya)  # sign-out everywhere, or a password change
    [binding] = db.call(tabs.ended)
    assert binding.client_token == TAB
    db.call(tabs.forget, [binding.id])
    assert db.call(tabs.ended) == [] and db.call(auth.resolve, cookie) is None


async def test_a_tab_token_is_not_enough_without_the_session_that_owns_the_tab(riya, owner):
    page, _root = await _filled_tab(riya)
    cookie = cookie_value(page, auth.SESSION_COOKIE)
    riyas = db.call(auth.resolve, cookie).session_id
    owners = db.call(auth.resolve, db.call(auth.start_session, owner, "pytest")).session_id
    assert db.call(tabs.owns, riyas, TAB)
    assert not db.call(tabs.owns, riyas, "")
    assert not db.call(tabs.owns, owners, TAB)
    assert not db.call(tabs.owns, riyas, "another-tab")
    db.call(auth.end_session, cookie)  # an upload checks the session itself first
    assert db.call(auth.resolve, cookie) is None


async def test_a_tab_token_longer_than_any_browser_sends_is_bound_once(riya):
    """The browser chooses its token; a 100-character one must not break every event after the
    first (the column keeps 64 characters)."""
    user = db.call(lambda s: s.get(User, riya))
    riyas = db.call(auth.resolve, db.call(auth.start_session, user, "pytest")).session_id
    for _ in range(2):
        db.call(tabs.bind, riyas, "t" * 100)
    assert db.call(tabs.owns, riyas, "t" * 64)


async def test_an_oversized_page_address_is_not_kept_and_its_event_does_not_run():
    """Reflex keeps each event's page address in the tab's state for an hour, signed in or not:
    30 anonymous tabs sending megabyte queries grew the server by 76 MB."""
    root = State(_reflex_internal_init=True)
    huge = "x" * 300_000
    address = {"pathname": "/login", "query": {"next": huge}, "asPath": f"/login?next={huge}"}
    root.router_data = {"headers": {}, "token": TAB, **address}
    root.router = RouterData.from_router_data(root.router_data)
    update = await TabSessionMiddleware().preprocess(None, root, None)
    assert update is not None and not update.delta  # the handler never runs
    assert huge not in str(root.dict()) and len(str(root.dict())) < 20_000
    assert root.router_data["token"] == TAB
