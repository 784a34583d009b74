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
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

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
    traceback."""
    outcome = yield
    report = outcome.get_result()
    srv = getattr(item, "funcargs", {}).get("server")
    if report.failed and isinstance(srv, Server):
        report.sections.append(("PractiPal server log (tail)", srv.log_tail(60)))


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


def _copy_app(workdir: Path) -> None:
    for name in APP_FILES:
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
