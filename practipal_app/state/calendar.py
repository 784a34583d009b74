"""Therapist calendar: week and day views, booking by hand (one or a series), marking sessions."""

from __future__ import annotations

from datetime import date, timedelta

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError
from practipal_app.core.identity import Actor
from practipal_app.core.views import Option, options
from practipal_app.scheduling import appointments
from practipal_app.scheduling import workspace_views as workspace_schedule
from practipal_app.scheduling.views import (
    DayColumn,
    StaffSession,
    alternatives,
    day_columns,
    staff_type_options,
)
from practipal_app.scheduling.workspace_views import BookingRequest
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
    #: The booking waiting for "Book anyway", as read from the form.
    _pending: BookingRequest | None = None

    def _first_day(self) -> date:
        anchor = date.fromisoformat(self.anchor)
        return anchor - timedelta(days=anchor.weekday()) if self.view == "week" else anchor

    def _session(self, appointment_id: int) -> StaffSession | None:
        return next((s for d in self.days for s in d.sessions if s.id == appointment_id), None)

    async def _refresh(self, actor: Actor) -> None:
        if not self.anchor:
            self.anchor = (await db.aread(workspace_schedule.local_today, actor)).isoformat()
        count = 7 if self.view == "week" else 1
        self.days = day_columns(
            await db.aread(workspace_schedule.days, actor, self._first_day(), count)
        )
        if self.selected is not None:
            self.selected = self._session(self.selected.id)

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.error, self.notice, self.warnings, self.alternatives = "", "", [], []
        choices = await db.aread(workspace_schedule.booking_options, actor)
        self.clients, self.types = options(choices.clients), staff_type_options(choices)
        self.preset_client = str(page_params(self).get("client", ""))[:20]
        # Opened for a client named in the address; never closed under someone who opened it
        # while the page was still loading.
        self.show_form = self.show_form or bool(self.preset_client)
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def move(self, actor: Actor, step: int):
        today = await db.aread(workspace_schedule.local_today, actor)
        anchor = date.fromisoformat(self.anchor) if self.anchor else today
        self.anchor = workspace_schedule.shifted(anchor, self.view, step, today).isoformat()
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def set_view(self, actor: Actor, view: str | list[str]):
        self.view = "day" if view == "day" else "week"
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def open_day(self, actor: Actor, iso: str):
        try:
            day = workspace_schedule.parse_day(iso)
        except DomainError:
            return
        self.view, self.anchor = "day", day.isoformat()
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def select(self, actor: Actor, appointment_id: int):
        try:
            self.selected = self._session(as_id(appointment_id))
        except DomainError:
            self.selected = None

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

    async def _submit(
        self, actor: Actor, request: BookingRequest, confirmed: bool, skip_conflicts: bool
    ):
        try:
            booked = await db.acall(
                workspace_schedule.book_request, actor, request, confirmed, skip_conflicts
            )
        except appointments.NeedsConfirmation as exc:
            self._pending, self.warnings = request, exc.reasons
            self.series_conflicts = request.is_series
            return
        except appointments.SlotTaken as exc:
            self.error, self.warnings = exc.message, []
            zone = await db.aread(workspace_schedule.practice_zone, actor)
            self.alternatives = [slot.label for slot in alternatives(exc.alternatives, zone)]
            return
        except DomainError as exc:
            self.error, self.warnings = exc.message, []
            return
        self._pending, self.warnings, self.series_conflicts = None, [], False
        self.show_form, self.form_key = False, self.form_key + 1
        self.notice = (
            f"Booked {booked} session{'s' if booked != 1 else ''}. The client has been emailed."
        )
        self.anchor = request.day.isoformat()
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def book(self, actor: Actor, form: dict):
        self.error, self.notice, self.alternatives = "", "", []
        try:
            request = await db.aread(workspace_schedule.read_booking_form, actor, form)
        except DomainError as exc:
            self.error, self.warnings = exc.message, []
            return
        return await self._submit(actor, request, confirmed=False, skip_conflicts=False)

    @guarded(CLINICIANS)
    async def book_anyway(self, actor: Actor):
        self.error, self.notice, self.alternatives = "", "", []
        if self._pending is None:
            self.error = "Fill in the booking form first."
            return
        return await self._submit(
            actor, self._pending, confirmed=True, skip_conflicts=self.series_conflicts
        )
