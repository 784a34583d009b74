"""How the pages that read a therapist's or a practice's whole history hold up as it grows.

The data-growth benchmark of the "fast under load" issue. On the large demo (`practipal demo
--scale large`: 10 therapists, 5 years, ~60,000 appointments, ~200,000 portal messages) plus an
invoice history the demo does not write (one invoice per completed session, most paid with a
receipt, the last weeks' and a few older ones still open), it times, interleaved after a warm-up,
each page's database work and shaping as its state handler does it (A) next to the bare SQL
query the page cannot do without (B):

* Today for a therapist — client counts, today's sessions, the charter version; B: today's
  appointments by the (therapist, start) index, bounded on both sides;
* the calendar week and the calendar day — B: that week's / day's appointments, bounded;
* the owner's billing page — client list, ageing, what each client owes, revenue by month, the
  first page of invoices; B: the open balance summed, and the newest 50 invoices;
* the portal invoices page of the client with the most invoices — B: their newest 20 invoices;
* the owner's year team insights (the team view over 52 weeks) — B: the year's appointments,
  portal messages and messages outside the portal counted (the rows any aggregate must read).

It prints p50 and p95 of each (ms), the ratio of the p50s, and the goal (A's p95 ≤ 150 ms) met or
not met. By default a temp-file SQLite database is seeded (~30 s); `--postgres URL` seeds a fresh
schema in that database instead (dropped at the end). To time another tree of the app (the code
before a change), give `--app-dir DIR` (or put it first on PYTHONPATH).

    .venv/bin/python bench/data_growth.py [--reps 40] [--warmup 3] [--postgres URL]
                                          [--app-dir DIR] [--db PATH]

`--db PATH` keeps the seeded SQLite file there, and reuses it when it exists (to time two trees
on the same data).
"""

from __future__ import annotations

import sys

if "--app-dir" in sys.argv[:-1]:
    # Before the app is imported: the tree being timed is the one given.
    sys.path.insert(0, sys.argv[sys.argv.index("--app-dir") + 1])

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import SQLModel, func, select  # noqa: E402

import practipal_app  # noqa: E402
import practipal_app.models  # noqa: E402, F401  (registers every table with SQLModel.metadata)
from practipal_app import config, db  # noqa: E402
from practipal_app.analytics import dashboard, views, wellbeing  # noqa: E402
from practipal_app.billing import reports  # noqa: E402
from practipal_app.billing import views as billing_views  # noqa: E402
from practipal_app.boundaries import charter  # noqa: E402
from practipal_app.core.identity import Actor  # noqa: E402
from practipal_app.demo import large as demo_large  # noqa: E402
from practipal_app.models import (  # noqa: E402
    Appointment,
    AppointmentStatus,
    ContactRecord,
    Invoice,
    InvoiceStatus,
    Message,
    Payment,
    Role,
    User,
)
from practipal_app.people import auth, clients  # noqa: E402
from practipal_app.scheduling import workspace_views  # noqa: E402
from practipal_app.scheduling.views import day_columns, today_sessions  # noqa: E402

GOAL_P95_MS = 150
SEED = 2026
OPEN_RECENT_DAYS = 45  # invoices this recent are still unpaid
OPEN_OLDER_SHARE = 0.03  # and a few older ones


# Data --------------------------------------------------------------------------------------------


def _add_invoice_history(engine: Engine) -> int:
    """One invoice per completed session (the demo writes none), most paid with a receipt."""
    rng = random.Random(SEED)
    with engine.connect() as conn:
        sessions = conn.execute(
            sa.select(
                Appointment.practice_id,
                Appointment.client_id,
                Appointment.therapist_id,
                Appointment.starts_at,
                Appointment.fee_paise,
            )
            .where(Appointment.status == AppointmentStatus.COMPLETED)
            .order_by(Appointment.starts_at)
        ).all()
    now = datetime.now(UTC)
    invoices, paid_back = [], []
    for n, (practice_id, client_id, therapist_id, start, fee) in enumerate(sessions, 1):
        day = start.astimezone(ZoneInfo("Asia/Kolkata")).date()
        total = fee or 200_000
        open_ = (now - start).days <= OPEN_RECENT_DAYS or rng.random() < OPEN_OLDER_SHARE
        part = open_ and rng.random() < 0.2
        paid = total // 2 if part else (0 if open_ else total)
        status = InvoiceStatus.PARTLY_PAID if part else InvoiceStatus.ISSUED if open_ else "paid"
        invoices.append(
            {
                "practice_id": practice_id,
                "client_id": client_id,
                "therapist_id": therapist_id,
                "number": f"B/{n:07d}",
                "status": str(status),
                "kind": "bill_of_supply",
                "issue_date": day,
                "due_date": day + timedelta(days=7),
                "seller": {},
                "buyer": {},
                "taxable_paise": total,
                "total_paise": total,
                "paid_paise": paid,
                "created_at": start,
                "issued_at": start,
            }
        )
        if paid:
            paid_back.append((n, practice_id, client_id, day + timedelta(days=rng.randint(0, 9))))
    with engine.begin() as conn:
        conn.execute(sa.insert(Invoice.__table__), invoices)
        ids = {
            number: invoice_id
            for number, invoice_id in conn.execute(
                sa.select(Invoice.number, Invoice.id).where(Invoice.number.like("B/%"))
            )
        }
        conn.execute(
            sa.insert(Payment.__table__),
            [
                {
                    "practice_id": practice_id,
                    "invoice_id": ids[f"B/{n:07d}"],
                    "client_id": client_id,
                    "amount_paise": invoices[n - 1]["paid_paise"],
                    "paid_on": paid_on,
                    "method": "upi",
                    "reference": "",
                    "receipt_number": f"R/{n:07d}",
                    "created_at": now,
                }
                for n, practice_id, client_id, paid_on in paid_back
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))  # what autovacuum does after a bulk load
    return len(invoices)


