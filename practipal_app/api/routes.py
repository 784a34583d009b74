"""HTTP routes: sign-in cookie, sign-out, health, held email, calendar files.

The session cookie is set here, by an HTTP response, so it can be HttpOnly and never passes
through Reflex state or the websocket. Security headers for every response are added around the
whole app by api/http_guard.py.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from practipal_app import db
from practipal_app.analytics import dashboard, views
from practipal_app.api import http_guard
from practipal_app.billing import documents as billing_documents
from practipal_app.billing import pdf as invoice_pdf_module
from practipal_app.billing import upi
from practipal_app.config import get_settings
from practipal_app.content import resources
from practipal_app.content.form_pdf import render_response
from practipal_app.content.forms import response_detail
from practipal_app.core.errors import DomainError, InvalidInput, LinkInvalid, NotFound
from practipal_app.notifications import outbox, templates
from practipal_app.notifications.views import status_label
from practipal_app.people import auth, session_cache
from practipal_app.scheduling import feeds as calendar_feeds

SESSION_COOKIE, INVITE_COOKIE, RESET_COOKIE = (
    auth.SESSION_COOKIE,
    auth.INVITE_COOKIE,
    auth.RESET_COOKIE,
)
LINK_COOKIE_SECONDS = 3600
_URL = re.compile(r"https?://[^\s<>\"']+")


def _cookie_args(max_age: int) -> dict:
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": get_settings().cookie_secure,
        "path": "/",
        "max_age": max_age,
    }


def link_exchange(cookie_name: str, landing: str):
    """An emailed link's token moves into an HttpOnly cookie before any page loads, so it never
    sits in the address bar, the page's state or the websocket."""

    async def exchange(request: Request) -> RedirectResponse:
        response = RedirectResponse(landing, status_code=303)
        response.set_cookie(
            cookie_name, request.path_params["token"][:100], **_cookie_args(LINK_COOKIE_SECONDS)
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return exchange


def fresh_tab(path: str) -> HTMLResponse:
    """Go to `path` with a new Reflex client token for this tab.

    Reflex keeps a tab's state on the server under the token in the tab's sessionStorage, and sends
    it all back whenever a page connects. Dropping the token when someone signs in or out means the
    next person at this tab never receives the previous person's state. The page's one inline
    script is allowed by its hash in the page's own Content-Security-Policy.
    """
    target = json.dumps(path).replace("<", "\\u003c")
    script = f"sessionStorage.removeItem('token');window.location.replace({target});"
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>PractiPal</title>"
        f"<meta http-equiv='refresh' content='1;url={html.escape(path)}'></head><body>"
        f"<script>{script}</script>"
        "</body></html>"
    )
    policy = http_guard.content_security_policy(
        get_settings().base_url, [http_guard.script_hash(script)]
    )
    return HTMLResponse(
        page,
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": policy,
        },
    )


def _redeem(session, client_token: str, user_agent: str) -> tuple[str, str, int]:
    """(session token, where to go, the cookie's max-age: the session's own lifetime)."""
    token, next_path = auth.redeem_ticket(session, client_token, user_agent)
    actor = auth.resolve(session, token)
    lifetime = auth.policy_for(actor.role).absolute if actor else auth.STAFF_POLICY.absolute
    return token, next_path, int(lifetime.total_seconds())


async def complete_sign_in(request: Request) -> Response:
    """Exchange the tab's pending sign-in (keyed by its Reflex client token) for a session
    cookie."""
    client_token = request.query_params.get("t", "")
    try:
        token, next_path, max_age = await db.acall(
            _redeem, client_token, request.headers.get("user-agent", "")
        )
    except LinkInvalid:
        return RedirectResponse("/login?expired=1", status_code=303)
    response = fresh_tab(next_path)
    response.set_cookie(SESSION_COOKIE, token, **_cookie_args(max_age))
    for used in (INVITE_COOKIE, RESET_COOKIE):
        response.delete_cookie(used, path="/")
    return response


