"""Therapist workspace: clients, charter, outbox, profile."""

from __future__ import annotations

from dataclasses import asdict

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.notifications import outbox
from practipal_app.services import auth, charter, clients, invites, whatsapp_kit, workspace_schedule
from practipal_app.services.errors import DomainError, InvalidInput
from practipal_app.state.session import CLINICIANS, OWNER, STAFF, page_id, require


class ClientsState(rx.State):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    query: str = ""
    status: str = ""
    therapist_options: list[list[str]] = []
    show_form: bool = False
    errors: dict[str, str] = {}
    form_error: str = ""
    form_key: int = 0

    async def _refresh(self, actor) -> None:
        rows, self.total = await db.acall(clients.list_clients, actor, self.query, self.status, self.page)
        self.rows = [{k: str(v) for k, v in asdict(r).items()} for r in rows]

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.page = 0
        options = await db.acall(clients.therapists, actor)
        self.therapist_options = [[str(i), name] for i, name in options]
        await self._refresh(actor)

    @rx.event
    async def search(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.query = str(form.get("query", ""))[:100]
        self.status = str(form.get("status", ""))
        self.page = 0
        await self._refresh(actor)

    @rx.event
    async def go_to_page(self, page: int):
        actor, away = await require(self, STAFF)
        if away:
            return away
        last = max((self.total - 1) // clients.PAGE_SIZE, 0)
        self.page = min(max(int(page), 0), last)
        await self._refresh(actor)

    @rx.event
    def toggle_form(self):
        self.show_form = not self.show_form
        self.errors, self.form_error = {}, ""

    @rx.event
    async def add(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.errors, self.form_error = {}, ""
        try:
            client_id = await db.acall(clients.add_client, actor, clients.ClientForm.from_dict(form))
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.form_error = exc.message
            return
        self.show_form = False
        self.form_key += 1
        return rx.redirect(f"/app/clients/{client_id}")

    @rx.var
    def page_label(self) -> str:
        if self.total == 0:
            return "No clients"
        first = self.page * clients.PAGE_SIZE + 1
        last = min(first + clients.PAGE_SIZE - 1, self.total)
        return f"{first}–{last} of {self.total}"

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * clients.PAGE_SIZE < self.total


class ClientDetailState(rx.State):
    client: dict[str, str] = {}
    sessions: list[dict[str, str]] = []
    missing: bool = False
    editing: bool = False
    errors: dict[str, str] = {}
    notice: str = ""
    action_error: str = ""
    therapist_options: list[list[str]] = []

    def _client_id(self) -> int:
        return page_id(self, "client_id")

    def _show(self, detail: clients.ClientDetail) -> None:
        self.client = {k: str(v) for k, v in asdict(detail).items()}

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.editing, self.errors, self.notice, self.action_error = False, {}, "", ""
        try:
            detail = await db.acall(clients.get_client, actor, self._client_id())
        except DomainError:
            self.client, self.missing = {}, True
            return
        self.missing = False
        self._show(detail)
        self.sessions = await db.acall(workspace_schedule.client_sessions, actor, self._client_id())
        options = await db.acall(clients.therapists, actor)
        self.therapist_options = [[str(i), name] for i, name in options]

    @rx.event
    def set_editing(self, value: bool):
        self.editing, self.errors = bool(value), {}

    @rx.event
    async def save(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.errors = {}
        try:
            detail = await db.acall(clients.update_client, actor, self._client_id(),
                                    clients.ClientForm.from_dict(form))
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.action_error = exc.message
            return
        self._show(detail)
        self.editing, self.notice = False, "Saved."

    @rx.event
    async def invite(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.notice, self.action_error = "", ""
        try:
            await db.acall(invites.send_invite, actor, self._client_id(), get_settings().base_url)
            detail = await db.acall(clients.get_client, actor, self._client_id())
        except DomainError as exc:
            self.action_error = exc.message
            return
        self._show(detail)
        self.notice = "Invite sent. The link works once, for 7 days."


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


class OutboxState(rx.State):
    rows: list[dict[str, str]] = []
    total: int = 0
    smtp_configured: bool = False

    @rx.event
    async def load(self):
        actor, away = await require(self, OWNER)
        if away:
            return away
        rows, self.total = await db.acall(outbox.list_for_owner, actor, 0)
        self.smtp_configured = get_settings().smtp_configured
        held = "pending" if self.smtp_configured else "held"
        self.rows = [
            {"id": str(r.id), "kind": r.kind, "to": r.to_address, "subject": r.subject,
             "status": held if r.status == "pending" else r.status, "error": r.last_error, "created": r.created_at}
            for r in rows
        ]


class ProfileState(rx.State):
    notice: str = ""

    @rx.event
    async def load(self):
        _actor, away = await require(self, STAFF)
        self.notice = ""
        return away

    @rx.event
    async def sign_out_everywhere(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        await db.acall(auth.sign_out_everywhere, actor)
        return rx.call_script("window.location.assign('/logout')")


class TodayState(rx.State):
    sessions: list[dict[str, str]] = []
    clients: int = 0
    on_portal: int = 0
    invited: int = 0
    charter_version: int = 0
    is_clinician: bool = False

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        counts = await db.acall(clients.overview, actor)
        self.clients, self.on_portal, self.invited = counts.clients, counts.on_portal, counts.invited
        self.is_clinician = actor.is_clinician
        self.sessions = await db.acall(workspace_schedule.today, actor)
        if actor.is_clinician:
            self.charter_version = (await db.acall(charter.my_charter, actor)).version
