"""The root URL sends each visitor where they belong."""

import reflex as rx

from practipal_app import db
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth
from practipal_app.state.session import signed_in


class IndexState(rx.State):
    @rx.event
    async def route(self):
        if await db.aread(practice.needs_setup):
            return rx.redirect("/setup")
        actor = await signed_in(self)
        return rx.redirect(auth.home_path(actor.role) if actor else "/login")
