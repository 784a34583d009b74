"""The resource vault: /app/resources (library, sharing, automatic rules) and /portal/resources.

Files come in through Reflex's upload handler, wait in the private pending folder until the form is
saved, and are then kept by the resources service in its own private folder; files are served by
the authorized route /api/resources/{id}/file, never by Reflex's public /_upload.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.content import resources, starter_library
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.models import ResourceKind
from practipal_app.people import clients
from practipal_app.state.session import CLIENTS, CLINICIANS, STAFF, checked_ids, require


def _pending_dir() -> Path:
    path = get_settings().uploads_dir / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ResourcesState(rx.State):
    items: list[dict[str, str]] = []
    query: str = ""
    category: str = ""
    client_options: list[dict[str, str]] = []
    rules: list[dict[str, str]] = []
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
    sharing: dict[str, str] = {}
    shares: list[dict[str, str]] = []
    share_error: str = ""
    # Reading one resource as the client will see it
    previewing: dict[str, str] = {}
    loaded: bool = False

    async def _refresh(self, actor) -> None:
        self.items = await db.aread(resources.library, actor, self.query, self.category)
        self.rules = await db.aread(resources.rules, actor)
        self.has_starters = any(item.get("starter") == "1" for item in self.items) or not actor.is_clinician
        self.loaded = True

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.notice, self.error, self.adding, self.sharing, self.shares = "", "", False, {}, []
        self._discard()
        self.client_options = await db.aread(clients.options, actor)
        await self._refresh(actor)

    @rx.event
    async def search(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.query, self.category = str(form.get("query", "")).strip(), str(form.get("category", ""))
        await self._refresh(actor)

    @rx.event
    async def install_starters(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        added = await db.acall(starter_library.install, actor)
        self.notice = f"Added {added} starter resources to your library." if added else "The starter library is here."
        await self._refresh(actor)

    # Adding

    def _discard(self) -> None:
        if self._pending_path:
            Path(self._pending_path).unlink(missing_ok=True)
        self._pending_path, self._pending_name, self.file_label = "", "", ""

    @rx.event
    def toggle_add(self):
        self.adding, self.errors, self.notice = not self.adding, {}, ""
        self._discard()

    @rx.event
    def choose_kind(self, kind: str | list[str]):
        self.kind, self.errors = str(kind), {}

    @rx.event
    async def receive_file(self, files: list[rx.UploadFile]):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self._discard()
        self.errors = {}
        if not files:
            return
        upload, limit = files[0], get_settings().max_upload_bytes
        if (upload.size or 0) > limit:
            self.errors = {"file": f"This file is {resources.size_label(upload.size)}; the limit is {resources.size_label(limit)}."}
            return
        data = await upload.read()
        path = _pending_dir() / secrets.token_hex(16)
        await asyncio.to_thread(path.write_bytes, data)
        self._pending_path, self._pending_name = str(path), (upload.filename or "file")[:200]
        self.file_label = f"{self._pending_name} ({resources.size_label(len(data))})"

    @rx.event
    async def add(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.errors = {}
        details = {"title": str(form.get("title", "")), "category": str(form.get("category", "other")),
                   "tags": str(form.get("tags", "")), "language": str(form.get("language", "English")),
                   "practice_wide": str(form.get("practice_wide", "")) in ("on", "true", "1")}
        try:
            if self.kind == ResourceKind.FILE:
                if not self._pending_path:
                    raise InvalidInput({"file": "Choose a file to upload."})
                data = await asyncio.to_thread(Path(self._pending_path).read_bytes)
                await db.acall(resources.add_file, actor, file_name=self._pending_name, data=data, **details)
            elif self.kind == ResourceKind.TEXT:
                await db.acall(resources.add_text, actor, body=str(form.get("body", "")), **details)
            else:
                await db.acall(resources.add_link, actor, url=str(form.get("url", "")), **details)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        self._discard()
        self.adding, self.notice = False, f"Added “{details['title'].strip()}” to the library."
        await self._refresh(actor)

    # Sharing

    async def _load_shares(self, actor) -> None:
        self.shares = await db.aread(resources.shares_of, actor, int(self.sharing.get("id", "0")))

    @rx.event
    async def open_sharing(self, item: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.sharing, self.share_error, self.notice = {"id": str(item["id"]), "title": str(item["title"])}, "", ""
        try:
            await self._load_shares(actor)
        except DomainError as exc:
            self.sharing, self.error = {}, exc.message

    @rx.event
    async def preview(self, resource_id: str):
        actor, away = await require(self, STAFF)
        if away:
            return away
        try:
            self.previewing = await db.aread(resources.open_for_client, actor, int(resource_id))
        except (DomainError, ValueError) as exc:
            self.previewing, self.error = {}, getattr(exc, "message", "No such resource.")

    @rx.event
    def close_preview(self):
        self.previewing = {}

    @rx.event
    def close_sharing(self):
        self.sharing, self.shares, self.share_error = {}, [], ""

    @rx.event
    async def share(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.share_error = ""
        client_ids = checked_ids(form)
        if not client_ids:
            self.share_error = "Choose at least one client."
            return
        try:
            added = await db.acall(resources.share, actor, int(self.sharing.get("id", "0")), client_ids,
                                   str(form.get("note", "")))
            await self._load_shares(actor)
        except DomainError as exc:
            self.share_error = exc.message
            return
        self.notice = f"Shared with {added} client{'s' if added != 1 else ''}." if added else "Already shared."
        await self._refresh(actor)

    @rx.event
    async def unshare(self, client_id: str):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(resources.unshare, actor, int(self.sharing.get("id", "0")), int(client_id))
            await self._load_shares(actor)
        except (DomainError, ValueError) as exc:
            self.share_error = getattr(exc, "message", "That could not be undone.")
            return
        await self._refresh(actor)

    @rx.event
    async def delete(self, resource_id: str):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(resources.delete, actor, int(resource_id))
        except (DomainError, ValueError) as exc:
            self.error = getattr(exc, "message", "That resource cannot be deleted.")
            return
        self.notice, self.sharing, self.shares = "Deleted, with its file and shares.", {}, []
        await self._refresh(actor)

    # Automatic sharing

    @rx.event
    async def add_rule(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(resources.set_rule, actor, str(form.get("trigger", "")),
                           int(str(form.get("resource_id", "")) or "0"), True)
        except (DomainError, ValueError) as exc:
            self.error = getattr(exc, "message", "Choose when and what to share.")
            return
        self.notice = "Automatic sharing saved."
        await self._refresh(actor)

    @rx.event
    async def toggle_rule(self, trigger: str, resource_id: str, enabled: bool):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(resources.set_rule, actor, str(trigger), int(resource_id), bool(enabled))
        except (DomainError, ValueError) as exc:
            self.error = getattr(exc, "message", "That rule cannot be changed.")
            return
        await self._refresh(actor)


class PortalResourcesState(rx.State):
    items: list[dict[str, str]] = []
    opened: dict[str, str] = {}
    error: str = ""
    loaded: bool = False

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.items, self.opened, self.error = await db.aread(resources.for_client, actor), {}, ""
        self.loaded = True

    @rx.event
    async def open(self, resource_id: str):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        try:
            self.opened = {**await db.acall(resources.open_for_client, actor, int(resource_id)), "id": str(resource_id)}
        except (DomainError, ValueError):
            self.opened, self.error = {}, "That resource is no longer shared with you."
            return
        self.items = [{**item, "new": ""} if item["id"] == str(resource_id) else item for item in self.items]

    @rx.event
    def close(self):
        self.opened = {}
