"""How much JavaScript and CSS the client portal makes a phone download, next to a bare Reflex app.

One run builds two production apps side by side in temporary directories, never in the repo:

* PractiPal, copied from this checkout (git-tracked + untracked non-ignored files), with a fresh
  SQLite database seeded by `practipal demo`;
* a bare one-page Reflex app (one heading), same Reflex, same Radix Themes plugin, no
  "Built with Reflex" badge (PractiPal turns it off too).

It serves both with `reflex run --env prod`, loads `/` of the bare app, and PractiPal's `/login`
and (signed in as the demo client) `/portal` in a fresh Chromium context each, records every
response of resource type script or stylesheet, and prints raw bytes, gzip -9 bytes (computed
here), request counts, what the server itself sent on the wire, and the ratio PractiPal/bare.

    .venv/bin/python bench/bundle_size.py [--files] [--json bench/out/bundle_size.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.prefix) / "bin"  # the venv running this script (.venv/bin after `make install-dev`)

CLIENT_EMAIL = "riya@demo.practipal.in"
CLIENT_PASSWORD = "Quiet-Lantern-Sky-7"  # the demo client that `practipal demo` seeds
VIEWPORT = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Never copied into the build directory (besides whatever .gitignore already excludes).
SKIP_DIRS = {
    ".git",
    ".venv",
    ".web",
    "data",
    ".states",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "test-results",
}

BARE_RXCONFIG = """\
import reflex as rx

config = rx.Config(
    app_name="bare",
    telemetry_enabled=False,
    api_url="http://localhost:{port}",
    deploy_url="http://localhost:{port}",
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # As in PractiPal's rxconfig: the default badge would add lucide icons to the baseline.
    show_built_with_reflex=False,
)
"""
BARE_APP = """\
import reflex as rx


def index() -> rx.Component:
    return rx.heading("Hello")


