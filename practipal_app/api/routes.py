"""HTTP routes: sign-in cookie, sign-out, health.

The session cookie is set here, by an HTTP response, so it can be HttpOnly and never passes
through Reflex state or the websocket.
"""

from __future__ import annotations

import asyncio
import html
import re

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.notifications import outbox
from practipal_app.services import auth
from practipal_app.services.errors import DomainError, LinkInvalid, NotFound

SESSION_COOKIE, INVITE_COOKIE, RESET_COOKIE = auth.SESSION_COOKIE, auth.INVITE_COOKIE, auth.RESET_COOKIE
LINK_COOKIE_SECONDS = 3600
_URL = re.compile(r"https?://[^\s<>\"']+")


def _cookie_args(max_age: int) -> dict:
    return {"httponly": True, "samesite": "lax", "secure": get_settings().cookie_secure, "path": "/",
            "max_age": max_age}


def link_exchange(cookie_name: str, landing: str):
    """An emailed link's token moves into an HttpOnly cookie before any page loads, so it never
    sits in the address bar, the page's state or the websocket."""

    async def exchange(request: Request) -> RedirectResponse:
        response = RedirectResponse(landing, status_code=303)
        response.set_cookie(cookie_name, request.path_params["token"][:100], **_cookie_args(LINK_COOKIE_SECONDS))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return exchange


async def complete_sign_in(request: Request) -> RedirectResponse:
    """Exchange the tab's pending sign-in (keyed by its Reflex client token) for a session cookie."""
    client_token = request.query_params.get("t", "")
    try:
        token, next_path = await db.acall(
            auth.redeem_ticket, client_token, request.headers.get("user-agent", "")
        )
    except LinkInvalid:
        return RedirectResponse("/login?expired=1", status_code=303)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, **_cookie_args(int(auth.CLIENT_POLICY.absolute.total_seconds())))
    for used in (INVITE_COOKIE, RESET_COOKIE):
        response.delete_cookie(used, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


async def sign_out(request: Request) -> RedirectResponse:
    await db.acall(auth.end_session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def health(_request: Request) -> JSONResponse:
    def ping(session):
        session.exec(text("SELECT 1"))

    try:
        await asyncio.wait_for(db.acall(ping), timeout=5)
    except Exception:  # any failure means unhealthy; the reason goes to the server log, not the client
        return JSONResponse({"status": "error"}, status_code=503)
    return JSONResponse({"status": "ok"})


def build() -> Starlette:
    return Starlette(
        routes=[
            Route("/auth/session", complete_sign_in, methods=["GET"]),
            Route("/invite/{token}", link_exchange(INVITE_COOKIE, "/invite"), methods=["GET"]),
            Route("/reset/{token}", link_exchange(RESET_COOKIE, "/reset?link=1"), methods=["GET"]),
            Route("/logout", sign_out, methods=["GET", "POST"]),
            Route("/api/health", health, methods=["GET"]),
            Route("/api/outbox/{email_id}", outbox_email, methods=["GET"]),
        ]
    )


async def outbox_email(request: Request) -> HTMLResponse:
    """One held email, for the owner to read or copy an invite link from. Served over HTTP so the
    link never travels through websocket state."""
    actor = await db.acall(auth.resolve, request.cookies.get(SESSION_COOKIE))
    try:
        email_id = int(request.path_params["email_id"])
        if actor is None:
            raise NotFound()
        row = await db.acall(outbox.body_for_owner, actor, email_id)
    except (DomainError, ValueError):
        return HTMLResponse("Not found", status_code=404)
    body = html.escape(row.body_text)
    body = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', body)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(row.subject)}</title></head>"
        "<body style='font-family:system-ui,sans-serif;max-width:720px;margin:24px auto;padding:0 16px'>"
        f"<p><a href='/app/settings/outbox'>← Back to the outbox</a></p>"
        f"<h1 style='font-size:20px'>{html.escape(row.subject)}</h1>"
        f"<p>To: {html.escape(row.to_address)} · Status: {html.escape(row.status)}</p>"
        f"<pre style='white-space:pre-wrap;font:inherit;background:#f4f6f5;padding:16px;border-radius:8px'>{body}</pre>"
        "</body></html>"
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
