"""Therapist workspace: the client list and one client's page."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.core.views import Option, options
from practipal_app.onboarding import invites
from practipal_app.people import clients
from practipal_app.people import views as people_views
from practipal_app.people.views import ClientCard, ClientRow
from practipal_app.scheduling import workspace_views as workspace_schedule
from practipal_app.scheduling.views import StaffSession, staff_sessions
from practipal_app.state.guard import guarded
from practipal_app.state.session import STAFF, as_id, page_id


class ClientsState(rx.State):
    rows: list[ClientRow] = []
    total: int = 0
    page: int = 0
    query: str = ""
    status: str = ""
    therapist_options: list[Option] = []
    show_form: bool = False
    errors: dict[str, str] = {}
    form_error: str = ""
    form_key: int = 0

    async def _refresh(self, actor) -> None:
        rows, self.total = await db.aread(
            clients.list_clients, actor, self.query, self.status, self.page
        )
        self.rows = people_views.client_rows(rows)

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.page = 0
        therapists = await db.aread(clients.therapists, actor)
        self.therapist_options = options(therapists)
        await self._refresh(actor)

    @guarded(STAFF)
    async def search(self, actor: Actor, form: dict):
        self.query = str(form.get("query", ""))[:100]
        self.status = str(form.get("status", ""))[:20]
        self.page = 0
        await self._refresh(actor)

    @guarded(STAFF)
    async def go_to_page(self, actor: Actor, page: int):
        last = max((self.total - 1) // clients.PAGE_SIZE, 0)
        try:
            wanted = as_id(page)
        except DomainError:  # not a page number (or below the first): the first page
            wanted = 0
        self.page = min(wanted, last)
        await self._refresh(actor)

    @rx.event
    def toggle_form(self):
        self.show_form = not self.show_form
        self.errors, self.form_error = {}, ""

    @guarded(STAFF)
    async def add(self, actor: Actor, form: dict):
        self.errors, self.form_error = {}, ""
        try:
            client_id = await db.acall(
                clients.add_client, actor, clients.ClientForm.from_dict(form)
            )
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
    client: ClientCard = ClientCard()
    sessions: list[StaffSession] = []
    missing: bool = False
    editing: bool = False
    errors: dict[str, str] = {}
    notice: str = ""
    action_error: str = ""
    therapist_options: list[Option] = []

    def _client_id(self) -> int:
        return page_id(self, "client_id")

    def _show(self, record: clients.ClientRecord) -> None:
        self.client = people_views.client_card(record)

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.editing, self.errors, self.notice, self.action_error = False, {}, "", ""
        try:
            detail = await db.aread(clients.get_client, actor, self._client_id())
        except DomainError:
            self.client, self.missing = ClientCard(), True
            return
        self.missing = False
        self._show(detail)
        upcoming = await db.aread(workspace_schedule.client_sessions, actor, self._client_id())
        self.sessions = staff_sessions(upcoming)
        therapists = await db.aread(clients.therapists, actor)
        self.therapist_options = options(therapists)

    @guarded(STAFF)
    def set_editing(self, actor: Actor, value: bool):
        self.editing, self.errors = bool(value), {}

    @guarded(STAFF)
    async def save(self, actor: Actor, form: dict):
        self.errors = {}
        try:
            detail = await db.acall(
                clients.update_client, actor, self._client_id(), clients.ClientForm.from_dict(form)
            )
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.action_error = exc.message
            return
        self._show(detail)
        self.editing, self.notice = False, "Saved."

    @guarded(STAFF)
    async def invite(self, actor: Actor):
        self.notice, self.action_error = "", ""
        try:
            await db.acall(invites.send_invite, actor, self._client_id(), get_settings().base_url)
            detail = await db.aread(clients.get_client, actor, self._client_id())
        except DomainError as exc:
            self.action_error = exc.message
            return
        self._show(detail)
        self.notice = "Invite sent. The link works once, for 7 days."