app = rx.App()
app.add_page(index, route="/")
"""


class BenchError(RuntimeError):
    pass


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(cwd: Path, **extra: str) -> dict[str, str]:
    """The caller's environment minus anything that could point a build at someone else's
    data or web dir (PRACTIPAL_*, REFLEX_*, GRANIAN_*, PYTHONPATH), plus ours."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRACTIPAL_", "REFLEX_", "GRANIAN_"))
        and k not in ("PYTHONPATH", "PYTHONHOME")
    }
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(BIN.parent),
        REFLEX_USE_NPM="1",
        # The app dir comes first on sys.path, so its package wins over the checkout's editable
        # install (setuptools' editable finder runs after the path finder).
        PYTHONPATH=str(cwd),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def run_step(name: str, cmd: list[str], cwd: Path, env: dict, log: Path, timeout: float) -> str:
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        try:
            proc = subprocess.run(
                cmd,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired as exc:
            raise BenchError(f"{name}: no result after {timeout:.0f}s\n{tail(log)}") from exc
        out.write(proc.stdout)
    if proc.returncode != 0:
        raise BenchError(f"{name} failed (exit {proc.returncode}):\n{tail(log)}")
    return proc.stdout


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    log: Path
    started: float

    @classmethod
    def start(cls, name: str, cwd: Path, env: dict, port: int, log: Path) -> Server:
        cmd = [
            str(BIN / "reflex"),
            "run",
            "--env",
            "prod",
            "--backend-port",
            str(port),
            "--frontend-port",
            str(port),
        ]
        out = log.open("a")
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        return cls(name, proc, log, time.monotonic())

    def wait_ready(self, url: str, check, timeout: float) -> float:
        """Poll `url` until `check(status, body)` holds; returns seconds since start."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"{self.name}: `reflex run` exited ({self.proc.returncode}) "
                    f"before {url} answered:\n{tail(self.log)}"
                )
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if check(resp.status, resp.read(200_000)):
                        return time.monotonic() - self.started
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(1)
        raise BenchError(f"{self.name}: {url} not ready after {timeout:.0f}s:\n{tail(self.log)}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:  # stragglers (node, granian workers) in the same process group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


# ---------------------------------------------------------------- preparing the two apps


def copy_practipal(dst: Path) -> int:
    """Copy git-tracked plus untracked non-ignored files (or, without git, everything but
    SKIP_DIRS) from the repo root into dst; returns the file count."""
    files: list[str] = []
    if (ROOT / ".git").exists() and shutil.which("git"):
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
        files = sorted({f for f in out.decode().split("\0") if f})
    if not files:
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()]
    count = 0
    for rel in files:
        parts = Path(rel).parts
        if any(p in SKIP_DIRS for p in parts) or parts[:2] == ("bench", "out"):
            continue
        src = ROOT / rel
        if not src.is_file():  # tracked but deleted in the working tree
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst / rel)
        count += 1
    return count


def check_import_root(cwd: Path, env: dict, package: str, log: Path) -> None:
    """`reflex` puts cwd first on sys.path; the `practipal` script relies on PYTHONPATH. Check the
    latter (python -P: no cwd on sys.path) imports the copy, not the checkout's editable install."""
    probe = f"import os, {package}; print(os.path.realpath({package}.__file__))"
    found = run_step("import check", [str(BIN / "python"), "-P", "-c", probe], cwd, env, log, 60)
    found = found.strip().splitlines()[-1]
    root = os.path.realpath(cwd)
    if not found.startswith(root + os.sep):
        raise BenchError(f"{package} imported from {found}, not from the copy in {root}")


def prepare_bare(base: Path, port: int) -> Path:
    app = base / "bare"
    (app / "bare").mkdir(parents=True)
    (app / "rxconfig.py").write_text(BARE_RXCONFIG.format(port=port))
    (app / "bare" / "__init__.py").write_text("")
    (app / "bare" / "bare.py").write_text(BARE_APP)
    return app


# ---------------------------------------------------------------- measuring in the browser


@dataclass
class Asset:
    url: str
    kind: str  # script | stylesheet
    status: int
    raw: int
    gzip9: int
    encoding: str  # Content-Encoding the server sent ("" = none)
    wire: int  # encoded body bytes received (-1 unknown)


@dataclass
class PageLoad:
    label: str
    url: str
    final_url: str
    assets: list[Asset] = field(default_factory=list)
    other_js_css: list[str] = field(default_factory=list)  # JS/CSS under another resource type
    all_requests: int = 0

    def total(self, kind: str | None, attr: str) -> int:
        return sum(getattr(a, attr) for a in self.assets if kind in (None, a.kind))

    def count(self, kind: str | None) -> int:
        return sum(1 for a in self.assets if kind in (None, a.kind))


def measure(
    browser, base_url: str, path: str, label: str, ready, storage_state=None, timeout: float = 60
) -> PageLoad:
    """A fresh context (empty cache), one full load of path, every script/stylesheet response."""
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, storage_state=storage_state)
    context.set_default_timeout(timeout * 1000)
    page = context.new_page()
    responses = []
    last = [time.monotonic()]

    def on_response(resp):
        responses.append(resp)
        last[0] = time.monotonic()

    page.on("response", on_response)
    page.on("request", lambda _req: last.__setitem__(0, time.monotonic()))
    try:
        page.goto(path, wait_until="load")
        ready(page)
        page.wait_for_load_state("networkidle")
        deadline = time.monotonic() + timeout
        while time.monotonic() - last[0] < 1.5:  # 1.5 s with no request and no response
            if time.monotonic() > deadline:
                raise BenchError(f"{label}: the network never went quiet")
            page.wait_for_timeout(250)
        result = PageLoad(label, base_url + path, page.url, all_requests=len(responses))
        seen: set[str] = set()
        for resp in responses:
            req = resp.request
            kind = req.resource_type
            ctype = (resp.headers.get("content-type") or "").lower()
            if kind not in ("script", "stylesheet"):
                if "javascript" in ctype or "text/css" in ctype:
                    result.other_js_css.append(f"{kind}: {resp.url}")
                continue
            if not resp.url.startswith("http") or resp.url in seen:
                continue
            if not 200 <= resp.status < 300:
                result.other_js_css.append(f"{kind} with status {resp.status}: {resp.url}")
                continue
            seen.add(resp.url)
            body = resp.body()
            try:
                wire = int(req.sizes().get("responseBodySize", -1))
            except Exception:  # sizes are a nice-to-have; absent for some responses
                wire = -1
            result.assets.append(
                Asset(
                    url=resp.url,
                    kind=kind,
                    status=resp.status,
                    raw=len(body),
                    gzip9=len(gzip.compress(body, compresslevel=9, mtime=0)),
                    encoding=(resp.all_headers().get("content-encoding") or "").strip(),
                    wire=wire,
                )
            )
        return result
    finally:
        context.close()


