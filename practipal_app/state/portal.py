"""Client portal: home and help."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.billing import reports as billing_reports
from practipal_app.billing import views as billing_views
from practipal_app.boundaries import portal_home as portal
from practipal_app.boundaries import views as boundary_views
from practipal_app.boundaries import whatsapp_kit
from practipal_app.boundaries.views import CrisisContact
from practipal_app.content import forms, resources
from practipal_app.content import views as content_views
from practipal_app.content.views import SentFormRow
from practipal_app.core.identity import Actor
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.scheduling import views as schedule_views
from practipal_app.scheduling.views import PortalSession
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS


class PortalState(rx.State):
    first_name: str = ""
    therapist_name: str = ""
    statement: str = ""
    charter_version: int = 0
    needs_ack: bool = False
    own_contacts: list[CrisisContact] = []
    next_session: PortalSession | None = None
    leave_notices: list[str] = []
    whatsapp_link: str = ""
    amount_due: str = ""
    todo: list[SentFormRow] = []
    new_resources: int = 0
    loaded: bool = False

    def _show(self, view: portal.PortalHome) -> None:
        self.first_name, self.therapist_name = view.first_name, view.therapist_name
        self.statement, self.charter_version = view.statement, view.charter_version
        self.needs_ack = view.needs_acknowledgement
        self.own_contacts = boundary_views.crisis_contacts(view.own_contacts)
        self.loaded = True

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        home, sessions, self.whatsapp_link, todo, self.new_resources, due = await db.aread_each(
            (portal.home, actor),
            (portal_schedule.next_session, actor),
            (whatsapp_kit.click_to_chat_link, actor),
            (forms.todo_for_client, actor),
            (resources.unopened_count, actor),
            (billing_reports.client_outstanding, actor),
        )
        self._show(home)
        self.next_session = schedule_views.next_session(sessions)
        self.leave_notices = schedule_views.leave_notices(sessions)
        self.todo = content_views.sent_form_rows(todo)
        self.amount_due = billing_views.amount_due(due)

    @guarded(CLIENTS)
    async def acknowledge(self, actor: Actor):
        await db.acall(portal.acknowledge, actor, self.charter_version)
        self._show(await db.aread(portal.home, actor))
