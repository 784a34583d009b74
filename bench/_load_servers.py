"""The servers `portal_load.py` measures: PractiPal backend-only from a copy of the app (as the e2e
suite's `launch_backend` does), a generated bare one-page Reflex app, and their CPU and memory read
from /proc. Also a fresh PostgreSQL database and an empty Redis database for team mode."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROBE = BENCH / "_load_probe.py"
#: What the backend needs from the app; nothing is built, so no `.web`.
APP_FILES = ("practipal_app", "assets", "alembic", "alembic.ini", "rxconfig.py", "reflex.lock")
#: Cleared so a developer's shell cannot point the bench at real mail, a real database or a
#: worker count of its own.
ENV_TO_CLEAR = (
    "PRACTIPAL_DATABASE_URL",
    "PRACTIPAL_SMTP_HOST",
    "PRACTIPAL_SMTP_PORT",
    "PRACTIPAL_SMTP_USER",
    "PRACTIPAL_SMTP_PASSWORD",
    "PRACTIPAL_SMTP_STARTTLS",
    "PRACTIPAL_SMTP_TLS",
    "PRACTIPAL_MAIL_FROM",
    "PRACTIPAL_WORKERS",
    "REFLEX_REDIS_URL",
    "REFLEX_ENV_MODE",
    "GRANIAN_WORKERS",
)
STARTUP_TIMEOUT = 180.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

BARE_RXCONFIG = """\
import reflex as rx

config = rx.Config(
    app_name="bare",
    telemetry_enabled=False,
    state_manager_mode=rx.constants.StateManagerMode.MEMORY,
    disable_plugins=[rx.plugins.SitemapPlugin],
    show_built_with_reflex=False,
)
"""
BARE_APP = """\
import reflex as rx


class CounterState(rx.State):
    count: int = 0

    @rx.event
    def increment(self):
        self.count += 1


def index() -> rx.Component:
    return rx.vstack(
        rx.heading(CounterState.count), rx.button("+1", on_click=CounterState.increment)
    )


app = rx.App()
app.add_page(index, route="/")
"""
#: The bare app's one handler and the var it changes.
BARE_STATE = "reflex___state____state.bare___bare____counter_state"
BARE_HANDLER = f"{BARE_STATE}.increment"


class BenchError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 2) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (local server)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _skip_caches(_directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or n.endswith(".pyc")}


def copy_app(source: Path, workdir: Path) -> None:
    for name in APP_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, workdir / name, symlinks=True, ignore=_skip_caches)
        elif path.exists():
            shutil.copy2(path, workdir / name)


def base_env(workdir: Path, port: int, extra: dict[str, str]) -> dict[str, str]:
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_CLEAR}
    env.update(
        REFLEX_USE_NPM="1",
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(workdir),
        PYTHONDONTWRITEBYTECODE="1",
        # Reflex logs through rich, which wraps at 80 columns off a terminal: one line per record.
        COLUMNS="10000",
        # rxconfig sets the frontend port from PRACTIPAL_PORT, and `--backend-only` refuses one.
        REFLEX_FRONTEND_PORT="0",
        # The daily backup would otherwise start with the server (no backup yet) and compress the
        # large demo's database in the middle of the measured rounds.
        PRACTIPAL_BACKUP_TIME="off",
        **extra,
    )
    return env


# ---------------------------------------------------------------- /proc


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def group_members(pgid: int) -> list[int]:
    """The live processes of process group `pgid` (zombies left out)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@dataclass(frozen=True)
class Usage:
    """CPU seconds (user + system) and resident memory of a process tree at one moment."""

    cpu_s: float
    rss_bytes: int


def group_usage(pgid: int) -> Usage:
    cpu_ticks, rss_pages = 0, 0
    for pid in group_members(pgid):
        fields = _stat_fields(pid)
        if fields is None:
            continue
        # Fields 14 and 15 of /proc/pid/stat (utime, stime); 24 is rss in pages.
        cpu_ticks += int(fields[11]) + int(fields[12])
        rss_pages += int(fields[21])
    return Usage(cpu_ticks / CLOCK_TICKS, rss_pages * PAGE_SIZE)


