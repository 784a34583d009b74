"""Client portal: home and help."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.billing import views as billing_views
from practipal_app.boundaries import portal_home as portal
from practipal_app.boundaries import whatsapp_kit
from practipal_app.content import forms, resources
from practipal_app.core import money
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.state.session import CLIENTS, require


class PortalState(rx.State):
    first_name: str = ""
    therapist_name: str = ""
    statement: str = ""
    charter_version: int = 0
    needs_ack: bool = False
    own_contacts: list[dict[str, str]] = []
    next_session: dict[str, str] = {}
    leave_notices: list[str] = []
    whatsapp_link: str = ""
    amount_due: str = ""
    todo: list[dict[str, str]] = []
    new_resources: int = 0
    loaded: bool = False

    def _show(self, view: portal.PortalHome) -> None:
        self.first_name, self.therapist_name = view.first_name, view.therapist_name
        self.statement, self.charter_version = view.statement, view.charter_version
        self.needs_ack = view.needs_acknowledgement
        self.own_contacts = [{"label": c["label"], "phone": c["phone"]} for c in view.own_contacts]
        self.loaded = True

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self._show(await db.acall(portal.home, actor))
        self.next_session, self.leave_notices = await db.acall(portal_schedule.next_session, actor)
        self.whatsapp_link = await db.acall(whatsapp_kit.click_to_chat_link, actor)
        self.todo = await db.aread(forms.todo_for_client, actor)
        shared = await db.aread(resources.for_client, actor)
        self.new_resources = sum(1 for item in shared if item["new"] == "1")
        due = await db.aread(billing_views.client_outstanding, actor)
        self.amount_due = money.format_inr(due) if due else ""

    @rx.event
    async def acknowledge(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        await db.acall(portal.acknowledge, actor, self.charter_version)
        self._show(await db.acall(portal.home, actor))
