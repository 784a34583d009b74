"""The built app on a free port, and headless Chromium to drive it.

The server is a production build (`reflex run --env prod`, frontend and backend on one port) with
a fresh data dir. It is built in a throwaway copy of the app, not in the checkout: the compiled
frontend embeds the server's address, so building in the checkout's `.web/` would repoint a
developer's own running server at this one (and two builds there at once would corrupt each
other). The copy reuses the checkout's installed `node_modules`, so no download is needed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import sql
from sqlalchemy.engine import make_url

from practipal_app.core.private_files import private_dir

REPO = Path(__file__).resolve().parents[2]
#: What the app needs to build and run; everything else in the checkout stays behind.
APP_FILES = (
    "practipal_app",
    "assets",
    "alembic",
    "alembic.ini",
    "rxconfig.py",
    "reflex.lock",
    ".web",
)
#: Build output and caches that belong to the checkout's own server (top level of .web only:
#: packages in node_modules have `build` folders of their own).
WEB_SKIP = {"build", ".states"}
STARTUP_TIMEOUT = float(os.environ.get("PRACTIPAL_E2E_STARTUP_TIMEOUT", "300"))
#: Cleared so a developer's shell cannot point the test server at real mail or a real database.
ENV_TO_CLEAR = (
    "PRACTIPAL_DATABASE_URL",
    "PRACTIPAL_SMTP_HOST",
    "PRACTIPAL_SMTP_PORT",
    "PRACTIPAL_SMTP_USER",
    "PRACTIPAL_SMTP_PASSWORD",
    "PRACTIPAL_SMTP_STARTTLS",
    "PRACTIPAL_SMTP_TLS",
    "PRACTIPAL_MAIL_FROM",
    "REFLEX_REDIS_URL",
    "REFLEX_ENV_MODE",
)

SCREENSHOTS: list[Path] = []


@dataclass
class Server:
    base_url: str
    port: int
    data_dir: Path
    workdir: Path
    log_path: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'practipal.db'}"

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def pytest_terminal_summary(terminalreporter) -> None:
    if SCREENSHOTS:
        terminalreporter.write_sep("-", "e2e screenshots")
        for path in SCREENSHOTS:
            terminalreporter.write_line(str(path))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing test that used the server shows the end of the server's log next to its
    traceback (each server's, when it used several: a fixture value that is a Server or holds one
    as `.server`)."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    servers = []
    for value in getattr(item, "funcargs", {}).values():
        srv = value if isinstance(value, Server) else getattr(value, "server", None)
        if isinstance(srv, Server) and srv not in servers:
            servers.append(srv)
    for srv in servers:
        report.sections.append((f"PractiPal server log, {srv.base_url} (tail)", srv.log_tail(60)))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (local test server)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _skip(directory: str, names: list[str]) -> set[str]:
    skip = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
    if Path(directory) == REPO / ".web":
        skip |= WEB_SKIP & set(names)
    return skip


def _copy_app(workdir: Path, names: tuple[str, ...] = APP_FILES) -> None:
    for name in names:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, symlinks=True, ignore=_skip)
        elif source.exists():
            shutil.copy2(source, workdir / name)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The production build on a free port with an empty data dir. Yields once it answers.

    PRACTIPAL_E2E_BASE_URL and PRACTIPAL_E2E_DATA_DIR point the tests at a server you started
    yourself instead (it must start with an empty database: the journey begins at first-run setup).
    """
    if external := os.environ.get("PRACTIPAL_E2E_BASE_URL"):
        data_dir = Path(os.environ["PRACTIPAL_E2E_DATA_DIR"])
        port = int(external.rsplit(":", 1)[1].strip("/"))
        yield Server(external.rstrip("/"), port, data_dir, data_dir, data_dir / "server.log")
        return
    root = tmp_path_factory.mktemp("e2e-server")
    workdir, data_dir, log_path = root / "app", root / "data", root / "server.log"
    workdir.mkdir()
    data_dir.mkdir()
    _copy_app(workdir)
    port = _free_port()
    base_url = f"http://localhost:{port}"
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_CLEAR}
    env.update(
        REFLEX_USE_NPM="1",
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PRACTIPAL_DATA_DIR=str(data_dir),
        PRACTIPAL_PORT=str(port),
        PRACTIPAL_BASE_URL=base_url,
        PYTHONDONTWRITEBYTECODE="1",
    )
    reflex = shutil.which("reflex", path=env["PATH"]) or "reflex"
    srv = Server(base_url, port, data_dir, workdir, log_path)

    with log_path.open("ab") as log:
        migrate = subprocess.run(
            [reflex, "db", "migrate"],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=120,
            check=False,
        )
    if migrate.returncode != 0:
        pytest.fail(
            f"`reflex db migrate` failed ({migrate.returncode}). Log tail:\n{srv.log_tail()}"
        )

    log = log_path.open("ab")
    proc = subprocess.Popen(
        [reflex, "run", "--env", "prod", "--backend-port", str(port), "--frontend-port", str(port)],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        ready = False
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                status, body = _get(f"{base_url}/api/health")
                if status == 200 and '"ok"' in body:
                    status, page = _get(f"{base_url}/")
                    if status == 200 and "<html" in page.lower():
                        ready = True
                        break
            except OSError:
                pass
            time.sleep(1)
        if not ready:
            reason = f"exited with {proc.returncode}" if proc.poll() is not None else "timed out"
            tail = srv.log_tail()
            print(f"\n--- PractiPal server {reason}; log tail ---\n{tail}", file=sys.stderr)
            pytest.fail(f"The app server did not start ({reason}). Log tail:\n{tail}")
        yield srv
    finally:
        _stop(proc)
        log.close()


# Backend-only servers ----------------------------------------------------------------------------
#
# No frontend build: a socket.io client or an HTTP client talks to the backend directly. Each one
# runs from its own copy of the app with its own data dir, and can be killed and started again on
# the same data dir and database (the crash test), or pointed at PostgreSQL and Redis (the sweep).

#: Where a backend's PostgreSQL database and Redis come from; both unset: those tests skip.
PG_URL = os.environ.get("PRACTIPAL_TEST_POSTGRES_URL", "").strip()
REDIS_URL = os.environ.get("PRACTIPAL_TEST_REDIS_URL", "").strip()
#: The Redis database the PostgreSQL + Redis backend keeps its tab states in: no other test uses it,
#: and it is flushed before and after.
E2E_REDIS_DB = 7
BACKEND_STARTUP_TIMEOUT = 90.0
#: What a backend copy needs: the app without its `.web` (nothing is built).
BACKEND_FILES = tuple(name for name in APP_FILES if name != ".web")
#: A developer's worker count would make an SQLite backend run several workers on per-process state.
BACKEND_ENV_TO_CLEAR = (*ENV_TO_CLEAR, "GRANIAN_WORKERS")


def _proc_stat(entry: Path) -> tuple[str, int] | None:
    """(state, process group) of one /proc/<pid>, None when it is gone."""
    try:
        text = (entry / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return fields[0], int(fields[2])


def group_members(pgid: int) -> list[int]:
    """The live processes (zombies left out) of process group `pgid`."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(entry)) is not None:
            if stat[1] == pgid and stat[0] != "Z":
                members.append(int(entry.name))
    return members


@dataclass
class BackendServer(Server):
    """`reflex run --env prod --backend-only` on a free port. `start()` (again after `kill()`)
    uses the same copy of the app, data dir and database."""

    env: dict[str, str] = field(default_factory=dict)
    #: PRACTIPAL_DATABASE_URL when it is not SQLite in the data dir.
    database_url: str = ""
    proc: subprocess.Popen | None = None

    @property
    def db_url(self) -> str:
        return self.database_url or super().db_url

    def _reflex(self, *args: str, **popen: object) -> subprocess.Popen:
        reflex = shutil.which("reflex", path=self.env["PATH"]) or "reflex"
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                [reflex, *args],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                **popen,
            )

    def migrate(self) -> None:
        done = self._reflex("db", "migrate")
        if done.wait(timeout=120) != 0:
            pytest.fail(f"`reflex db migrate` failed ({done.returncode}):\n{self.log_tail()}")

    def start(self) -> None:
        """Start the server in a session of its own and wait until it answers."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        port = str(self.port)
        self.proc = self._reflex(
            "run", "--env", "prod", "--backend-only", "--backend-port", port, start_new_session=True
        )
        deadline = time.monotonic() + BACKEND_STARTUP_TIMEOUT
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                status, body = _get(f"{self.base_url}/api/health", timeout=2)
                if status == 200 and '"ok"' in body:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        exited = self.proc.poll() is not None
        reason = f"exited with {self.proc.returncode}" if exited else "timed out"
        self.kill()
        pytest.fail(f"The backend did not start ({reason}). Log tail:\n{self.log_tail()}")

    def kill(self) -> list[int]:
        """SIGKILL to every process of the server (granian's workers too); returns their pids once
        none is left."""
        if self.proc is None:
            return []
        pgid, members = self.proc.pid, group_members(self.proc.pid)
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while (alive := group_members(pgid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive, f"still running after SIGKILL: {alive}"
        return members

    def stop(self) -> None:
        """The end of a throwaway server: nothing to shut down gracefully for."""
        self.kill()


def launch_backend(root: Path, env_overrides: dict[str, str] | None = None) -> BackendServer:
    """A migrated, running backend in `root` (app copy, data dir and log inside it)."""
    workdir, data_dir = root / "app", private_dir(root / "data")
    workdir.mkdir()
    _copy_app(workdir, BACKEND_FILES)
    port = _free_port()
    base_url = f"http://localhost:{port}"
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k not in BACKEND_ENV_TO_CLEAR}
    env.update(
        REFLEX_USE_NPM="1",
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PRACTIPAL_DATA_DIR=str(data_dir),
        PRACTIPAL_PORT=str(port),
        PRACTIPAL_BASE_URL=base_url,
        # rxconfig sets the frontend port from PRACTIPAL_PORT, and `--backend-only` refuses one.
        REFLEX_FRONTEND_PORT="0",
    )
    # Last, so an override may also replace one of the above (the balancer test's base URL).
    env.update(env_overrides or {})
    srv = BackendServer(
        base_url,
        port,
        data_dir,
        workdir,
        root / "server.log",
        env=env,
        database_url=(env_overrides or {}).get("PRACTIPAL_DATABASE_URL", ""),
    )
    srv.migrate()
    srv.start()
    return srv


@pytest.fixture(scope="session")
def backend_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., BackendServer]]:
    """backend_server(env_overrides=None) -> a new backend-only server, stopped at the end of the
    run (or earlier by `.stop()`)."""
    launched: list[BackendServer] = []

    def launch(env_overrides: dict[str, str] | None = None) -> BackendServer:
        srv = launch_backend(tmp_path_factory.mktemp("e2e-backend"), env_overrides)
        launched.append(srv)
        return srv

    yield launch
    for srv in launched:
        srv.stop()


@contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `admin_url`; its URL, dropped after."""
    admin = make_url(admin_url).set(drivername="postgresql")
    name = f"practipal_e2e_{os.getpid()}_{uuid.uuid4().hex[:6]}"

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
    own = urllib.parse.urlsplit(url)._replace(path=f"/{number}").geturl()
    client = redis.Redis.from_url(own)
    client.flushdb()
    try:
        yield own
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="module")
def postgres_redis_server(backend_server) -> Iterator[BackendServer]:
    """A backend on a fresh PostgreSQL database (migrated like a new install) with Redis as the
    state manager and two granian workers, so a tab's events may land in either process."""
    if not (PG_URL and REDIS_URL):
        pytest.skip("PRACTIPAL_TEST_POSTGRES_URL and PRACTIPAL_TEST_REDIS_URL are not both set")
    with (
        fresh_postgres_database(PG_URL) as database_url,
        empty_redis_database(REDIS_URL, E2E_REDIS_DB) as redis_url,
    ):
        srv = backend_server(
            {
                "PRACTIPAL_DATABASE_URL": database_url,
                "REFLEX_REDIS_URL": redis_url,
                "GRANIAN_WORKERS": "2",
            }
        )
        try:
            # granian's main process and its two workers: events of one tab may reach either.
            assert len(group_members(srv.proc.pid)) == 3, group_members(srv.proc.pid)
            yield srv
        finally:
            srv.stop()


# Browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium: Debian's when installed, else Playwright's own. Module-scoped so the
    Playwright event loop is gone before any asyncio test of another module runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        executable = shutil.which("chromium")
        options: dict = {"headless": True}
        if executable:
            options.update(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
        chromium = pw.chromium.launch(**options)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    """Screenshots go outside the repo; the paths are listed at the end of the run."""
    configured = os.environ.get("PRACTIPAL_E2E_SCREENSHOTS")
    path = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="practipal-e2e-shots-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shot(shots_dir: Path):
    """shot(page, name): a full-page screenshot, remembered for the summary."""

    def take(page, name: str) -> Path:
        path = shots_dir / f"{len(SCREENSHOTS) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        SCREENSHOTS.append(path)
        return path

    return take
