"""The HTTP edge: security headers on every response, `/_upload` refused before its body is read,
sign-out only by POST, cookies that live as long as their session, sign-in links the outbox never
shows, CSV cells a spreadsheet cannot run, and logs without cookies or tokens.

The app under test is built the way practipal_app.py builds it: our routes, with what Reflex serves
behind them (an upload endpoint that reads the whole multipart body into files, as Reflex's does,
its upload folder and the built frontend's files) mounted under them, all wrapped in the guard.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from practipal_app import config, db
from practipal_app.api import http_guard, routes
from practipal_app.billing import invoices, payments
from practipal_app.billing.invoices import LineInput
from practipal_app.core.csv_cells import cell, csv_text
from practipal_app.core.tokens import new_token
from practipal_app.models import AuditEvent, OutboxEmail, Role, User
from practipal_app.models.base import utcnow
from practipal_app.onboarding import invites
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, tabs

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BUILT_SCRIPT = "window.builtPage = true;"
BUILT_PAGE = (
    f"<!doctype html><html><head><script>{BUILT_SCRIPT}</script></head><body></body></html>"
)
UPLOAD_LIMIT = 1000  # bytes, set through PRACTIPAL_MAX_UPLOAD_MB below
CAP = UPLOAD_LIMIT + http_guard.MULTIPART_ALLOWANCE


# The app ------------------------------------------------------------------------------------------


@pytest.fixture
def small_uploads(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("PRACTIPAL_MAX_UPLOAD_MB", str(UPLOAD_LIMIT / 1_000_000))
    config.get_settings.cache_clear()
    yield
    config.get_settings.cache_clear()


@pytest.fixture
def upload_dir(tmp_path) -> Path:
    path = tmp_path / "uploaded"
    path.mkdir()
    return path


@pytest.fixture
def built(tmp_path) -> Path:
    """A stand-in for the frontend build: a page with an inline script, and a script asset."""
    root = tmp_path / "client"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(BUILT_PAGE)
    (root / "assets" / "app-1a2b.js").write_text("console.log('app');")
    return root


@pytest.fixture
def app(small_uploads, built, upload_dir) -> http_guard.HttpGuard:
    async def reflex_upload(request: Request) -> JSONResponse:
        form = await request.form()  # what Reflex does: the whole body, spooled to files
        files = form.getlist("files")
        for n, upload in enumerate(files):
            (upload_dir / f"file-{n}").write_bytes(await upload.read())
        return JSONResponse({"saved": len(files)})

    reflex = Starlette(
        routes=[
            Route("/_upload", reflex_upload, methods=["POST"]),
            Mount("/_upload", StaticFiles(directory=upload_dir)),
            Mount("/", StaticFiles(directory=built, html=True)),
        ]
    )
    ours = routes.build()
    ours.mount("", reflex)
    return http_guard.HttpGuard(ours, built)


@pytest.fixture
def cookie_of(engine) -> Callable[[User], str]:
    return lambda user: db.call(auth.start_session, user, "pytest", now=utcnow())


def tab_of(cookie: str) -> str:
    """A browser tab this session has acted in (as its first event binds it): its token."""
    token = f"tab-{cookie[:12]}"
    db.call(tabs.bind, db.call(auth.resolve, cookie).session_id, token)
    return token


@pytest.fixture
def http(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://localhost:3000") as client:
        yield client


@pytest.fixture
def http_as(app, cookie_of) -> Iterator[Callable[[User], TestClient]]:
    """http_as(user) -> a client carrying a new session cookie of that user's."""
    opened: list[TestClient] = []

    def open_as(user: User) -> TestClient:
        cookie = cookie_of(user)
        opened.append(
            TestClient(
                app,
                base_url="http://localhost:3000",
                cookies={auth.SESSION_COOKIE: cookie},
                headers={"Reflex-Client-Token": tab_of(cookie)},
            )
        )
        return opened[-1]

    yield open_as
    for client in opened:
        client.close()


