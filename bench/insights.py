"""How long the insights dashboard takes on a large practice, next to the SQL it cannot avoid.

The Insights issue's benchmark, on the large demo (`practipal demo --scale large`: 10 therapists,
5 years, ~60,000 appointments, ~520,000 messages in and outside the portal) in SQLite. By default a
fresh temp-file database is created and seeded (~15 s); `--db PATH` reuses an existing one.

For each of the page's ranges (the default quarter, and a year), interleaved (A, B, A, B, ...) after
a warm-up, in one process:

A. one therapist's whole dashboard, as the page computes it: `my_page` below (`dashboard.dashboard`
   in the database thread, then `views.dashboard_view`) — the
   SQL aggregates, pandas shaping, the seven plotly figures, the weekly table and sentences —
   for each of the 10 therapists in turn, each timed on its own;
B. the same SQL aggregates alone: `db.read(dashboard.aggregates, ...)` (every query A runs,
   rows fetched, nothing shaped);

and the same pair for the owner's team view (`team_page`: `dashboard.team` then `views.team_view`,
against `dashboard.team_aggregates`).

It prints medians and p90s in ms, the ratios A/B, and the size of the state update the page sends
(the values the handler sets, serialized with Reflex's own JSON encoder). Goals: ≤ 300 ms a view,
ratio ≤ 2, state update ≤ 150 KB.

    .venv/bin/python bench/insights.py [--db PATH] [--reps 10] [--warmup 2] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from reflex_base.utils import format as reflex_format
from sqlmodel import SQLModel, func, select

import practipal_app.models  # noqa: F401  (registers every table with SQLModel.metadata)
from practipal_app import config, db
from practipal_app.analytics import dashboard, views, wellbeing
from practipal_app.demo import large as demo_large
from practipal_app.models import Role, User
from practipal_app.people import auth
from practipal_app.state.insights import FIGURES, TEAM_FIGURES

GOAL_MS, GOAL_RATIO, GOAL_BYTES = 300, 2.0, 150_000
RANGES = {"quarter": 13, "year": 52}


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.9 * (len(ordered) - 1))] * 1000


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def my_page(actor, first, last) -> views.MyPage:
    """What InsightsState computes for a therapist's figures."""
    return views.dashboard_view(db.read(dashboard.dashboard, actor, first, last))


def team_page(actor, first, last) -> views.TeamPage:
    """What InsightsState computes for the owner's team view."""
    return views.team_view(db.read(dashboard.team, actor, first, last))


def _state_update(page: views.MyPage | views.TeamPage, team: bool) -> dict:
    """What InsightsState sends after a refresh: the vars its handler sets, by Reflex's names."""
    if team:
        values = {f"team_{n}_fig": page.figures[n] for n in TEAM_FIGURES}
        values["team_summary"] = page.summary
    else:
        values = {f"{n}_fig": page.figures[n] for n in FIGURES}
        values |= {"rows": page.rows, "texts": page.texts}
    return {
        "practipal_app___state___insights____insights_state": {
            f"{k}_rx_state_": v for k, v in values.items()
        }
    }


def _open(path: Path | None) -> Path:
    if path is not None:
        db.set_engine(db.make_engine(f"sqlite:///{path}"))
        return path
    path = Path(tempfile.mkdtemp(prefix="practipal-bench-insights-")) / "practipal.db"
    engine = db.make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    db.set_engine(engine)
    started = time.perf_counter()
    db.call(demo_large.seed_large, "http://localhost:3000")
    print(f"seeded the large demo in {time.perf_counter() - started:.1f} s")
    return path


def _pair(
    label: str,
    pairs: list[tuple[Callable[[], object], Callable[[], object]]],
    reps: int,
    warmup: int,
) -> None:
    """Times each (page, SQL alone) pair back to back, `reps` times over the list."""
    for _ in range(warmup):
        for full, sql in pairs:
            full(), sql()
    a, b = [], []
    for _ in range(reps):
        for full, sql in pairs:
            a.append(_timed(full))
            b.append(_timed(sql))
    (a_med, a_p90), (b_med, b_p90) = _ms(a), _ms(b)
    ratio = a_med / b_med
    verdict = "met" if a_med <= GOAL_MS and ratio <= GOAL_RATIO else "MISSED"
    print(
        f"  {label:<28} page {a_med:6.1f} ms (p90 {a_p90:6.1f})   SQL alone {b_med:6.1f} ms (p90 "
        f"{b_p90:6.1f})   ratio {ratio:4.2f}   goal {verdict}   [{len(a)} samples each]"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="an existing large-demo SQLite database")
    parser.add_argument(
        "--reps", type=int, default=10, help="rounds per range (a round: every therapist once)"
    )
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--profile", action="store_true", help="profile one round of the year range"
    )
    args = parser.parse_args()
    os.environ.setdefault("PRACTIPAL_DATA_DIR", tempfile.mkdtemp(prefix="practipal-bench-data-"))
    config.get_settings.cache_clear()
    path = _open(args.db)
    people = db.read(
        lambda s: list(
            s.exec(
                select(User).where(User.role.in_([Role.OWNER, Role.THERAPIST])).order_by(User.id)
            )
        )
    )
    actors = [auth.actor_for(u) for u in people]
    owner = next(a for a in actors if a.role == Role.OWNER)
    counts = db.read(
        lambda s: {
            t: s.exec(select(func.count()).select_from(sa.table(t))).one()
            for t in ("appointment", "message", "contactrecord")
        }
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, SQLite "
        f"{db.get_engine().dialect.dbapi.sqlite_version}, {path.stat().st_size / 2**20:.0f} MiB: "
        f"{len(actors)} therapists, {counts['appointment']:,} appointments, {counts['message']:,} "
        f"portal messages, {counts['contactrecord']:,} messages outside the portal"
    )
    today = db.read(wellbeing.today, owner)
    monday = today - timedelta(days=today.weekday())
    for name, weeks in RANGES.items():
        first = monday - timedelta(weeks=weeks - 1)
        print(f"\n{name} ({first} to {today}), {args.reps} rounds after {args.warmup} warm-up:")
        _pair(
            "a therapist's dashboard",
            [
                (
                    partial(my_page, a, first, today),
                    partial(db.read, dashboard.aggregates, a, first, today),
                )
                for a in actors
            ],
            args.reps,
            args.warmup,
        )
        _pair(
            "the owner's team view",
            [
                (
                    partial(team_page, owner, first, today),
                    partial(db.read, dashboard.team_aggregates, owner, first, today),
                )
            ],
            args.reps * len(actors),
            args.warmup,
        )
        mine = max(
            len(reflex_format.json_dumps(_state_update(my_page(a, first, today), False)))
            for a in actors
        )
        team = len(reflex_format.json_dumps(_state_update(team_page(owner, first, today), True)))
        print(
            f"  state update: largest therapist dashboard {mine / 1000:.1f} KB, team view "
            f"{team / 1000:.1f} KB   goal ≤ {GOAL_BYTES // 1000} KB "
            f"{'met' if max(mine, team) <= GOAL_BYTES else 'MISSED'}"
        )
    if args.profile:
        first = monday - timedelta(weeks=51)
        profiler = cProfile.Profile()
        profiler.enable()
        for a in actors:
            my_page(a, first, today)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
