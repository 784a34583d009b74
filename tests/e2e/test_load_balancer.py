"""Two app servers behind a real HAProxy, as a clinic runs them: one PostgreSQL database, one Redis.

The balancer is Debian's haproxy, started here with the config the repo ships (deploy/haproxy.cfg)
with only its addresses changed: round robin, no sticky sessions, websockets passed through. The
header it adds (X-PractiPal-Server) tells which server answered each connection. Each app server is
a backend-only `reflex run --env prod` with two granian workers, so four outbox workers race for
the same mail. Tab states expire after seconds here instead of minutes, so one test can watch a
closed tab's state go while an open, quiet one keeps its own.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import shutil
import subprocess
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
import redis
import redis.asyncio
import socketio
from browsing import ensure_practice, server_database
from conftest import (
    PG_URL,
    REDIS_URL,
    REPO,
    BackendServer,
    _free_port,
    _stop,
    empty_redis_database,
    fresh_postgres_database,
    group_members,
)
from sqlmodel import select

from practipal_app import db
from practipal_app.models import Message, OutboxEmail, OutboxStatus, User
from practipal_app.models.base import utcnow
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email
from practipal_app.people import auth, clients
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.state.messages import PortalMessagesState

pytestmark = [pytest.mark.e2e, pytest.mark.own_servers]

#: Debian installs it in /usr/sbin, which is not on every user's PATH.
HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
TEMPLATE = REPO / "deploy" / "haproxy.cfg"
SERVED_BY = "X-PractiPal-Server"
#: Its own Redis database: the other PostgreSQL + Redis tests use conftest's E2E_REDIS_DB.
REDIS_DB = 9
NAMESPACE = "/_event"
VAR = "_rx_state_"
REPLY_TIMEOUT = 15.0
#: Tab states expire this many seconds after their last event (minutes in production), so the test
#: can watch a closed tab's state go while an open one's stays.
TAB_STATE_SECONDS = 5
MAIL_TIMEOUT = 40.0
#: Sessions 14 h to 23 h away, booked 12 h ago: each one's 24 h reminder is due now.
REMINDED = 10
#: More than four polls of 20 (the batch of one outbox worker) can send: every one of the four
#: workers finds mail on its first poll, so both servers send.
PLAIN_EMAILS = 75


def _load_mailserver():
    path = REPO / "tests" / "integration" / "mailserver.py"
    spec = importlib.util.spec_from_file_location("practipal_test_mailserver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mailserver = _load_mailserver()


def balancer_config(template: str, port: int, app_ports: list[int]) -> str:
    """deploy/haproxy.cfg with its listening address and its two servers' addresses replaced."""
    text, binds = re.subn(r"(?m)^(\s+)bind :80$", rf"\1bind 127.0.0.1:{port}", template)
    servers = iter(app_ports)
    text, swapped = re.subn(
        r"(?m)^(\s+server app\d) \S+$", lambda m: f"{m[1]} 127.0.0.1:{next(servers)}", text
    )
    assert (binds, swapped) == (1, len(app_ports)), "deploy/haproxy.cfg changed shape"
    return text


@dataclass
class Balancer:
    url: str
    proc: subprocess.Popen
    log_path: Path

    def served_by(self, path: str = "/ping") -> str:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=5) as response:  # noqa: S310
            return response.headers.get(SERVED_BY, "")


def start_balancer(root: Path, port: int, app_ports: list[int]) -> Balancer:
    config = root / "haproxy.cfg"
    config.write_text(balancer_config(TEMPLATE.read_text(), port, app_ports))
    log_path = root / "haproxy.log"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    balancer = Balancer(f"http://127.0.0.1:{port}", proc, log_path)
    # Up once both servers have answered through it.
    seen: set[str] = set()
    deadline = time.monotonic() + 20
    while seen != {"app1", "app2"} and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"haproxy exited: {log_path.read_text()[-2000:]}")
        try:
            seen.add(balancer.served_by())
        except OSError:
            time.sleep(0.1)
    assert seen == {"app1", "app2"}, (seen, log_path.read_text()[-2000:])
    return balancer


