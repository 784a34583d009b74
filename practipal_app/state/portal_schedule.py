"""Client portal: upcoming sessions and history, self-booking, moving and cancelling."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.core.timefmt import session_label
from practipal_app.scheduling import appointments
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.scheduling.views import (
    Option,
    PortalSession,
    Slot,
    SlotDay,
    alternatives,
    slot_days,
    type_options,
    zone_note,
)
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS, as_id, page_id, page_params


class SessionsState(rx.State):
    upcoming: list[PortalSession] = []
    history: list[PortalSession] = []
    leave_notices: list[str] = []
    window_hours: int = 24
    confirm_id: int = 0
    confirm_text: str = ""
    notice: str = ""
    error: str = ""
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        page = await db.aread(portal_schedule.sessions_page, actor)
        self.upcoming, self.history = page.upcoming, page.history
        self.leave_notices, self.window_hours = page.leave_notices, page.window_hours
        self.loaded = True

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.confirm_id, self.confirm_text, self.error = 0, "", ""
        self.notice = "Your session is booked." if page_params(self).get("booked") else ""
        await self._refresh(actor)

    @guarded(CLIENTS)
    async def cancel(self, actor: Actor, appointment_id: int):
        self.error, self.notice = "", ""
        try:
            appointment_id = as_id(appointment_id)
            status = await db.acall(appointments.cancel, actor, appointment_id,
                                    confirmed_late=self.confirm_id == appointment_id)
        except appointments.NeedsConfirmation as exc:
            self.confirm_id, self.confirm_text = appointment_id, exc.message
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.confirm_id, self.confirm_text = 0, ""
        self.notice = ("Cancelled. It counts as a late cancellation." if status == "late_cancelled"
                       else "Cancelled. Your therapist has been told.")
        await self._refresh(actor)

    @rx.event
    def keep(self):
        self.confirm_id, self.confirm_text = 0, ""


class BookState(rx.State):
    """/portal/book: pick a type, then a free time. With ?move=<id> it moves that session instead."""

    types: list[Option] = []
    type_id: str = ""
    days: list[SlotDay] = []
    zone_note: str = ""
    policy: str = ""
    chosen: str = ""
    chosen_label: str = ""
    moving_id: int = 0
    moving_label: str = ""
    needs_late_confirm: str = ""
    error: str = ""
    alternatives: list[Slot] = []
    loaded: bool = False

    async def _load_slots(self, actor: Actor) -> None:
        z = await db.aread(portal_schedule.zones, actor)
        self.zone_note = zone_note(z)
        if not self.type_id:
            self.days = []
            return
        try:
            starts = await db.aread(appointments.available_slots, actor, as_id(self.type_id))
        except DomainError:
            self.days, self.error = [], "That session type is not offered."
            return
        self.days = slot_days(starts, z)

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.chosen, self.chosen_label, self.error, self.alternatives = "", "", "", []
        self.needs_late_confirm = ""
        types = await db.aread(appointments.bookable_types, actor)
        self.types = type_options(types)
        self.moving_id, self.moving_label = max(page_id(self, "move"), 0), ""
        if self.moving_id:
            try:
                view = await db.aread(appointments.get, actor, self.moving_id)
            except DomainError:
                self.moving_id = 0
            else:
                z = await db.aread(portal_schedule.zones, actor)
                self.moving_label = session_label(view.starts_at, z.client)
                match = [t for t in types if t.name == view.title]
                self.type_id = str(match[0].id) if match else ""
        if not self.type_id and types:
            self.type_id = str(types[0].id)
        hours = await db.aread(portal_schedule.cancellation_window, actor)
        self.policy = (f"Cancelling or moving within {hours} hours of a session counts as a late "
                       "cancellation under your therapist's policy.")
        await self._load_slots(actor)
        self.loaded = True

    @guarded(CLIENTS)
    async def pick_type(self, actor: Actor, type_id: str):
        self.type_id, self.chosen, self.chosen_label, self.error = str(type_id)[:20], "", "", ""
        await self._load_slots(actor)

    @guarded(CLIENTS)
    async def choose(self, actor: Actor, value: str, label: str):
        self.chosen, self.chosen_label, self.error = str(value)[:40], str(label)[:80], ""

    @rx.event
    def clear_choice(self):
        self.chosen, self.chosen_label, self.needs_late_confirm = "", "", ""

    @guarded(CLIENTS)
    async def confirm(self, actor: Actor):
        try:
            start = _instant(self.chosen)
            if self.moving_id:
                await db.acall(appointments.reschedule, actor, self.moving_id, start,
                               confirmed=bool(self.needs_late_confirm))
            else:
                await db.acall(appointments.book, actor, client_id=actor.user_id,
                               session_type_id=as_id(self.type_id), starts_at=start)
        except appointments.SlotTaken as exc:
            z = await db.aread(portal_schedule.zones, actor)
            self.error = exc.message
            self.alternatives = alternatives(exc.alternatives, z.client)
            self.chosen, self.chosen_label = "", ""
            await self._load_slots(actor)
            return
        except appointments.NeedsConfirmation as exc:
            self.needs_late_confirm = exc.message
            return
        except DomainError as exc:
            self.error = exc.message
            return
        return rx.redirect("/portal/sessions?booked=1")


def _instant(text: str) -> datetime:
    """The chosen time as the page sent it back (an ISO instant with its offset)."""
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise InvalidInput({"form": "Please pick one of the times shown."})
    return start
