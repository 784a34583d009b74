"""Fixtures for service tests on a real database: a controlled clock, sign-in helpers, a mail
server, HTTP clients carrying a signed-in person's cookie."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime

import pytest
from mailserver import MailServer, free_port
from scheduling_helpers import T0, session_type_id
from sqlmodel import select

from practipal_app import config, db
from practipal_app.api import routes
from practipal_app.core.tokens import new_token
from practipal_app.models import AuditEvent, User
from practipal_app.models.base import utcnow
from practipal_app.people import auth

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def default_settings(monkeypatch):
    """The CLI reads settings from the environment: use the defaults, whatever this shell has
    set."""
    for name in ("PRACTIPAL_BASE_URL", "PRACTIPAL_PORT", "PRACTIPAL_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    config.get_settings.cache_clear()
    yield
    config.get_settings.cache_clear()


@pytest.fixture
def t0() -> datetime:
    return T0


@pytest.fixture
def sign_in(engine) -> Callable[..., tuple[str, str]]:
    """sign_in(email, password, now=..., next_path=...) -> (session token, where the browser goes).

    What the login page does: check the password, leave a ticket for this browser tab, and let
    the tab redeem it for a session cookie.
    """

    def run(email: str, password: str, now: datetime = T0, next_path: str = "") -> tuple[str, str]:
        browser = new_token()
        db.call(auth.sign_in, email, password, browser, next_path, now=now)
        return db.call(auth.redeem_ticket, browser, "pytest", now=now)

    return run


@pytest.fixture
def audit_kinds(engine) -> Callable[[], list[str]]:
    """The audit trail's event kinds, oldest first."""
    return lambda: [
        e.kind for e in db.call(lambda s: s.exec(select(AuditEvent).order_by(AuditEvent.id)).all())
    ]


@pytest.fixture
def reload_user(engine) -> Callable[[int], User]:
    return lambda user_id: db.call(lambda s: s.get(User, user_id))


@pytest.fixture
def mail_server() -> Callable[..., MailServer]:
    """mail_server(port=None, delay=0.0, start=True) -> a server on 127.0.0.1, stopped after the
    test."""
    servers: list[MailServer] = []

    def make(port: int | None = None, delay: float = 0.0, start: bool = True) -> MailServer:
        server = MailServer(port or free_port(), delay)
        servers.append(server)
        return server.start() if start else server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def riya(owner_actor, add_client) -> int:
    """A client of the owner's."""
    return add_client(owner_actor, "Riya Sharma", "riya@example.com")


@pytest.fixture
def therapy(owner) -> int:
    """The owner's default session type: 'Therapy session', 50 minutes plus a 10-minute buffer,
    video. The owner works Mon–Fri 10:00–18:00 in Kolkata, with 24 h notice and a 24 h cancellation
    window."""
    return session_type_id(owner.id)


@pytest.fixture
def browser(engine):
    """browser(user_id=None) -> an HTTP client carrying that person's session cookie (or none)."""
    opened = []

    def open_as(user_id: int | None = None) -> TestClient:
        cookies = {}
        if user_id is not None:
            user = db.call(lambda s: s.get(User, user_id))
            cookies[auth.SESSION_COOKIE] = db.call(auth.start_session, user, "pytest", now=utcnow())
        client = TestClient(routes.build(), cookies=cookies)
        opened.append(client)
        return client

    yield open_as
    for client in opened:
        client.close()
