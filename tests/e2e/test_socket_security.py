"""The websocket, spoken to directly: who may connect, and what each Reflex handler gives away.

A browser can call any public handler of any state with any payload and any route data, so each
handler must authorize itself. These tests do what a hostile page or script would: connect with a
foreign Origin, and call workspace handlers with another therapist's client id in the route, with
a client's session cookie, or with none.

Therapists A and B (neither the owner, who sees the whole practice) and their clients are written
straight into the running server's database through the services, as there is no page for adding
staff yet; sessions are started the same way, which gives the raw cookie values.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import socketio
from sqlmodel import select
from wsframes import dumps

from practipal_app import db
from practipal_app.models import ClientProfile, OutboxEmail, Role, User
from practipal_app.services import auth, clients, practice
from practipal_app.state.portal import PortalState
from practipal_app.state.workspace import ClientDetailState, ClientsState, OutboxState

pytestmark = pytest.mark.e2e

NAMESPACE = "/_event"
VAR = "_rx_state_"
REPLY_TIMEOUT = 15.0
#: After the awaited reply, how long to keep listening for anything that follows it.
TRAILING = 0.75

A = {"name": "Vikram Nair", "email": "vikram@example.com", "password": "Amber-Monsoon-Kettle-19"}
B = {"name": "Neha Kapoor", "email": "neha@example.com", "password": "Saffron-Lantern-Pebble-58"}
A_CLIENT = {"name": "Arjun Mehta", "email": "arjun@example.com"}
B_CLIENT = {"name": "Kabir Sethi", "email": "kabir@example.com", "phone": "98111 22334"}
#: What must never reach anyone but B (and the owner): B's client's details.
B_SECRETS = ("Kabir", "Sethi", "kabir@example.com", "22334")


@dataclass
class People:
    a_id: int
    b_id: int
    a_client_id: int
    b_client_id: int
    a_cookie: str
    b_client_cookie: str


def _setup(session) -> People:
    if practice.needs_setup(session):
        practice.create_practice(
            session, practice_name="Sukoon Counselling", timezone="Asia/Kolkata",
            owner_name="Dr. Asha Rao", email="asha@example.com", password="Calm-Harbour-Tea-42",
        )
    practice_id = practice.the_practice(session).id
    a = practice.add_staff(session, practice_id, A["name"], A["email"], Role.THERAPIST, A["password"])
    b = practice.add_staff(session, practice_id, B["name"], B["email"], Role.THERAPIST, B["password"])
    a_client = clients.add_client(session, auth.actor_for(a), clients.ClientForm(**A_CLIENT))
    b_client = clients.add_client(session, auth.actor_for(b), clients.ClientForm(**B_CLIENT))
    return People(
        a_id=a.id, b_id=b.id, a_client_id=a_client, b_client_id=b_client,
        a_cookie=auth.start_session(session, a),
        b_client_cookie=auth.start_session(session, session.get(User, b_client)),
    )


@pytest.fixture(scope="module")
def app_db(server) -> Iterator[None]:
    """The app's db module pointed at the running server's database."""
    engine = db.make_engine(server.db_url)
    db.set_engine(engine)
    try:
        yield
    finally:
        db.set_engine(None)
        engine.dispose()


@pytest.fixture(scope="module")
def people(app_db) -> People:
    return db.call(_setup)


# Talking to the backend as a browser tab would ---------------------------------------------------


@dataclass
class Reply:
    """Every state update the server sent one tab after one event."""

    updates: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return dumps(self.updates)

    @property
    def redirects(self) -> list[str]:
        return [
            e.get("payload", {}).get("path", "")
            for u in self.updates for e in u.get("events") or [] if e.get("name") == "_redirect"
        ]

    def var(self, state: type, name: str, default: Any = None) -> Any:
        """The last value the server sent for `state.name`."""
        value = default
        for update in self.updates:
            fields = (update.get("delta") or {}).get(state.get_full_name()) or {}
            if f"{name}{VAR}" in fields:
                value = fields[f"{name}{VAR}"]
        return value


@asynccontextmanager
async def tab(base_url: str, *, origin: str | None = None, cookie: str | None = None,
              on_update: Callable[[dict], None] | None = None) -> AsyncIterator[socketio.AsyncClient]:
    """A socket as a new browser tab opens it: a fresh client token, the site's own Origin."""
    headers = {"Origin": origin or base_url}
    if cookie:
        headers["Cookie"] = f"pp_session={cookie}"
    async with aiohttp.ClientSession() as http:
        sio = socketio.AsyncClient(reconnection=False, http_session=http)
        if on_update is not None:
            sio.on("event", on_update, namespace=NAMESPACE)
        await sio.connect(
            f"{base_url}?token={uuid.uuid4()}", headers=headers, transports=["websocket"],
            namespaces=[NAMESPACE], socketio_path="/_event", wait_timeout=10,
        )
        try:
            yield sio
        finally:
            await sio.disconnect()