# ---------------------------------------------------------------- servers


@dataclass
class Backend:
    """`reflex run --env prod --backend-only` in `workdir` on `port`, in a process group of its
    own."""

    label: str
    workdir: Path
    port: int
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen | None = None
    log_offset: int = 0
    extra_pgids: list[int] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://localhost:{self.port}"

    def run(self, *args: str, timeout: float = 600) -> str:
        """A command in the app's directory with the server's environment; its stdout."""
        with self.log_path.open("ab") as log:
            done = subprocess.run(
                args, cwd=self.workdir, env=self.env, stdout=subprocess.PIPE, stderr=log,
                timeout=timeout, check=False,
            )  # fmt: skip
        if done.returncode != 0:
            raise BenchError(f"{self.label}: {' '.join(args[:3])} failed:\n{self.log_tail()}")
        return done.stdout.decode("utf-8", "replace")

    def reflex(self, *args: str) -> None:
        reflex = shutil.which("reflex", path=self.env["PATH"]) or "reflex"
        self.run(reflex, *args)

    def probe(self, *args: str) -> dict:
        out = self.run(sys.executable, str(PROBE), *args)
        return json.loads(out.rsplit("@@JSON@@", 1)[1])

    def start(self) -> None:
        reflex = shutil.which("reflex", path=self.env["PATH"]) or "reflex"
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [reflex, "run", "--env", "prod", "--backend-only", "--backend-port", str(self.port)],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                break
            try:
                if _get(self.base_url + path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.label} did not start:\n{self.log_tail()}")

    def usage(self) -> Usage:
        return group_usage(self.proc.pid)

    def log_text_since_mark(self) -> str:
        with self.log_path.open("rb") as log:
            log.seek(self.log_offset)
            return log.read().decode("utf-8", "replace")

    def mark_log(self) -> None:
        self.log_offset = self.log_path.stat().st_size

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def prepare_app(
    label: str,
    source: Path,
    root: Path,
    database_url: str = "",
    extra: dict[str, str] | None = None,
) -> Backend:
    """A copy of the app in `root/app` with its data dir, not yet migrated or started."""
    workdir, data_dir = root / "app", root / "data"
    workdir.mkdir(parents=True)
    data_dir.mkdir(mode=0o700)
    copy_app(source, workdir)
    port = free_port()
    base_url = f"http://localhost:{port}"
    env = base_env(
        workdir,
        port,
        {
            "PRACTIPAL_DATA_DIR": str(data_dir),
            "PRACTIPAL_PORT": str(port),
            "PRACTIPAL_BASE_URL": base_url,
            **({"PRACTIPAL_DATABASE_URL": database_url} if database_url else {}),
            **(extra or {}),
        },
    )
    return Backend(label, workdir, port, env, root / "server.log")


def prepare_bare(root: Path) -> Backend:
    workdir = root / "bare"
    (workdir / "bare").mkdir(parents=True)
    (workdir / "rxconfig.py").write_text(BARE_RXCONFIG)
    (workdir / "bare" / "__init__.py").write_text("")
    (workdir / "bare" / "bare.py").write_text(BARE_APP)
    port = free_port()
    return Backend("bare", workdir, port, base_env(workdir, port, {}), root / "bare.log")


# ---------------------------------------------------------------- team mode


@contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of `admin_url`; its URL. Dropped after."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url).set(drivername="postgresql")
    name = f"practipal_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    def run(statement: str) -> None:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    run("CREATE DATABASE {}")
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        run("DROP DATABASE IF EXISTS {} WITH (FORCE)")


@contextmanager
def empty_redis_database(url: str, number: int) -> Iterator[str]:
    """Database `number` of the Redis server at `url`, flushed before and after; its URL."""
    import redis

    own = urllib.parse.urlsplit(url)._replace(path=f"/{number}").geturl()
    client = redis.Redis.from_url(own)
    client.flushdb()
    try:
        yield own
    finally:
        client.flushdb()
        client.close()