def _same_site(request: Request) -> bool:
    """A POST from a page of this site. Browsers say where a request comes from in Sec-Fetch-Site;
    Origin is "null" under our no-referrer policy, so it counts only when it names a site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("origin", "null")
    own = {request.headers.get("host", ""), urlsplit(get_settings().base_url).netloc}
    return origin == "null" or urlsplit(origin).netloc in own


async def sign_out(request: Request) -> Response:
    """POST only: a link, an image or another site cannot sign anyone out."""
    if not _same_site(request):
        return Response("Sign out from PractiPal itself.", status_code=403, media_type="text/plain")
    await db.acall(auth.end_session, request.cookies.get(SESSION_COOKIE))
    response = fresh_tab("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def sign_out_page(_request: Request) -> HTMLResponse:
    """GET /logout (an old bookmark or link) only offers the button; it signs no one out."""
    return _page(
        "Sign out · PractiPal",
        "<h1 style='font-size:20px'>Sign out of PractiPal?</h1>"
        "<form method='post' action='/logout'>"
        "<button type='submit' style='font:inherit;padding:8px 16px'>Sign out</button></form>"
        "<p><a href='/'>Stay signed in</a></p>",
    )


async def health(_request: Request) -> JSONResponse:
    def ping(session):
        session.exec(text("SELECT 1"))

    try:
        await asyncio.wait_for(db.acall(ping), timeout=5)
    except (
        Exception
    ):  # any failure means unhealthy; the reason goes to the server log, not the client
        return JSONResponse({"status": "error"}, status_code=503)
    return JSONResponse({"status": "ok"})


def build() -> Starlette:
    return Starlette(
        routes=[
            Route("/auth/session", complete_sign_in, methods=["GET"]),
            Route("/invite/{token}", link_exchange(INVITE_COOKIE, "/invite"), methods=["GET"]),
            Route("/reset/{token}", link_exchange(RESET_COOKIE, "/reset?link=1"), methods=["GET"]),
            Route("/logout", sign_out, methods=["POST"]),
            Route("/logout", sign_out_page, methods=["GET"]),
            Route("/api/health", health, methods=["GET"]),
            Route("/api/outbox/{email_id}", outbox_email, methods=["GET"]),
            Route("/api/calendar/feed", new_calendar_feed, methods=["POST"]),
            Route("/api/calendar/feed/revoke", revoke_calendar_feed, methods=["POST"]),
            Route("/api/calendar/{token}.ics", calendar_feed, methods=["GET"]),
            Route("/api/appointments/{appointment_id}.ics", appointment_ics, methods=["GET"]),
            Route("/api/invoices/{item_id}.pdf", invoice_pdf, methods=["GET"]),
            Route("/api/invoices/{item_id}/upi.svg", invoice_upi_qr, methods=["GET"]),
            Route("/api/receipts/{item_id}.pdf", receipt_pdf, methods=["GET"]),
            Route("/api/forms/responses/{item_id}.pdf", form_response_pdf, methods=["GET"]),
            Route("/api/billing/{export}.csv", billing_export, methods=["GET"]),
            Route("/api/insights/{export}.csv", insights_export, methods=["GET"]),
            Route("/api/resources/{item_id}/file", resource_file, methods=["GET"]),
        ]
    )


async def outbox_email(request: Request) -> HTMLResponse:
    """One email of the outbox, for the owner to read or copy a client's invite link from. Served
    over HTTP so the link never travels through websocket state. An email whose link signs in its
    recipient shows who it is for and its status, never its link."""
    actor = await session_cache.actor(request.cookies.get(SESSION_COOKIE))
    try:
        email_id = int(request.path_params["email_id"])
        if actor is None:
            raise NotFound()
        email = await db.acall(outbox.body_for_owner, actor, email_id)
    except (DomainError, ValueError):
        return HTMLResponse("Not found", status_code=404, headers=PRIVATE)
    status = status_label(email.status, get_settings().smtp_configured)
    return _page(
        html.escape(email.subject),
        "<p><a href='/app/settings/outbox'>← Back to the outbox</a></p>"
        f"<h1 style='font-size:20px'>{html.escape(email.subject)}</h1>"
        f"<p>To: {html.escape(email.to_address)} · Status: {html.escape(status)}</p>"
        + _email_body(email),
    )


def _email_body(email: outbox.OpenedEmail) -> str:
    if email.body_text is None:
        return f"<p style='{_BOX}'>{_withheld_note(email)}</p>"
    body = html.escape(email.body_text)
    body = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', body)
    return f"<pre style='{_BOX}'>{body}</pre>"


def _withheld_note(email: outbox.OpenedEmail) -> str:
    to = html.escape(email.to_address)
    retry = (
        "If it does not arrive, they can ask for a new one from the sign-in page "
        "(“Forgot your password?”)."
        if email.kind == templates.PASSWORD_RESET
        else "If it does not arrive, they can ask for a new one."
    )
    held = (
        " It stays held until a mail server is configured (PRACTIPAL_SMTP_HOST): set one up so it "
        "can be sent."
        if not get_settings().smtp_configured
        else ""
    )
    return (
        f"This email carries a sign-in link for {to} only, so it is not shown here.{held} {retry}"
    )


_BOX = "white-space:pre-wrap;font:inherit;background:#f4f6f5;padding:16px;border-radius:8px"


def _page(title: str, content: str) -> HTMLResponse:
    """A small standalone page (title and content already escaped), never cached or referred."""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{title}</title></head>"
        "<body style='font-family:system-ui,sans-serif;max-width:720px;"
        "margin:24px auto;padding:0 16px'>"
        f"{content}</body></html>"
    )
    return HTMLResponse(
        page, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )


# Calendars ---------------------------------------------------------------------------------------
# The feed and the single-session files are plain HTTP so calendar apps and the browser's download
# can fetch them. Creating or revoking a feed is a POST with the session cookie: the cookie is
# SameSite=Lax, so another site cannot make a signed-in browser do either.

_NOT_FOUND = "Not found"
AVAILABILITY_PAGE = "/app/settings/availability"


async def calendar_feed(request: Request) -> Response:
    """The therapist's subscribable calendar, by its secret token."""
    try:
        ics = await db.acall(calendar_feeds.feed_ics, request.path_params["token"][:100])
    except DomainError:
        return Response(_NOT_FOUND, status_code=404, media_type="text/plain")
    return Response(
        ics,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer"},
    )


