"""Therapist workspace settings: the outbox and the profile."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.notifications import outbox
from practipal_app.people import auth
from practipal_app.state.session import OWNER, STAFF, require


class OutboxState(rx.State):
    rows: list[dict[str, str]] = []
    total: int = 0
    smtp_configured: bool = False

    @rx.event
    async def load(self):
        actor, away = await require(self, OWNER)
        if away:
            return away
        rows, self.total = await db.acall(outbox.list_for_owner, actor, 0)
        self.smtp_configured = get_settings().smtp_configured
        held = "pending" if self.smtp_configured else "held"
        self.rows = [
            {"id": str(r.id), "kind": r.kind, "to": r.to_address, "subject": r.subject,
             "status": held if r.status == "pending" else r.status, "error": r.last_error, "created": r.created_at}
            for r in rows
        ]


class ProfileState(rx.State):
    notice: str = ""

    @rx.event
    async def load(self):
        _actor, away = await require(self, STAFF)
        self.notice = ""
        return away

    @rx.event
    async def sign_out_everywhere(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        await db.acall(auth.sign_out_everywhere, actor)
        return rx.call_script("window.location.assign('/logout')")
