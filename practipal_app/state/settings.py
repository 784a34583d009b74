"""Therapist workspace settings: the outbox and the profile."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core.identity import Actor
from practipal_app.notifications import outbox
from practipal_app.notifications.views import OutboxRow, outbox_rows
from practipal_app.people import auth
from practipal_app.state.guard import guarded
from practipal_app.state.session import OWNER, STAFF


class OutboxState(rx.State):
    rows: list[OutboxRow] = []
    total: int = 0
    smtp_configured: bool = False

    @guarded(OWNER)
    async def load(self, actor: Actor):
        page = await db.aread(outbox.list_for_owner, actor, 0)
        self.smtp_configured = get_settings().smtp_configured
        self.rows, self.total = (
            outbox_rows(page.emails, page.timezone, self.smtp_configured),
            page.total,
        )


#: Signing out is a POST (api/routes.py): the page posts a form to /logout, whose answer clears
#: the cookie and this tab's Reflex token.
POST_SIGN_OUT = (
    "const form = document.createElement('form');"
    "form.method = 'post'; form.action = '/logout';"
    "document.body.append(form); form.submit();"
)


class ProfileState(rx.State):
    notice: str = ""

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.notice = ""

    @guarded(STAFF)
    async def sign_out_everywhere(self, actor: Actor):
        await db.acall(auth.sign_out_everywhere, actor)
        return rx.call_script(POST_SIGN_OUT)
