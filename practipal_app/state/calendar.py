"""Therapist calendar: week and day views, booking by hand (one or a series), marking sessions."""

from __future__ import annotations

from datetime import date, timedelta

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError
from practipal_app.scheduling import appointments
from practipal_app.scheduling import workspace_views as workspace_schedule
from practipal_app.state.session import CLINICIANS, page_params, require


def _book(session, actor, form: dict, confirmed: bool, skip_conflicts: bool) -> int:
    """Parse the booking form in the practice's zone and book one session or a series."""
    start = workspace_schedule.parse_local(session, actor, str(form.get("date", "")), str(form.get("time", "")))
    common = {"client_id": int(form.get("client_id") or 0), "session_type_id": int(form.get("session_type_id") or 0)}
    repeat = str(form.get("repeat", "none"))
    if repeat in ("1", "2"):
        until_text = str(form.get("until", "")).strip()
        if until_text:  # "until a date" wins over a count
            limit = {"until": workspace_schedule.parse_local(session, actor, until_text, "23:59")}
        else:
            limit = {"count": int(str(form.get("count") or "0") or 0)}
        return len(appointments.book_series(session, actor, first_start=start, every_weeks=int(repeat),
                                            skip_conflicts=skip_conflicts, **limit, **common))
    appointments.book(session, actor, starts_at=start, agenda=str(form.get("agenda", "")), confirmed=confirmed,
                      **common)
    return 1


class CalendarState(rx.State):
    view: str = "week"
    anchor: str = ""
    days: list[dict] = []
    selected: dict[str, str] = {}
    clients: list[list[str]] = []
    types: list[list[str]] = []
    show_form: bool = False
    preset_client: str = ""
    warnings: list[str] = []
    series_conflicts: bool = False
    error: str = ""
    alternatives: list[str] = []
    notice: str = ""
    form_key: int = 0
    _pending: dict = {}

    def _first_day(self) -> date:
        anchor = date.fromisoformat(self.anchor)
        return anchor - timedelta(days=anchor.weekday()) if self.view == "week" else anchor

    async def _refresh(self, actor) -> None:
        count = 7 if self.view == "week" else 1
        self.days = await db.acall(workspace_schedule.days, actor, self._first_day(), count)
        if self.selected:
            ids = {s["id"]: s for d in self.days for s in d["sessions"]}
            self.selected = ids.get(self.selected.get("id", ""), {})

    @rx.event
    async def load(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.anchor = self.anchor or (await db.aread(workspace_schedule.local_today, actor)).isoformat()
        self.error, self.notice, self.warnings, self.alternatives = "", "", [], []
        clients, types = await db.acall(workspace_schedule.booking_options, actor)
        self.clients = [[str(i), n] for i, n in clients]
        self.types = [[str(i), n] for i, n in types]
        self.preset_client = str(page_params(self).get("client", ""))
        self.show_form = bool(self.preset_client)
        await self._refresh(actor)

    @rx.event
    async def move(self, step: int):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        delta = timedelta(days=7 if self.view == "week" else 1) * int(step)
        today = await db.aread(workspace_schedule.local_today, actor)
        self.anchor = (date.fromisoformat(self.anchor) + delta).isoformat() if step else today.isoformat()
        await self._refresh(actor)

    @rx.event
    async def set_view(self, view: str | list[str]):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.view = "day" if view == "day" else "week"
        await self._refresh(actor)

    @rx.event
    async def open_day(self, iso: str):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.view, self.anchor = "day", date.fromisoformat(iso).isoformat()
        await self._refresh(actor)

    @rx.event
    def select(self, session: dict):
        self.selected = {k: str(v) for k, v in session.items()}

    @rx.event
    def close_detail(self):
        self.selected = {}

    @rx.event
    def toggle_form(self):
        self.show_form = not self.show_form
        self.warnings, self.error, self.alternatives, self.series_conflicts = [], "", [], False

    @rx.event
    async def mark(self, appointment_id: str, status: str):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(appointments.mark, actor, int(appointment_id), status)
        except (DomainError, ValueError) as exc:
            self.error = getattr(exc, "message", "That change is not possible.")
            return
        self.notice = "Saved."
        await self._refresh(actor)

    async def _submit(self, form: dict, confirmed: bool, skip_conflicts: bool):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.error, self.notice, self.alternatives = "", "", []
        try:
            booked = await db.acall(_book, actor, form, confirmed, skip_conflicts)
        except appointments.NeedsConfirmation as exc:
            self._pending, self.warnings = dict(form), exc.reasons
            self.series_conflicts = str(form.get("repeat", "none")) in ("1", "2")
            return
        except appointments.SlotTaken as exc:
            self.error = exc.message
            self.alternatives = await db.acall(workspace_schedule.describe_times, actor, exc.alternatives)
            self.warnings = []
            return
        except (DomainError, ValueError) as exc:
            self.error, self.warnings = getattr(exc, "message", None) or str(exc), []
            return
        self._pending, self.warnings, self.series_conflicts = {}, [], False
        self.show_form, self.form_key = False, self.form_key + 1
        self.notice = f"Booked {booked} session{'s' if booked != 1 else ''}. The client has been emailed."
        start = _form_day(form)
        if start:
            self.anchor = start
        await self._refresh(actor)

    @rx.event
    async def book(self, form: dict):
        return await self._submit(form, confirmed=False, skip_conflicts=False)

    @rx.event
    async def book_anyway(self):
        return await self._submit(self._pending, confirmed=True, skip_conflicts=self.series_conflicts)


def _form_day(form: dict) -> str:
    try:
        return date.fromisoformat(str(form.get("date", ""))).isoformat()
    except ValueError:
        return ""
