"""Portal messages for clients; the batched inbox for therapists."""

from __future__ import annotations

from dataclasses import replace

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
from practipal_app.messaging.threads import Conversation
from practipal_app.messaging.views import MessageRow, SnippetRow, ThreadHead, ThreadRow
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.scheduling import views as schedule_views
from practipal_app.scheduling.views import PortalSession
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS, CLINICIANS, as_id, ticked


def _newest_id(*pages: list[MessageRow]) -> int:
    """The id of the last message shown: the last one of the last page that has any."""
    return next((page[-1].id for page in reversed(pages) if page), 0)


class PortalMessagesState(rx.State):
    # What the page showed when it opened, with the older pages loaded since in front of it. A send
    # leaves it alone: Reflex sends a changed list whole, so new messages go to `sent`.
    messages: list[MessageRow] = []
    # Messages that came after the page opened: the client's own, the automatic note, a reply.
    sent: list[MessageRow] = []
    has_older: bool = False
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

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.error, self.notice, self.risk_sent = "", "", False
        contacts, upcoming, conversation, self.expectation = await db.aread_each(
            (portal.own_crisis_contacts, actor),
            (portal_schedule.next_session, actor),
            (messaging.client_thread, actor),
            (messaging.expectation, actor),
        )
        self.own_contacts = boundary_views.crisis_contacts(contacts)
        self.next_session = schedule_views.next_session(upcoming)
        self._show(conversation)
        if conversation.unread:
            await db.acall(messaging.mark_read_by_client, actor)
        self.loaded = True

    def _show(self, conversation: Conversation) -> None:
        self.messages, self.sent = views.message_rows(conversation), []
        self.has_older = conversation.has_older

    @guarded(CLIENTS)
    async def load_older(self, actor: Actor):
        """The page of messages before the oldest one shown."""
        if not self.messages:
            return
        older = await db.aread(messaging.client_thread, actor, self.messages[0].id)
        self.messages = views.message_rows(older) + list(self.messages)
        self.has_older = older.has_older

    async def _append_new(self, actor: Actor) -> None:
        after = _newest_id(self.messages, self.sent)
        new = await db.aread(messaging.client_messages_after, actor, after)
        if len(new.messages) >= messaging.THREAD_PAGE:  # away long enough: start afresh
            self._show(await db.aread(messaging.client_thread, actor))
        elif new.messages:
            self.sent = [*self.sent, *views.message_rows(new)]
        if new.unread:
            await db.acall(messaging.mark_read_by_client, actor)

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
        if result.expectation != self.expectation:
            self.expectation = result.expectation
        await self._append_new(actor)


class InboxState(rx.State):
    threads: list[ThreadRow] = []
    page: int = 1
    pages: int = 1
    # Threads answered or marked done since this page of the inbox was read: their rows stop
    # showing as waiting without the whole list being read and sent again.
    settled: list[int] = []
    head: ThreadHead | None = None
    # As on the portal page: the open thread as read, older pages in front; replies go to `sent`.
    messages: list[MessageRow] = []
    sent: list[MessageRow] = []
    has_older: bool = False
    snippets: list[SnippetRow] = []
    draft: str = ""
    bring: bool = False
    error: str = ""
    notice: str = ""
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        found = await db.aread(messaging.inbox, actor, page=self.page)
        self.threads, self.settled = views.thread_rows(found), []
        self.page, self.pages = found.page, found.pages

    async def _open(self, actor: Actor, thread_id: int) -> None:
        found = await db.aread(messaging.therapist_thread, actor, thread_id)
        self.head, self.messages = views.thread_head(found), views.message_rows(found.conversation)
        self.sent, self.has_older = [], found.conversation.has_older
        if found.conversation.unread:
            await db.acall(messaging.mark_read_by_therapist, actor, thread_id)
            self.threads = [replace(t, unread=0) if t.id == thread_id else t for t in self.threads]

    async def _load_snippets(self, actor: Actor) -> None:
        rows = await db.aread(messaging.saved_snippets, actor)
        if not rows:  # the first time: the default quick replies are saved
            rows = await db.acall(messaging.snippets, actor)
        self.snippets = views.snippet_rows(rows)

    @guarded(CLINICIANS)
    async def load(self, actor: Actor):
        self.error, self.notice, self.page = "", "", 1
        await self._load_snippets(actor)
        await self._refresh(actor)
        self.loaded = True

    @guarded(CLINICIANS)
    async def go_to_page(self, actor: Actor, page: int):
        """Another page of the inbox (clamped to the pages there are)."""
        try:
            self.page = as_id(page)
        except DomainError:
            return
        await self._refresh(actor)

    @guarded(CLINICIANS)
    async def open(self, actor: Actor, thread_id: str):
        try:
            await self._open(actor, as_id(thread_id))
        except DomainError:
            self.head, self.messages, self.sent = None, [], []
            self.error = "That conversation is not yours."
            return
        self.draft, self.bring, self.error, self.notice = "", False, "", ""

    @guarded(CLINICIANS)
    async def load_older(self, actor: Actor):
        """The page of the open thread's messages before the oldest one shown."""
        if self.head is None or not self.messages:
            return
        try:
            found = await db.aread(
                messaging.therapist_thread, actor, self.head.id, self.messages[0].id
            )
        except DomainError:
            self.error = "That conversation is not yours."
            return
        self.messages = views.message_rows(found.conversation) + list(self.messages)
        self.has_older = found.conversation.has_older

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
        thread_id = self.head.id
        try:
            await db.acall(
                messaging.reply, actor, thread_id, self.draft, bring_to_session=self.bring
            )
            await self._append_new(actor, thread_id)
        except DomainError as exc:
            self.error = exc.message
            return
        self.draft, self.bring = "", False
        if self.error:
            self.error = ""
        self.notice = (
            "Sent. The client is told by email that a reply is waiting (no text in the email)."
        )
        if thread_id not in self.settled:
            self.settled = [*self.settled, thread_id]

    async def _append_new(self, actor: Actor, thread_id: int) -> None:
        after = _newest_id(self.messages, self.sent)
        found = await db.aread(messaging.therapist_messages_after, actor, thread_id, after)
        head = views.thread_head(found)
        if head != self.head:
            self.head = head
        if len(found.conversation.messages) >= messaging.THREAD_PAGE:  # start afresh
            await self._open(actor, thread_id)
        elif found.conversation.messages:
            self.sent = [*self.sent, *views.message_rows(found.conversation)]
        if found.conversation.unread:  # the client wrote again meanwhile: shown now, so read
            await db.acall(messaging.mark_read_by_therapist, actor, thread_id)

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
        self.head, self.messages, self.sent = None, [], []
        await self._refresh(actor)