class WitnessedMailServer(mailserver.MailServer):
    """Also records which app server's process sent each accepted message."""

    def __init__(self, port: int, senders: Callable[[int], str]):
        super().__init__(port)
        self.senders = senders
        self.sent_by: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        # The sending socket is still open here: its local port is our peer's port.
        self.sent_by.append(self.senders(session.peer[1]))
        return await super().handle_DATA(server, session, envelope)


def _socket_inode(local_port: int, remote_port: int) -> str | None:
    """The inode of the socket from `local_port` to `remote_port`: the pair, because Linux gives
    the same ephemeral port to connections to other destinations too."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            ports = (int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16))
            if ports == (local_port, remote_port):
                return fields[9]
    return None


def owner_of_port(apps: dict[str, BackendServer], local_port: int, remote_port: int) -> str:
    """The name of the app server whose process holds the socket from `local_port` to
    `remote_port`."""
    inode = _socket_inode(local_port, remote_port)
    target = f"socket:[{inode}]"
    for name, app in apps.items():
        for pid in group_members(app.proc.pid):
            try:
                fds = list(Path(f"/proc/{pid}/fd").iterdir())
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(fd) == target:
                        return name
                except OSError:
                    continue
    return "unknown"


@dataclass
class Cluster:
    balancer: Balancer
    apps: dict[str, BackendServer]
    mail: WitnessedMailServer
    redis_url: str

    @property
    def server(self) -> BackendServer:
        """Its first app server: a failing test shows that server's log."""
        return self.apps["app1"]


@pytest.fixture(scope="module")
def cluster(backend_server, tmp_path_factory) -> Iterator[Cluster]:
    if not HAPROXY:
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    if not (PG_URL and REDIS_URL):
        pytest.skip("PRACTIPAL_TEST_POSTGRES_URL and PRACTIPAL_TEST_REDIS_URL are not both set")
    apps: dict[str, BackendServer] = {}
    mail_port = mailserver.free_port()
    mail = WitnessedMailServer(mail_port, lambda port: owner_of_port(apps, port, mail_port))
    mail.start()
    port = _free_port()
    with (
        fresh_postgres_database(PG_URL) as database_url,
        empty_redis_database(REDIS_URL, REDIS_DB) as redis_url,
    ):
        env = {
            "PRACTIPAL_DATABASE_URL": database_url,
            "REFLEX_REDIS_URL": redis_url,
            "PRACTIPAL_WORKERS": "2",
            "REFLEX_REDIS_TOKEN_EXPIRATION": str(TAB_STATE_SECONDS),
            # The address people use: the balancer's (the socket's Origin is checked against it).
            "PRACTIPAL_BASE_URL": f"http://127.0.0.1:{port}",
            "PRACTIPAL_SMTP_HOST": "127.0.0.1",
            "PRACTIPAL_SMTP_PORT": str(mail.port),
            "PRACTIPAL_SMTP_STARTTLS": "0",
            "PRACTIPAL_MAIL_FROM": "Sukoon Counselling <no-reply@sukoon.example>",
        }
        balancer = None
        try:
            apps["app1"] = backend_server(env)
            apps["app2"] = backend_server(env)
            root = tmp_path_factory.mktemp("haproxy")
            balancer = start_balancer(root, port, [apps["app1"].port, apps["app2"].port])
            yield Cluster(balancer, apps, mail, redis_url)
        finally:
            if balancer is not None:
                _stop(balancer.proc)
            for app in apps.values():
                app.stop()
            mail.stop()


# A tab whose connection moves to the other server ------------------------------------------------


