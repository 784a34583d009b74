"""The production server's HTTP edge, for real: no cookie or token in its log, security headers on
Reflex's own routes and the built frontend's files, and the main pages working in Chromium under
the Content-Security-Policy (no violation reported, every page renders its heading, the insights
charts draw).
"""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import aiohttp
import pytest
import socketio
from browsing import ensure_practice, server_database, sign_in
from playwright.sync_api import expect

from practipal_app import db
from practipal_app.core.tokens import new_token
from practipal_app.models import Role, User
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients

pytestmark = pytest.mark.e2e

PASSWORD = "Quiet-Lantern-Monsoon-83"
LOG_TIMEOUT = 15.0


# The log (first: an asyncio test, before this module's browser starts) ----------------------------


async def test_the_server_log_holds_no_cookie_and_no_token(server) -> None:
    """Reflex logs a whole event, request headers included, when it names no handler; links carry
    their tokens in the path. None of them may reach the log."""
    if not server.log_path.exists():
        pytest.skip("a server started outside the tests: its log is not here")
    cookie, tab, link = new_token(), str(uuid.uuid4()), new_token()
    handler = f"practipal.no_such_state_{uuid.uuid4().hex}.nothing"
    async with aiohttp.ClientSession() as http:
        sio = socketio.AsyncClient(reconnection=False, http_session=http)
        await sio.connect(
            f"{server.base_url}?token={tab}",
            headers={"Origin": server.base_url, "Cookie": f"{auth.SESSION_COOKIE}={cookie}"},
            transports=["websocket"],
            namespaces=["/_event"],
            socketio_path="/_event",
            wait_timeout=10,
        )
        await sio.emit(
            "event",
            {"name": handler, "payload": {}, "router_data": {"pathname": "/", "query": {}}},
            namespace="/_event",
        )
        for path in (
            f"/reset/{link}",
            f"/invite/{link}",
            f"/auth/session?t={link}",
            f"/api/calendar/{link}.ics",
        ):
            async with http.get(f"{server.base_url}{path}", allow_redirects=False) as response:
                await response.read()
        log = await _log_once_it_mentions(server, handler)
        await sio.disconnect()
    assert "[redacted]" in log
    for secret in (cookie, tab, link):
        assert secret not in log


async def _log_once_it_mentions(server, needle: str) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LOG_TIMEOUT
    while True:
        text = server.log_path.read_text(errors="replace")
        if needle in text:
            return text
        if loop.time() > deadline:
            pytest.fail(f"the server never logged the unknown handler; log tail:\n{text[-3000:]}")
        await asyncio.sleep(0.2)


# Headers on what Reflex serves --------------------------------------------------------------------


def _get(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local server)
            return response.status, dict(response.headers.items()), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read().decode()


def _secured(headers: dict[str, str]) -> str:
    lower = {k.lower(): v for k, v in headers.items()}
    assert lower["x-content-type-options"] == "nosniff"
    assert lower["referrer-policy"] == "no-referrer"
    assert lower["x-frame-options"] == "DENY"
    assert "camera=()" in lower["permissions-policy"]
    policy = lower["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    return policy


def test_reflex_routes_and_the_built_frontend_carry_the_headers(server) -> None:
    status, headers, page = _get(f"{server.base_url}/login/")
    assert status == 200
    assert "'sha256-" in _secured(headers) and headers["cache-control"] == "no-store"
    asset = re.search(r'href="(/assets/[^"]+\.js)"', page).group(1)
    status, headers, _ = _get(server.base_url + asset)
    assert status == 200 and "'sha256-" not in _secured(headers)
    for path in ("/ping", "/_health", "/api/health"):
        status, headers, _ = _get(server.base_url + path)
        assert status == 200, path
        _secured(headers)
    status, headers, _ = _get(f"{server.base_url}/_upload", data=b"--x--\r\n")
    assert status == 401
    _secured(headers)


# The pages under the policy -----------------------------------------------------------------------

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(
    `${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


@dataclass
class Visitors:
    therapist_email: str
    client_name: str
    client_cookie: str


def _visitors(session) -> Visitors:
    ensure_practice(session)
    suffix = uuid.uuid4().hex[:8]
    email = f"csp-{suffix}@example.com"
    therapist = practice.add_staff(
        session,
        practice.the_practice(session).id,
        "Dr. Leela Menon",
        email,
        Role.THERAPIST,
        PASSWORD,
    )
    client_id = clients.add_client(
        session,
        auth.actor_for(therapist),
        clients.ClientForm(name="Kiran Das", email=f"kiran-{suffix}@example.com"),
    )
    cookie = auth.start_session(session, session.get(User, client_id))
    return Visitors(email, "Kiran", cookie)


def test_the_main_pages_work_under_the_content_security_policy(server, browser, shot) -> None:
    violations: list[str] = []
    complaints: list[str] = []
    context = browser.new_context(base_url=server.base_url)
    context.expose_binding("reportViolation", lambda _source, text: violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            complaints.append(m.text)
            if re.search(r"Content.Security.Policy|Permissions-Policy|unsafe-eval", m.text)
            else None
        ),
    )
    try:
        page.goto("/")  # first run: setup; afterwards: sign-in
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile(r"^(Set up your practice|Sign in)$")
        )
        with server_database(server):
            visitors = db.call(_visitors)
        sign_in(page, visitors.therapist_email, PASSWORD, "/app")
        for path, heading in (
            ("/app", "Today"),
            ("/app/clients", "Clients"),
            ("/app/insights", "Insights"),
        ):
            page.goto(path)
            expect(page.get_by_role("heading", level=1, name=heading, exact=True)).to_be_visible()
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        shot(page, "csp-insights")
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r".*/login/?$"))

        context.add_cookies(
            [{"name": auth.SESSION_COOKIE, "value": visitors.client_cookie, "url": server.base_url}]
        )
        for path, heading in (
            ("/portal", f"Welcome, {visitors.client_name}"),
            ("/portal/help", "Help"),
        ):
            page.goto(path)
            expect(page.get_by_role("heading", level=1, name=heading, exact=True)).to_be_visible()
        page.wait_for_load_state("networkidle")
        shot(page, "csp-portal")
    finally:
        context.close()
    assert violations == [] and complaints == []
