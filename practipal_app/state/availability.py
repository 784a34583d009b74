"""/app/settings/availability: weekly hours, policies and caps, session types, leave, calendar
feed."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.scheduling import feeds as calendar_feeds
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.views import (
    AffectedRow,
    LeaveRow,
    PolicyValues,
    SessionTypeRow,
    availability_page,
)
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLINICIANS, as_id, ticked

NEW_TYPE = -1


class AvailabilityState(rx.State):
    hours: list[str] = [""] * 7
    policies: PolicyValues | None = None
    types: list[SessionTypeRow] = []
    leave: list[LeaveRow] = []
    affected: list[AffectedRow] = []
    feed_active: bool = False
    feed_full_names: bool = False
    errors: dict[str, str] = {}
    notice: str = ""
    #: The session type being edited: its id, NEW_TYPE for a new one, 0 for none.
    editing_type: int = 0
    form_key: int = 0
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        page = availability_page(await db.aread(scheduling.availability, actor))
        self.hours, self.policies, self.types = page.hours, page.policies, page.types
        self.leave, self.affected = page.leave, page.affected
        feed = await db.aread(calendar_feeds.feed_status, actor)
        self.feed_active, self.feed_full_names = feed.active, feed.show_full_names
        self.form_key += 1
        self.loaded = True

    async def _run(self, actor: Actor, notice: str, fn, *args):
        self.errors, self.notice = {}, ""
        try:
            await db.acall(fn, actor, *args)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        self.notice = notice
        await self._refresh(actor)

    async def _run_on(self, actor: Actor, notice: str, fn, raw_id: object):
        """`_run` on the id the page sent: refused as not found when it is not one."""
        try:
            target = as_id(raw_id)
        except DomainError as exc:
            self.errors, self.notice = {"form": exc.message}, ""
            return
        return await self._run(actor, notice, fn, target)

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.errors, self.notice, self.editing_type = {}, "", 0
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def save_hours(self, actor: Actor, form: dict):
        texts = {d: str(form.get(f"day_{d}", "")) for d in range(7)}
        return await self._run(actor, "Working hours saved.", scheduling.set_hours_from_text, texts)

    @guarded(CLINICIANS)
    async def save_policies(self, actor: Actor, form: dict):
        values = {
            k: form.get(k, "")
            for k in (
                *scheduling.POLICY_LIMITS,
                "video_room_url",
                "office_address",
                "reminder_hours",
            )
        }
        values["daily_agenda_email"] = ticked(form, "daily_agenda_email")
        return await self._run(actor, "Policies saved.", scheduling.save_policies, values)

    @guarded(CLINICIANS)
    async def edit_type(self, actor: Actor, type_id: int):
        """Open the form for session type `type_id`, or for a new one (NEW_TYPE)."""
        self.errors = {}
        try:
            new = str(type_id).strip() == str(NEW_TYPE)
            self.editing_type = NEW_TYPE if new else as_id(type_id)
        except DomainError:
            self.editing_type = 0

    @guarded(CLINICIANS)
    async def save_type(self, actor: Actor, form: dict):
        type_id, self.editing_type = (self.editing_type if self.editing_type > 0 else None), 0
        return await self._run(
            actor, "Session type saved.", scheduling.save_session_type_form, type_id, form
        )

    @guarded(CLINICIANS)
    async def archive_type(self, actor: Actor, type_id: int):
        return await self._run_on(
            actor,
            "Session type removed. Booked sessions keep it.",
            scheduling.archive_session_type,
            type_id,
        )

    @guarded(CLINICIANS)
    async def add_leave(self, actor: Actor, form: dict):
        return await self._run(
            actor,
            "Leave added. Clients cannot book those days.",
            scheduling.add_leave_form,
            {k: str(form.get(k, "")) for k in ("first_day", "last_day", "note")},
        )

    @guarded(CLINICIANS)
    async def remove_leave(self, actor: Actor, leave_id: int):
        return await self._run_on(actor, "Leave removed.", scheduling.remove_time_off, leave_id)
