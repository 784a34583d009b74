"""How soon the client portal is usable on a phone, next to a bare Reflex app, in one run.

Builds two production apps in temporary directories (never in the repo), the way
bench/bundle_size.py does and with its helpers: PractiPal copied from this checkout with a fresh
SQLite database seeded by `practipal demo`, and a bare one-page Reflex app whose heading text
comes from its state (set by an on_load handler). Serves both with `reflex run --env prod`, one
port each, signs in once as the demo client and reuses the cookie.

Each load is cold: a fresh Chromium context (empty cache) with the phone profile set over CDP:
1.6 Mbps down, 750 kbps up, 150 ms latency, CPU slowed 4x, viewport 390x844. Loads of the bare
`/` and of PractiPal's `/portal` (signed in) alternate, so machine noise hits both sides.

Time to interactive (TTI): from the start of the navigation (redirects included) until the page
shows content that only the backend's state can fill: the portal's "Welcome, <first name>" h1 (it
renders once the portal home's load has run, as does the next-session card beside it), the bare
app's "Hello from state" h1. A MutationObserver installed before any page script records the
moment; an element is counted when it is laid out (has a box). Reaching it means the JS was
downloaded and run, React hydrated, the websocket connected and the state delta arrived.

Also per load: requests (HTTP, the websocket not counted), bytes received on the wire, redirects,
the main-thread time of scripts, and all main-thread tasks until TTI (CDP Performance metrics).

    .venv/bin/python bench/portal_tti.py [--runs 5] [--files]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle_size import (  # noqa: E402 (the sibling bench module, found through sys.path)
    BIN,
    CHROMIUM_ARGS,
    CLIENT_EMAIL,
    VIEWPORT,
    BenchError,
    Server,
    check_import_root,
    clean_env,
    copy_practipal,
    run_step,
    sign_in,
)

GOAL_RATIO = 1.25
DOWN_BYTES_PER_S = 1_600_000 / 8
UP_BYTES_PER_S = 750_000 / 8
LATENCY_MS = 150
CPU_SLOWDOWN = 4
LOAD_TIMEOUT_S = 90

BARE_RXCONFIG = """\
import reflex as rx

config = rx.Config(
    app_name="bare",
    telemetry_enabled=False,
    api_url="http://localhost:{port}",
    deploy_url="http://localhost:{port}",
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[rx.plugins.SitemapPlugin],
    show_built_with_reflex=False,
    state_manager_mode=rx.constants.StateManagerMode.MEMORY,
)
"""
BARE_APP = """\
import reflex as rx


class State(rx.State):
    greeting: str = ""

    @rx.event
    def load(self):
        self.greeting = "Hello from state"


def index() -> rx.Component:
    return rx.cond(State.greeting != "", rx.heading(State.greeting, as_="h1"), rx.spinner())


