"""/app/settings/availability: weekly hours, policies and caps, session types, leave, calendar feed."""

from __future__ import annotations

from datetime import date

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.scheduling import feeds as calendar_feeds
from practipal_app.scheduling import rules as scheduling
from practipal_app.state.session import CLINICIANS, require


class AvailabilityState(rx.State):
    hours: dict[str, str] = {}
    policies: dict[str, str] = {}
    types: list[dict[str, str]] = []
    leave: list[dict[str, str]] = []
    affected: list[dict[str, str]] = []
    feed_active: bool = False
    feed_full_names: bool = False
    errors: dict[str, str] = {}
    notice: str = ""
    editing_type: str = ""
    form_key: int = 0
    loaded: bool = False

    async def _refresh(self, actor) -> None:
        view = await db.acall(scheduling.availability_view, actor)
        self.hours, self.policies, self.types = view.hours, view.policies, view.types
        self.leave, self.affected = view.leave, view.affected
        feed = await db.acall(calendar_feeds.feed_status, actor)
        self.feed_active, self.feed_full_names = feed.active, feed.show_full_names
        self.form_key += 1
        self.loaded = True

    async def _run(self, notice: str, fn, *args):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.errors, self.notice = {}, ""
        try:
            await db.acall(fn, actor, *args)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except (DomainError, ValueError) as exc:
            self.errors = {"form": getattr(exc, "message", None) or str(exc)}
            return
        self.notice = notice
        await self._refresh(actor)

    @rx.event
    async def load(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.errors, self.notice, self.editing_type = {}, "", ""
        await self._refresh(actor)

    @rx.event
    async def save_hours(self, form: dict):
        texts = {d: str(form.get(f"day_{d}", "")) for d in range(7)}
        return await self._run("Working hours saved.", scheduling.set_hours_from_text, texts)

    @rx.event
    async def save_policies(self, form: dict):
        values = {k: form.get(k, "") for k in (*scheduling.POLICY_LIMITS, "video_room_url", "office_address",
                                                 "reminder_hours")}
        values["daily_agenda_email"] = form.get("daily_agenda_email") in (True, "on", "true")
        return await self._run("Policies saved.", scheduling.save_policies, values)

    @rx.event
    def edit_type(self, type_id: str):
        self.editing_type, self.errors = str(type_id), {}

    @rx.event
    async def save_type(self, form: dict):
        _actor, away = await require(self, CLINICIANS)  # before reading the form: strangers get nothing back
        if away:
            return away
        try:
            type_form = scheduling.SessionTypeForm(
                name=str(form.get("name", "")), duration_minutes=int(form.get("duration_minutes") or 0),
                fee_rupees=str(form.get("fee_rupees", "")), mode=str(form.get("mode", "video")),
                buffer_minutes=int(form.get("buffer_minutes") or 0))
        except ValueError:
            self.errors = {"duration_minutes": "Use whole minutes."}
            return
        type_id = int(self.editing_type) if self.editing_type.isdigit() else None
        self.editing_type = ""
        return await self._run("Session type saved.", scheduling.save_session_type, type_id, type_form)

    @rx.event
    async def archive_type(self, type_id: str):
        return await self._run("Session type removed. Booked sessions keep it.", scheduling.archive_session_type,
                               int(type_id))

    @rx.event
    async def add_leave(self, form: dict):
        _actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            first = date.fromisoformat(str(form.get("first_day", "")))
            last = date.fromisoformat(str(form.get("last_day", "")) or str(form.get("first_day", "")))
        except ValueError:
            self.errors = {"first_day": "Choose the first and last day of your leave."}
            return
        return await self._run("Leave added. Clients cannot book those days.", scheduling.add_time_off, first, last,
                               str(form.get("note", "")))

    @rx.event
    async def remove_leave(self, leave_id: str):
        return await self._run("Leave removed.", scheduling.remove_time_off, int(leave_id))
