"""Therapist workspace: the Today page."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.boundaries import charter
from practipal_app.core.identity import Actor
from practipal_app.people import clients
from practipal_app.scheduling import workspace_views as workspace_schedule
from practipal_app.scheduling.views import StaffSession, today_sessions
from practipal_app.state.guard import guarded
from practipal_app.state.session import STAFF


class TodayState(rx.State):
    sessions: list[StaffSession] = []
    clients: int = 0
    on_portal: int = 0
    invited: int = 0
    charter_version: int = 0
    is_clinician: bool = False

    @guarded(STAFF)
    async def load(self, actor: Actor):
        counts = await db.aread(clients.overview, actor)
        self.clients, self.on_portal, self.invited = (
            counts.clients,
            counts.on_portal,
            counts.invited,
        )
        self.is_clinician = actor.is_clinician
        self.sessions = today_sessions(await db.aread(workspace_schedule.today, actor))
        if actor.is_clinician:
            self.charter_version = (await db.aread(charter.my_charter, actor)).version
