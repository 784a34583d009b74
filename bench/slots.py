"""How long the client portal takes to list free slots, next to the one query it cannot avoid.

The Scheduling issue's benchmark: free slots for the next 30 days for a therapist with five years
of history (about 6,000 appointments). One run builds a fresh database (a temp-file SQLite DB, or
with `--postgres URL` a fresh schema in that PostgreSQL database, dropped at the end):

* the practice and its owner through `practice.create_practice` (default weekly hours Mon–Fri
  10:00–18:00, a 50-minute session type with a 10-minute buffer), 40 clients through
  `clients.add_client`;
* ~6,000 appointments inserted in bulk over the five years before `NOW` (weekday starts inside
  working hours, 50 min + 10 min buffer, mostly completed, some cancelled or no-show, never
  overlapping), plus ~60 scheduled ones in the next 30 days.

Then it times, interleaved (A, B, A, B, ...) after a warm-up, in the same process:

A. `db.read(appointments.available_slots, <client actor>, <session type>, now=NOW)` — what the
   portal runs, with every query it makes, in its own read-only transaction;
B. the bare `SELECT starts_at, blocked_until FROM appointment WHERE therapist_id = ? AND status
   IN (<active>) AND starts_at > ? AND starts_at < ? AND blocked_until > ?` over the window
   `_slots` uses (start of this week in the practice timezone .. NOW + horizon + 8 days), through
   the same engine, in a transaction of its own — the floor A cannot go below.

It prints the medians and p90s in ms, the ratio A/B and the goals (ratio <= 3, slots < 50 ms).

    .venv/bin/python bench/slots.py [--reps 300] [--warmup 30] [--postgres URL] [--explain]
                                    [--profile N]

`--explain` prints the database's plan for query B; `--profile N` runs A N more times under
cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import practipal_app.models  # noqa: F401  (registers every table with SQLModel.metadata)
from practipal_app import config, db
from practipal_app.core.identity import Actor
from practipal_app.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Role,
    SessionMode,
    SessionType,
)
from practipal_app.models.base import UTCDateTime
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.slots import week_start

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # a Monday, 09:30 in Asia/Kolkata
TIMEZONE = "Asia/Kolkata"
YEARS = 5
CLIENTS = 40
SEED = 2026
GOAL_RATIO = 3.0
GOAL_SLOTS_MS = 50.0

# How past sessions ended (weights). Cancelled ones keep their place: nothing ever overlaps.
PAST_STATUSES = {
    AppointmentStatus.COMPLETED: 86,
    AppointmentStatus.CANCELLED_BY_CLIENT: 6,
    AppointmentStatus.LATE_CANCELLED: 3,
    AppointmentStatus.CANCELLED_BY_THERAPIST: 2,
    AppointmentStatus.NO_SHOW: 3,
}
CANCELLED = {
    AppointmentStatus.CANCELLED_BY_CLIENT,
    AppointmentStatus.LATE_CANCELLED,
    AppointmentStatus.CANCELLED_BY_THERAPIST,
}

_ACTIVE_SQL = ", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES)  # fixed enum values, no user input
BARE_SQL = (
    "SELECT starts_at, blocked_until FROM appointment WHERE therapist_id = :therapist_id "
    f"AND status IN ({_ACTIVE_SQL}) AND starts_at > :window_floor AND starts_at < :window_end "
    "AND blocked_until > :window_start"
)


def _typed(sql: str) -> sa.TextClause:
    """The datetimes go in and come out through the app's UTC column type, as in the service."""
    return sa.text(sql).bindparams(
        sa.bindparam("window_end", type_=UTCDateTime()),
        sa.bindparam("window_start", type_=UTCDateTime()),
        sa.bindparam("window_floor", type_=UTCDateTime()),
    )


BARE_QUERY = _typed(BARE_SQL).columns(starts_at=UTCDateTime(), blocked_until=UTCDateTime())


