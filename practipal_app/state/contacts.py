"""On a client's page: WhatsApp history import and the two-tap contact log (counts only, no
text)."""

from __future__ import annotations

import asyncio

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core import uploads as staging
from practipal_app.core.errors import DomainError
from practipal_app.core.identity import Actor
from practipal_app.core.views import Option
from practipal_app.core.views import options as core_options
from practipal_app.messaging import contact_log, views
from practipal_app.messaging.views import ContactVolume, StagedChat
from practipal_app.state.guard import guarded
from practipal_app.state.session import STAFF, page_id

TOPICS = ["Scheduling", "Tech problem", "Emotional support", "Payment", "Other"]


class ContactsState(rx.State):
    volume: ContactVolume | None = None
    chat_file: str = ""
    chat_senders: list[str] = []
    error: str = ""
    notice: str = ""
    _chat_path: str = ""

    def _client_id(self) -> int:
        return page_id(self, "client_id")

    async def _refresh(self, actor: Actor) -> None:
        found = await db.aread(contact_log.volume_for_client, actor, self._client_id())
        self.volume = views.contact_volume(found)

    def _discard(self) -> None:
        staging.discard(self._chat_path)
        self._chat_path, self.chat_file, self.chat_senders = "", "", []

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.error, self.notice = "", ""
        self._discard()
        try:
            await self._refresh(actor)
        except DomainError:
            self.volume = None

    @guarded(STAFF)
    async def log(self, actor: Actor, channel: str, topic: str):
        try:
            await db.acall(contact_log.log_contact, actor, self._client_id(), channel, topic)
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.notice = "", views.logged_notice(channel, topic)
        await self._refresh(actor)

    @guarded(STAFF)
    async def read_chat(self, actor: Actor, files: list[rx.UploadFile]):
        self._discard()
        self.error, self.notice = "", ""
        if not files:
            self.error = "Choose the exported chat (.txt or .zip)."
            return
        upload = files[0]
        name = upload.filename or "chat.txt"
        try:
            contact_log.check_size(name, upload.size)
            data = await upload.read()
            senders = await asyncio.to_thread(contact_log.senders_in, name, data)
        except DomainError as exc:
            self.error = exc.message
            return
        self._chat_path = await asyncio.to_thread(staging.stage, data)
        self.chat_file, self.chat_senders = name, senders

    @guarded(STAFF)
    async def import_chat(self, actor: Actor, form: dict):
        if not self._chat_path:
            self.error = "Choose the exported chat first."
            return
        data = await asyncio.to_thread(staging.read, self._chat_path)
        try:
            upload = await asyncio.to_thread(contact_log.read_chat, self.chat_file, data)
            result = await db.acall(
                contact_log.import_whatsapp,
                actor,
                self._client_id(),
                upload,
                str(form.get("therapist_sender", "")),
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self._discard()
        self.error, self.notice = "", views.imported_notice(result)
        await self._refresh(actor)

    @guarded(STAFF)
    def refuse_files(self, actor: Actor, rejections: list):
        self._discard()
        self.notice, self.error = (
            "",
            views.refused_files(rejections, get_settings().max_upload_bytes),
        )

    @guarded(STAFF)
    def cancel_import(self, actor: Actor):
        self._discard()


class BulkImportState(rx.State):
    """/app/clients: several exported chats at once, each matched to a client."""

    files: list[StagedChat] = []
    clients: list[Option] = []
    error: str = ""
    notice: str = ""
    _paths: list[str] = []  # the staged upload of each of `files`, in the same order

    def _discard(self) -> None:
        for path in self._paths:
            staging.discard(path)
        self._paths, self.files = [], []

    def _refuse(self, message: str) -> None:
        self.error = message
        self._discard()

    @guarded(STAFF)
    async def read_chats(self, actor: Actor, uploads: list[rx.UploadFile]):
        self._discard()
        self.error, self.notice = "", ""
        options = await db.aread(contact_log.importable_clients, actor)
        self.clients = core_options(options)
        for upload in uploads[: contact_log.BULK_MAX_FILES]:
            name = upload.filename or "chat.txt"
            try:
                contact_log.check_size(name, upload.size, one_of_many=True)
            except DomainError as exc:
                self._refuse(exc.message)
                return
            data = await upload.read()
            try:
                senders = await asyncio.to_thread(contact_log.senders_in, name, data)
            except DomainError as exc:
                self._refuse(f"{name}: {exc.message}")
                return
            self._paths.append(await asyncio.to_thread(staging.stage, data))
            match = contact_log.match_chat(name, senders, options, actor.name)
            self.files.append(views.staged_chat(match))

    @guarded(STAFF)
    async def import_all(self, actor: Actor, form: dict):
        chats = [
            (f.name, await asyncio.to_thread(staging.read, path))
            for f, path in zip(self.files, self._paths, strict=True)
        ]
        try:
            uploads = await asyncio.to_thread(contact_log.read_chats, chats)
            results = await db.acall(contact_log.import_chats, actor, uploads, form)
        except DomainError as exc:
            self.error = exc.message
            return
        self._discard()
        self.error, self.notice = "", views.bulk_imported_notice(results)

    @guarded(STAFF)
    def refuse_files(self, actor: Actor, rejections: list):
        self.notice = ""
        self._refuse(
            views.refused_files(rejections, get_settings().max_upload_bytes, one_of_many=True)
        )

    @guarded(STAFF)
    def clear(self, actor: Actor):
        self._discard()
        self.error = ""
