"""Full-page navigations to HTTP routes (cookie changes must reach a fresh websocket)."""

from __future__ import annotations

import re

import reflex as rx

_UUID = re.compile(r"^[0-9a-fA-F-]{16,64}$")


def collect_session(client_token: str) -> rx.event.EventSpec:
    """Load /auth/session in this tab so the server can set the HttpOnly session cookie."""
    if not _UUID.match(client_token or ""):
        return rx.redirect("/login?expired=1")
    return rx.call_script(f"window.location.assign('/auth/session?t={client_token}')")