# Data --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    """What the timed calls need: the client acting, the session type, the query's parameters."""

    engine: Engine
    client: Actor
    therapist_id: int
    type_id: int
    window_start: datetime
    window_end: datetime
    total: int
    active: int
    upcoming: int

    @property
    def params(self) -> dict:
        return {
            "therapist_id": self.therapist_id,
            "window_start": self.window_start,
            "window_floor": self.window_start - scheduling.MAX_HELD,
            "window_end": self.window_end,
        }


def _day_starts(
    rng: random.Random,
    day: date,
    zone: ZoneInfo,
    count: int,
    first: int,
    last: int,
    duration: int,
    held: int,
) -> list[datetime]:
    """`count` starts on one day, on an hourly grid (shifted by 0 or 30 min) inside working hours,
    so no two held periods overlap."""
    offset = rng.choice((0, 30))
    grid = [m for m in range(first + offset, last - duration + 1, held)]
    picked = sorted(rng.sample(grid, min(count, len(grid))))
    return [
        datetime.combine(day, clock(m // 60, m % 60), tzinfo=zone).astimezone(UTC) for m in picked
    ]


def _rows(
    rng: random.Random,
    *,
    practice_id: int,
    therapist_id: int,
    client_ids: list[int],
    kind: SessionType,
    hours: dict[int, list[tuple[int, int]]],
    zone: ZoneInfo,
) -> list[dict]:
    duration, buffer = kind.duration_minutes, kind.buffer_minutes
    held = duration + buffer
    today = NOW.astimezone(zone).date()
    first_day = today.replace(year=today.year - YEARS)
    # Leave: two random weeks a year, plus the odd day off.
    leave_weeks = {
        week_start(first_day + timedelta(days=rng.randrange(365 * YEARS))) for _ in range(2 * YEARS)
    }
    statuses, weights = list(PAST_STATUSES), list(PAST_STATUSES.values())
    rows: list[dict] = []

    def add(start: datetime, status: str) -> None:
        client_id = rng.choice(client_ids)
        created = start - timedelta(days=rng.randint(1, 21), minutes=rng.randrange(600))
        cancelled = start - timedelta(hours=rng.randint(2, 72)) if status in CANCELLED else None
        rows.append(
            {
                "practice_id": practice_id,
                "therapist_id": therapist_id,
                "client_id": client_id,
                "session_type_id": kind.id,
                "title": kind.name,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=duration),
                "blocked_until": start + timedelta(minutes=held),
                "status": status,
                "mode": SessionMode.VIDEO.value,
                "join_url": f"https://meet.jit.si/PractiPal-{rng.getrandbits(64):016x}",
                "location": "",
                "agenda": "",
                "fee_paise": kind.fee_paise,
                "series_id": "",
                "created_by": rng.choice((client_id, therapist_id)),
                "created_at": created,
                "cancelled_at": cancelled,
            }
        )

    day = first_day
    while day < today:  # the past: about 5 sessions a working day
        if day.weekday() in hours and week_start(day) not in leave_weeks and rng.random() > 0.04:
            for first, last in hours[day.weekday()]:
                for start in _day_starts(
                    rng, day, zone, rng.choice((4, 5, 5, 5, 6)), first, last, duration, held
                ):
                    add(start, rng.choices(statuses, weights)[0].value)
        day += timedelta(days=1)
    upcoming_until = NOW + timedelta(days=30)
    while day <= upcoming_until.astimezone(zone).date():  # the next 30 days: ~3 booked a day
        if day.weekday() in hours:
            for first, last in hours[day.weekday()]:
                for start in _day_starts(
                    rng, day, zone, rng.choice((2, 3, 3)), first, last, duration, held
                ):
                    if NOW < start <= upcoming_until:
                        cancelled = rng.random() < 0.05
                        add(
                            start,
                            (
                                AppointmentStatus.CANCELLED_BY_CLIENT
                                if cancelled
                                else AppointmentStatus.SCHEDULED
                            ).value,
                        )
        day += timedelta(days=1)
    return rows


def build(engine: Engine) -> Fixture:
    """A practice, its owner-therapist, 40 clients and five years of sessions."""
    SQLModel.metadata.create_all(engine)
    db.set_engine(engine)
    owner = db.call(
        practice.create_practice,
        practice_name="Benchmark Counselling",
        timezone=TIMEZONE,
        owner_name="Asha Rao",
        email="asha@example.com",
        password="Calm-Harbour-Tea-42",
    )
    owner_actor = auth.actor_for(owner)
    client_ids = [
        db.call(
            clients.add_client,
            owner_actor,
            clients.ClientForm(name=f"Client {n:02d}", email=f"client{n:02d}@example.com"),
        )
        for n in range(1, CLIENTS + 1)
    ]
    kind = db.call(scheduling.session_types, owner.id)[0]
    hours = db.call(scheduling.weekly_hours, owner.id)
    horizon = timedelta(days=db.call(scheduling.settings_for, owner.id).horizon_days)
    zone = ZoneInfo(TIMEZONE)
    rows = _rows(
        random.Random(SEED),
        practice_id=owner.practice_id,
        therapist_id=owner.id,
        client_ids=client_ids,
        kind=kind,
        hours=hours,
        zone=zone,
    )
    with engine.begin() as conn:
        conn.execute(sa.insert(Appointment.__table__), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE appointment"))  # what autovacuum does after a bulk load
    client = db.call(auth.find_user, "client01@example.com")
    # The same window as scheduling.appointments._slots.
    window_start = datetime.combine(
        week_start(NOW.astimezone(zone).date()), datetime.min.time(), tzinfo=zone
    )
    window_end = NOW + horizon + timedelta(days=8)
    active_values = {s.value for s in ACTIVE_STATUSES}
    return Fixture(
        engine,
        Actor(client.id, client.practice_id, Role.CLIENT, client.name, client.email),
        owner.id,
        kind.id,
        window_start,
        window_end,
        total=len(rows),
        active=sum(1 for r in rows if r["status"] in active_values),
        upcoming=sum(1 for r in rows if r["starts_at"] > NOW),
    )


def count_in_db(fx: Fixture) -> int:
    with fx.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT count(*) FROM appointment WHERE therapist_id = :t"),
            {"t": fx.therapist_id},
        ).scalar_one()


# Timing ------------------------------------------------------------------------------------------


def slots_call(fx: Fixture) -> list[datetime]:
    """A: what the portal runs."""
    return db.read(appointments.available_slots, fx.client, fx.type_id, now=NOW)


def bare_query(fx: Fixture) -> list:
    """B: the appointments query alone, in its own transaction, through the same engine."""
    with fx.engine.connect().execution_options(practipal_read_only=True) as conn, conn.begin():
        return conn.execute(BARE_QUERY, fx.params).all()


def interleaved(
    a: Callable[[], object], b: Callable[[], object], reps: int, warmup: int
) -> tuple[list[float], list[float]]:
    for _ in range(warmup):
        a()
        b()
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(reps):
        for fn, times in ((a, times_a), (b, times_b)):
            started = time.perf_counter_ns()
            fn()
            times.append((time.perf_counter_ns() - started) / 1e6)
    return times_a, times_b


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def check(slots: list[datetime], busy: list) -> None:
    """The slots are real: inside the horizon, past the notice, clear of every active session."""
    for start in slots:
        end = start + timedelta(minutes=60)  # the session plus its buffer
        if any(s < end and e > start for s, e in busy):
            sys.exit(f"slot {start.isoformat()} overlaps an active session")
        if not NOW + timedelta(hours=24) <= start <= NOW + timedelta(days=30):
            sys.exit(f"slot {start.isoformat()} is outside notice/horizon")


def explain(fx: Fixture) -> str:
    prefix = (
        "EXPLAIN QUERY PLAN "
        if fx.engine.dialect.name == "sqlite"
        else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    with fx.engine.begin() as conn:
        rows = conn.execute(_typed(prefix + BARE_SQL), fx.params).all()
    return "\n".join("    " + " | ".join(str(c) for c in r) for r in rows)


def profile(fx: Fixture, calls: int) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        slots_call(fx)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    print(f"\ncProfile, {calls} calls of A — by cumulative time", file=out)
    stats.sort_stats("cumulative").print_stats(35)
    print(f"cProfile, {calls} calls of A — by own time", file=out)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def run(engine: Engine, label: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    fx = build(engine)
    built = time.perf_counter() - started
    slots = slots_call(fx)
    busy = bare_query(fx)
    check(slots, busy)
    with engine.connect() as conn:
        version = conn.execute(
            sa.text(
                "SELECT sqlite_version()"
                if engine.dialect.name == "sqlite"
                else "SHOW server_version"
            )
        ).scalar_one()
    times_a, times_b = interleaved(
        lambda: slots_call(fx), lambda: bare_query(fx), args.reps, args.warmup
    )
    med_a, med_b = statistics.median(times_a), statistics.median(times_b)
    ratio = med_a / med_b
    zone = ZoneInfo(TIMEZONE)

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")

    print(
        f"PractiPal slots benchmark — {label} {version}, SQLAlchemy {sa.__version__}, "
        f"Python {platform.python_version()}"
    )
    print(f"now {NOW:%Y-%m-%d %H:%M} UTC ({local(NOW)} {TIMEZONE}); data built in {built:.1f} s")
    in_db = count_in_db(fx)
    if in_db != fx.total:
        sys.exit(f"inserted {fx.total} appointments but the DB holds {in_db}")
    print(
        f"appointments in the DB for the therapist: {in_db:,} "
        f"({fx.active:,} active; {fx.upcoming} after now; {CLIENTS} clients; {YEARS} years)"
    )
    print(
        f"query window: {local(fx.window_start)} .. {local(fx.window_end)} -> "
        f"{len(busy)} active appointments fetched"
    )
    first_last = f" ({local(slots[0])} .. {local(slots[-1])})" if slots else ""
    print(f"free slots found (next 30 days): {len(slots)}{first_last}")
    print(f"repetitions: {args.reps} each, interleaved A/B, after {args.warmup} warm-up each\n")
    print(f"{'':44}{'median':>10}{'p90':>10}")
    print(
        f"{'A  available_slots via db.read (as client)':44}{med_a:>7.2f} ms{p90(times_a):>7.2f} ms"
    )
    print(f"{'B  bare SELECT of the same appointments':44}{med_b:>7.2f} ms{p90(times_b):>7.2f} ms")
    print(f"{'ratio A/B (medians)':44}{ratio:>10.2f}\n")
    print(
        f"goal  ratio A/B <= {GOAL_RATIO:g}:  {'met' if ratio <= GOAL_RATIO else 'MISSED'} "
        f"({ratio:.2f})"
    )
    print(
        f"goal  slots < {GOAL_SLOTS_MS:g} ms:     "
        f"{'met' if med_a < GOAL_SLOTS_MS else 'MISSED'} ({med_a:.2f} ms median)"
    )
    if args.explain:
        print(f"\nplan of query B:\n{explain(fx)}")
    if args.profile:
        print(profile(fx, args.profile))


def _with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    return parsed.render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=300, help="timed runs of each, after warm-up")
    parser.add_argument("--warmup", type=int, default=30, help="untimed runs of each first")
    parser.add_argument("--postgres", metavar="URL", help="run against PostgreSQL (a fresh schema)")
    parser.add_argument("--explain", action="store_true", help="print the plan of query B")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="then profile N more calls of A with cProfile",
    )
    args = parser.parse_args()
    if args.reps < 2:
        parser.error("--reps must be at least 2")

    with tempfile.TemporaryDirectory(prefix="practipal-bench-") as tmp:
        # Nothing the services do may land in ./data.
        os.environ["PRACTIPAL_DATA_DIR"] = tmp
        config.get_settings.cache_clear()
        if not args.postgres:
            engine = db.make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
            try:
                run(engine, "SQLite", args)
            finally:
                db.set_engine(None)
                engine.dispose()
            return
        admin = db.make_engine(args.postgres)
        schema = f"bench_slots_{secrets.token_hex(4)}"
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine = db.make_engine(_with_search_path(db.normalize_url(args.postgres), schema))
        try:
            run(engine, "PostgreSQL", args)
        finally:
            db.set_engine(None)
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