async def appointment_ics(request: Request) -> Response:
    """One session as an .ics download, for its client or its therapist."""
    actor = await session_cache.actor(request.cookies.get(SESSION_COOKIE))
    try:
        appointment_id = int(request.path_params["appointment_id"])
        if actor is None:
            raise NotFound()
        ics = await db.acall(calendar_feeds.appointment_ics, actor, appointment_id)
    except (DomainError, ValueError):
        return Response(_NOT_FOUND, status_code=404, media_type="text/plain")
    return Response(
        ics,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="session-{appointment_id}.ics"',
            "Cache-Control": "no-store",
        },
    )


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body())[:10_000].decode("utf-8", "replace")
    return {k: v[-1] for k, v in parse_qs(body).items()}


async def new_calendar_feed(request: Request) -> Response:
    """Make a new feed link (the old one stops) and show it once."""
    actor = await session_cache.actor(request.cookies.get(SESSION_COOKIE))
    full_names = (await _form(request)).get("full_names", "0") == "1"
    try:
        if actor is None:
            raise NotFound()
        token = await db.acall(calendar_feeds.create_feed, actor, full_names)
    except DomainError:
        return Response(_NOT_FOUND, status_code=404, media_type="text/plain")
    url = html.escape(f"{get_settings().base_url}/api/calendar/{token}.ics")
    names = (
        "clients' full names"
        if full_names
        else "clients' initials only (e.g. R.S.), never full names"
    )
    return _page(
        "Your calendar feed",
        f"<p><a href='{AVAILABILITY_PAGE}'>← Back to availability</a></p>"
        "<h1 style='font-size:20px'>Your calendar feed</h1>"
        "<p>Subscribe to this address in Google Calendar (Other calendars → From URL) or Apple "
        "Calendar (File → New Calendar Subscription). It is shown only this once: copy it now.</p>"
        f"<pre style='{_BOX};word-break:break-all' aria-label='Subscribe URL'>{url}</pre>"
        f"<p>The feed shows your sessions with {names}, and the session type. "
        "It never contains emails, phone numbers or agendas.</p>"
        "<p>Anyone with this address can read the feed, so keep it private. "
        "Making a new link stops the old one; you can also stop it from the availability page.</p>",
    )


async def revoke_calendar_feed(request: Request) -> Response:
    """Stop the therapist's feed link, then go back to availability settings."""
    actor = await session_cache.actor(request.cookies.get(SESSION_COOKIE))
    try:
        if actor is None:
            raise NotFound()
        await db.acall(calendar_feeds.revoke_feed, actor)
    except DomainError:
        return Response(_NOT_FOUND, status_code=404, media_type="text/plain")
    return RedirectResponse(AVAILABILITY_PAGE, status_code=303)


# Billing -----------------------------------------------------------------------------------------
# Invoices, receipts and exports go out over HTTP, each checked against the session cookie: an id
# that is not the person's own answers 404, the same as one that does not exist.

PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


