"""Client portal: upcoming sessions and history, self-booking, moving and cancelling."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError
from practipal_app.core.identity import Actor
from practipal_app.core.views import Option
from practipal_app.scheduling import appointments
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.scheduling.views import (
    PortalSession,
    Slot,
    SlotDay,
    alternatives,
    chosen_type,
    moving_label,
    policy_text,
    sessions_page,
    slot_days,
    type_options,
    zone_note,
)
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS, as_id, page_id, page_params


class SessionsState(rx.State):
    upcoming: list[PortalSession] = []
    history: list[PortalSession] = []
    has_older: bool = False
    leave_notices: list[str] = []
    window_hours: int = 24
    confirm_id: int = 0
    confirm_text: str = ""
    notice: str = ""
    error: str = ""
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        page = sessions_page(await db.aread(portal_schedule.sessions_page, actor))
        self.upcoming, self.history = page.upcoming, page.history
        self.has_older = page.has_older
        self.leave_notices, self.window_hours = page.leave_notices, page.window_hours
        self.loaded = True

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.confirm_id, self.confirm_text, self.error = 0, "", ""
        self.notice = "Your session is booked." if page_params(self).get("booked") else ""
        await self._refresh(actor)

    @guarded(CLIENTS)
    async def load_older(self, actor: Actor):
        """The page of history before the oldest session shown."""
        if not self.history:
            return
        older = sessions_page(
            await db.aread(portal_schedule.older_history, actor, self.history[-1].id)
        )
        self.history = [*self.history, *older.history]
        self.has_older = older.has_older

    @guarded(CLIENTS)
    async def cancel(self, actor: Actor, appointment_id: int):
        self.error, self.notice = "", ""
        try:
            appointment_id = as_id(appointment_id)
            status = await db.acall(
                appointments.cancel,
                actor,
                appointment_id,
                confirmed_late=self.confirm_id == appointment_id,
            )
        except appointments.NeedsConfirmation as exc:
            self.confirm_id, self.confirm_text = appointment_id, exc.message
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.confirm_id, self.confirm_text = 0, ""
        self.notice = (
            "Cancelled. It counts as a late cancellation."
            if status == "late_cancelled"
            else "Cancelled. Your therapist has been told."
        )
        await self._refresh(actor)

    @rx.event
    def keep(self):
        self.confirm_id, self.confirm_text = 0, ""


class BookState(rx.State):
    """/portal/book: pick a type, then a free time. With ?move=<id> it moves that session
    instead."""

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
        if not self.type_id:
            self.days = []
            return
        try:
            free = await db.aread(portal_schedule.free_times, actor, as_id(self.type_id))
        except DomainError:
            self.days, self.error = [], "That session type is not offered."
            return
        self.zone_note, self.days = zone_note(free.zones), slot_days(free.starts, free.zones)

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.chosen, self.chosen_label, self.error, self.alternatives = "", "", "", []
        self.needs_late_confirm = ""
        page = await db.aread(portal_schedule.booking_page, actor, max(page_id(self, "move"), 0))
        self.types, self.policy = type_options(page.types), policy_text(page.window_hours)
        self.zone_note = zone_note(page.zones)
        self.moving_id = page.moving.id if page.moving is not None else 0
        self.moving_label, self.type_id = moving_label(page), chosen_type(page, self.type_id)
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
            await db.acall(
                portal_schedule.book_or_move,
                actor,
                chosen=self.chosen,
                session_type_id=0 if self.moving_id else as_id(self.type_id),
                moving_id=self.moving_id,
                confirmed=bool(self.needs_late_confirm),
            )
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
