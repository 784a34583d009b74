"""The client portal under load: N signed-in clients over socket.io, next to a bare Reflex app.

Issue 14's load benchmark. In temp dirs it starts, itself:

* PractiPal backend-only (`reflex run --env prod --backend-only`) from a copy of the app (this
  checkout, or `--app-dir DIR`), on a fresh SQLite database migrated with `reflex db migrate` and
  seeded with the large demo (`demo.large.seed_large`: 10 therapists, 5 years);
* a bare one-page Reflex app (one state, one handler that changes a var), backend-only as well.

For each client count N it picks N demo clients who use the portal, starts a sign-in session for
each straight in the database (`auth.start_session`), and opens one tab per client the way the
browser does: the hydrate event rides in the socket.io CONNECT packet with the session cookie on
the handshake. Each client then runs the realistic loop with jitter: it opens a portal page (home,
sessions, messages, invoices, resources in turn: `on_load_internal` with the page's route) about
every 2.5 s and sends a portal message about every 10 s (topic and draft, then Send), ~0.5 actions
a second, so N=50 offers ~25 actions/s and N=200 ~99. The bare app's clients do the same number
of actions, each one event round trip.

Per step: p50/p95 latency (a page open lasts until the on_load's update, which ends with
`is_hydrated`, has arrived; a send until the update carrying the sent message); actions/s served
against offered; the server's CPU per action (utime+stime of its process tree, /proc); RSS growth
per client. App and bare alternate in rounds (`--rounds`) so machine noise hits both; ratios and
the issue's goals are printed.

Team mode (`--postgres URL --redis URL`): the app on a fresh PostgreSQL database (dropped after)
with Redis as the state manager, run once per `--workers` count (a server each, started side by
side, their rounds interleaved): throughput ratio, and the "held too long" / LockExpiredError
lines counted in each server's log. With `--haproxy`, instead: two servers (each `--workers`[0]
workers) sharing the database and Redis behind HAProxy started from `deploy/haproxy.cfg` (address
and server lines pointed at local ports), measured as one, with each server's share of the
websockets read from HAProxy's log.

    .venv/bin/python bench/portal_load.py [--clients 50 200] [--seconds 60] [--rounds 2]
        [--rate 0.495] [--app-dir DIR] [--postgres URL --redis URL [--workers 1 2] [--haproxy]]
        [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load_balancer import Balanced  # noqa: E402
from _load_clients import ACTIONS_PER_CLIENT_S, AppNames, Client, Samples, Tab  # noqa: E402
from _load_servers import (  # noqa: E402
    BARE_HANDLER,
    BARE_STATE,
    Backend,
    BenchError,
    empty_redis_database,
    free_port,
    fresh_postgres_database,
    prepare_app,
    prepare_bare,
)

REPO = Path(__file__).resolve().parents[1]
CONNECT_AT_ONCE = 20
#: Before each round: how long the server's own background CPU (lifespan tasks) is sampled.
IDLE_SECONDS = 2.0
CLIENT_CPU_WARN = 0.70
#: Issue 14's goals.
GOAL_P95_RATIO_N50 = 3.0
GOAL_SERVED_N200 = 0.95
GOAL_P95_MS_N200 = 250.0
GOAL_CPU_MS = 4.0
GOAL_WORKER_SCALING = 1.8
GOAL_TEAM_P95_MS = 300.0
GOAL_HELD_PER_MIN = 10
FIRST_OPEN = "first open"
COMPOSE = "compose"
NOT_ACTIONS = (FIRST_OPEN, COMPOSE)
HELD_TOO_LONG = re.compile(r"held\s+too\s+long", re.IGNORECASE)
LOCK_EXPIRED = re.compile(r"LockExpiredError")


@dataclass
class Side:
    """One server measured at one client count, summed over its rounds."""

    label: str
    clients: int
    #: Actions a client offers per second.
    rate: float = ACTIONS_PER_CLIENT_S
    samples: Samples = field(default_factory=Samples)
    seconds: float = 0.0
    server_cpu_s: float = 0.0
    actions: int = 0
    rss_growth: list[int] = field(default_factory=list)
    client_cpu_s: float = 0.0
    #: Behind HAProxy: websockets each app server took.
    connections: dict[str, int] = field(default_factory=dict)
    idle_cpu_s: float = 0.0
    idle_seconds: float = 0.0
    held_too_long: int = 0
    lock_expired: int = 0

    @property
    def offered(self) -> float:
        return self.clients * self.rate

    @property
    def served(self) -> float:
        return self.samples.completed_in_window / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_action(self) -> float:
        return 1000 * self.server_cpu_s / self.actions if self.actions else float("nan")

    @property
    def rss_kb_per_client(self) -> float:
        return statistics.mean(self.rss_growth) / 1024 / self.clients if self.rss_growth else 0.0

    @property
    def client_cpu_share(self) -> float:
        return self.client_cpu_s / self.seconds if self.seconds else 0.0

    def action_latencies(self) -> list[float]:
        steps = self.samples.latencies
        return [s for step, values in steps.items() if step not in NOT_ACTIONS for s in values]

    def per_minute(self, count: int) -> float:
        return 60 * count / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- one round


async def _connect(tabs: list[Tab], samples: Samples, first_page: str) -> list[Tab]:
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def one(tab: Tab) -> Tab | None:
        async with gate:
            started = time.perf_counter()
            try:
                await tab.connect(first_page)
            except Exception as exc:  # noqa: BLE001 (a tab that cannot open is a failure to count)
                samples.fail(FIRST_OPEN, repr(exc))
                return None
            samples.add(FIRST_OPEN, time.perf_counter() - started)
            return tab

    opened = await asyncio.gather(*(one(tab) for tab in tabs))
    return [tab for tab in opened if tab is not None]


async def run_round(
    side: Side, server: Backend, names: AppNames, cookies: list[str], seconds: float, seed: int
) -> None:
    """Connect `side.clients` tabs, run the loop for `seconds`, add what was measured to `side`."""
    bare = not names.on_load_internal
    idle_start = server.usage()
    await asyncio.sleep(IDLE_SECONDS)
    before = server.usage()
    side.idle_cpu_s += before.cpu_s - idle_start.cpu_s
    side.idle_seconds += IDLE_SECONDS
    tabs = [Tab(server.base_url, names, cookies[i] if cookies else "") for i in range(side.clients)]
    try:
        opened = await _connect(tabs, side.samples, names.pages[0])
        rng = random.Random(seed)
        clients = [Client(tab, random.Random(rng.random()), bare, side.rate) for tab in opened]
        server.mark_log()
        start_usage, cpu0, t0 = server.usage(), _cpu_now(), time.perf_counter()
        await asyncio.gather(*(c.loop(side.samples, t0, t0 + seconds) for c in clients))
        end_usage, cpu1 = server.usage(), _cpu_now()
        side.seconds += seconds
        side.client_cpu_s += cpu1 - cpu0
        side.server_cpu_s += end_usage.cpu_s - start_usage.cpu_s
        side.rss_growth.append(end_usage.rss_bytes - before.rss_bytes)
        side.actions = len(side.action_latencies())
        log = server.log_text_since_mark()
        side.held_too_long += len(HELD_TOO_LONG.findall(log))
        side.lock_expired += len(LOCK_EXPIRED.findall(log))
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs))


async def run_level(
    servers: list[tuple[Backend, AppNames, list[str]]],
    clients: int,
    seconds: float,
    rounds: int,
    rate: float = ACTIONS_PER_CLIENT_S,
) -> list[Side]:
    """Every server in turn, `rounds` times, each for seconds/rounds."""
    sides = [Side(server.label, clients, rate) for server, _, _ in servers]
    log_starts = {id(s): s.log_size() for s, _, _ in servers if isinstance(s, Balanced)}
    for round_no in range(rounds):
        for side, (server, names, cookies) in zip(sides, servers, strict=True):
            print(f"  N={clients} round {round_no + 1}/{rounds}: {server.label}", flush=True)
            await run_round(side, server, names, cookies, seconds / rounds, seed=round_no)
    await asyncio.sleep(1)  # HAProxy logs a websocket when it ends
    for side, (server, _, _) in zip(sides, servers, strict=True):
        if isinstance(server, Balanced):
            side.connections = server.connections_since(log_starts[id(server)])
    return sides


# ---------------------------------------------------------------- report


#: Wide enough for "p95 2 servers x 1w/bare" and a space before it.
RATIO_WIDTH = 26


def _ms(value: float) -> str:
    return (
        "-" if value != value else f"{1000 * value:,.0f}" if value >= 1 else f"{1000 * value:.1f}"
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b and b == b and a == a else "-"


def _steps(sides: list[Side]) -> list[str]:
    seen: list[str] = []
    for side in sides:
        for step in side.samples.latencies:
            if step not in seen:
                seen.append(step)
    first = [s for s in seen if s == FIRST_OPEN]
    return first + sorted(s for s in seen if s not in first)


def level_table(sides: list[Side], bare: Side) -> str:
    apps = [s for s in sides if s is not bare]
    head = f"{'p50 / p95 ms':<24}" + "".join(f"{s.label:>22}" for s in sides)
    head += "".join(f"{'p95 ' + s.label + '/bare':>{RATIO_WIDTH}}" for s in apps)
    lines = [head, "-" * len(head)]

    def row(name: str, values: list[list[float]]) -> str:
        cells = "".join(
            f"{_ms(percentile(v, 0.5)) + ' / ' + _ms(percentile(v, 0.95)):>22}"
            if v
            else f"{'':>22}"
            for v in values
        )
        bare_p95 = percentile(values[sides.index(bare)], 0.95) if values[sides.index(bare)] else 0
        for side in apps:
            v = values[sides.index(side)]
            cells += f"{_ratio(percentile(v, 0.95), bare_p95) if v else '':>{RATIO_WIDTH}}"
        return f"{name:<24}{cells}"

    for step in _steps(sides):
        lines.append(row(step, [s.samples.latencies.get(step, []) for s in sides]))
    lines.append(row("all actions", [s.action_latencies() for s in sides]))
    lines.append("")
    for name, cell in (
        (
            "actions/s served",
            lambda s: f"{s.served:.1f} of {s.offered:.1f} ({s.served / s.offered:.0%})",
        ),
        ("failures", lambda s: str(sum(s.samples.failures.values()))),
        ("server CPU ms/action", lambda s: f"{s.cpu_ms_per_action:.2f}"),
        ("server idle CPU ms/s", lambda s: f"{1000 * s.idle_cpu_s / s.idle_seconds:.0f}"),
        ("server RSS KB/client", lambda s: f"{s.rss_kb_per_client:,.0f}"),
        ("client CPU (1 core)", lambda s: f"{s.client_cpu_share:.0%}"),
        ("held too long /min", lambda s: f"{s.per_minute(s.held_too_long):.1f}"),
        ("LockExpiredError", lambda s: str(s.lock_expired)),
    ):
        line = f"{name:<24}" + "".join(f"{cell(s):>22}" for s in sides)
        if name == "server CPU ms/action":
            line += "".join(
                f"{_ratio(s.cpu_ms_per_action, bare.cpu_ms_per_action):>{RATIO_WIDTH}}"
                for s in apps
            )
        lines.append(line)
    return "\n".join(lines)


@dataclass(frozen=True)
class Goal:
    text: str
    met: bool | None  # None: cannot be judged from this run

    def line(self) -> str:
        mark = {True: "met", False: "NOT MET", None: "n/a"}[self.met]
        return f"  [{mark:>7}] {self.text}"


def solo_goals(n: int, app: Side, bare: Side) -> list[Goal]:
    p95, bare_p95 = (
        percentile(app.action_latencies(), 0.95),
        percentile(bare.action_latencies(), 0.95),
    )
    goals = [
        Goal(
            f"{app.label}: CPU {app.cpu_ms_per_action:.2f} ms/action <= {GOAL_CPU_MS}",
            app.cpu_ms_per_action <= GOAL_CPU_MS,
        )
    ]
    if n == 50:
        goals.append(Goal(
            f"N=50: {app.label} p95 {_ms(p95)} ms <= {GOAL_P95_RATIO_N50}x bare p95 "
            f"{_ms(bare_p95)} ms ({_ratio(p95, bare_p95)})",
            p95 <= GOAL_P95_RATIO_N50 * bare_p95,
        ))  # fmt: skip
    if n == 200:
        share = app.served / app.offered
        goals.append(Goal(
            f"N=200: {app.label} serves {share:.0%} of offered (>= 95 %) with p95 {_ms(p95)} ms "
            f"<= {GOAL_P95_MS_N200:.0f} ms",
            share >= GOAL_SERVED_N200 and 1000 * p95 <= GOAL_P95_MS_N200,
        ))  # fmt: skip
    return goals


def team_goals(n: int, sides: list[Side], apps: dict[int, Side]) -> list[Goal]:
    goals = []
    for side in sides:
        held = side.per_minute(side.held_too_long)
        goals.append(
            Goal(f"{side.label}: {side.lock_expired} LockExpiredError (0)", side.lock_expired == 0)
        )
        goals.append(
            Goal(
                f"{side.label}: {held:.1f} 'held too long' /min (< {GOAL_HELD_PER_MIN})",
                held < GOAL_HELD_PER_MIN,
            )
        )
        if n == 200:
            p95 = percentile(side.action_latencies(), 0.95)
            goals.append(
                Goal(
                    f"N=200: {side.label} p95 {_ms(p95)} ms <= {GOAL_TEAM_P95_MS:.0f} ms",
                    1000 * p95 <= GOAL_TEAM_P95_MS,
                )
            )
    if 1 in apps and 2 in apps:
        one, two = apps[1], apps[2]
        ratio = two.served / one.served if one.served else float("nan")
        # Throughput is capacity only while a server falls behind the offered load: when two
        # workers serve all of it, the ratio is capped by the load, not by them.
        judged = two.served < GOAL_SERVED_N200 * two.offered or ratio >= GOAL_WORKER_SCALING
        text = (
            f"2 workers serve {ratio:.2f}x one worker's actions/s (>= {GOAL_WORKER_SCALING})"
            + ("" if judged else ": two workers keep up with the offered load, so the ratio is "
               "capped by it; judge with more load (--rate) until both fall behind")
        )  # fmt: skip
        goals.append(Goal(text, ratio >= GOAL_WORKER_SCALING if judged else None))
    return goals


def report_level(
    n: int, sides: list[Side], team: bool, workers: list[int], haproxy: bool = False
) -> str:
    bare = sides[-1]
    lines = [
        "",
        f"=== N={n} clients, {sides[0].seconds:.0f} s per server in interleaved rounds, offered "
        f"{sides[0].offered:.1f} actions/s ===",
        level_table(sides, bare),
        "goals:",
    ]
    goals: list[Goal] = []
    if team:
        by_workers = {} if haproxy else dict(zip(workers, sides[:-1], strict=True))
        goals += team_goals(n, sides[:-1], by_workers)
        goals += [g for s in sides[:-1] for g in solo_goals(0, s, bare)]
    else:
        goals += solo_goals(n, sides[0], bare)
    lines += [g.line() for g in goals]
    for side in sides:
        if total := sum(side.connections.values()):
            shares = ", ".join(
                f"{name} {count} ({count / total:.0%})"
                for name, count in sorted(side.connections.items())
            )
            lines.append(f"  {side.label}: websockets per server behind HAProxy: {shares}")
    for side in sides:
        if side.client_cpu_share > CLIENT_CPU_WARN:
            lines.append(
                f"  WARNING: the load client used {side.client_cpu_share:.0%} of a core during "
                f"{side.label}: it may be the bottleneck"
            )
        for error in side.samples.errors:
            lines.append(f"  {side.label} failure: {error}")
    return "\n".join(lines)


# ---------------------------------------------------------------- setup


def app_names(described: dict) -> AppNames:
    return AppNames(
        hydrate=described["hydrate"],
        on_load_internal=described["on_load_internal"],
        pages=tuple(described["pages"]),
        messages_state=described["messages_state"],
        cookie_name=described["cookie"],
    )


def bare_names() -> AppNames:
    return AppNames(
        hydrate="reflex___state____state.hydrate_and_load",
        handler=BARE_HANDLER,
        handler_state=BARE_STATE,
    )


def start_all(servers: list[tuple[Backend, str]]) -> None:
    for server, _ in servers:
        server.start()
    for server, ready_path in servers:
        server.wait_ready(ready_path)


def setup_sqlite(stack: ExitStack, tmp: Path, app_dir: Path) -> list[Backend]:
    app = prepare_app("app", app_dir, tmp / "app")
    return [app]


def setup_team(stack: ExitStack, tmp: Path, app_dir: Path, args) -> list[Backend]:
    database_url = stack.enter_context(fresh_postgres_database(args.postgres))
    apps = []
    for workers in args.workers:
        redis_url = stack.enter_context(empty_redis_database(args.redis, 10 + workers))
        extra = {
            "REFLEX_REDIS_URL": redis_url,
            "GRANIAN_WORKERS": str(workers),
            "PRACTIPAL_WORKERS": str(workers),
        }
        label = f"app {workers}w"
        apps.append(prepare_app(label, app_dir, tmp / f"app{workers}", database_url, extra))
    return apps


def setup_balanced(stack: ExitStack, tmp: Path, app_dir: Path, args) -> list[Backend]:
    """Two servers sharing one PostgreSQL database and one Redis database, as behind a balancer:
    each one's base URL is the balancer's."""
    database_url = stack.enter_context(fresh_postgres_database(args.postgres))
    redis_url = stack.enter_context(empty_redis_database(args.redis, 10))
    balancer_url = f"http://localhost:{args.balancer_port}"
    extra = {
        "REFLEX_REDIS_URL": redis_url,
        "GRANIAN_WORKERS": str(args.workers[0]),
        "PRACTIPAL_WORKERS": str(args.workers[0]),
        "PRACTIPAL_BASE_URL": balancer_url,
    }
    return [prepare_app(f"app{i}", app_dir, tmp / f"app{i}", database_url, extra) for i in (1, 2)]


def run(args) -> dict:
    team = bool(args.postgres)
    with tempfile.TemporaryDirectory(prefix="portal-load-") as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        if args.haproxy:
            args.balancer_port = free_port()
            apps = setup_balanced(stack, tmp, args.app_dir, args)
        elif team:
            apps = setup_team(stack, tmp, args.app_dir, args)
        else:
            apps = setup_sqlite(stack, tmp, args.app_dir)
        bare = prepare_bare(tmp)
        first = apps[0]
        started = time.perf_counter()
        print(f"migrating and seeding the large demo in {first.workdir} ...", flush=True)
        first.reflex("db", "migrate")
        first.probe("seed")
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        described = first.probe("describe")
        names = app_names(described)
        print(
            f"  app from {Path(described['module']).parent}; pages {described['pages']}", flush=True
        )
        cookies = first.probe("sessions", str(max(args.clients)))["tokens"]
        for server in [*apps, bare]:
            stack.callback(server.stop)
        start_all([*((a, "/api/health") for a in apps), (bare, "/ping")])
        print(f"servers up: {', '.join(f'{s.label} :{s.port}' for s in [*apps, bare])}", flush=True)
        results = {"machine": _machine(), "app_dir": str(args.app_dir), "levels": []}
        measured: list = list(apps)
        if args.haproxy:
            label = f"2 servers x {args.workers[0]}w"
            measured = [Balanced(label, apps, args.balancer_port, tmp)]
            stack.callback(measured[0].stop)
            measured[0].start()
        roster = [*((a, names, cookies) for a in measured), (bare, bare_names(), [])]
        if args.warmup:
            asyncio.run(run_level(roster, min(10, max(args.clients)), args.warmup, 1))
        for n in args.clients:
            sides = asyncio.run(run_level(roster, n, args.seconds, args.rounds, args.rate))
            text = report_level(n, sides, team, args.workers, args.haproxy)
            text += "\nmachine load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(
                *os.getloadavg()
            )
            print(text, flush=True)
            results["levels"].append(
                {"clients": n, "sides": [_side_json(s) for s in sides], "report": text}
            )
        return results


def _side_json(side: Side) -> dict:
    data = asdict(side)
    data.pop("samples")
    data.update(
        served=side.served,
        offered=side.offered,
        cpu_ms_per_action=side.cpu_ms_per_action,
        rss_kb_per_client=side.rss_kb_per_client,
        failures=side.samples.failures,
        latency_ms={
            step: {"p50": 1000 * percentile(v, 0.5), "p95": 1000 * percentile(v, 0.95), "n": len(v)}
            for step, v in side.samples.latencies.items()
        },
    )
    return data


def _machine() -> str:
    return f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=float, default=60.0, help="per server and level")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per level")
    parser.add_argument(
        "--rate",
        type=float,
        default=ACTIONS_PER_CLIENT_S,
        help="actions a client offers per second (more: measure capacity, as in team mode's "
        "worker scaling)",
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="s per server, not measured")
    parser.add_argument("--app-dir", type=Path, default=REPO, help="the app to measure")
    parser.add_argument("--postgres", default="", help="team mode: PostgreSQL admin URL")
    parser.add_argument("--redis", default="", help="team mode: Redis URL")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="team mode")
    parser.add_argument(
        "--haproxy",
        action="store_true",
        help="team mode: two servers (each --workers[0] workers) behind deploy/haproxy.cfg",
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    if bool(args.postgres) != bool(args.redis):
        parser.error("team mode needs both --postgres and --redis")
    if args.haproxy and not args.postgres:
        parser.error("--haproxy needs team mode (--postgres and --redis)")
    if not args.postgres and args.workers != [1]:
        parser.error("--workers needs team mode (--postgres and --redis)")
    args.app_dir = args.app_dir.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"portal_load: {_machine()}; app {args.app_dir}", flush=True)
    try:
        results = run(args)
    except BenchError as exc:
        print(f"portal_load: {exc}", file=sys.stderr)
        return 1
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