async def _authorized(request: Request, render, *args):
    """render(session, actor, *args) for the signed-in person, or None (→ 404)."""
    actor = await session_cache.actor(request.cookies.get(SESSION_COOKIE))
    if actor is None:
        return None
    try:
        return await db.aread(render, actor, *args)
    except DomainError:
        return None


def _item_id(request: Request) -> int | None:
    raw = request.path_params["item_id"]
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _not_found() -> Response:
    return Response(_NOT_FOUND, status_code=404, media_type="text/plain", headers=PRIVATE)


def _pdf(content: bytes, filename: str, download: bool) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        content,
        media_type="application/pdf",
        headers={**PRIVATE, "Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


def _file_name(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", number) + ".pdf"


def _pdf_route(build, render):
    """GET /api/…/{item_id}.pdf: build(session, actor, id) → a document, drawn by
    render(document)."""

    async def serve(request: Request) -> Response:
        item_id = _item_id(request)
        doc = item_id and await _authorized(request, build, item_id)
        if not doc:
            return _not_found()
        content = await asyncio.to_thread(render, doc)
        return _pdf(content, _file_name(doc.number), request.query_params.get("download") == "1")

    return serve


invoice_pdf = _pdf_route(billing_documents.invoice_document, invoice_pdf_module.render_invoice)
receipt_pdf = _pdf_route(billing_documents.receipt_document, invoice_pdf_module.render_receipt)


async def invoice_upi_qr(request: Request) -> Response:
    """The QR of an invoice's UPI link, for paying from a phone while the portal is open on a
    computer."""
    item_id = _item_id(request)
    doc = item_id and await _authorized(request, billing_documents.invoice_document, item_id)
    if not doc or not doc.upi_link:
        return _not_found()
    return Response(upi.qr_svg(doc.upi_link), media_type="image/svg+xml", headers=PRIVATE)


EXPORTS = {"invoices": billing_documents.invoices_csv, "payments": billing_documents.payments_csv}
#: export -> (the service that reads the figures, the view that writes them as CSV)
INSIGHT_EXPORTS = {
    "weekly": (dashboard.dashboard, views.weekly_csv),
    "team": (dashboard.team, views.team_csv),
}


def _csv(content: str, name: str) -> Response:
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={**PRIVATE, "Content-Disposition": f'attachment; filename="practipal-{name}.csv"'},
    )


async def billing_export(request: Request) -> Response:
    """The accountant's CSVs, for staff, over what they may see."""
    export = EXPORTS.get(request.path_params["export"])
    content = await _authorized(request, export) if export else None
    if content is None:
        return _not_found()
    return _csv(content, request.path_params["export"])


async def insights_export(request: Request) -> Response:
    """The insights page's weekly table (or the owner's team table) for ?first=…&last=…
    (YYYY-MM-DD)."""
    export = INSIGHT_EXPORTS.get(request.path_params["export"])
    try:
        # No "starts by today" here: the weeks of a future range are only empty.
        first, last = views.checked_range(
            request.query_params.get("first", ""), request.query_params.get("last", ""), date.max
        )
    except InvalidInput as exc:
        return Response(
            f"Choose the range as ?first=YYYY-MM-DD&last=YYYY-MM-DD. {exc.message}",
            status_code=400,
            media_type="text/plain",
            headers=PRIVATE,
        )
    figures = await _authorized(request, export[0], first, last) if export else None
    if figures is None:
        return _not_found()
    return _csv(export[1](figures), f"insights-{request.path_params['export']}-{first}-{last}")


async def resource_file(request: Request) -> Response:
    """A resource's file for staff who may see it or a client it was shared with (which counts as
    opening it, hence a writing transaction); anyone else gets 404."""
    item_id = _item_id(request)
    actor = await session_cache.actor(request.cookies.get(SESSION_COOKIE))
    try:
        if not item_id or actor is None:
            raise NotFound()
        path, content_type, name = await db.acall(resources.file_for, actor, item_id)
    except DomainError:
        return _not_found()
    return FileResponse(
        path,
        media_type=content_type,
        filename=name,
        content_disposition_type="inline",
        headers=PRIVATE,
    )


# Forms -------------------------------------------------------------------------------------------


async def form_response_pdf(request: Request) -> Response:
    """A submitted form as PDF, for its client or the staff who may read it; anyone else gets
    404."""
    item_id = _item_id(request)
    detail = item_id and await _authorized(request, response_detail, item_id)
    if not detail:
        return _not_found()
    content = await asyncio.to_thread(render_response, detail)
    return _pdf(content, f"form-{item_id}.pdf", request.query_params.get("download") == "1")
