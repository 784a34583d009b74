"""Portal messages for clients; the batched inbox for therapists."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.boundaries import portal_home as portal
from practipal_app.boundaries import reply_rules as boundaries
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.messaging import threads as messaging
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.state.session import CLIENTS, CLINICIANS, require


class PortalMessagesState(rx.State):
    messages: list[dict[str, str]] = []
    expectation: str = ""
    topic: str = ""
    draft: str = ""
    bring: bool = False
    risk_typed: bool = False
    risk_sent: bool = False
    own_contacts: list[dict[str, str]] = []
    next_session: dict[str, str] = {}
    error: str = ""
    notice: str = ""
    loaded: bool = False

    async def _refresh(self, actor) -> None:
        self.messages = await db.acall(messaging.client_thread, actor)
        self.expectation = await db.acall(messaging.expectation, actor)

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.error, self.notice, self.risk_sent = "", "", False
        home = await db.acall(portal.home, actor)
        self.own_contacts = [{"label": c["label"], "phone": c["phone"]} for c in home.own_contacts]
        self.next_session, _notices = await db.acall(portal_schedule.next_session, actor)
        await self._refresh(actor)
        self.loaded = True

    @rx.event
    def choose_topic(self, topic: str):
        self.topic = topic if topic in messaging.TOPICS else ""
        self.error = ""

    @rx.event
    def set_draft(self, value: str):
        self.draft = str(value)[: messaging.MAX_LENGTH + 500]
        self.risk_typed = boundaries.mentions_risk(self.draft)

    @rx.event
    def set_bring(self, value: bool):
        self.bring = bool(value)

    @rx.var
    def counter(self) -> str:
        return f"{len(self.draft):,} / {messaging.MAX_LENGTH:,}"

    @rx.event
    async def send(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.error, self.notice = "", ""
        try:
            result = await db.acall(messaging.post_client_message, actor, self.topic or "", self.draft,
                                    bring_to_session=self.bring)
        except InvalidInput as exc:
            self.error = " ".join(exc.errors.values())
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.risk_sent = result.risk
        self.draft, self.bring, self.risk_typed, self.topic = "", False, False, ""
        self.notice = "Sent."
        await self._refresh(actor)


class InboxState(rx.State):
    threads: list[dict[str, str]] = []
    head: dict[str, str] = {}
    messages: list[dict[str, str]] = []
    snippets: list[dict[str, str]] = []
    draft: str = ""
    bring: bool = False
    error: str = ""
    notice: str = ""
    loaded: bool = False

    async def _refresh(self, actor) -> None:
        self.threads = await db.acall(messaging.inbox, actor)

    @rx.event
    async def load(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.error, self.notice = "", ""
        self.snippets = await db.acall(messaging.snippets, actor)
        await self._refresh(actor)
        self.loaded = True

    @rx.event
    async def open(self, thread_id: str):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            self.head, self.messages = await db.acall(messaging.therapist_thread, actor, int(thread_id))
        except (DomainError, ValueError):
            self.head, self.messages, self.error = {}, [], "That conversation is not yours."
            return
        self.draft, self.bring, self.error, self.notice = "", False, "", ""
        await self._refresh(actor)

    @rx.event
    def set_draft(self, value: str):
        self.draft = str(value)[: messaging.MAX_LENGTH + 500]

    @rx.event
    def use_snippet(self, body: str, bring: str):
        self.draft, self.bring = str(body), bring == "1"

    @rx.event
    async def send(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(messaging.reply, actor, int(self.head.get("id", "0")), self.draft,
                           bring_to_session=self.bring)
            self.head, self.messages = await db.acall(messaging.therapist_thread, actor, int(self.head["id"]))
        except InvalidInput as exc:
            self.error = " ".join(exc.errors.values())
            return
        except (DomainError, ValueError, KeyError):
            self.error = "Open a conversation first."
            return
        self.draft, self.bring, self.error = "", False, ""
        self.notice = "Sent. The client is told by email that a reply is waiting (no text in the email)."
        await self._refresh(actor)

    @rx.event
    async def add_snippet(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(messaging.save_snippet, actor, str(form.get("title", "")), str(form.get("body", "")),
                           form.get("bring") in (True, "on", "true"))
        except InvalidInput as exc:
            self.error = " ".join(exc.errors.values())
            return
        self.error, self.notice = "", "Quick reply saved."
        self.snippets = await db.acall(messaging.snippets, actor)

    @rx.event
    async def delete_snippet(self, snippet_id: str):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(messaging.delete_snippet, actor, int(snippet_id))
        except (DomainError, ValueError):
            self.error = "That quick reply is not yours."
            return
        self.snippets = await db.acall(messaging.snippets, actor)

    @rx.event
    async def done(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            await db.acall(messaging.mark_done, actor, int(self.head.get("id", "0")))
        except (DomainError, ValueError):
            self.error = "Open a conversation first."
            return
        self.notice = "Marked as done."
        self.head, self.messages = {}, []
        await self._refresh(actor)
