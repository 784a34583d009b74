"""The resource vault: /app/resources (library, sharing, automatic rules) and /portal/resources.

Files come in through Reflex's upload handler, wait in the private pending folder (core.uploads)
until the form is saved, and are then kept by the resources service in its own private
folder; files are served by the authorized route /api/resources/{id}/file, never by Reflex's
public /_upload.
"""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from practipal_app import db
from practipal_app.content import resources, starter_library
from practipal_app.content import views as content_views
from practipal_app.content.views import (
    OpenedResource,
    PortalResourceRow,
    ResourceRow,
    RuleRow,
    ShareRow,
)
from practipal_app.core import uploads
from practipal_app.core.errors import DomainError, InvalidInput, NotFound
from practipal_app.core.identity import Actor
from practipal_app.core.views import Option, options
from practipal_app.models import ResourceKind
from practipal_app.people import clients
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS, CLINICIANS, STAFF, as_id, checked_ids, ticked


class ResourcesState(rx.State):
    items: list[ResourceRow] = []
    query: str = ""
    category: str = ""
    client_options: list[Option] = []
    rules: list[RuleRow] = []
    has_starters: bool = True
    notice: str = ""
    error: str = ""
    # Adding
    adding: bool = False
    kind: str = ResourceKind.FILE.value
    errors: dict[str, str] = {}
    file_label: str = ""
    _pending_path: str = ""
    _pending_name: str = ""
    # Sharing one resource
    sharing: ResourceRow | None = None
    shares: list[ShareRow] = []
    share_error: str = ""
    # Reading one resource as the client will see it
    previewing: OpenedResource | None = None
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        items = await db.aread(resources.library, actor, self.query, self.category)
        self.items = content_views.resource_rows(items, actor.user_id)
        self.rules = content_views.rule_rows(await db.aread(resources.rules, actor))
        self.has_starters = any(item.starter for item in self.items) or not actor.is_clinician
        self.loaded = True

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.notice, self.error, self.adding, self.sharing, self.shares = "", "", False, None, []
        await self._discard()
        self.client_options = options(await db.aread(clients.names, actor))
        await self._refresh(actor)

    @guarded(STAFF)
    async def search(self, actor: Actor, form: dict):
        self.query, self.category = (
            str(form.get("query", "")).strip(),
            str(form.get("category", "")),
        )
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def install_starters(self, actor: Actor):
        added = await db.acall(starter_library.install, actor)
        self.notice = (
            f"Added {added} starter resources to your library."
            if added
            else "The starter library is here."
        )
        await self._refresh(actor)

    # Adding

    async def _discard(self) -> None:
        if self._pending_path:
            await asyncio.to_thread(uploads.discard, self._pending_path)
        self._pending_path, self._pending_name, self.file_label = "", "", ""

    @guarded(STAFF)
    async def toggle_add(self, actor: Actor):
        self.adding, self.errors, self.notice = not self.adding, {}, ""
        await self._discard()

    @guarded(STAFF)
    def choose_kind(self, actor: Actor, kind: str | list[str]):
        self.kind, self.errors = str(kind), {}

    @guarded(CLINICIANS)
    async def receive_file(self, actor: Actor, files: list[rx.UploadFile]):
        await self._discard()
        self.errors = {}
        if not files:
            return
        upload = files[0]
        try:
            resources.check_upload_size(upload.size)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        data = await upload.read()
        self._pending_path = await asyncio.to_thread(uploads.stage, data)
        self._pending_name = (upload.filename or "file")[:200]
        self.file_label = content_views.file_label(self._pending_name, len(data))

    @guarded(CLINICIANS)
    async def add(self, actor: Actor, form: dict):
        self.errors = {}
        title = str(form.get("title", ""))
        data = None
        if self.kind == ResourceKind.FILE and self._pending_path:
            data = await asyncio.to_thread(uploads.read, self._pending_path)
        try:
            await db.acall(
                resources.add,
                actor,
                self.kind,
                title=title,
                category=str(form.get("category", "other")),
                tags=str(form.get("tags", "")),
                language=str(form.get("language", "English")),
                practice_wide=ticked(form, "practice_wide"),
                body=str(form.get("body", "")),
                url=str(form.get("url", "")),
                file_name=self._pending_name,
                data=data,
            )
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        await self._discard()
        self.adding, self.notice = False, f"Added “{title.strip()}” to the library."
        await self._refresh(actor)

    # Sharing

    async def _load_shares(self, actor: Actor, resource_id: int) -> None:
        self.shares = content_views.share_rows(
            await db.aread(resources.shares_of, actor, resource_id)
        )

    @guarded(STAFF)
    async def open_sharing(self, actor: Actor, resource_id: str):
        self.share_error, self.notice = "", ""
        try:
            wanted = as_id(resource_id)
            item = next((item for item in self.items if item.id == wanted), None)
            if item is None:
                raise NotFound("No such resource.")
            await self._load_shares(actor, item.id)
        except DomainError as exc:
            self.sharing, self.shares, self.error = None, [], exc.message
            return
        self.sharing = item

    @guarded(STAFF)
    async def preview(self, actor: Actor, resource_id: str):
        try:
            content = await db.aread(resources.open_for_client, actor, as_id(resource_id))
        except DomainError as exc:
            self.previewing, self.error = None, exc.message
            return
        self.previewing = content_views.opened_resource(content)

    @rx.event
    def close_preview(self):
        self.previewing = None

    @rx.event
    def close_sharing(self):
        self.sharing, self.shares, self.share_error = None, [], ""

    @guarded(CLINICIANS)
    async def share(self, actor: Actor, form: dict):
        self.share_error = ""
        if self.sharing is None:
            self.share_error = "No such resource."
            return
        client_ids = checked_ids(form)
        if not client_ids:
            self.share_error = "Choose at least one client."
            return
        try:
            added = await db.acall(
                resources.share, actor, self.sharing.id, client_ids, str(form.get("note", ""))
            )
            await self._load_shares(actor, self.sharing.id)
        except DomainError as exc:
            self.share_error = exc.message
            return
        self.notice = (
            f"Shared with {added} client{'s' if added != 1 else ''}."
            if added
            else "Already shared."
        )
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def unshare(self, actor: Actor, client_id: str):
        try:
            if self.sharing is None:
                raise NotFound("No such resource.")
            await db.acall(resources.unshare, actor, self.sharing.id, as_id(client_id))
            await self._load_shares(actor, self.sharing.id)
        except DomainError as exc:
            self.share_error = exc.message
            return
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def delete(self, actor: Actor, resource_id: str):
        try:
            await db.acall(resources.delete, actor, as_id(resource_id))
        except DomainError as exc:
            self.error = exc.message
            return
        self.notice, self.sharing, self.shares = "Deleted, with its file and shares.", None, []
        await self._refresh(actor)

    # Automatic sharing

    @guarded(CLINICIANS)
    async def add_rule(self, actor: Actor, form: dict):
        if not str(form.get("resource_id", "")).strip():
            self.error = "Choose when and what to share."
            return
        try:
            await db.acall(
                resources.set_rule,
                actor,
                str(form.get("trigger", "")),
                as_id(form.get("resource_id")),
                True,
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.notice = "Automatic sharing saved."
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def toggle_rule(self, actor: Actor, trigger: str, resource_id: str, enabled: bool):
        try:
            await db.acall(
                resources.set_rule, actor, str(trigger), as_id(resource_id), enabled is True
            )
        except DomainError as exc:
            self.error = exc.message
            return
        await self._refresh(actor)


class PortalResourcesState(rx.State):
    items: list[PortalResourceRow] = []
    opened: OpenedResource | None = None
    error: str = ""
    loaded: bool = False

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        shared = await db.aread(resources.for_client, actor)
        self.items, self.opened, self.error = content_views.portal_resource_rows(shared), None, ""
        self.loaded = True

    @guarded(CLIENTS)
    async def open(self, actor: Actor, resource_id: str):
        try:
            content = await db.acall(resources.open_for_client, actor, as_id(resource_id))
        except DomainError:
            self.opened, self.error = None, "That resource is no longer shared with you."
            return
        self.opened = content_views.opened_resource(content)
        self.items = [
            dataclasses.replace(item, is_new=False) if item.id == content.id else item
            for item in self.items
        ]

    @rx.event
    def close(self):
        self.opened = None