def _seed(engine: Engine) -> float:
    SQLModel.metadata.create_all(engine)
    db.set_engine(engine)
    started = time.perf_counter()
    db.call(demo_large.seed_large, "http://localhost:3000")
    _add_invoice_history(engine)
    return time.perf_counter() - started


# The pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    therapist: Actor
    owner: Actor
    client: Actor


def _people() -> People:
    def read(session) -> People:
        staff = session.exec(
            select(User).where(User.role.in_([Role.OWNER, Role.THERAPIST])).order_by(User.id)
        ).all()
        owner = next(u for u in staff if u.role == Role.OWNER)
        therapist = next(u for u in staff if u.role == Role.THERAPIST)
        busiest = session.exec(
            select(Invoice.client_id).group_by(Invoice.client_id).order_by(func.count().desc())
        ).first()
        client = session.get(User, busiest)
        return People(*(auth.actor_for(u) for u in (therapist, owner, client)))

    return db.read(read)


def _local_day(actor: Actor):
    return db.read(workspace_views.local_today, actor)


def today_page(actor: Actor) -> object:
    """TodayState.load: client counts, today's sessions, the charter version."""
    db.read(clients.overview, actor)
    sessions = today_sessions(db.read(workspace_views.today, actor))
    db.read(charter.my_charter, actor)
    return sessions


def calendar_page(actor: Actor, first, count: int) -> object:
    """CalendarState._refresh for a week (7) or a day (1)."""
    return day_columns(db.read(workspace_views.days, actor, first, count))


def billing_page(actor: Actor) -> object:
    """BillingState.load: the client filter's names and the page's reports, shaped."""
    db.read(clients.names, actor)
    return billing_views.workspace_billing(db.read(reports.overview, actor))


def portal_invoices_page(actor: Actor) -> object:
    """PortalInvoicesState.load."""
    return billing_views.portal_invoices(db.read(reports.for_client, actor))


def team_page(actor: Actor, first, last) -> object:
    """InsightsState._refresh for the owner's team view."""
    return views.team_view(db.read(dashboard.team, actor, first, last))


# The bare queries --------------------------------------------------------------------------------


def _bare(engine: Engine, *statements: sa.Executable) -> Callable[[], None]:
    def run() -> None:
        with engine.connect() as conn, conn.begin():
            for statement in statements:
                conn.execute(statement).all()

    return run