@dataclass
class Tab:
    """A browser tab speaking socket.io through the balancer, keeping one client token across
    reconnections, as a tab does when its connection drops."""

    url: str
    cookie: str
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    #: The app server that took each of the tab's connections, in order.
    servers: list[str] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    sio: socketio.AsyncClient | None = None
    http: aiohttp.ClientSession | None = None

    async def connect(self) -> str:
        trace = aiohttp.TraceConfig()

        async def answered(session, context, params) -> None:
            if served := params.response.headers.get(SERVED_BY):
                self.servers.append(served)

        trace.on_request_end.append(answered)
        self.http = aiohttp.ClientSession(trace_configs=[trace])
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.sio.on("event", self.updates.append, namespace=NAMESPACE)
        await self.sio.connect(
            f"{self.url}?token={self.token}",
            headers={"Origin": self.url, "Cookie": f"pp_session={self.cookie}"},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path="/_event",
            wait_timeout=10,
        )
        return self.servers[-1]

    async def disconnect(self, redis_url: str) -> None:
        await self.sio.disconnect()
        await self.http.close()
        # A server that still lists the token as connected gives a reconnection a new token (and
        # so a new, empty state): wait until the disconnect has reached Redis, as a browser's
        # reconnect backoff does.
        client = redis.asyncio.Redis.from_url(redis_url)
        try:
            for _ in range(100):
                if not await client.exists(f"token_manager_socket_record_{self.token}"):
                    return
                await asyncio.sleep(0.05)
        finally:
            await client.aclose()
        pytest.fail("the server never noticed the tab's disconnect")

    async def send(self, handler: str, payload: dict, until: Callable[[dict], bool]) -> dict:
        """Send one PortalMessagesState event from /portal/messages; the merged delta of that state
        once `until` holds for it."""
        self.updates.clear()
        await self.sio.emit(
            "event",
            {
                "name": f"{PortalMessagesState.get_full_name()}.{handler}",
                "payload": payload,
                "router_data": {
                    "pathname": "/portal/messages",
                    "query": {},
                    "asPath": "/portal/messages",
                },
            },
            namespace=NAMESPACE,
        )
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline:
            fields: dict = {}
            for update in self.updates:
                delta = (update.get("delta") or {}).get(PortalMessagesState.get_full_name()) or {}
                fields.update({k.removesuffix(VAR): v for k, v in delta.items()})
            if until(fields):
                return fields
            await asyncio.sleep(0.02)
        pytest.fail(f"{handler}: no expected reply; got {self.updates!r}"[:3000])


def _client_cookie(session, name: str) -> tuple[int, str]:
    ensure_practice(session)
    owner = session.exec(select(User).where(User.email == "asha@example.com")).one()
    form = clients.ClientForm(name=name, email=f"{name.split()[0].lower()}@example.com")
    client_id = clients.add_client(session, auth.actor_for(owner), form)
    return client_id, auth.start_session(session, session.get(User, client_id))


def _client_messages(session, client_id: int) -> list[tuple[str, str, bool]]:
    rows = session.exec(
        select(Message).where(Message.sender_id == client_id).order_by(Message.id)
    ).all()
    return [(m.topic, m.body, m.bring_to_session) for m in rows]


async def test_a_tab_moved_to_the_other_server_keeps_what_it_had_typed(cluster) -> None:
    with server_database(cluster.server):
        client_id, cookie = db.call(_client_cookie, "Meera Iyer")
        draft = f"Can we move Thursday's session to Friday? ({uuid.uuid4().hex[:6]})"
        page = Tab(cluster.balancer.url, cookie)
        first = await page.connect()
        await page.send("choose_topic", {"topic": "scheduling"}, lambda f: f.get("topic"))
        await page.send("set_draft", {"value": draft}, lambda f: f.get("draft") == draft)
        await page.send("set_bring", {"value": True}, lambda f: f.get("bring") is True)
        await page.disconnect(cluster.redis_url)

        # Reconnect, same token, until round robin puts the tab on the other server.
        for _ in range(6):
            if await page.connect() != first:
                break
            await page.disconnect(cluster.redis_url)
        moved_to = page.servers[-1]
        assert moved_to != first, page.servers

        # The other server sends what the tab typed on the first: topic, words and the flag.
        sent = await page.send("send", {}, lambda f: f.get("notice") == "Sent.")
        assert [m["body"] for m in sent["sent"] if m["kind"] == "client"] == [draft]
        await page.disconnect(cluster.redis_url)
        assert db.read(_client_messages, client_id) == [("scheduling", draft, True)]


def _tab_keys(redis_url: str, token: str) -> list[bytes]:
    client = redis.Redis.from_url(redis_url)
    try:
        return client.keys(f"{token}_*")
    finally:
        client.close()


