"""Therapist workspace: the client list and one client's page."""

from __future__ import annotations

from dataclasses import asdict

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.onboarding import invites
from practipal_app.people import clients
from practipal_app.scheduling import workspace_views as workspace_schedule
from practipal_app.state.session import STAFF, page_id, require


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
