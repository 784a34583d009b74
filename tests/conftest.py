"""Fixtures shared by every tier.

Each test gets an empty database: a fresh SQLite file, and — when PRACTIPAL_TEST_POSTGRES_URL is
set — the run's own schema in that PostgreSQL database, built once and emptied before each test
(the `database` fixture is parametrized over both). The app's `db` module is pointed at it,
so services run exactly as the app runs them: `db.call(service, ...)`, one transaction each.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, select

import practipal_app.models  # noqa: F401  (registers every table with SQLModel.metadata)
from practipal_app import config, db
from practipal_app.core.identity import Actor
from practipal_app.models import OutboxEmail, Role, User
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients

PG_URL = os.environ.get("PRACTIPAL_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]

PRACTICE_NAME = "Sunrise Counselling"
OWNER_NAME = "Asha Rao"
OWNER_EMAIL = "asha@example.com"
OWNER_PASSWORD = "Calm-Harbour-Tea-42"
THERAPIST_NAME = "Vikram Nair"
THERAPIST_EMAIL = "vikram@example.com"
THERAPIST_PASSWORD = "Amber-Monsoon-Kettle-19"
BASE_URL = "https://practice.example.in"


@pytest.fixture(scope="session", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private data dir for the whole run: nothing a test does lands in ./data."""
    path = tmp_path_factory.mktemp("practipal-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PRACTIPAL_DATA_DIR", str(path))
        mp.setenv("PRACTIPAL_BACKUP_TIME", "off")  # the backup tests turn it on for themselves
        config.get_settings.cache_clear()
        yield str(path)
    config.get_settings.cache_clear()


@dataclass(frozen=True)
class Database:
    backend: str
    #: What PRACTIPAL_DATABASE_URL would be for another process using this same database.
    url: str
    engine: Engine


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = db.make_engine(PG_URL)
    # The appointments' exclusion constraint needs btree_gist. Installed once, in `public`, under a
    # lock: otherwise parallel workers race to create it, or one creates it inside its own test
    # schema and drops it with that schema.
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(4242)"))
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
    yield engine
    engine.dispose()


def _with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database(pg_admin: Engine) -> Iterator[Database]:
    """One schema for the whole run, built once; `database` empties it before each test."""
    schema = f"t_{secrets.token_hex(6)}"
    with pg_admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = _with_search_path(PG_URL, schema)
    engine = db.make_engine(url)
    SQLModel.metadata.create_all(engine)
    try:
        yield Database("postgresql", url, engine)
    finally:
        engine.dispose()
        with pg_admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def _empty(engine: Engine) -> None:
    """Every table emptied and every id sequence restarted, as in a new schema."""
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    """A fresh SQLite file, or the run's PostgreSQL schema emptied: each test starts from nothing,
    whatever ran before it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'practipal-test.db'}"
        engine = db.make_engine(url)
        SQLModel.metadata.create_all(engine)
        database = Database("sqlite", url, engine)
    else:
        database = request.getfixturevalue("pg_database")
        _empty(database.engine)
    db.set_engine(database.engine)
    try:
        yield database
    finally:
        db.set_engine(None)
        if database.backend == "sqlite":
            database.engine.dispose()


@pytest.fixture
def engine(database: Database) -> Engine:
    return database.engine


# People ------------------------------------------------------------------------------------------


@pytest.fixture
def owner(engine: Engine) -> User:
    """The practice and its owner, created through first-run setup."""
    return db.call(
        practice.create_practice,
        practice_name=PRACTICE_NAME,
        timezone="Asia/Kolkata",
        owner_name=OWNER_NAME,
        email=OWNER_EMAIL,
        password=OWNER_PASSWORD,
    )


@pytest.fixture
def owner_actor(owner: User) -> Actor:
    return auth.actor_for(owner)


@pytest.fixture
def therapist(owner: User) -> User:
    """A second therapist in the same practice."""
    return db.call(
        practice.add_staff,
        owner.practice_id,
        THERAPIST_NAME,
        THERAPIST_EMAIL,
        Role.THERAPIST,
        THERAPIST_PASSWORD,
    )


@pytest.fixture
def therapist_actor(therapist: User) -> Actor:
    return auth.actor_for(therapist)


@pytest.fixture
def add_client(engine: Engine) -> Callable[..., int]:
    """add_client(actor, name=..., email=..., **form fields) -> the new client's id."""
    numbers = itertools.count(1)

    def add(
        actor: Actor, name: str | None = None, email: str | None = None, **fields: object
    ) -> int:
        n = next(numbers)
        form = clients.ClientForm(
            name=name or f"Client {n:02d}", email=email or f"client{n:02d}@example.com", **fields
        )
        return db.call(clients.add_client, actor, form)

    return add


@pytest.fixture
def user_by_email(engine: Engine) -> Callable[[str], User]:
    def get(email: str) -> User:
        user = db.call(auth.find_user, email)
        assert user is not None, email
        return user

    return get


# Email -------------------------------------------------------------------------------------------


def _outbox_rows(session, kind: str) -> list[OutboxEmail]:
    return list(
        session.exec(select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id))
    )


@pytest.fixture
def outbox(engine: Engine) -> Callable[[str], list[OutboxEmail]]:
    """outbox(kind) -> the queued emails of that kind, oldest first."""
    return lambda kind: db.call(_outbox_rows, kind)


@pytest.fixture
def emailed_tokens(outbox) -> Callable[[str], list[str]]:
    """emailed_tokens('invite' | 'password_reset') -> the raw tokens in the emailed links, oldest
    first."""
    paths = {"invite": "invite", "password_reset": "reset"}

    def tokens(kind: str) -> list[str]:
        found = []
        for row in outbox(kind):
            match = re.search(
                rf"{re.escape(BASE_URL)}/{paths[kind]}/([A-Za-z0-9_-]+)", row.body_text
            )
            assert match, row.body_text
            found.append(match.group(1))
        return found

    return tokens


@pytest.fixture
def base_url() -> str:
    """The site address services put into emailed links."""
    return BASE_URL


@pytest.fixture
def owner_password() -> str:
    return OWNER_PASSWORD


@pytest.fixture
def therapist_password() -> str:
    return THERAPIST_PASSWORD