# Headers ------------------------------------------------------------------------------------------


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def _assert_secured(response) -> dict[str, list[str]]:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in headers["permissions-policy"]
    policy = _directives(headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "'self'" in policy["connect-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    return policy


def test_a_built_page_allows_its_own_inline_script_by_hash_and_is_never_cached(http, built):
    response = http.get("/")
    assert response.status_code == 200 and BUILT_SCRIPT in response.text
    policy = _assert_secured(response)
    assert http_guard.script_hash(BUILT_SCRIPT) in policy["script-src"]
    assert "ws://localhost:3000" in policy["connect-src"]
    assert response.headers["cache-control"] == "no-store"
    # A new build (a rewritten index page) is read again.
    rebuilt = "window.rebuilt = true;"
    (built / "index.html").write_text(f"<html><head><script>{rebuilt}</script></head></html>")
    os.utime(built / "index.html", ns=(1, 1))
    script_src = _directives(http.get("/").headers["content-security-policy"])["script-src"]
    assert http_guard.script_hash(rebuilt) in script_src
    assert http_guard.script_hash(BUILT_SCRIPT) not in script_src


def test_an_asset_an_api_route_and_an_upload_refusal_carry_the_headers(http, engine):
    asset = http.get("/assets/app-1a2b.js")
    assert asset.status_code == 200
    # Hashes are for pages only; an asset keeps its usual caching.
    assert not any(s.startswith("'sha256-") for s in _assert_secured(asset)["script-src"])
    assert "no-store" not in asset.headers.get("cache-control", "")
    api = http.get("/api/health")
    assert api.status_code == 200
    _assert_secured(api)
    assert api.headers["cache-control"] == "no-store"
    refused = http.post("/_upload", files={"files": ("a.txt", b"hello")})
    assert refused.status_code == 401
    _assert_secured(refused)


def test_the_page_that_drops_a_tabs_token_allows_that_one_script(http_as, owner):
    response = http_as(owner).post("/logout")
    [script] = re.findall(r"<script>(.*?)</script>", response.text)
    policy = _assert_secured(response)
    assert http_guard.script_hash(script) in policy["script-src"]
    assert http_guard.script_hash(BUILT_SCRIPT) not in policy["script-src"]


# Uploads ------------------------------------------------------------------------------------------


PART = (
    b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
)


class Body:
    """A multipart upload sent as an ASGI body in chunks (a file part that goes on and on),
    counting how much of it the app asked for."""

    def __init__(self, chunks: int, size: int = 8192) -> None:
        self.left, self.size, self.read = chunks, size, 0

    async def receive(self) -> dict:
        if self.left == 0:
            return {"type": "http.disconnect"}
        self.left -= 1
        chunk = (PART if self.read == 0 else b"") + b"x" * self.size
        self.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self.left > 0}


async def _post_upload(app, body: Body, headers: dict[str, str]) -> tuple[int, bytes]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/_upload",
        "raw_path": b"/_upload",
        "root_path": "",
        "query_string": b"",
        "server": ("localhost", 3000),
        "client": ("127.0.0.1", 5000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    await app(scope, body.receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent[1:])


MULTIPART = {"content-type": "multipart/form-data; boundary=xyz"}


async def test_an_anonymous_upload_is_refused_before_its_body_is_read(app, engine, upload_dir):
    body = Body(chunks=200_000)  # 1.6 GB, if anyone read it
    status, text = await _post_upload(app, body, {**MULTIPART, "content-length": "1638400000"})
    assert (status, body.read) == (401, 0) and b"Sign in" in text
    forged = Body(chunks=1000)
    headers = {**MULTIPART, "content-length": "8192000", "cookie": "pp_session=made-up"}
    assert (await _post_upload(app, forged, headers))[0] == 401 and forged.read == 0
    # A small one is read to its end so the client can read the answer, and passed on to no one.
    small = Body(chunks=1, size=100)
    headers = {**MULTIPART, "content-length": str(len(PART) + 100)}
    assert (await _post_upload(app, small, headers))[0] == 401
    assert list(upload_dir.iterdir()) == []


def _signed_in(cookie: str) -> dict[str, str]:
    return {"cookie": f"{auth.SESSION_COOKIE}={cookie}", "reflex-client-token": tab_of(cookie)}


async def test_an_oversized_upload_is_refused_before_its_body_is_read(app, owner, cookie_of):
    body = Body(chunks=10)
    signed_in = _signed_in(cookie_of(owner))
    status, _ = await _post_upload(
        app, body, {**MULTIPART, "content-length": str(CAP + 1), **signed_in}
    )
    assert (status, body.read) == (413, 0)
    unsized = Body(chunks=10)
    status, _ = await _post_upload(app, unsized, {**MULTIPART, **signed_in})
    assert (status, unsized.read) == (411, 0)


async def test_an_upload_that_sends_more_than_it_said_is_cut_off(app, owner, cookie_of, upload_dir):
    body = Body(chunks=1000)  # 8 MB behind a declared kilobyte
    status, _ = await _post_upload(
        app, body, {**MULTIPART, "content-length": "1000", **_signed_in(cookie_of(owner))}
    )
    assert status == 413 and body.read <= CAP + len(PART) + body.size
    assert list(upload_dir.iterdir()) == []


async def test_a_tab_token_is_not_enough_without_the_session_that_acts_in_that_tab(
    app, owner, therapist, cookie_of, upload_dir
):
    """A leaked tab token (it travels in every upload's headers) must not let another signed-in
    person run that tab's upload handler, with that tab's state."""
    owners_tab = tab_of(cookie_of(owner))
    for cookie in (
        cookie_of(therapist),
        cookie_of(owner),
    ):  # someone else; the owner, other session
        body = Body(chunks=1)
        headers = {**MULTIPART, "content-length": str(body.size), "reflex-client-token": owners_tab}
        status, text = await _post_upload(app, body, {**headers, "cookie": f"pp_session={cookie}"})
        assert (status, text) == (403, b"Reload the page, then upload again.")
    assert list(upload_dir.iterdir()) == []


def test_a_signed_in_upload_within_the_limit_goes_through(http, http_as, owner, upload_dir):
    owners = http_as(owner)
    response = owners.post("/_upload", files={"files": ("chat.txt", b"hello")})
    assert response.status_code == 200 and response.json() == {"saved": 1}
    assert (upload_dir / "file-0").read_bytes() == b"hello"
    assert http.get("/_upload/file-0").status_code == 401  # the upload folder, anonymously
    assert owners.get("/_upload/file-0").content == b"hello"


# Signing in and out -------------------------------------------------------------------------------


def test_only_a_post_from_this_site_signs_out(app, owner, cookie_of):
    cookie = cookie_of(owner)
    with TestClient(app, cookies={auth.SESSION_COOKIE: cookie}) as owners:
        page = owners.get("/logout")
        assert page.status_code == 200 and "<form method='post' action='/logout'>" in page.text
        assert "set-cookie" not in page.headers
        assert owners.post("/logout", headers={"sec-fetch-site": "cross-site"}).status_code == 403
        assert owners.post("/logout", headers={"origin": "https://evil.example"}).status_code == 403
        assert db.call(auth.resolve, cookie) is not None
        # A form on our own page, under our no-referrer policy: Origin is "null".
        signed_out = owners.post(
            "/logout", headers={"sec-fetch-site": "same-origin", "origin": "null"}
        )
    assert signed_out.status_code == 200
    assert signed_out.headers["set-cookie"].startswith(f'{auth.SESSION_COOKIE}=""')
    assert db.call(auth.resolve, cookie) is None


def _cookie_max_age(http, user_id: int) -> int:
    tab = new_token()
    db.call(lambda s: auth.issue_ticket(s, s.get(User, user_id), tab))
    response = http.get(f"/auth/session?t={tab}", follow_redirects=False)
    assert response.status_code == 200
    return int(re.search(r"Max-Age=(\d+)", response.headers["set-cookie"]).group(1))


def test_the_session_cookie_lives_as_long_as_the_session(http, owner, owner_actor, add_client):
    client_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    assert _cookie_max_age(http, owner.id) == 12 * 3600
    assert _cookie_max_age(http, client_id) == 30 * 24 * 3600


# The outbox ---------------------------------------------------------------------------------------


def _email_id(kind: str) -> int:
    return db.call(lambda s: s.exec(select(OutboxEmail.id).where(OutboxEmail.kind == kind)).one())


def test_the_outbox_never_shows_a_reset_link(http_as, owner, therapist, emailed_tokens):
    db.call(auth.request_reset, therapist.email, "https://practice.example.in")
    [token] = emailed_tokens("password_reset")
    page = http_as(owner).get(f"/api/outbox/{_email_id('password_reset')}")
    assert page.status_code == 200
    assert token not in page.text and "/reset/" not in page.text
    assert "Reset your Sunrise Counselling password" in page.text
    assert f"This email carries a sign-in link for {therapist.email} only" in page.text
    assert "Status: held" in page.text


def test_a_client_invite_stays_copyable_and_each_opening_is_audited(
    http_as, owner, owner_actor, add_client, emailed_tokens
):
    client_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    db.call(invites.send_invite, owner_actor, client_id, "https://practice.example.in")
    [token] = emailed_tokens("invite")
    email_id = _email_id("invite")
    owners = http_as(owner)
    for _ in range(2):
        page = owners.get(f"/api/outbox/{email_id}")
        assert f"https://practice.example.in/invite/{token}" in page.text
    opened = db.call(
        lambda s: s.exec(
            select(AuditEvent.actor_id, AuditEvent.subject_id, AuditEvent.detail).where(
                AuditEvent.kind == "outbox.link_opened"
            )
        ).all()
    )
    assert [tuple(row) for row in opened] == [(owner.id, email_id, {"email_kind": "invite"})] * 2


# CSV ----------------------------------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("https://evil.example","Pay")'


def test_cells_that_a_spreadsheet_would_run_are_kept_text():
    assert [cell(v) for v in ("=1+1", "+91 98", "-2+3", "@SUM(A1)", "\t=1", "\r=1")] == [
        "'=1+1",
        "'+91 98",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
    ]
    # Numbers stay numbers; everything else is untouched.
    assert [cell(v) for v in ("-500.00", "+5", "1500.00", "Riya", "", None, 3)] == [
        "-500.00",
        "+5",
        "1500.00",
        "Riya",
        "",
        "",
        "3",
    ]
    assert csv_text(["=a"], [["-1", "=b"]]) == "'=a\r\n-1,'=b\r\n"


def test_billing_exports_escape_names_and_references(http_as, owner, owner_actor, add_client):
    client_id = add_client(owner_actor, FORMULA_NAME, "pay@example.com")
    invoice_id = db.call(
        invoices.create, owner_actor, client_id, [LineInput("Session", 1, 150_000)], issue_now=True
    )
    db.call(
        payments.record,
        owner_actor,
        invoice_id,
        amount="500",
        paid_on=date.today().isoformat(),
        method="upi",
        reference="@SUM(1+1)",
    )
    owners = http_as(owner)
    [row] = csv.DictReader(io.StringIO(owners.get("/api/billing/invoices.csv").text))
    assert row["Client"] == "'" + FORMULA_NAME and row["Total"] == "1500.00"
    [paid] = csv.DictReader(io.StringIO(owners.get("/api/billing/payments.csv").text))
    assert (paid["Client"], paid["Reference"]) == ("'" + FORMULA_NAME, "'@SUM(1+1)")


def test_the_team_export_escapes_a_therapists_name(http_as, owner):
    db.call(
        practice.add_staff,
        owner.practice_id,
        "-Dr. Minus",
        "minus@example.com",
        Role.THERAPIST,
        None,
    )
    today = date.today()
    response = http_as(owner).get(
        f"/api/insights/team.csv?first={today - timedelta(days=7)}&last={today}"
    )
    names = {row["therapist"] for row in csv.DictReader(io.StringIO(response.text))}
    assert "'-Dr. Minus" in names and "-Dr. Minus" not in names


# Logs ---------------------------------------------------------------------------------------------


def test_log_records_lose_cookies_and_tokens(caplog):
    http_guard.install_log_redaction()
    http_guard.install_log_redaction()  # twice is once
    secret, tab = new_token(), "66a054c5-b36e-4973-8c2f-18d9856445f9"
    log = logging.getLogger("practipal.test")
    with caplog.at_level(logging.INFO, logger="practipal.test"):
        log.info("event %s", {"headers": {"cookie": f"pp_session={secret}"}, "token": tab})
        log.info('%s - "GET %s HTTP/1.1" 303', "127.0.0.1", f"/reset/{secret}")
        log.info("GET /invite/%s and /auth/session?t=%s", secret, tab)
        log.info(f"GET /api/calendar/{secret}.ics and /_event/?token={tab}&EIO=4")
        try:
            raise KeyError(f"Cookie: pp_session={secret}")
        except KeyError:
            log.exception("failed")
    text = caplog.text
    assert secret not in text and tab not in text
    assert text.count("[redacted]") >= 8 and "/api/calendar/[redacted].ics" in text
    assert "KeyError" in text  # the traceback is kept, cleaned