async def call(base_url: str, state: type, handler: str, payload: dict | None = None, *,
               path: str = "/", query: dict | None = None, cookie: str | None = None,
               until: Callable[[Reply], bool]) -> Reply:
    """Send one event from a new tab at `path` and collect what comes back.

    Waits until `until(reply)` holds (or fails), then listens a little longer for stragglers.
    """
    reply = Reply()
    arrived = asyncio.Event()

    def on_update(data: dict) -> None:
        reply.updates.append(data)
        arrived.set()

    async with tab(base_url, cookie=cookie, on_update=on_update) as sio:
        await sio.emit("event", {
            "name": f"{state.get_full_name()}.{handler}",
            "payload": payload or {},
            "router_data": {"pathname": path, "query": query or {}, "asPath": path},
        }, namespace=NAMESPACE)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while not until(reply):
            remaining = deadline - loop.time()
            if remaining <= 0:
                pytest.fail(f"{state.__name__}.{handler}: no expected reply; got {reply.text[:2000]}")
            arrived.clear()
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                continue
        await asyncio.sleep(TRAILING)
    return reply


def redirected(reply: Reply) -> bool:
    return bool(reply.redirects)


def assert_none_of(needles, reply: Reply) -> None:
    text = reply.text
    found = [n for n in needles if n in text]
    assert not found, (found, text[:2000])


def detail_route(client_id: int) -> dict:
    path = f"/app/clients/{client_id}"
    return {"path": path, "query": {"client_id": str(client_id)}}


# Origin -------------------------------------------------------------------------------------------


async def test_a_socket_from_a_foreign_origin_is_refused(server) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        async with tab(server.base_url, origin="https://evil.example"):
            pass
    # The site's own origin still connects: the refusal is about the origin, not every socket.
    async with tab(server.base_url, origin=server.base_url) as sio:
        assert sio.connected


# Therapist A against therapist B's client ---------------------------------------------------------


def _b_client_row(session, client_id: int) -> dict:
    user = session.get(User, client_id)
    profile = session.get(ClientProfile, client_id)
    outbox = session.exec(select(OutboxEmail).where(OutboxEmail.to_address == user.email)).all()
    planted = session.exec(select(User).where(User.email == "planted@example.com")).first()
    return {"name": user.name, "email": user.email, "phone": user.phone, "invited_at": profile.invited_at,
            "therapist_id": profile.therapist_id, "outbox": len(outbox), "planted": planted is not None}


