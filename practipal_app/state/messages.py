"""Portal messages for clients; the batched inbox for therapists."""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.boundaries import portal_home as portal
from practipal_app.boundaries import reply_rules as boundaries
from practipal_app.boundaries import views as boundary_views
from practipal_app.boundaries.views import CrisisContact
from practipal_app.core.errors import DomainError
from practipal_app.core.identity import Actor
from practipal_app.messaging import threads as messaging
from practipal_app.messaging import views
from practipal_app.messaging.views import MessageRow, SnippetRow, ThreadHead, ThreadRow
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.scheduling import views as schedule_views
from practipal_app.scheduling.views import PortalSession
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS, CLINICIANS, as_id, ticked


class PortalMessagesState(rx.State):
    messages: list[MessageRow] = []
    expectation: str = ""
    topic: str = ""
    draft: str = ""
    bring: bool = False
    risk_typed: bool = False
    risk_sent: bool = False
    own_contacts: list[CrisisContact] = []
    next_session: PortalSession | None = None
    error: str = ""
    notice: str = ""
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        self.messages = views.message_rows(await db.acall(messaging.client_thread, actor))
        self.expectation = await db.acall(messaging.expectation, actor)

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.error, self.notice, self.risk_sent = "", "", False
        home = await db.acall(portal.home, actor)
        self.own_contacts = boundary_views.crisis_contacts(home.own_contacts)
        upcoming = await db.acall(portal_schedule.next_session, actor)
        self.next_session = schedule_views.next_session(upcoming)
        await self._refresh(actor)
        self.loaded = True

    @guarded(CLIENTS)
    def choose_topic(self, actor: Actor, topic: str):
        self.topic = topic if isinstance(topic, str) and topic in messaging.TOPICS else ""
        self.error = ""

    @guarded(CLIENTS)
    def set_draft(self, actor: Actor, value: str):
        self.draft = str(value)[: messaging.MAX_LENGTH + 500]
        self.risk_typed = boundaries.mentions_risk(self.draft)

    @guarded(CLIENTS)
    def set_bring(self, actor: Actor, value: bool):
        self.bring = value is True

    @rx.var
    def counter(self) -> str:
        return f"{len(self.draft):,} / {messaging.MAX_LENGTH:,}"

    @guarded(CLIENTS)
    async def send(self, actor: Actor):
        self.error, self.notice = "", ""
        try:
            result = await db.acall(
                messaging.post_client_message,
                actor,
                self.topic or "",
                self.draft,
                bring_to_session=self.bring,
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.risk_sent = result.risk
        self.draft, self.bring, self.risk_typed, self.topic = "", False, False, ""
        self.notice = "Sent."
        await self._refresh(actor)


class InboxState(rx.State):
    threads: list[ThreadRow] = []
    head: ThreadHead | None = None
    messages: list[MessageRow] = []
    snippets: list[SnippetRow] = []
    draft: str = ""
    bring: bool = False
    error: str = ""
    notice: str = ""
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        self.threads = views.thread_rows(await db.acall(messaging.inbox, actor))

    async def _open(self, actor: Actor, thread_id: int) -> None:
        found = await db.acall(messaging.therapist_thread, actor, thread_id)
        self.head, self.messages = views.thread_head(found), views.message_rows(found.conversation)

    async def _load_snippets(self, actor: Actor) -> None:
        self.snippets = views.snippet_rows(await db.acall(messaging.snippets, actor))

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.error, self.notice = "", ""
        await self._load_snippets(actor)
        await self._refresh(actor)
        self.loaded = True

    @guarded(CLINICIANS)
    async def open(self, actor: Actor, thread_id: str):
        try:
            await self._open(actor, as_id(thread_id))
        except DomainError:
            self.head, self.messages, self.error = None, [], "That conversation is not yours."
            return
        self.draft, self.bring, self.error, self.notice = "", False, "", ""
        await self._refresh(actor)

    @guarded(CLINICIANS)
    def set_draft(self, actor: Actor, value: str):
        self.draft = str(value)[: messaging.MAX_LENGTH + 500]

    @guarded(CLINICIANS)
    def use_snippet(self, actor: Actor, snippet_id: int):
        """Put one of the quick replies this page loaded for the therapist into the reply box."""
        try:
            wanted = as_id(snippet_id)
        except DomainError:
            wanted = None
        chosen = next((s for s in self.snippets if s.id == wanted), None)
        if chosen is None:
            self.error = "That quick reply is not yours."
            return
        self.draft, self.bring = chosen.body, chosen.bring

    @guarded(CLINICIANS)
    async def send(self, actor: Actor):
        if self.head is None:
            self.error = "Open a conversation first."
            return
        try:
            await db.acall(
                messaging.reply, actor, self.head.id, self.draft, bring_to_session=self.bring
            )
            await self._open(actor, self.head.id)
        except DomainError as exc:
            self.error = exc.message
            return
        self.draft, self.bring, self.error = "", False, ""
        self.notice = (
            "Sent. The client is told by email that a reply is waiting (no text in the email)."
        )
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def add_snippet(self, actor: Actor, form: dict):
        try:
            await db.acall(
                messaging.save_snippet,
                actor,
                str(form.get("title", "")),
                str(form.get("body", "")),
                ticked(form, "bring"),
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.error, self.notice = "", "Quick reply saved."
        await self._load_snippets(actor)

    @guarded(CLINICIANS)
    async def delete_snippet(self, actor: Actor, snippet_id: str):
        try:
            await db.acall(messaging.delete_snippet, actor, as_id(snippet_id))
        except DomainError:
            self.error = "That quick reply is not yours."
            return
        await self._load_snippets(actor)

    @guarded(CLINICIANS)
    async def done(self, actor: Actor):
        if self.head is None:
            self.error = "Open a conversation first."
            return
        try:
            await db.acall(messaging.mark_done, actor, self.head.id)
        except DomainError:
            self.error = "Open a conversation first."
            return
        self.notice = "Marked as done."
        self.head, self.messages = None, []
        await self._refresh(actor)
