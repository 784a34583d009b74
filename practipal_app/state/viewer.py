"""Name and role of the person signed in, and the practice's name, for the page shells.

They are filled once a tab, when a sign-in session claims it (state/middleware.py), so a page's
own load is the only event its opening costs; the tab's state is emptied when its session ends.
"""

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
        self.practice_name = await db.aread(practice.practice_name, actor.practice_id)

    # The page guards of pages that have no load of their own: who may open the page.
    @guarded(STAFF)
    def guard_staff(self, actor: Actor):
        pass

    @guarded(CLIENTS)
    def guard_client(self, actor: Actor):
        pass


async def show(state: rx.State, actor: Actor) -> None:
    """Fill the tab's page shells for `actor`."""
    await (await state.get_state(ViewerState))._show(actor)
