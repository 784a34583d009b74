"""Therapist calendar: week and day views, booking by hand (one or a series), marking sessions."""

from __future__ import annotations

from datetime import date, timedelta

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError
from practipal_app.core.identity import Actor
from practipal_app.scheduling import appointments
from practipal_app.scheduling import workspace_views as workspace_schedule
from practipal_app.scheduling.views import DayColumn, Option, StaffSession, day_columns
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLINICIANS, as_id, page_params


class CalendarState(rx.State):
    view: str = "week"
    anchor: str = ""
    days: list[DayColumn] = []
    selected: StaffSession | None = None
    clients: list[Option] = []
    types: list[Option] = []
    show_form: bool = False
    preset_client: str = ""
    warnings: list[str] = []
    series_conflicts: bool = False
    error: str = ""
    alternatives: list[str] = []
    notice: str = ""
    form_key: int = 0
    #: The booking form waiting for "Book anyway", as the page sent it.
    _pending: dict = {}

    def _first_day(self) -> date:
        anchor = date.fromisoformat(self.anchor)
        return anchor - timedelta(days=anchor.weekday()) if self.view == "week" else anchor

    def _session(self, appointment_id: int) -> StaffSession | None:
        return next((s for d in self.days for s in d.sessions if s.id == appointment_id), None)

    async def _refresh(self, actor: Actor) -> None:
        count = 7 if self.view == "week" else 1
        self.days = day_columns(await db.aread(workspace_schedule.days, actor, self._first_day(), count))
        if self.selected is not None:
            self.selected = self._session(self.selected.id)

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.anchor = self.anchor or (await db.aread(workspace_schedule.local_today, actor)).isoformat()
        self.error, self.notice, self.warnings, self.alternatives = "", "", [], []
        clients, types = await db.aread(workspace_schedule.booking_options, actor)
        self.clients = [Option(str(i), n) for i, n in clients]
        self.types = [Option(str(i), n) for i, n in types]
        self.preset_client = str(page_params(self).get("client", ""))[:20]
        self.show_form = bool(self.preset_client)
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def move(self, actor: Actor, step: int):
        delta = timedelta(days=7 if self.view == "week" else 1) * int(step)
        today = await db.aread(workspace_schedule.local_today, actor)
        self.anchor = (date.fromisoformat(self.anchor) + delta).isoformat() if step else today.isoformat()
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def set_view(self, actor: Actor, view: str | list[str]):
        self.view = "day" if view == "day" else "week"
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def open_day(self, actor: Actor, iso: str):
        try:
            self.view, self.anchor = "day", date.fromisoformat(str(iso)).isoformat()
        except ValueError:
            return
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def select(self, actor: Actor, appointment_id: int):
        self.selected = self._session(int(appointment_id))

    @rx.event
    def close_detail(self):
        self.selected = None

    @rx.event
    def toggle_form(self):
        self.show_form = not self.show_form
        self.warnings, self.error, self.alternatives, self.series_conflicts = [], "", [], False

    @guarded(CLINICIANS)
    async def mark(self, actor: Actor, appointment_id: int, status: str):
        try:
            await db.acall(appointments.mark, actor, as_id(appointment_id), str(status))
        except DomainError as exc:
            self.error = exc.message
            return
        self.notice = "Saved."
        await self._refresh(actor)

    async def _submit(self, actor: Actor, form: dict, confirmed: bool, skip_conflicts: bool):
        self.error, self.notice, self.alternatives = "", "", []
        try:
            booked = await db.acall(workspace_schedule.book_from_form, actor, form, confirmed, skip_conflicts)
        except appointments.NeedsConfirmation as exc:
            self._pending, self.warnings = dict(form), exc.reasons
            self.series_conflicts = str(form.get("repeat", "none")) in ("1", "2")
            return
        except appointments.SlotTaken as exc:
            self.error = exc.message
            slots = await db.aread(workspace_schedule.describe_times, actor, exc.alternatives)
            self.alternatives = [slot.label for slot in slots]
            self.warnings = []
            return
        except DomainError as exc:
            self.error, self.warnings = exc.message, []
            return
        self._pending, self.warnings, self.series_conflicts = {}, [], False
        self.show_form, self.form_key = False, self.form_key + 1
        self.notice = f"Booked {booked} session{'s' if booked != 1 else ''}. The client has been emailed."
        if day := workspace_schedule.form_day(form):
            self.anchor = day.isoformat()
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def book(self, actor: Actor, form: dict):
        return await self._submit(actor, form, confirmed=False, skip_conflicts=False)

    @guarded(CLINICIANS)
    async def book_anyway(self, actor: Actor):
        if not self._pending:
            self.error = "Fill in the booking form first."
            return
        return await self._submit(actor, self._pending, confirmed=True, skip_conflicts=self.series_conflicts)
