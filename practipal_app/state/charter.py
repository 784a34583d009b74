"""Therapist workspace: the communication charter and the WhatsApp kit built from it."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.boundaries import charter, whatsapp_kit
from practipal_app.boundaries import views as boundary_views
from practipal_app.boundaries.views import CrisisContact, QuickReply
from practipal_app.config import get_settings
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLINICIANS, as_id, ticked

#: The therapist's own contacts the page offers rows for.
MAX_CONTACTS = 5


class CharterState(rx.State):
    whatsapp_for: list[str] = []
    whatsapp_not_for: list[str] = []
    working_days: list[int] = []
    check_time: str = "18:00"
    response_days: int = 1
    contacts: list[CrisisContact] = []
    extra_text: str = ""
    custom_statement: str = ""
    use_custom: bool = False
    version: int = 0
    errors: dict[str, str] = {}
    notice: str = ""
    loaded: bool = False

    def _settings(self) -> charter.CharterSettings:
        # Plain values: state lists hand out change-tracking proxies that must not reach a service.
        return charter.draft(
            whatsapp_for=list(self.whatsapp_for),
            whatsapp_not_for=list(self.whatsapp_not_for),
            working_days=list(self.working_days),
            check_time=self.check_time,
            response_days=self.response_days,
            own_contacts=[(c.label, c.phone) for c in self.contacts],
            extra_text=self.extra_text,
        )

    def _show(self, view: charter.CharterView) -> None:
        s = view.settings
        self.whatsapp_for, self.whatsapp_not_for = list(s.whatsapp_for), list(s.whatsapp_not_for)
        self.working_days, self.check_time = list(s.working_days), s.check_time
        self.response_days, self.extra_text = s.response_days, s.extra_text
        self.contacts = boundary_views.crisis_contacts(view.own_contacts)
        self.version = view.version
        self.use_custom = view.statement != charter.generate_statement(s)
        self.custom_statement = view.statement

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.errors, self.notice = {}, ""
        self._show(await db.aread(charter.my_charter, actor))
        self.loaded = True

    @rx.var
    def preview(self) -> str:
        return self.custom_statement if self.use_custom else charter.preview(self._settings())

    @guarded(CLINICIANS)
    def toggle_list(self, actor: Actor, field: str, key: str):
        choices = {
            "whatsapp_for": charter.WHATSAPP_FOR,
            "whatsapp_not_for": charter.WHATSAPP_NOT_FOR,
        }
        if field not in choices or key not in choices[field]:
            return
        values = list(getattr(self, field))
        setattr(self, field, [v for v in values if v != key] if key in values else values + [key])

    @guarded(CLINICIANS)
    def toggle_day(self, actor: Actor, day: int):
        try:
            day = as_id(day)
        except DomainError:
            return
        if 0 <= day <= 6:
            self.working_days = sorted(set(self.working_days) ^ {day})

    @guarded(CLINICIANS)
    def set_check_time(self, actor: Actor, value: str):
        self.check_time = str(value)[:5]

    @guarded(CLINICIANS)
    def set_response_days(self, actor: Actor, value: str):
        try:
            self.response_days = charter.parse_response_days(value)
        except InvalidInput as exc:
            self.errors = {**self.errors, **exc.errors}

    @guarded(CLINICIANS)
    def set_extra_text(self, actor: Actor, value: str):
        self.extra_text = str(value)[:2000]

    @guarded(CLINICIANS)
    def set_use_custom(self, actor: Actor, value: bool):
        self.use_custom = bool(value)
        if self.use_custom and not self.custom_statement.strip():
            self.custom_statement = charter.preview(self._settings())

    @guarded(CLINICIANS)
    def set_custom_statement(self, actor: Actor, value: str):
        self.custom_statement = str(value)[:4000]

    @guarded(CLINICIANS)
    def add_contact(self, actor: Actor):
        if len(self.contacts) < MAX_CONTACTS:
            self.contacts = [*self.contacts, CrisisContact()]

    @guarded(CLINICIANS)
    def remove_contact(self, actor: Actor, index: int):
        try:
            index = as_id(index)
        except DomainError:
            return
        self.contacts = [c for i, c in enumerate(self.contacts) if i != index]

    @guarded(CLINICIANS)
    def set_contact(self, actor: Actor, index: int, key: str, value: str):
        try:
            index = as_id(index)
        except DomainError:
            return
        if key not in ("label", "phone"):
            return
        text = str(value)[:80]
        self.contacts = [
            CrisisContact(text if key == "label" else c.label, text if key == "phone" else c.phone)
            if i == index
            else c
            for i, c in enumerate(self.contacts)
        ]

    @guarded(CLINICIANS)
    async def save(self, actor: Actor):
        self.errors, self.notice = {}, ""
        statement = self.custom_statement if self.use_custom else None
        try:
            view = await db.acall(charter.save, actor, self._settings(), statement)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        self._show(view)
        self.notice = (
            f"Saved as version {view.version}. "
            "Clients will be asked to read it on their next visit."
        )


class WhatsAppKitState(rx.State):
    away: str = ""
    greeting: str = ""
    quick: list[QuickReply] = []
    number: str = ""
    click_to_chat: bool = False
    error: str = ""
    notice: str = ""
    form_key: int = 0

    async def _refresh(self, actor: Actor) -> None:
        kit = await db.aread(whatsapp_kit.kit, actor, get_settings().base_url)
        kit = boundary_views.kit_view(kit)
        self.away, self.greeting, self.quick = kit.away, kit.greeting, kit.quick
        self.number, self.click_to_chat = kit.number, kit.click_to_chat
        self.form_key += 1

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.error, self.notice = "", ""
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def save(self, actor: Actor, form: dict):
        try:
            await db.acall(
                whatsapp_kit.save_number,
                actor,
                str(form.get("whatsapp_number", ""))[:40],
                ticked(form, "click_to_chat"),
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.notice = "", "Saved."
        await self._refresh(actor)

    @guarded(CLINICIANS)
    def copy(self, actor: Actor, text: str):
        return [rx.set_clipboard(str(text)[:4000]), rx.toast("Copied")]
