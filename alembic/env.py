"""Alembic's entry point for plain `alembic` commands (`alembic check`, `alembic upgrade head`).

`reflex db migrate/makemigrations` drive the same migrations without this file, but compare column
names only; this environment also compares column types, and the migration test runs `alembic check`
through it. The database is PractiPal's own (PRACTIPAL_DATABASE_URL, else SQLite in the data dir),
or a connection a caller passes in `config.attributes["connection"]`.
"""

from __future__ import annotations

from sqlmodel import SQLModel

import practipal_app.models  # noqa: F401  (registers every table with SQLModel.metadata)
from alembic import context
from practipal_app.config import get_settings
from practipal_app.db import make_engine

config = context.config
OPTIONS = {"target_metadata": SQLModel.metadata, "compare_type": True, "render_as_batch": True}


def run(connection) -> None:
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("PractiPal's migrations run against a database: use `reflex db migrate`.")
elif (given := config.attributes.get("connection")) is not None:
    run(given)
else:
    engine = make_engine(get_settings().database_url)
    try:
        with engine.connect() as connection:
            run(connection)
            connection.commit()
    finally:
        engine.dispose()
