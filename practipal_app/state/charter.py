"""Therapist workspace: the communication charter and the WhatsApp kit built from it."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.boundaries import charter, whatsapp_kit
from practipal_app.config import get_settings
from practipal_app.core.errors import InvalidInput
from practipal_app.state.session import CLINICIANS, require


class CharterState(rx.State):
    whatsapp_for: list[str] = []
    whatsapp_not_for: list[str] = []
    working_days: list[int] = []
    check_time: str = "18:00"
    response_days: int = 1
    contacts: list[dict[str, str]] = []
    extra_text: str = ""
    custom_statement: str = ""
    use_custom: bool = False
    version: int = 0
    errors: dict[str, str] = {}
    notice: str = ""
    loaded: bool = False

    def _settings(self) -> charter.CharterSettings:
        national = [dict(c) for c in charter.DEFAULT_CRISIS_CONTACTS]
        # Plain dicts: state lists hand out change-tracking proxies that must not reach a service.
        own = [
            {"label": str(c.get("label", "")).strip(), "phone": str(c.get("phone", "")).strip()}
            for c in self.contacts
            if str(c.get("label", "")).strip() or str(c.get("phone", "")).strip()
        ]
        return charter.CharterSettings(
            whatsapp_for=tuple(k for k in charter.WHATSAPP_FOR if k in self.whatsapp_for),
            whatsapp_not_for=tuple(k for k in charter.WHATSAPP_NOT_FOR if k in self.whatsapp_not_for),
            working_days=tuple(sorted(set(self.working_days))),
            check_time=self.check_time,
            response_days=self.response_days,
            crisis_contacts=tuple(national + own),
            extra_text=self.extra_text,
        )

    def _show(self, view: charter.CharterView) -> None:
        s = view.settings
        self.whatsapp_for, self.whatsapp_not_for = list(s.whatsapp_for), list(s.whatsapp_not_for)
        self.working_days, self.check_time = list(s.working_days), s.check_time
        self.response_days, self.extra_text = s.response_days, s.extra_text
        self.contacts = [{"label": c["label"], "phone": c["phone"]} for c in view.own_contacts]
        self.version = view.version
        generated = charter.generate_statement(s)
        self.use_custom = view.statement != generated
        self.custom_statement = view.statement

    @rx.event
    async def load(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.errors, self.notice = {}, ""
        self._show(await db.acall(charter.my_charter, actor))
        self.loaded = True

    @rx.var
    def preview(self) -> str:
        if self.use_custom:
            return self.custom_statement
        try:
            return charter.generate_statement(self._settings())
        except ValueError:
            return ""

    @rx.event
    def toggle_list(self, field: str, key: str):
        if field not in ("whatsapp_for", "whatsapp_not_for"):
            return
        values = list(getattr(self, field))
        setattr(self, field, [v for v in values if v != key] if key in values else values + [key])

    @rx.event
    def toggle_day(self, day: int):
        day = int(day)
        if 0 <= day <= 6:
            self.working_days = sorted(set(self.working_days) ^ {day})

    @rx.event
    def set_check_time(self, value: str):
        self.check_time = str(value)[:5]

    @rx.event
    def set_response_days(self, value: str):
        try:
            self.response_days = int(value)
        except ValueError:
            self.errors = {**self.errors, "response_days": "Choose a number of days."}

    @rx.event
    def set_extra_text(self, value: str):
        self.extra_text = str(value)[:2000]

    @rx.event
    def set_use_custom(self, value: bool):
        self.use_custom = bool(value)
        if self.use_custom and not self.custom_statement.strip():
            self.custom_statement = charter.generate_statement(self._settings())

    @rx.event
    def set_custom_statement(self, value: str):
        self.custom_statement = str(value)[:4000]

    @rx.event
    def add_contact(self):
        if len(self.contacts) < 5:
            self.contacts = self.contacts + [{"label": "", "phone": ""}]

    @rx.event
    def remove_contact(self, index: int):
        self.contacts = [c for i, c in enumerate(self.contacts) if i != int(index)]

    @rx.event
    def set_contact(self, index: int, key: str, value: str):
        if key not in ("label", "phone"):
            return
        self.contacts = [{**c, key: str(value)[:80]} if i == int(index) else c for i, c in enumerate(self.contacts)]

    @rx.event
    async def save(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.errors, self.notice = {}, ""
        statement = self.custom_statement if self.use_custom else None
        try:
            view = await db.acall(charter.save, actor, self._settings(), statement)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        self._show(view)
        self.notice = f"Saved as version {view.version}. Clients will be asked to read it on their next visit."


class WhatsAppKitState(rx.State):
    away: str = ""
    greeting: str = ""
    quick: list[list[str]] = []
    number: str = ""
    click_to_chat: bool = False
    error: str = ""
    notice: str = ""
    form_key: int = 0

    async def _refresh(self, actor) -> None:
        kit = await db.acall(whatsapp_kit.kit, actor, get_settings().base_url)
        self.away, self.greeting = kit.away_message, kit.greeting
        self.quick = [[k, v] for k, v in kit.quick_replies]
        self.number, self.click_to_chat = kit.whatsapp_number, kit.click_to_chat
        self.form_key += 1

    @rx.event
    async def load(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.error, self.notice = "", ""
        await self._refresh(actor)

    @rx.event
    async def save(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(whatsapp_kit.save_number, actor, str(form.get("whatsapp_number", "")),
                           form.get("click_to_chat") in (True, "on", "true"))
        except InvalidInput as exc:
            self.error = " ".join(exc.errors.values())
            return
        self.error, self.notice = "", "Saved."
        await self._refresh(actor)

    @rx.event
    def copy(self, text: str):
        return [rx.set_clipboard(text), rx.toast("Copied")]
