"""The committed migrations build exactly the schema the models describe.

This is the check `reflex db makemigrations` would make: if a model changes without a migration,
autogenerate finds a difference and this test fails.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from reflex import model as rx_model

import practipal_app.models  # noqa: F401  (registers every table)
from practipal_app.db import make_engine, normalize_url

ROOT = Path(__file__).resolve().parents[2]


def _engines():
    yield "sqlite", None
    if os.environ.get("PRACTIPAL_TEST_POSTGRES_URL"):
        yield "postgresql", os.environ["PRACTIPAL_TEST_POSTGRES_URL"]


@pytest.fixture(params=[name for name, _ in _engines()])
def fresh_engine(request, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # reflex finds alembic.ini relative to the working directory
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
        yield engine
        engine.dispose()
        return
    url = normalize_url(os.environ["PRACTIPAL_TEST_POSTGRES_URL"])
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema},public"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_migrations_match_models(fresh_engine):
    with fresh_engine.connect() as connection:
        rx_model._alembic_upgrade(connection=connection)
        changes = rx_model.alembic_autogenerate(connection=connection, write_migration_scripts=False)
        connection.commit()
    assert changes is False, "models changed without a migration: run `reflex db makemigrations`"
    tables = set(sa.inspect(fresh_engine).get_table_names())
    assert {"user", "practice", "clientprofile", "charter", "outboxemail", "auditevent"} <= tables


def test_postgresql_migration_refuses_overlapping_appointments(fresh_engine):
    if fresh_engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite uses a write lock instead")
    with fresh_engine.connect() as connection:
        rx_model._alembic_upgrade(connection=connection)
        connection.commit()
        names = connection.exec_driver_sql(
            "SELECT conname FROM pg_constraint WHERE conname = 'appointment_no_overlap' "
            "AND connamespace = current_schema()::regnamespace").scalars().all()  # this test's schema only
    assert names == ["appointment_no_overlap"]


def test_therapists_from_before_scheduling_get_default_hours_and_a_session_type(fresh_engine):
    with fresh_engine.connect() as connection:
        rx_model._alembic_upgrade(connection=connection, to_rev="1a43dffa5364")
        connection.exec_driver_sql(
            "INSERT INTO practice (id, name, timezone, address, is_demo, created_at) "
            "VALUES (1, 'P', 'Asia/Kolkata', '', FALSE, '2026-01-01 00:00:00+00')")
        for user_id, role in ((1, "owner"), (2, "client")):
            connection.exec_driver_sql(
                'INSERT INTO "user" (id, practice_id, email, name, phone, role, active, failed_signins, created_at) '  # noqa: S608 (fixed test values)
                f"VALUES ({user_id}, 1, 'u{user_id}@x.in', 'U', '', '{role}', TRUE, 0, '2026-01-01 00:00:00+00')")
        rx_model._alembic_upgrade(connection=connection)
        connection.commit()
        rules = connection.exec_driver_sql(
            "SELECT therapist_id, weekday, start_minute, end_minute FROM availabilityrule ORDER BY weekday").all()
        types = connection.exec_driver_sql("SELECT therapist_id, duration_minutes FROM sessiontype").all()
        settings = connection.exec_driver_sql("SELECT therapist_id, daily_cap FROM schedulingsettings").all()
    assert [tuple(r) for r in rules] == [(1, d, 600, 1080) for d in range(5)]
    assert [tuple(t) for t in types] == [(1, 50)]
    assert [tuple(s) for s in settings] == [(1, 6)]