def sign_in(browser, base_url: str, timeout: float) -> dict:
    """Sign in as the demo client through /login; returns the context's storage state."""
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url)
    context.set_default_timeout(timeout * 1000)
    page = context.new_page()
    frames: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(payload if isinstance(payload, str) else ""),
        ),
    )
    try:
        page.goto("/login", wait_until="networkidle")
        # Hydrated once the backend has sent the page's first state delta over the websocket;
        # a click before that would submit the form natively.
        deadline = time.monotonic() + timeout
        while not any('"delta"' in f for f in frames):
            if time.monotonic() > deadline:
                raise BenchError("/login never hydrated (no state delta over the websocket)")
            page.wait_for_timeout(200)
        page.get_by_label("Email").fill(CLIENT_EMAIL)
        page.get_by_label("Password").fill(CLIENT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        try:
            page.wait_for_url(re.compile(r"/portal/?(\?.*)?$"))
            page.get_by_role("heading", name=re.compile("Welcome")).wait_for()
        except Exception as exc:
            raise BenchError(
                f"signing in as {CLIENT_EMAIL} did not reach /portal (at {page.url})"
            ) from exc
        state = context.storage_state()
    finally:
        context.close()
    if not any(c["name"] == "pp_session" for c in state.get("cookies", [])):
        raise BenchError("signed in, but no pp_session cookie was stored")
    return state


# ---------------------------------------------------------------- report


def fmt(n: int) -> str:
    return f"{n:,}"


def encodings(load: PageLoad) -> str:
    found: dict[str, int] = {}
    for a in load.assets:
        found[a.encoding or "none"] = found.get(a.encoding or "none", 0) + 1
    return " ".join(f"{k}×{v}" for k, v in sorted(found.items()))


def report(loads: list[PageLoad], bare: PageLoad, show_files: bool) -> str:
    head = [
        "page",
        "JS req",
        "JS raw",
        "JS gzip9",
        "CSS req",
        "CSS raw",
        "CSS gzip9",
        "total raw",
        "total gzip9",
        "×bare gz",
        "server sent",
        "wire bytes",
    ]
    rows = []
    for load in loads:
        wire = load.total(None, "wire") if all(a.wire >= 0 for a in load.assets) else -1
        rows.append(
            [
                load.label,
                str(load.count("script")),
                fmt(load.total("script", "raw")),
                fmt(load.total("script", "gzip9")),
                str(load.count("stylesheet")),
                fmt(load.total("stylesheet", "raw")),
                fmt(load.total("stylesheet", "gzip9")),
                fmt(load.total(None, "raw")),
                fmt(load.total(None, "gzip9")),
                f"{load.total(None, 'gzip9') / max(bare.total(None, 'gzip9'), 1):.2f}",
                encodings(load),
                fmt(wire) if wire >= 0 else "?",
            ]
        )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells):
        return "  ".join(
            c.ljust(w) if i in (0, 10) else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    for load in loads:
        if load is bare:
            continue
        for kind, name in (("script", "JS"), ("stylesheet", "CSS"), (None, "JS+CSS")):
            b, p = bare.total(kind, "gzip9"), load.total(kind, "gzip9")
            out.append(
                f"{load.label}: {name} gzip9 {fmt(p)} B vs bare {fmt(b)} B = "
                f"{p / max(b, 1):.2f}× (+{fmt(p - b)} B)"
            )
    for load in loads:
        if load.other_js_css:
            out.append(
                f"note, {load.label}: JS/CSS not counted above: " + "; ".join(load.other_js_css)
            )
    if show_files:
        for load in loads:
            out.append(f"\n{load.label} ({load.final_url}), {load.all_requests} responses in all:")
            for a in sorted(load.assets, key=lambda a: -a.gzip9):
                out.append(
                    f"  {a.kind:<10} {a.raw:>9,} raw {a.gzip9:>8,} gz9 "
                    f"{(a.encoding or 'none'):>5} {a.wire:>8,} wire  {a.url.split('/', 3)[-1]}"
                )
    return "\n".join(out)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", action="store_true", help="also list every script/stylesheet")
    parser.add_argument(
        "--json", type=Path, help="also write the measurements here (e.g. bench/out/...)"
    )
    parser.add_argument(
        "--build-timeout",
        type=float,
        default=900,
        help="seconds each production build + start may take (default 900)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp dirs (their path is printed)"
    )
    args = parser.parse_args(argv)

    for tool in ("python", "reflex", "practipal"):
        if not (BIN / tool).exists():
            raise BenchError(
                f"{BIN / tool} missing: run `make install-dev` and use .venv/bin/python"
            )
    chromium = shutil.which("chromium")
    if not chromium:
        raise BenchError("Debian's chromium is not on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Make SIGTERM unwind through the finally blocks like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="practipal-bundle-"))
    servers: list[Server] = []
    try:
        # Bare app.
        bare_port = free_port()
        bare_dir = prepare_bare(base, bare_port)
        bare_env = clean_env(bare_dir)
        bare_log = base / "bare.log"
        print(f"building bare app in {bare_dir} (port {bare_port}) ...", flush=True)
        servers.append(Server.start("bare", bare_dir, bare_env, bare_port, bare_log))
        bare_secs = servers[-1].wait_ready(
            f"http://localhost:{bare_port}/",
            lambda s, b: s == 200 and b"<html" in b.lower(),
            args.build_timeout,
        )
        servers[-1].wait_ready(f"http://localhost:{bare_port}/ping", lambda s, _b: s == 200, 60)
        print(f"  bare app built and serving after {bare_secs:.0f}s", flush=True)

        # PractiPal.
        pp_port = free_port()
        pp_dir = base / "practipal"
        pp_dir.mkdir()
        copied = copy_practipal(pp_dir)
        pp_url = f"http://localhost:{pp_port}"
        pp_env = clean_env(
            pp_dir,
            PRACTIPAL_DATA_DIR=str(base / "practipal-data"),
            PRACTIPAL_PORT=str(pp_port),
            PRACTIPAL_BASE_URL=pp_url,
        )
        pp_log = base / "practipal.log"
        print(
            f"building PractiPal ({copied} files copied) in {pp_dir} (port {pp_port}) ...",
            flush=True,
        )
        check_import_root(pp_dir, pp_env, "practipal_app", pp_log)
        run_step(
            "reflex db migrate", [str(BIN / "reflex"), "db", "migrate"], pp_dir, pp_env, pp_log, 300
        )
        demo = run_step(
            "practipal demo", [str(BIN / "practipal"), "demo"], pp_dir, pp_env, pp_log, 300
        )
        if CLIENT_EMAIL not in demo:
            raise BenchError(f"`practipal demo` did not list {CLIENT_EMAIL}:\n{demo}")
        servers.append(Server.start("practipal", pp_dir, pp_env, pp_port, pp_log))
        pp_secs = servers[-1].wait_ready(
            f"{pp_url}/api/health", lambda s, b: s == 200 and b'"ok"' in b, args.build_timeout
        )
        print(f"  PractiPal built and serving after {pp_secs:.0f}s", flush=True)
        for d in (bare_dir, pp_dir):
            if not (d / ".web" / "build").is_dir():
                raise BenchError(f"no production build found in {d / '.web'}")

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            try:
                bare = measure(
                    browser,
                    f"http://localhost:{bare_port}",
                    "/",
                    "bare /",
                    lambda p: p.get_by_role("heading", name="Hello").wait_for(),
                )
                login = measure(
                    browser,
                    pp_url,
                    "/login",
                    "PractiPal /login",
                    lambda p: p.get_by_label("Email").wait_for(),
                )
                state = sign_in(browser, pp_url, 60)
                portal = measure(
                    browser,
                    pp_url,
                    "/portal",
                    "PractiPal /portal",
                    lambda p: p.get_by_role("heading", name=re.compile("Welcome")).wait_for(),
                    storage_state=state,
                )
                version = browser.version
            finally:
                browser.close()
        if not re.search(r"/portal/?$", portal.final_url):
            raise BenchError(f"/portal load ended at {portal.final_url}")

        from importlib.metadata import version as pkg_version

        loads = [bare, login, portal]
        print()
        print(
            "JS + CSS loaded on a full page load (fresh cache, viewport 390x844), production "
            f"builds from this run; reflex {pkg_version('reflex')}, Chromium {version}."
        )
        print(
            "gzip9 = gzip level 9 of each body, computed here; 'server sent' = Content-Encoding "
            "received; wire bytes = encoded bodies received."
        )
        print()
        print(report(loads, bare, args.files))
        elapsed = time.monotonic() - t0
        print(
            f"\nbuild+start: bare {bare_secs:.0f}s, PractiPal {pp_secs:.0f}s; measured after "
            f"{elapsed:.0f}s"
        )
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(
                json.dumps(
                    {
                        "reflex": pkg_version("reflex"),
                        "chromium": version,
                        "seconds": round(elapsed),
                        "pages": [asdict(x) for x in loads],
                    },
                    indent=2,
                )
            )
    finally:
        for server in reversed(servers):
            server.stop()
        if args.keep:
            print(f"kept {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(f"total run, servers stopped and temp dirs removed: {time.monotonic() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print("bundle_size: " + textwrap.indent(str(exc), "  ").lstrip(), file=sys.stderr)
        sys.exit(1)
