"""/app/insights (the therapist's load, and the owner's team view) and the weekly energy check-in
on /app. Only aggregated weekly figures, sentences and plotly figures reach the browser."""

from __future__ import annotations

import asyncio
from datetime import date

import plotly.graph_objects as go
import reflex as rx

from practipal_app import db
from practipal_app.analytics import dashboard, views, wellbeing
from practipal_app.analytics.views import InputValues, InsightTexts, TeamSummaryRow, WeekRow
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLINICIANS, OWNER, STAFF

FIGURES = ("load", "messages", "after_hours", "replies", "reclaimed", "cancellations", "energy")
TEAM_FIGURES = ("sessions", "messages", "outside")


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
    rows: list[WeekRow] = []
    texts: InsightTexts = InsightTexts()
    inputs: InputValues = InputValues()
    input_errors: dict[str, str] = {}
    notice: str = ""
    team_sessions_fig: go.Figure = _empty()
    team_messages_fig: go.Figure = _empty()
    team_outside_fig: go.Figure = _empty()
    team_summary: list[TeamSummaryRow] = []

    @rx.var
    def csv_query(self) -> str:
        return f"first={self.first}&last={self.last}"

    def _show_range(self, first: date, last: date) -> None:
        self.first, self.last = first.isoformat(), last.isoformat()
        self.range_label = views.range_label(first, last)

    async def _refresh(self, actor: Actor) -> None:
        first, last = date.fromisoformat(self.first), date.fromisoformat(self.last)
        try:
            if self.view == "team" and self.is_owner:
                team = await db.aread(dashboard.team, actor, first, last)
                team_page = await asyncio.to_thread(views.team_view, team)
                for name in TEAM_FIGURES:
                    setattr(self, f"team_{name}_fig", team_page.figures[name])
                self.team_summary = team_page.summary
            else:
                mine = await db.aread(dashboard.dashboard, actor, first, last)
                page = await asyncio.to_thread(views.dashboard_view, mine)
                for name in FIGURES:
                    setattr(self, f"{name}_fig", page.figures[name])
                self.rows, self.texts = page.rows, page.texts
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.loaded = "", True

    async def _inputs(self, actor: Actor) -> None:
        self.inputs = views.input_values(await db.aread(wellbeing.inputs, actor.user_id))

    async def _set_preset(self, actor: Actor, key: str) -> None:
        self.range_key, self.range_errors = key, {}
        self._show_range(*views.preset_range(key, await db.aread(wellbeing.today, actor)))
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.is_owner = actor.role in OWNER
        self.view, self.notice, self.input_errors = "me", "", {}
        await self._inputs(actor)
        await self._set_preset(
            actor, self.range_key if self.range_key in views.PRESET_WEEKS else "quarter"
        )

    @guarded(CLINICIANS)
    async def choose_range(self, actor: Actor, key: str | list[str]):
        key = key if isinstance(key, str) else ""
        if key == "custom":
            self.range_key, self.range_errors = key, {}
        elif key in views.PRESET_WEEKS:
            await self._set_preset(actor, key)

    @guarded(CLINICIANS)
    async def apply_custom(self, actor: Actor, form: dict):
        try:
            first, last = views.checked_range(
                str(form.get("first", "")),
                str(form.get("last", "")),
                await db.aread(wellbeing.today, actor),
            )
        except InvalidInput as exc:
            self.range_errors = exc.errors
            return
        self.range_key, self.range_errors = "custom", {}
        self._show_range(first, last)
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def show_view(self, actor: Actor, view: str | list[str]):
        self.view = "team" if view == "team" and actor.role in OWNER else "me"
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def save_inputs(self, actor: Actor, form: dict):
        try:
            await db.acall(wellbeing.save_inputs, actor, form)
        except InvalidInput as exc:
            self.input_errors = exc.errors
            self.inputs = views.typed_input_values(form)
            return
        self.input_errors, self.notice = {}, "Saved. The figures below use your new numbers."
        await self._inputs(actor)
        await self._refresh(actor)


class EnergyState(rx.State):
    """ "How is your energy this week?" on /app, for therapists."""

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

    @guarded(STAFF)
    async def load(self, actor: Actor):
        # /app is for all staff; only clinicians are asked
        self.asked, self.error, self.note_saved = actor.role in CLINICIANS, "", False
        if self.asked:
            self._show(await db.aread(wellbeing.this_week, actor))

    @guarded(CLINICIANS)
    async def answer(self, actor: Actor, level: int):
        try:
            self._show(await db.acall(wellbeing.check_in, actor, level, self.note))
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.note_saved = "", False

    @guarded(CLINICIANS)
    async def save_note(self, actor: Actor, form: dict):
        if not self.level:
            self.error = "Choose your energy first."
            return
        try:
            self._show(
                await db.acall(wellbeing.check_in, actor, self.level, str(form.get("note", "")))
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.note_saved = "", True