app = rx.App()
app.add_page(index, route="/", on_load=State.load)
"""

#: Runs before any script of the page: records performance.now() when an h1 matching the
#: pattern is laid out. Written to window.__tti once.
READY_OBSERVER = """
(() => {
  const pattern = new RegExp(%s);
  const check = () => {
    if (window.__tti !== undefined) return true;
    for (const h of document.getElementsByTagName("h1")) {
      if (pattern.test(h.textContent) && h.getClientRects().length > 0) {
        window.__tti = performance.now();
        return true;
      }
    }
    return false;
  };
  const start = () => {
    if (check()) return;
    const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
    observer.observe(document, {childList: true, subtree: true, characterData: true});
  };
  start();
})();
"""


@dataclass
class Target:
    label: str
    base_url: str
    path: str
    ready_pattern: str  # JS regular expression source for the h1 that means "usable"
    storage_state: dict | None = None


@dataclass
class Load:
    tti_ms: float
    requests: int
    wire_bytes: int
    redirects: int
    script_ms: float
    task_ms: float
    by_type: dict[str, int] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- one cold load


def _phone(cdp) -> None:
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_BYTES_PER_S,
            "uploadThroughput": UP_BYTES_PER_S,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    cdp.send("Performance.enable")


def _metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def cold_load(browser, target: Target) -> Load:
    context = browser.new_context(
        viewport=VIEWPORT, base_url=target.base_url, storage_state=target.storage_state
    )
    context.set_default_timeout(LOAD_TIMEOUT_S * 1000)
    context.add_init_script(READY_OBSERVER % _js_string(target.ready_pattern))
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        _phone(cdp)
        sent: dict[str, str] = {}  # requestId -> resource type
        wire: dict[str, int] = {}
        redirects: list[str] = []
        urls: list[str] = []

        def on_sent(event: dict) -> None:
            if not event["request"]["url"].startswith("http"):
                return
            if event.get("redirectResponse"):
                redirects.append(event["redirectResponse"]["url"])
            sent[event["requestId"]] = event.get("type", "Other")
            urls.append(event["request"]["url"])

        cdp.on("Network.requestWillBeSent", on_sent)
        cdp.on(
            "Network.loadingFinished",
            lambda e: wire.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        before = _metrics(cdp)
        page.goto(target.path, wait_until="commit")
        page.wait_for_function("window.__tti !== undefined", polling=100)
        tti = page.evaluate("window.__tti")
        after = _metrics(cdp)
        by_type: dict[str, int] = {}
        for kind in sent.values():
            by_type[kind] = by_type.get(kind, 0) + 1
        return Load(
            tti_ms=tti,
            requests=len(sent) + len(redirects),
            wire_bytes=sum(wire.values()),
            redirects=len(redirects),
            script_ms=1000 * (after["ScriptDuration"] - before.get("ScriptDuration", 0)),
            task_ms=1000 * (after["TaskDuration"] - before.get("TaskDuration", 0)),
            by_type=by_type,
            urls=urls,
        )
    finally:
        context.close()


def _js_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- report


@dataclass
class Summary:
    label: str
    loads: list[Load]

    def median(self, attr: str) -> float:
        return statistics.median(getattr(x, attr) for x in self.loads)


ROWS = (
    ("TTI ms", "tti_ms", "{:,.0f}"),
    ("requests", "requests", "{:,.0f}"),
    ("wire bytes", "wire_bytes", "{:,.0f}"),
    ("redirects", "redirects", "{:,.0f}"),
    ("script ms (main)", "script_ms", "{:,.0f}"),
    ("tasks ms (main)", "task_ms", "{:,.0f}"),
)


def report(app: Summary, bare: Summary, show_files: bool) -> str:
    out = [f"{'median of ' + str(len(app.loads)):<20}{app.label:>18}{bare.label:>14}{'ratio':>9}"]
    for name, attr, form in ROWS:
        a, b = app.median(attr), bare.median(attr)
        ratio = f"{a / b:.2f}x" if b else "-"
        out.append(f"{name:<20}{form.format(a):>18}{form.format(b):>14}{ratio:>9}")
    out.append("")
    for summary in (app, bare):
        ttis = ", ".join(f"{x.tti_ms:,.0f}" for x in summary.loads)
        out.append(f"{summary.label} TTI per load (ms): {ttis}")
        kinds = summary.loads[0].by_type
        out.append(
            f"{summary.label} requests of the first load by type: "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        )
    ratio = app.median("tti_ms") / bare.median("tti_ms")
    verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
    out.append(f"\nTTI ratio app/bare = {ratio:.2f}x (goal <= {GOAL_RATIO}x: {verdict})")
    if show_files:
        for summary in (app, bare):
            out.append(f"\n{summary.label}, first load's requests:")
            out.extend(f"  {u.split('/', 3)[-1]}" for u in summary.loads[0].urls)
    return "\n".join(out)


# ---------------------------------------------------------------- the two servers


def start_bare(base: Path, timeout: float) -> tuple[Server, str]:
    port = __import__("bundle_size").free_port()
    app = base / "bare"
    (app / "bare").mkdir(parents=True)
    (app / "rxconfig.py").write_text(BARE_RXCONFIG.format(port=port))
    (app / "bare" / "__init__.py").write_text("")
    (app / "bare" / "bare.py").write_text(BARE_APP)
    url = f"http://localhost:{port}"
    print(f"building the bare app (port {port}) ...", flush=True)
    server = Server.start("bare", app, clean_env(app), port, base / "bare.log")
    secs = server.wait_ready(f"{url}/", lambda s, b: s == 200 and b"<html" in b.lower(), timeout)
    server.wait_ready(f"{url}/ping", lambda s, _b: s == 200, 60)
    print(f"  bare app serving after {secs:.0f}s", flush=True)
    return server, url


def start_practipal(base: Path, timeout: float) -> tuple[Server, str]:
    port = __import__("bundle_size").free_port()
    app = base / "practipal"
    app.mkdir()
    copied = copy_practipal(app)
    url = f"http://localhost:{port}"
    env = clean_env(
        app,
        PRACTIPAL_DATA_DIR=str(base / "practipal-data"),
        PRACTIPAL_PORT=str(port),
        PRACTIPAL_BASE_URL=url,
    )
    log = base / "practipal.log"
    print(f"building PractiPal ({copied} files, port {port}) ...", flush=True)
    check_import_root(app, env, "practipal_app", log)
    run_step("reflex db migrate", [str(BIN / "reflex"), "db", "migrate"], app, env, log, 300)
    demo = run_step("practipal demo", [str(BIN / "practipal"), "demo"], app, env, log, 300)
    if CLIENT_EMAIL not in demo:
        raise BenchError(f"`practipal demo` did not list {CLIENT_EMAIL}:\n{demo}")
    server = Server.start("practipal", app, env, port, log)
    secs = server.wait_ready(f"{url}/api/health", lambda s, b: s == 200 and b'"ok"' in b, timeout)
    server.wait_ready(f"{url}/login", lambda s, b: s == 200 and b"<html" in b.lower(), 120)
    print(f"  PractiPal serving after {secs:.0f}s", flush=True)
    return server, url


# ---------------------------------------------------------------- main


def measure_both(browser, app: Target, bare: Target, runs: int) -> tuple[Summary, Summary]:
    # One warm-up each (server caches, first compile of the page in Chromium), not counted.
    cold_load(browser, bare)
    cold_load(browser, app)
    app_loads, bare_loads = [], []
    for i in range(runs):
        order = (app, bare) if i % 2 == 0 else (bare, app)
        for target in order:
            load = cold_load(browser, target)
            (app_loads if target is app else bare_loads).append(load)
            print(f"  run {i + 1} {target.label}: TTI {load.tti_ms:,.0f} ms", flush=True)
    return Summary(app.label, app_loads), Summary(bare.label, bare_loads)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each page (default 5)")
    parser.add_argument("--files", action="store_true", help="list the first load's requests")
    parser.add_argument("--build-timeout", type=float, default=900)
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if not chromium:
        raise BenchError("Debian's chromium is not on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="practipal-tti-"))
    servers: list[Server] = []
    try:
        # One build at a time: the machine is shared.
        bare_server, bare_url = start_bare(base, args.build_timeout)
        servers.append(bare_server)
        app_server, app_url = start_practipal(base, args.build_timeout)
        servers.append(app_server)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            try:
                state = sign_in(browser, app_url, 60)
                app = Target("PractiPal /portal", app_url, "/portal", r"^Welcome, \S", state)
                bare = Target("bare /", bare_url, "/", r"^Hello from state$")
                app_summary, bare_summary = measure_both(browser, app, bare, args.runs)
                version = browser.version
            finally:
                browser.close()
        from importlib.metadata import version as pkg_version

        print(
            f"\nPhone profile: {DOWN_BYTES_PER_S * 8 / 1e6:g} Mbps down, "
            f"{UP_BYTES_PER_S * 8 / 1e3:g} kbps up, {LATENCY_MS} ms latency, "
            f"CPU {CPU_SLOWDOWN}x slower, viewport {VIEWPORT['width']}x{VIEWPORT['height']}; "
            f"cold loads (fresh context each), interleaved; reflex {pkg_version('reflex')}, "
            f"Chromium {version}.\n"
        )
        print(report(app_summary, bare_summary, args.files))
    finally:
        for server in reversed(servers):
            server.stop()
        if args.keep:
            print(f"kept {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(f"total run: {time.monotonic() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print("portal_tti: " + textwrap.indent(str(exc), "  ").lstrip(), file=sys.stderr)
        sys.exit(1)