def _appointments(actor: Actor, start: datetime, end: datetime) -> sa.Executable:
    return (
        select(Appointment)
        .where(
            Appointment.therapist_id == actor.user_id,
            Appointment.starts_at > start - timedelta(hours=6),
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
        .order_by(Appointment.starts_at)
    )


def _open_balance(actor: Actor) -> sa.Executable:
    return select(func.sum(Invoice.total_paise - Invoice.paid_paise)).where(
        Invoice.practice_id == actor.practice_id,
        Invoice.status.in_([InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID]),
    )


def _newest_invoices(where, size: int, order) -> sa.Executable:
    return select(Invoice).where(where).order_by(order).limit(size)


def _year_rows(start: datetime, end: datetime) -> list[sa.Executable]:
    return [
        select(func.count()).select_from(table).where(column >= start, column < end)
        for table, column in (
            (Appointment, Appointment.starts_at),
            (Message, Message.created_at),
            (ContactRecord, ContactRecord.at),
        )
    ]


# Timing ------------------------------------------------------------------------------------------


@dataclass
class Pair:
    label: str
    page: Callable[[], object]
    bare: Callable[[], object]
    page_times: list[float]
    bare_times: list[float]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _interleaved(pairs: list[Pair], reps: int, warmup: int) -> None:
    for _ in range(warmup):
        for pair in pairs:
            pair.page(), pair.bare()
    for _ in range(reps):
        for pair in pairs:
            pair.page_times.append(_time(pair.page))
            pair.bare_times.append(_time(pair.bare))


def _pairs(engine: Engine, people: People) -> list[Pair]:
    therapist, owner, client = people.therapist, people.owner, people.client
    zone = ZoneInfo(db.read(workspace_views.practice_zone, therapist))
    today = _local_day(therapist)
    monday = today - timedelta(days=today.weekday())

    def midnight(day) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=zone)

    year_first = monday - timedelta(weeks=51)
    year_last = db.read(wellbeing.today, owner)
    pairs = [
        ("Today (a therapist)", lambda: today_page(therapist), [(today, 1)]),
        ("calendar week", lambda: calendar_page(therapist, monday, 7), [(monday, 7)]),
        ("calendar day", lambda: calendar_page(therapist, today, 1), [(today, 1)]),
    ]
    out = [
        Pair(
            label,
            page,
            _bare(
                engine,
                *[
                    _appointments(therapist, midnight(d), midnight(d + timedelta(days=n)))
                    for d, n in span
                ],
            ),
            [],
            [],
        )
        for label, page, span in pairs
    ]
    out.append(
        Pair(
            "owner's billing page",
            lambda: billing_page(owner),
            _bare(
                engine,
                _open_balance(owner),
                _newest_invoices(Invoice.practice_id == owner.practice_id, 50, Invoice.id.desc()),
            ),
            [],
            [],
        )
    )
    out.append(
        Pair(
            "portal invoices",
            lambda: portal_invoices_page(client),
            _bare(
                engine,
                _newest_invoices(Invoice.client_id == client.user_id, 20, Invoice.issued_at.desc()),
            ),
            [],
            [],
        )
    )
    out.append(
        Pair(
            "owner's year team insights",
            lambda: team_page(owner, year_first, year_last),
            _bare(
                engine,
                *_year_rows(midnight(year_first), midnight(year_last + timedelta(days=1))),
            ),
            [],
            [],
        )
    )
    return out


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in (
                ("appointments", Appointment),
                ("portal messages", Message),
                ("messages outside the portal", ContactRecord),
                ("invoices", Invoice),
                ("payments", Payment),
            )
        }


def run(engine: Engine, label: str, args: argparse.Namespace, seed: bool = True) -> None:
    if seed:
        seeded = f"large demo seeded in {_seed(engine):.0f} s"
    else:
        db.set_engine(engine)
        seeded = "the large demo reused"
    people = _people()
    with engine.connect() as conn:
        version = conn.execute(
            sa.text(
                "SELECT sqlite_version()"
                if engine.dialect.name == "sqlite"
                else "SHOW server_version"
            )
        ).scalar_one()
    counts = ", ".join(f"{n:,} {name}" for name, n in _counts(engine).items())
    print(
        f"PractiPal data-growth benchmark — {label} {version}, Python {platform.python_version()}, "
        f"app from {Path(practipal_app.__file__).resolve().parent.parent.name}/"
    )
    print(f"{seeded}: {counts}")
    pairs = _pairs(engine, people)
    _interleaved(pairs, args.reps, args.warmup)
    print(
        f"{args.reps} rounds, each page (A) then its bare SQL (B), interleaved, after "
        f"{args.warmup} warm-up rounds\n"
    )
    print(
        f"{'':30}{'A p50':>9}{'A p95':>9}{'B p50':>9}{'B p95':>9}{'A/B':>7}"
        f"   goal A p95 <= {GOAL_P95_MS} ms"
    )
    for pair in pairs:
        a50, a95 = _p(pair.page_times, 0.5), _p(pair.page_times, 0.95)
        b50, b95 = _p(pair.bare_times, 0.5), _p(pair.bare_times, 0.95)
        verdict = "met" if a95 <= GOAL_P95_MS else "NOT MET"
        print(
            f"{pair.label:30}{a50:7.1f}ms{a95:7.1f}ms{b50:7.1f}ms{b95:7.1f}ms"
            f"{a50 / b50:7.1f}   {verdict}"
        )


def _with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    return parsed.render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=40, help="timed rounds, after warm-up")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first")
    parser.add_argument("--postgres", metavar="URL", help="run against PostgreSQL (a fresh schema)")
    parser.add_argument("--app-dir", metavar="DIR", help="time the app in this tree instead")
    parser.add_argument(
        "--db", type=Path, help="SQLite file: seeded when missing, reused when it exists"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="practipal-bench-") as tmp:
        os.environ["PRACTIPAL_DATA_DIR"] = tmp  # nothing the services write lands in ./data
        config.get_settings.cache_clear()
        if not args.postgres:
            path = args.db or Path(tmp) / "bench.db"
            engine = db.make_engine(f"sqlite:///{path}")
            try:
                run(engine, "SQLite", args, seed=not path.exists())
            finally:
                db.set_engine(None)
                engine.dispose()
            return
        admin = db.make_engine(args.postgres)
        schema = f"bench_growth_{secrets.token_hex(4)}"
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
