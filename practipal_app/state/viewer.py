"""Name and role of the person signed in, and the practice's name, for the page shells."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.core.identity import Actor
from practipal_app.onboarding import setup as practice
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS, STAFF


class ViewerState(rx.State):
    """Name and role of the person signed in, for the page shells."""

    name: str = ""
    role: str = ""
    practice_name: str = ""
    checked: bool = False

    async def _show(self, actor: Actor) -> None:
        self.name, self.role, self.checked = actor.name, str(actor.role), True
        if not self.practice_name:  # once a tab: the tab's state is emptied when its session ends
            self.practice_name = await db.aread(practice.practice_name, actor.practice_id)

    @guarded(STAFF)
    async def guard_staff(self, actor: Actor):
        await self._show(actor)

    @guarded(CLIENTS)
    async def guard_client(self, actor: Actor):
        await self._show(actor)
