"""Opening a page reads; it neither takes nor waits for SQLite's single write lock.

Every page of the workspace and the portal is opened over the websocket as a tab does (each of its
load handlers, in order), once to let first visits do their one-time writes (the default intake
form, read marks), then again while this test holds the server database's write lock: each page
must answer at once. A write sent meanwhile must wait, which shows the lock really is held.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from browsing import ensure_practice, seed
from reflex.utils import format as rx_format
from reflex_base.registry import RegistrationContext
from sockets import Reply, open_tab
from sqlalchemy.engine import Engine

from practipal_app import db
from practipal_app.models import Role, User
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients
from practipal_app.practipal_app import app  # noqa: F401  (every page and its load handlers)
from practipal_app.state.messages import PortalMessagesState

pytestmark = pytest.mark.e2e

#: Far less than SQLite's busy timeout (10 s): a page that waited for the lock would miss it.
ANSWER_WITHIN = 4.0


@dataclass
class Visitors:
    client_id: int
    staff_cookie: str
    client_cookie: str


def _people(session) -> Visitors:
    ensure_practice(session)
    owner = session.exec(auth.select(User).where(User.role == Role.OWNER)).first()
    client_id = clients.add_client(
        session,
        auth.actor_for(owner),
        clients.ClientForm(name="Meera Iyer", email="meera.readlock@example.com"),
    )
    assert practice.the_practice(session) is not None
    return Visitors(
        client_id=client_id,
        staff_cookie=auth.start_session(session, owner),
        client_cookie=auth.start_session(session, session.get(User, client_id)),
    )


@pytest.fixture(scope="module")
def visitors(server) -> Iterator[Visitors]:
    yield from seed(server, _people)


def _pages(prefix: str, client_id: int) -> list[tuple[str, dict, list[str]]]:
    """(path, route query, load handlers' event names) of every page under `prefix` that can be
    opened with what the test has: static routes, and a client's page."""
    pages = []
    for _render, page in RegistrationContext.ensure_context().decorated_pages:
        route, events = page["route"].strip("/"), page.get("on_load") or []
        if not (route == prefix or route.startswith(prefix + "/")):
            continue
        names = [rx_format.format_event_handler(e) for e in _as_list(events)]
        if route == "app/clients/[client_id]":
            pages.append((f"/app/clients/{client_id}", {"client_id": str(client_id)}, names))
        elif "[" not in route:
            pages.append((f"/{route}", {}, names))
    return pages


def _as_list(events) -> list:
    return events if isinstance(events, list) else [events]


def _answered(reply: Reply) -> bool:
    return bool(reply.updates)


async def _open_every_page(base_url: str, cookie: str, pages) -> None:
    async with open_tab(base_url, cookie=cookie) as tab:
        for path, query, names in pages:
            for name in names:
                try:
                    reply = await asyncio.wait_for(
                        tab.send_named(name, path=path, query=query, until=_answered),
                        ANSWER_WITHIN,
                    )
                except TimeoutError:
                    pytest.fail(f"{path}: {name} did not answer within {ANSWER_WITHIN} s")
                assert not reply.redirects, (path, name, reply.redirects)


@contextmanager
def write_lock_held(engine: Engine) -> Iterator[None]:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with engine.begin():  # the app's engine begins every write with BEGIN IMMEDIATE
            held.set()
            release.wait(120)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        holder.join()


@pytest.mark.parametrize(("area", "who"), [("app", "staff"), ("portal", "client")])
async def test_no_page_takes_the_write_lock(server, visitors, area, who) -> None:
    cookie = visitors.staff_cookie if who == "staff" else visitors.client_cookie
    pages = _pages(area, visitors.client_id)
    assert len(pages) >= (8 if area == "portal" else 14), pages
    await _open_every_page(server.base_url, cookie, pages)  # first visits may write
    with write_lock_held(db.get_engine()):
        await _open_every_page(server.base_url, cookie, pages)


async def test_a_write_waits_while_the_lock_is_held(server, visitors) -> None:
    """The control: the lock the test holds is the one the server's writes need."""
    async with open_tab(server.base_url, cookie=visitors.client_cookie) as tab:
        path = "/portal/messages"
        for handler, payload in (
            ("load", {}),
            ("choose_topic", {"topic": "scheduling"}),
            ("set_draft", {"value": "Can we move Thursday's session?"}),
        ):
            await tab.send(PortalMessagesState, handler, payload, path=path, until=_answered)
        with write_lock_held(db.get_engine()):
            sending = asyncio.ensure_future(
                tab.send(
                    PortalMessagesState,
                    "send",
                    path=path,
                    until=lambda r: "move Thursday" in r.text,
                )
            )
            done, _ = await asyncio.wait({sending}, timeout=2.0)
            assert not done, "a message was written while the write lock was held"
        await sending
