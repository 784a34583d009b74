"""Client portal: upcoming sessions and history, self-booking, moving and cancelling."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from practipal_app import db
from practipal_app.core.errors import DomainError
from practipal_app.core.timefmt import clock, day_label, zone_label
from practipal_app.scheduling import appointments
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.state.session import CLIENTS, page_params, require


class SessionsState(rx.State):
    upcoming: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    leave_notices: list[str] = []
    window_hours: int = 24
    confirm_id: str = ""
    confirm_text: str = ""
    notice: str = ""
    error: str = ""
    loaded: bool = False

    async def _refresh(self, actor) -> None:
        page = await db.acall(portal_schedule.sessions_page, actor)
        self.upcoming, self.history = page.upcoming, page.history
        self.leave_notices, self.window_hours = page.leave_notices, page.window_hours
        self.loaded = True

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.confirm_id, self.confirm_text, self.error = "", "", ""
        self.notice = "Your session is booked." if page_params(self).get("booked") else ""
        await self._refresh(actor)

    @rx.event
    async def cancel(self, appointment_id: str):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        confirmed = self.confirm_id == str(appointment_id)
        self.error, self.notice = "", ""
        try:
            status = await db.acall(appointments.cancel, actor, int(appointment_id), confirmed_late=confirmed)
        except appointments.NeedsConfirmation as exc:
            self.confirm_id, self.confirm_text = str(appointment_id), exc.message
            return
        except (DomainError, ValueError) as exc:
            self.error = getattr(exc, "message", "That session cannot be cancelled.")
            return
        self.confirm_id, self.confirm_text = "", ""
        self.notice = ("Cancelled. It counts as a late cancellation." if status == "late_cancelled"
                       else "Cancelled. Your therapist has been told.")
        await self._refresh(actor)

    @rx.event
    def keep(self):
        self.confirm_id, self.confirm_text = "", ""


class BookState(rx.State):
    """/portal/book: pick a type, then a free time. With ?move=<id> it moves that session instead."""

    types: list[dict[str, str]] = []
    type_id: str = ""
    days: list[dict] = []
    zone_note: str = ""
    policy: str = ""
    chosen: str = ""
    chosen_label: str = ""
    moving_id: str = ""
    moving_label: str = ""
    needs_late_confirm: str = ""
    error: str = ""
    alternatives: list[dict[str, str]] = []
    loaded: bool = False

    def _zones(self, z: portal_schedule.Zones) -> None:
        self.zone_note = (f"Times are shown in {zone_label(z.client)}, with {zone_label(z.practice)} in brackets."
                          if z.differ else f"Times are shown in {zone_label(z.client)}.")

    def _options(self, slots: list[datetime], z: portal_schedule.Zones) -> list[dict]:
        days: dict[str, list[dict[str, str]]] = {}
        for s in slots:
            label = clock(s, z.client) + (f" ({clock(s, z.practice)})" if z.differ else "")
            day = day_label(s, z.client)
            days.setdefault(day, []).append({"value": s.isoformat(), "label": label, "full": f"{day}, {label}"})
        return [{"day": d, "slots": v} for d, v in days.items()]

    async def _load_slots(self, actor) -> None:
        z = await db.acall(portal_schedule.zones, actor)
        self._zones(z)
        if not self.type_id:
            self.days = []
            return
        try:
            slots = await db.aread(appointments.available_slots, actor, int(self.type_id))
        except (DomainError, ValueError):
            self.days, self.error = [], "That session type is not offered."
            return
        self.days = self._options(slots, z)

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.chosen, self.chosen_label, self.error, self.alternatives = "", "", "", []
        self.needs_late_confirm = ""
        types = await db.acall(appointments.bookable_types, actor)
        self.types = [{"id": str(t.id), "label": f"{t.name} · {t.duration_minutes} min · "
                       f"{portal_schedule.MODE_LABELS.get(t.mode, t.mode)}"} for t in types]
        self.moving_id, self.moving_label = str(page_params(self).get("move", "")), ""
        if self.moving_id:
            try:
                view = await db.acall(appointments.get, actor, int(self.moving_id))
            except (DomainError, ValueError):
                self.moving_id = ""
            else:
                z = await db.acall(portal_schedule.zones, actor)
                self.moving_label = f"{day_label(view.starts_at, z.client)}, {clock(view.starts_at, z.client)}"
                match = [t for t in types if t.name == view.title]
                self.type_id = str(match[0].id) if match else ""
        if not self.type_id and types:
            self.type_id = str(types[0].id)
        hours = await db.acall(portal_schedule.cancellation_window, actor)
        self.policy = (f"Cancelling or moving within {hours} hours of a session counts as a late "
                       "cancellation under your therapist's policy.")
        await self._load_slots(actor)
        self.loaded = True

    @rx.event
    async def pick_type(self, type_id: str):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.type_id, self.chosen, self.chosen_label, self.error = str(type_id), "", "", ""
        await self._load_slots(actor)

    @rx.event
    def choose(self, value: str, label: str):
        self.chosen, self.chosen_label, self.error = str(value), str(label), ""

    @rx.event
    def clear_choice(self):
        self.chosen, self.chosen_label, self.needs_late_confirm = "", "", ""

    @rx.event
    async def confirm(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        try:
            start = datetime.fromisoformat(self.chosen)
            if self.moving_id:
                await db.acall(appointments.reschedule, actor, int(self.moving_id), start,
                               confirmed=bool(self.needs_late_confirm))
            else:
                await db.acall(appointments.book, actor, client_id=actor.user_id, session_type_id=int(self.type_id),
                               starts_at=start)
        except appointments.SlotTaken as exc:
            z = await db.acall(portal_schedule.zones, actor)
            self.error = exc.message
            self.alternatives = [{"value": a.isoformat(), "label": f"{day_label(a, z.client)}, {clock(a, z.client)}",
                                  "full": f"{day_label(a, z.client)}, {clock(a, z.client)}"} for a in exc.alternatives]
            self.chosen, self.chosen_label = "", ""
            await self._load_slots(actor)
            return
        except appointments.NeedsConfirmation as exc:
            self.needs_late_confirm = exc.message
            return
        except (DomainError, ValueError) as exc:
            self.error = getattr(exc, "message", "Please pick one of the times shown.")
            return
        return rx.redirect("/portal/sessions?booked=1")

