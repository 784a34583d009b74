"""Small steps the browser tests share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from playwright.sync_api import expect
from sqlalchemy.engine import Engine

from practipal_app import db
from practipal_app.onboarding import setup as practice

T = TypeVar("T")

#: The engines `server_database` has bound, innermost last: leaving one binds the one around it.
_BOUND: list[Engine] = []


def sign_in(page, email: str, password: str, home: str) -> None:
    """Through the login page, as a person would; waits until `home` has loaded."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf".*{home}/?$"), timeout=20_000)


@contextmanager
def server_database(server) -> Iterator[Engine]:
    """Point the app's services at the running server's database (SQLite or PostgreSQL) for the
    duration; inside another one's duration, that one's database is bound again afterwards."""
    engine = db.make_engine(server.db_url)
    _BOUND.append(engine)
    db.set_engine(engine)
    try:
        yield engine
    finally:
        _BOUND.remove(engine)
        db.set_engine(_BOUND[-1] if _BOUND else None)
        engine.dispose()


def ensure_practice(session) -> None:
    """The practice the journey sets up at first run (Dr. Asha Rao's, in Kolkata), made here when
    a test that needs it runs first."""
    if practice.needs_setup(session):
        practice.create_practice(
            session,
            practice_name="Sukoon Counselling",
            timezone="Asia/Kolkata",
            owner_name="Dr. Asha Rao",
            email="asha@example.com",
            password="Calm-Harbour-Tea-42",
        )


def seed(server, fn: Callable[..., T]) -> Iterator[T]:
    """A module fixture's body: run fn(session) on the server's database, then keep it bound."""
    with server_database(server):
        yield db.call(fn)
