"""On a client's page: WhatsApp history import and the two-tap contact log (counts only, no text)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import reflex as rx

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.messaging import contact_log, whatsapp_export
from practipal_app.state.session import STAFF, page_id, require

TOPICS = ["Scheduling", "Tech problem", "Emotional support", "Payment", "Other"]


def _pending_dir() -> Path:
    """Uploads wait here, private, until the therapist says which sender is theirs."""
    path = get_settings().uploads_dir / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ContactsState(rx.State):
    volume: dict[str, str] = {}
    chat_file: str = ""
    chat_senders: list[str] = []
    error: str = ""
    notice: str = ""
    _chat_path: str = ""

    def _client_id(self) -> int:
        return page_id(self, "client_id")

    async def _refresh(self, actor) -> None:
        v = await db.acall(contact_log.volume_for_client, actor, self._client_id())
        by = v["by_channel"]
        self.volume = {"imported": str(by.get("whatsapp_import", 0)), "whatsapp": str(by.get("whatsapp_logged", 0)),
                       "phone": str(by.get("phone_logged", 0)), "after_hours": str(v["after_hours"]),
                       "total": str(v["total"])}

    def _discard(self) -> None:
        if self._chat_path:
            Path(self._chat_path).unlink(missing_ok=True)
        self._chat_path, self.chat_file, self.chat_senders = "", "", []

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.error, self.notice = "", ""
        self._discard()
        try:
            await self._refresh(actor)
        except DomainError:
            self.volume = {}

    @rx.event
    async def log(self, channel: str, topic: str):
        actor, away = await require(self, STAFF)
        if away:
            return away
        try:
            await db.acall(contact_log.log_contact, actor, self._client_id(), channel, topic)
        except DomainError as exc:
            self.error = getattr(exc, "message", "That could not be logged.")
            return
        self.error, self.notice = "", f"Logged: {contact_log.LOG_CHANNELS.get(channel, channel)} · {topic}."
        await self._refresh(actor)

    @rx.event
    async def read_chat(self, files: list[rx.UploadFile]):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self._discard()
        self.error, self.notice = "", ""
        if not files:
            self.error = "Choose the exported chat (.txt or .zip)."
            return
        upload = files[0]
        if (upload.size or 0) > whatsapp_export.MAX_BYTES:
            self.error = "That file is larger than 20 MB. Export the chat without media and try again."
            return
        data = await upload.read()
        try:
            senders = await asyncio.to_thread(contact_log.senders_in, upload.filename or "chat.txt", data)
        except DomainError as exc:
            self.error = exc.message
            return
        path = _pending_dir() / secrets.token_hex(16)
        await asyncio.to_thread(path.write_bytes, data)
        self._chat_path, self.chat_file, self.chat_senders = str(path), upload.filename or "chat.txt", senders

    @rx.event
    async def import_chat(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        if not self._chat_path:
            self.error = "Choose the exported chat first."
            return
        data = await asyncio.to_thread(Path(self._chat_path).read_bytes)
        try:
            result = await db.acall(contact_log.import_whatsapp, actor, self._client_id(), self.chat_file, data,
                                    str(form.get("therapist_sender", "")))
        except InvalidInput as exc:
            self.error = " ".join(exc.errors.values())
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self._discard()
        self.error = ""
        self.notice = (f"Imported {result.added:,} messages" + (f" ({result.skipped:,} were already imported)"
                                                                 if result.skipped else "") + ". No message text was kept.")
        await self._refresh(actor)

    @rx.event
    def cancel_import(self):
        self._discard()


class BulkImportState(rx.State):
    """/app/clients: several exported chats at once, each matched to a client."""

    files: list[dict] = []  # {name, senders, client_id, me}
    clients: list[list[str]] = []
    error: str = ""
    notice: str = ""
    _paths: dict[str, str] = {}

    def _discard(self) -> None:
        for path in self._paths.values():
            Path(path).unlink(missing_ok=True)
        self._paths, self.files = {}, []

    @rx.event
    async def read_chats(self, uploads: list[rx.UploadFile]):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self._discard()
        self.error, self.notice = "", ""
        options = await db.acall(contact_log.importable_clients, actor)
        self.clients = [[str(i), n] for i, n in options]
        by_name = {n.casefold(): str(i) for i, n in options}
        for upload in uploads[:20]:
            name = upload.filename or "chat.txt"
            if (upload.size or 0) > whatsapp_export.MAX_BYTES:
                self.error = f"{name} is larger than 20 MB."
                self._discard()
                return
            data = await upload.read()
            try:
                senders = await asyncio.to_thread(contact_log.senders_in, name, data)
            except DomainError as exc:
                self.error = f"{name}: {exc.message}"
                self._discard()
                return
            path = _pending_dir() / secrets.token_hex(16)
            await asyncio.to_thread(path.write_bytes, data)
            self._paths[name] = str(path)
            client = next((by_name[s.casefold()] for s in senders if s.casefold() in by_name), "")
            me = next((s for s in senders if s.casefold() == actor.name.casefold()), senders[0] if senders else "")
            self.files.append({"name": name, "senders": senders, "client_id": client, "me": me})

    @rx.event
    async def import_all(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        items = []
        for i, f in enumerate(self.files):
            try:
                client_id = int(form.get(f"client_{i}") or 0)
            except ValueError:
                client_id = 0
            data = await asyncio.to_thread(Path(self._paths[f["name"]]).read_bytes)
            items.append((client_id, f["name"], data, str(form.get(f"me_{i}", ""))))
        try:
            results = await db.acall(contact_log.import_many, actor, items)
        except DomainError as exc:
            self.error = getattr(exc, "message", "The import failed; nothing was saved.")
            return
        self._discard()
        added = sum(r.added for r in results)
        self.error, self.notice = "", f"Imported {added:,} messages from {len(results)} chats. No message text was kept."

    @rx.event
    def clear(self):
        self._discard()
        self.error = ""
