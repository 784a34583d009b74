"""/app/insights (the therapist's load, and the owner's team view) and the weekly energy check-in
on /app. Only aggregated weekly figures, sentences and plotly figures reach the browser."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import reflex as rx

from practipal_app import db
from practipal_app.analytics import views, wellbeing
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.state.session import CLINICIANS, OWNER, require, signed_in

FIGURES = ("load", "messages", "after_hours", "replies", "reclaimed", "cancellations", "energy")
TEAM_FIGURES = ("sessions", "messages", "outside")
TEXTS = ("load_text", "adoption_text", "after_hours_text", "replies_text", "formula_words", "formula_numbers",
         "cancellations_text", "days_off_text", "energy_text")


def _empty() -> go.Figure:
    return go.Figure({"data": [], "layout": {"template": {}}}, _validate=False)


class InsightsState(rx.State):
    range_key: str = "quarter"
    first: str = ""
    last: str = ""
    range_label: str = ""
    range_errors: dict[str, str] = {}
    view: str = "me"
    is_owner: bool = False
    loaded: bool = False
    error: str = ""
    load_fig: go.Figure = _empty()
    messages_fig: go.Figure = _empty()
    after_hours_fig: go.Figure = _empty()
    replies_fig: go.Figure = _empty()
    reclaimed_fig: go.Figure = _empty()
    cancellations_fig: go.Figure = _empty()
    energy_fig: go.Figure = _empty()
    rows: list[dict[str, str]] = []
    texts: dict[str, str] = {}
    inputs: dict[str, str] = {}
    input_errors: dict[str, str] = {}
    notice: str = ""
    team_sessions_fig: go.Figure = _empty()
    team_messages_fig: go.Figure = _empty()
    team_outside_fig: go.Figure = _empty()
    team_summary: list[dict[str, str]] = []

    @rx.var
    def csv_query(self) -> str:
        return f"first={self.first}&last={self.last}"

    def _show_range(self, first: date, last: date) -> None:
        self.first, self.last = first.isoformat(), last.isoformat()
        self.range_label = f"{views.day_text(first)} to {views.day_text(last)}"

    async def _refresh(self, actor: Actor) -> None:
        first, last = date.fromisoformat(self.first), date.fromisoformat(self.last)
        try:
            if self.view == "team" and self.is_owner:
                page = await db.aread(views.team_page, actor, first, last)
                for name in TEAM_FIGURES:
                    setattr(self, f"team_{name}_fig", page["figures"][name])
                self.team_summary = page["summary"]
            else:
                page = await db.aread(views.my_page, actor, first, last)
                for name in FIGURES:
                    setattr(self, f"{name}_fig", page["figures"][name])
                self.rows = page["rows"]
                self.texts = {name: page[name] for name in TEXTS}
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.loaded = "", True

    async def _inputs(self, actor: Actor) -> None:
        found = await db.aread(wellbeing.inputs, actor.user_id)
        self.inputs = {"minutes_per_reply": str(found.minutes_per_reply),
                       "minutes_per_message": str(found.minutes_per_message),
                       "minutes_per_interruption": str(found.minutes_per_interruption),
                       "adoption_date": found.adoption_date.isoformat() if found.adoption_date else ""}

    async def _set_preset(self, actor: Actor, key: str) -> None:
        self.range_key, self.range_errors = key, {}
        self._show_range(*views.preset_range(key, await db.aread(wellbeing.today, actor)))
        await self._refresh(actor)

    @rx.event
    async def load(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.is_owner = actor.role in OWNER
        self.view, self.notice, self.input_errors = "me", "", {}
        await self._inputs(actor)
        await self._set_preset(actor, self.range_key if self.range_key in views.PRESET_WEEKS else "quarter")

    @rx.event
    async def choose_range(self, key: str | list[str]):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        key = key if isinstance(key, str) else ""
        if key == "custom":
            self.range_key, self.range_errors = key, {}
        elif key in views.PRESET_WEEKS:
            await self._set_preset(actor, key)

    @rx.event
    async def apply_custom(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            first, last = views.checked_range(str(form.get("first", "")), str(form.get("last", "")),
                                              await db.aread(wellbeing.today, actor))
        except InvalidInput as exc:
            self.range_errors = exc.errors
            return
        self.range_key, self.range_errors = "custom", {}
        self._show_range(first, last)
        await self._refresh(actor)

    @rx.event
    async def show_view(self, view: str | list[str]):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.view = "team" if view == "team" and actor.role in OWNER else "me"
        await self._refresh(actor)

    @rx.event
    async def save_inputs(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(wellbeing.save_inputs, actor, form)
        except InvalidInput as exc:
            self.input_errors = exc.errors
            self.inputs = {name: str(form.get(name, "")) for name in self.inputs}
            return
        self.input_errors, self.notice = {}, "Saved. The figures below use your new numbers."
        await self._inputs(actor)
        await self._refresh(actor)


class EnergyState(rx.State):
    """"How is your energy this week?" on /app, for therapists."""

    asked: bool = False  # a clinician is signed in
    level: int = 0  # 0: not answered this week
    note: str = ""
    note_saved: bool = False
    error: str = ""

    @rx.var
    def level_label(self) -> str:
        return wellbeing.ENERGY_LEVELS.get(self.level, "")

    def _show(self, found: wellbeing.CheckIn) -> None:
        self.level, self.note = found.level or 0, found.note

    @rx.event
    async def load(self):
        actor = await signed_in(self)  # /app is for all staff; only clinicians are asked
        self.asked, self.error, self.note_saved = actor is not None and actor.role in CLINICIANS, "", False
        if self.asked:
            self._show(await db.aread(wellbeing.this_week, actor))

    @rx.event
    async def answer(self, level: int):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            self._show(await db.acall(wellbeing.check_in, actor, int(level), self.note))
        except (InvalidInput, TypeError, ValueError):
            self.error = "Choose your energy from 1 to 5."
            return
        self.error, self.note_saved = "", False

    @rx.event
    async def save_note(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        if not self.level:
            self.error = "Choose your energy first."
            return
        try:
            self._show(await db.acall(wellbeing.check_in, actor, self.level, str(form.get("note", ""))))
        except InvalidInput as exc:
            self.error = exc.message
            return
        self.error, self.note_saved = "", True
