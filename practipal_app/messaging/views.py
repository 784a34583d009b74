"""What the inbox, the portal's Messages page and a client's 'Outside the portal' card show,
shaped from the messaging services' data into typed rows. Pure: no database, no reflex."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from practipal_app.config import MEGABYTE
from practipal_app.core.timefmt import format_local
from practipal_app.messaging import contact_log
from practipal_app.messaging.contact_log import (
    CHANNEL_IMPORT,
    LOG_CHANNELS,
    ChatMatch,
    ImportResult,
)
from practipal_app.messaging.threads import TOPICS, Conversation, Inbox, OpenThread
from practipal_app.models import Snippet


@dataclass(frozen=True)
class MessageRow:
    id: int
    kind: str  # "client", "therapist" or "note" (the automatic out-of-hours note)
    topic: str  # the topic's label; "" when none
    body: str
    when: str  # "2 Mar 2026, 11:00 am"
    risk: bool
    bring: bool  # the client asked to bring it to the next session


@dataclass(frozen=True)
class ThreadRow:
    """One conversation in the therapist's inbox."""

    id: int
    client: str
    client_id: int
    unread: int
    flagged: bool
    due: str  # when a reply is due; "" when nothing waits
    overdue: bool
    last: str


@dataclass(frozen=True)
class ThreadHead:
    """The open conversation's heading in the inbox."""

    id: int
    client: str
    client_id: int
    flagged: bool
    due: str


@dataclass(frozen=True)
class SnippetRow:
    id: int
    title: str
    body: str
    bring: bool


@dataclass(frozen=True)
class ContactVolume:
    """The counts on a client's 'Outside the portal' card."""

    imported: int
    whatsapp: int
    phone: int
    after_hours: int
    total: int


@dataclass(frozen=True)
class StagedChat:
    """A chat read for a bulk import, waiting for the therapist to check its match."""

    name: str
    senders: list[str]
    client_id: int  # the guessed client; 0 when no sender has a client's name
    me: str


def message_rows(conversation: Conversation) -> list[MessageRow]:
    return [
        MessageRow(
            id=m.id,
            kind=m.kind,
            topic=TOPICS.get(m.topic, ""),
            body=m.body,
            when=format_local(m.created_at, conversation.timezone),
            risk=bool(m.risk),
            bring=bool(m.bring_to_session),
        )
        for m in conversation.messages
    ]


def thread_rows(inbox: Inbox) -> list[ThreadRow]:
    tz, now = inbox.timezone, inbox.now
    return [
        ThreadRow(
            id=e.thread.id,
            client=e.client_name,
            client_id=e.thread.client_id,
            unread=e.thread.unread_for_therapist,
            flagged=e.thread.flagged_at is not None,
            due=format_local(e.thread.reply_due_at, tz),
            overdue=e.thread.reply_due_at is not None and e.thread.reply_due_at < now,
            last=format_local(e.thread.last_message_at, tz),
        )
        for e in inbox.entries
    ]


def thread_head(found: OpenThread) -> ThreadHead:
    thread = found.thread
    return ThreadHead(
        id=thread.id,
        client=found.client_name,
        client_id=thread.client_id,
        flagged=thread.flagged_at is not None,
        due=format_local(thread.reply_due_at, found.conversation.timezone),
    )


def snippet_rows(snippets: Iterable[Snippet]) -> list[SnippetRow]:
    return [
        SnippetRow(id=s.id, title=s.title, body=s.body, bring=bool(s.bring_to_session))
        for s in snippets
    ]


def contact_volume(volume: dict) -> ContactVolume:
    """From `contact_log.volume_for_client`."""
    by = volume["by_channel"]
    return ContactVolume(
        imported=by.get(CHANNEL_IMPORT, 0),
        whatsapp=by.get("whatsapp_logged", 0),
        phone=by.get("phone_logged", 0),
        after_hours=volume["after_hours"],
        total=volume["total"],
    )


def logged_notice(channel: str, topic: str) -> str:
    """'Logged: Phone call · Scheduling.'"""
    return f"Logged: {LOG_CHANNELS.get(channel, channel)} · {topic}."


def imported_notice(result: ImportResult) -> str:
    """'Imported 3 messages (2 were already imported). No message text was kept.'"""
    skipped = f" ({result.skipped:,} were already imported)" if result.skipped else ""
    return f"Imported {result.added:,} messages{skipped}. No message text was kept."


def bulk_imported_notice(results: list[ImportResult]) -> str:
    added = sum(r.added for r in results)
    return f"Imported {added:,} messages from {len(results)} chats. No message text was kept."


def staged_chat(match: ChatMatch) -> StagedChat:
    return StagedChat(
        name=match.filename,
        senders=list(match.senders),
        client_id=match.client_id or 0,
        me=match.therapist_sender,
    )


def refused_files(rejections: object, limit_bytes: int, *, one_of_many: bool = False) -> str:
    """What to say when the browser refuses chosen exports before uploading them (too large, not a
    .txt or .zip, too many), from the codes react-dropzone reports."""
    items = rejections if isinstance(rejections, list) else []
    codes = {
        str(error.get("code", ""))
        for item in items
        if isinstance(item, dict)
        for error in item.get("errors") or []
        if isinstance(error, dict)
    }
    if "too-many-files" in codes:
        return f"Choose at most {contact_log.BULK_MAX_FILES} chats at a time."
    if "file-too-large" in codes:
        which = "A chat is" if one_of_many else "That file is"
        return (
            f"{which} larger than {limit_bytes / MEGABYTE:g} MB. Export the chat without media and "
            "try again."
        )
    return "Choose the exported chat: a .txt or .zip file from WhatsApp's Export chat."
