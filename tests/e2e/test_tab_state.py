"""A tab's state ends with the session that filled it, on the running server.

Reflex keeps each tab's state on the server under the tab's token and sends all of it to whoever
connects with that token. Riya reads her messages in one tab and signs out in another: her open
tab is emptied by the server within seconds, and a socket that connects with her old tab token
afterwards receives nothing of hers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import aiohttp
import pytest
import reflex as rx
import socketio
from browsing import ensure_practice, server_database
from wsframes import dumps

from practipal_app import db
from practipal_app.messaging import threads as messaging
from practipal_app.models import Role, User
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients
from practipal_app.state.messages import PortalMessagesState
from practipal_app.state.public import LoginState
from practipal_app.state.tab_session import SWEEP_SECONDS

pytestmark = pytest.mark.e2e

NAMESPACE = "/_event"
SECRET = "panic on the metro again, heronfeather"


def _riya(session) -> int:
    """Riya, a client with one message in her thread."""
    ensure_practice(session)
    therapist = practice.add_staff(
        session,
        practice.the_practice(session).id,
        "Ira Menon",
        "ira.tabstate@example.com",
        Role.THERAPIST,
        "Quiet-Willow-Ferry-73",
    )
    riya_id = clients.add_client(
        session,
        auth.actor_for(therapist),
        clients.ClientForm(name="Riya Tabstate", email="riya.tabstate@example.com"),
    )
    riya = session.get(User, riya_id)
    messaging.post_client_message(session, auth.actor_for(riya), "scheduling", SECRET)
    return riya_id


class Socket:
    """One tab's websocket: every update the server sends it is kept."""

    def __init__(self, base_url: str, token: str, cookie: str = "") -> None:
        self.base_url, self.token, self.cookie = base_url, token, cookie
        self.updates: list[dict] = []
        self.arrived = asyncio.Event()

    def _keep(self, data: dict) -> None:
        self.updates.append(data)
        self.arrived.set()

    async def __aenter__(self) -> Socket:
        self._http = aiohttp.ClientSession()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self._http)
        self.sio.on("event", self._keep, namespace=NAMESPACE)
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = f"{auth.SESSION_COOKIE}={self.cookie}"
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            headers=headers,
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path="/_event",
            wait_timeout=10,
        )
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.sio.disconnect()
        await self._http.close()

    async def send(self, event: str, path: str, query: dict | None = None) -> None:
        await self.sio.emit(
            "event",
            {
                "name": event,
                "payload": {},
                "router_data": {"pathname": path, "query": query or {}, "asPath": path},
            },
            namespace=NAMESPACE,
        )

    async def until(self, seen: Callable[[str], bool], within: float) -> str:
        """Wait until what the tab received satisfies `seen`; all of it as text."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not seen(text := dumps(self.updates)):
            if loop.time() > deadline:
                pytest.fail(f"the tab did not receive what was expected: {text[:1500]}")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), max(deadline - loop.time(), 0.01))
            except TimeoutError:
                pass
        return text


def _messages_emptied(text: str) -> bool:
    return '"messages_rx_state_":[]' in text.replace(" ", "")


@pytest.fixture(scope="module")
def riya(server) -> int:
    with server_database(server):
        return db.call(_riya)


@pytest.fixture
def riya_cookie(server, riya) -> str:
    """A new session of Riya's."""
    with server_database(server):
        return db.call(lambda session: auth.start_session(session, session.get(User, riya)))


async def _sign_out_elsewhere(base_url: str, cookie: str) -> None:
    """Another tab of Riya's browser signs out (the sign-out form's POST)."""
    async with (
        aiohttp.ClientSession(cookies={auth.SESSION_COOKIE: cookie}) as http,
        http.post(f"{base_url}/logout", headers={"Origin": base_url}) as response,
    ):
        assert response.status == 200


async def test_sign_out_elsewhere_empties_the_open_tab_and_the_old_token_gets_nothing(
    server, riya_cookie
):
    load = f"{PortalMessagesState.get_full_name()}.load"
    token = str(uuid.uuid4())
    async with Socket(server.base_url, token, riya_cookie) as tab:
        await tab.send(load, "/portal/messages")
        await tab.until(lambda text: SECRET in text, within=15)
        await _sign_out_elsewhere(server.base_url, riya_cookie)
        # No event from this tab: the server empties its state on its own and says so.
        tab.updates.clear()
        await tab.until(_messages_emptied, within=SWEEP_SECONDS + 10)

    await _assert_nothing_of_riya_reaches(server.base_url, token)


async def test_a_socket_with_the_old_token_right_after_sign_out_gets_nothing(server, riya_cookie):
    """Before the server's sweep has come round: the check before every event empties the tab."""
    token = str(uuid.uuid4())
    async with Socket(server.base_url, token, riya_cookie) as tab:
        await tab.send(f"{PortalMessagesState.get_full_name()}.load", "/portal/messages")
        await tab.until(lambda text: SECRET in text, within=15)
    await _sign_out_elsewhere(server.base_url, riya_cookie)
    await _assert_nothing_of_riya_reaches(server.base_url, token)


async def _assert_nothing_of_riya_reaches(base_url: str, token: str) -> None:
    """A socket with Riya's old tab token and no session: the page's first event gets nothing."""
    hydrate = f"{rx.State.get_full_name()}.hydrate"
    async with Socket(base_url, token) as stranger:
        await stranger.send(hydrate, "/portal/messages")
        text = await stranger.until(lambda text: "is_hydrated" in text, within=15)
        await asyncio.sleep(0.5)  # anything that follows the hydrate reply
        assert SECRET not in text and SECRET not in dumps(stranger.updates)


async def test_an_anonymous_tab_keeps_no_oversized_page_address(server):
    """Reflex keeps each event's page address in the tab's state for an hour: a script sending
    300 KB queries from many anonymous tabs would grow the server without bound."""
    huge, token = "q" * 300_000, str(uuid.uuid4())
    async with Socket(server.base_url, token) as tab:
        await tab.send(f"{LoginState.get_full_name()}.load", "/login", {"next": huge})
        await asyncio.sleep(1)  # the server answers such an event with nothing
        assert huge[:1000] not in dumps(tab.updates)
    async with Socket(server.base_url, token) as again:
        await again.send(f"{rx.State.get_full_name()}.hydrate", "/login")
        text = await again.until(lambda text: "is_hydrated" in text, within=15)
    assert huge[:1000] not in text and len(text) < 50_000