async def test_a_therapist_cannot_read_change_or_invite_another_therapists_client(server, people) -> None:
    base = server.base_url
    before = db.call(_b_client_row, people.b_client_id)
    assert before["name"] == B_CLIENT["name"] and before["outbox"] == 0 and before["invited_at"] is None

    # The same call for A's own client does return it: the route data below is read as a browser's.
    own = await call(base, ClientDetailState, "load", cookie=people.a_cookie, **detail_route(people.a_client_id),
                     until=lambda r: r.var(ClientDetailState, "client", {}).get("name"))
    assert own.var(ClientDetailState, "client")["name"] == A_CLIENT["name"]
    assert own.var(ClientDetailState, "missing") in (None, False)

    load = await call(base, ClientDetailState, "load", cookie=people.a_cookie, **detail_route(people.b_client_id),
                      until=lambda r: r.var(ClientDetailState, "missing") is True)
    assert_none_of(B_SECRETS, load)

    form = {"name": "Renamed By A", "email": "taken-over@example.com", "phone": "", "timezone": "Asia/Kolkata",
            "status": "discharged", "therapist_id": str(people.a_id)}
    save = await call(base, ClientDetailState, "save", {"form": form}, cookie=people.a_cookie,
                      **detail_route(people.b_client_id),
                      until=lambda r: bool(r.var(ClientDetailState, "action_error")))
    assert_none_of(B_SECRETS, save)

    invite = await call(base, ClientDetailState, "invite", cookie=people.a_cookie,
                        **detail_route(people.b_client_id),
                        until=lambda r: bool(r.var(ClientDetailState, "action_error")))
    assert_none_of(B_SECRETS, invite)
    assert "/invite/" not in invite.text

    search = await call(base, ClientsState, "search", {"form": {"query": "kabir", "status": ""}},
                        cookie=people.a_cookie, path="/app/clients",
                        until=lambda r: r.var(ClientsState, "total") is not None)
    assert search.var(ClientsState, "total") == 0
    assert_none_of(B_SECRETS[1:], search)  # "kabir" itself comes back as the query A typed

    listing = await call(base, ClientsState, "load", cookie=people.a_cookie, path="/app/clients",
                         until=lambda r: r.var(ClientsState, "rows") is not None)
    assert [row["name"] for row in listing.var(ClientsState, "rows")] == [A_CLIENT["name"]]
    assert_none_of(B_SECRETS, listing)
    assert B["name"] not in listing.text  # nor can A assign clients to B

    planted = {"name": "Planted Client", "email": "planted@example.com", "timezone": "Asia/Kolkata",
               "therapist_id": str(people.b_id)}
    add = await call(base, ClientsState, "add", {"form": planted}, cookie=people.a_cookie, path="/app/clients",
                     until=lambda r: bool(r.var(ClientsState, "errors")))
    assert "therapist_id" in add.var(ClientsState, "errors")
    assert not add.redirects

    # The outbox holds invite links: a therapist who is not the owner is sent home, with no rows.
    outbox = await call(base, OutboxState, "load", cookie=people.a_cookie, path="/app/settings/outbox",
                        until=redirected)
    assert outbox.redirects == ["/app"]
    assert outbox.var(OutboxState, "rows") in (None, [])
    assert "invite" not in outbox.text

    assert db.call(_b_client_row, people.b_client_id) == before


# Clients and strangers against the workspace ------------------------------------------------------


WORKSPACE_CALLS = [
    (ClientsState, "load", {}, {"path": "/app/clients"}),
    (ClientsState, "search", {"form": {"query": "", "status": ""}}, {"path": "/app/clients"}),
    (ClientDetailState, "load", {}, "b_client"),
    (ClientDetailState, "invite", {}, "b_client"),
    (OutboxState, "load", {}, {"path": "/app/settings/outbox"}),
]


@pytest.mark.parametrize(("who", "home"), [("client", "/portal"), ("nobody", "/login?next=")])
async def test_workspace_handlers_send_clients_and_strangers_away_with_nothing(server, people, who, home) -> None:
    cookie = people.b_client_cookie if who == "client" else None
    before = db.call(_b_client_row, people.b_client_id)
    for state, handler, payload, route in WORKSPACE_CALLS:
        route = detail_route(people.b_client_id) if route == "b_client" else route
        reply = await call(server.base_url, state, handler, payload, cookie=cookie, **route, until=redirected)
        assert len(reply.redirects) == 1 and reply.redirects[0].startswith(home), (state, handler, reply.redirects)
        assert_none_of((*B_SECRETS, A_CLIENT["name"], A_CLIENT["email"], "@example.com"), reply)
        for var in ("rows", "client", "total"):
            assert reply.var(state, var) in (None, [], {}, 0), (state, handler, var, reply.text[:1000])
    assert db.call(_b_client_row, people.b_client_id) == before


async def test_portal_handlers_send_staff_and_strangers_away(server, people) -> None:
    staff = await call(server.base_url, PortalState, "load", cookie=people.a_cookie, path="/portal",
                       until=redirected)
    assert staff.redirects == ["/app"]
    assert PortalState.get_full_name() not in dumps([u.get("delta") or {} for u in staff.updates])
    nobody = await call(server.base_url, PortalState, "load", path="/portal", until=redirected)
    assert nobody.redirects == ["/login?next=%2Fportal"]