async def test_an_open_quiet_tab_keeps_its_state_and_a_closed_one_is_freed(cluster) -> None:
    with server_database(cluster.server):
        open_id, open_cookie = db.call(_client_cookie, "Kavya Menon")
        _, closed_cookie = db.call(_client_cookie, "Rohan Das")
        draft = "Running ten minutes late on Monday."
        quiet, closed = (
            Tab(cluster.balancer.url, open_cookie),
            Tab(cluster.balancer.url, closed_cookie),
        )
        for page in (quiet, closed):
            await page.connect()
            await page.send("choose_topic", {"topic": "scheduling"}, lambda f: f.get("topic"))
            await page.send("set_draft", {"value": draft}, lambda f: f.get("draft") == draft)
        assert _tab_keys(cluster.redis_url, closed.token)
        await closed.disconnect(cluster.redis_url)
        last_event = time.monotonic()

        # The closed tab's state goes once its time is up ...
        while _tab_keys(cluster.redis_url, closed.token):
            assert time.monotonic() - last_event < 3 * TAB_STATE_SECONDS, "closed tab kept"
            await asyncio.sleep(0.2)
        # ... while the open one, quiet for twice that time, still has what was typed in it.
        await asyncio.sleep(max(0.0, last_event + 2 * TAB_STATE_SECONDS - time.monotonic()))
        sent = await quiet.send("send", {}, lambda f: f.get("notice") == "Sent.")
        assert [m["body"] for m in sent["sent"] if m["kind"] == "client"] == [draft]
        await quiet.disconnect(cluster.redis_url)
        assert db.read(_client_messages, open_id) == [("scheduling", draft, False)]


# Mail, with both servers' outbox workers racing ------------------------------------------------


def _queue_mail(session) -> int:
    """Sessions whose 24 h reminder is due now (queued by the servers' workers) and plain
    emails; returns how many emails the outbox holds before the reminders."""
    ensure_practice(session)
    owner = session.exec(select(User).where(User.email == "asha@example.com")).one()
    actor = auth.actor_for(owner)
    [kind] = scheduling.session_types(session, owner.id)
    now = utcnow().replace(second=0, microsecond=0)
    for n in range(REMINDED):
        form = clients.ClientForm(name=f"Reminded {n}", email=f"reminded{n}@example.com")
        client_id = clients.add_client(session, actor, form)
        appointments.book(
            session,
            actor,
            client_id=client_id,
            session_type_id=kind.id,
            starts_at=now + timedelta(hours=14 + n),
            confirmed=True,
            now=now - timedelta(hours=12),
        )
    for n in range(PLAIN_EMAILS):
        outbox.enqueue(
            session,
            practice_id=owner.practice_id,
            kind="test",
            to=f"reader{n}@example.com",
            email=Email(subject=f"Note {n}", body="A link to the portal."),
            key=f"lb-test:{n}",
        )
    return len(session.exec(select(OutboxEmail.id)).all())


def _outbox_statuses(session) -> Counter:
    return Counter(session.exec(select(OutboxEmail.status)).all())


async def test_reminders_and_queued_emails_go_out_exactly_once_from_both_servers(cluster) -> None:
    mail = cluster.mail
    with server_database(cluster.server):
        queued_before_reminders = db.call(_queue_mail)
        expected = queued_before_reminders + REMINDED
        deadline = time.monotonic() + MAIL_TIMEOUT
        while time.monotonic() < deadline:
            statuses = db.read(_outbox_statuses)
            if statuses.get(OutboxStatus.SENT, 0) >= expected:
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(1)  # room for a duplicate to arrive, if one were coming
        statuses = db.read(_outbox_statuses)

    assert statuses == Counter({OutboxStatus.SENT: expected}), statuses
    ids = mail.message_ids()
    assert len(mail.accepted) == expected and set(ids.values()) == {1}, ids.most_common(3)
    reminders = Counter(m["To"] for m in mail.accepted if m["Subject"].startswith("Reminder"))
    assert reminders == Counter({f"reminded{n}@example.com": 1 for n in range(REMINDED)})
    # Every one of the four workers found mail on its first poll: both servers sent some.
    assert set(mail.sent_by) == {"app1", "app2"}, Counter(mail.sent_by)
