"""Portal messages between a client and their therapist, on the therapist's terms.

A client's message gets the reply expectation from the charter, an automatic note when it comes
out of hours (at most once in 12 hours), and — when it holds risk phrases — a flag that puts the
thread first in the therapist's inbox. Only the client's own therapist reads the thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, and_, col, func, or_, select

from practipal_app.boundaries import charter
from practipal_app.boundaries import reply_rules as boundaries
from practipal_app.config import get_settings
from practipal_app.core import audit
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.timefmt import date_label, local
from practipal_app.models import (
    Appointment,
    AppointmentStatus,
    ClientProfile,
    Message,
    MessageThread,
    OutboxEmail,
    Role,
    Snippet,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email
from practipal_app.scheduling import rules as scheduling

MAX_LENGTH = 2000
TOPICS = {
    "scheduling": "Scheduling",
    "tech": "Tech problem",
    "homework": "Question about homework or resources",
    "other": "Something else",
}
AUTO_NOTE_EVERY = timedelta(hours=12)
THREAD_PAGE = 30  # messages a thread shows at first and adds with each "Load older"
INBOX_PAGE = 30  # conversations on one page of the inbox
DEFAULT_SNIPPETS = (
    ("Bring to our session", "Let's bring this to our next session.", True),
    (
        "Seen, will reply",
        "Thank you — I have seen this and will reply at my next check time.",
        False,
    ),
    (
        "Scheduling in the portal",
        "You can move or cancel a session yourself under Sessions in the portal.",
        False,
    ),
)


@dataclass(frozen=True)
class PostResult:
    risk: bool
    expectation: str
    auto_note: bool


@dataclass(frozen=True)
class Conversation:
    """One page of a thread's messages, oldest first, and the zone their times are shown in."""

    messages: list[Message]
    timezone: str
    has_older: bool = False  # the thread has messages before the first one here
    unread: int = 0  # messages the reader has not seen yet (opening the page marks them read)


@dataclass(frozen=True)
class InboxEntry:
    thread: MessageThread
    client_name: str


@dataclass(frozen=True)
class Inbox:
    """The therapist's threads in the order the inbox shows them, as of `now`."""

    entries: list[InboxEntry]
    timezone: str
    now: datetime
    page: int = 1
    pages: int = 1


@dataclass(frozen=True)
class OpenThread:
    """One thread as its therapist reads it."""

    thread: MessageThread
    client_name: str
    conversation: Conversation


# Threads and who may see them -------------------------------------------------------------------


def _client_thread(session: Session, actor: Actor) -> MessageThread:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    thread = session.exec(
        select(MessageThread).where(MessageThread.client_id == actor.user_id)
    ).first()
    profile = session.get(ClientProfile, actor.user_id)
    if thread is None:
        thread = MessageThread(
            practice_id=profile.practice_id,
            client_id=actor.user_id,
            therapist_id=profile.therapist_id,
        )
        session.add(thread)
        session.flush()
    elif thread.therapist_id != profile.therapist_id:  # the client has moved to another therapist
        thread.therapist_id = profile.therapist_id
        session.add(thread)
    return thread


def _find_client_thread(session: Session, actor: Actor) -> MessageThread | None:
    """The client's thread if they have one; reads only (the thread is made by the first post)."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    return session.exec(
        select(MessageThread).where(MessageThread.client_id == actor.user_id)
    ).first()


def _readable_thread(session: Session, actor: Actor, thread_id: int) -> MessageThread:
    """`_therapist_thread` for reading: the same check, but the thread row is left as it is."""
    thread = session.get(MessageThread, thread_id)
    profile = session.get(ClientProfile, thread.client_id) if thread is not None else None
    if profile is None or not actor.is_clinician or profile.therapist_id != actor.user_id:
        raise NotFound("No such conversation.")
    return thread


def _therapist_thread(session: Session, actor: Actor, thread_id: int) -> MessageThread:
    """Only the client's own therapist reads or answers a thread; anyone else gets NotFound.
    "Own" is the client's profile as it is now, so a thread follows a client to a new therapist."""
    thread = session.get(MessageThread, thread_id)
    profile = session.get(ClientProfile, thread.client_id) if thread is not None else None
    if profile is None or not actor.is_clinician or profile.therapist_id != actor.user_id:
        raise NotFound("No such conversation.")
    if thread.therapist_id != profile.therapist_id:
        thread.therapist_id = profile.therapist_id
        session.add(thread)
    return thread


def _context(session: Session, therapist_id: int, practice_id: int, now: datetime):
    view = charter.current_for_therapist(session, therapist_id)
    tz = scheduling.practice_timezone(session, practice_id)
    leave = [
        (t.starts_at, t.ends_at)
        for t in scheduling.time_off(
            session, therapist_id, now - timedelta(days=1), now + timedelta(days=120)
        )
    ]
    return view, tz, leave


def expectation(session: Session, actor: Actor, now: datetime | None = None) -> str:
    """What the composer says about when a reply will come, for this client, right now. Reads
    only: the client's therapist is their profile's, whether or not they have written yet."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    now = now or utcnow()
    profile = session.get(ClientProfile, actor.user_id)
    view, tz, leave = _context(session, profile.therapist_id, profile.practice_id, now)
    client_tz = profile.timezone
    reply_by = boundaries.expected_reply(view.settings, tz, now, leave)
    return boundaries.describe_expected(view.settings, tz, reply_by, client_tz)


# Client side -------------------------------------------------------------------------------------


def _validate(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise InvalidInput({"body": "Write a message first."})
    if len(text) > MAX_LENGTH:
        raise InvalidInput(
            {"body": f"Keep it under {MAX_LENGTH:,} characters ({len(text):,} now)."}
        )
    return text


def next_appointment(session: Session, client_id: int, now: datetime) -> Appointment | None:
    return session.exec(
        select(Appointment)
        .where(
            Appointment.client_id == client_id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
    ).first()


def _add_to_agenda(session: Session, client_id: int, text: str, now: datetime) -> bool:
    appt = next_appointment(session, client_id, now)
    if appt is None:
        return False
    line = f"From messages: {text[:200]}"
    appt.agenda = f"{appt.agenda}\n{line}".strip()[:2000]
    session.add(appt)
    return True


def post_client_message(
    session: Session,
    actor: Actor,
    topic: str,
    body: str,
    *,
    bring_to_session: bool = False,
    now: datetime | None = None,
) -> PostResult:
    now = now or utcnow()
    text = _validate(body)
    if topic not in TOPICS:
        raise InvalidInput({"topic": "Choose what the message is about."})
    thread = _client_thread(session, actor)
    view, tz, leave = _context(session, thread.therapist_id, thread.practice_id, now)
    hours = scheduling.weekly_hours(session, thread.therapist_id)
    on_leave = any(start <= now < end for start, end in leave)
    late = on_leave or boundaries.after_hours(view.settings, tz, now, hours)
    risk = boundaries.mentions_risk(text)
    session.add(
        Message(
            thread_id=thread.id,
            sender_id=actor.user_id,
            kind="client",
            topic=topic,
            body=text,
            bring_to_session=bring_to_session,
            risk=risk,
            after_hours=late,
            created_at=now,
        )
    )
    thread.unread_for_therapist += 1
    thread.last_message_at = now
    reply_by = boundaries.expected_reply(view.settings, tz, now, leave)
    client_tz = session.get(ClientProfile, actor.user_id).timezone
    said = boundaries.describe_expected(view.settings, tz, reply_by, client_tz)
    on_agenda = bring_to_session and _add_to_agenda(session, actor.user_id, text, now)
    if not on_agenda and thread.awaiting_reply_since is None:  # on the agenda needs no reply
        thread.awaiting_reply_since, thread.reply_due_at = now, reply_by
    if risk:
        thread.flagged_at = thread.flagged_at or now
    auto_note = late and (
        thread.last_auto_note_at is None or now - thread.last_auto_note_at >= AUTO_NOTE_EVERY
    )
    if auto_note:
        session.add(
            Message(
                thread_id=thread.id,
                kind="note",
                body=(f"This message arrived outside working hours. {said}\n\n{view.statement}"),
                created_at=now,
            )
        )
        thread.last_auto_note_at = now
        thread.unread_for_client += 1
    session.add(thread)
    audit.record(
        session,
        "message.sent",
        practice_id=thread.practice_id,
        actor_id=actor.user_id,
        subject_type="thread",
        subject_id=thread.id,
        risk=risk,
    )
    return PostResult(risk=risk, expectation=said, auto_note=auto_note)


def client_thread(session: Session, actor: Actor, before: int = 0) -> Conversation:
    """The client's conversation: the newest THREAD_PAGE messages, or with `before` (a message id
    of theirs) the page just older than it; oldest first. Reads only: see `mark_read_by_client`."""
    thread = _find_client_thread(session, actor)
    tz = session.get(ClientProfile, actor.user_id).timezone
    if thread is None:
        return Conversation([], tz)
    messages, has_older = _page_before(session, thread.id, before)
    return Conversation(messages, tz, has_older, thread.unread_for_client)


def client_messages_after(session: Session, actor: Actor, after: int) -> Conversation:
    """The client's messages newer than message `after` (0: from the start), oldest first: what a
    page that already shows up to `after` appends. Reads only."""
    thread = _find_client_thread(session, actor)
    tz = session.get(ClientProfile, actor.user_id).timezone
    if thread is None:
        return Conversation([], tz)
    return Conversation(_after(session, thread.id, after), tz, unread=thread.unread_for_client)


def mark_read_by_client(session: Session, actor: Actor) -> None:
    thread = _find_client_thread(session, actor)
    if thread is not None and thread.unread_for_client:
        thread.unread_for_client = 0
        session.add(thread)


def _page_before(session: Session, thread_id: int, before: int) -> tuple[list[Message], bool]:
    """Keyset paging, newest first in SQL: the THREAD_PAGE messages older than message `before`
    (the newest ones when 0), oldest first, and whether there are more before them. A `before`
    that is not a message of this thread gives an empty page."""
    size = THREAD_PAGE
    query = select(Message).where(Message.thread_id == thread_id)
    if before:
        cursor = session.exec(
            select(Message.created_at).where(Message.id == before, Message.thread_id == thread_id)
        ).first()
        if cursor is None:
            return [], False
        query = query.where(
            or_(
                col(Message.created_at) < cursor,
                and_(col(Message.created_at) == cursor, col(Message.id) < before),
            )
        )
    rows = session.exec(
        query.order_by(col(Message.created_at).desc(), col(Message.id).desc()).limit(size + 1)
    ).all()
    return list(reversed(rows[:size])), len(rows) > size


def _after(session: Session, thread_id: int, after: int) -> list[Message]:
    # Ids only grow, so "newer than what the page shows" is an id comparison. At most a page:
    # a caller that gets a full one reloads the thread instead of appending.
    return list(
        session.exec(
            select(Message)
            .where(Message.thread_id == thread_id, col(Message.id) > after)
            .order_by(col(Message.created_at), col(Message.id))
            .limit(THREAD_PAGE)
        ).all()
    )


# Therapist side ----------------------------------------------------------------------------------


def inbox(session: Session, actor: Actor, now: datetime | None = None, page: int = 1) -> Inbox:
    """One page of the therapist's threads: flagged first, then those waiting (soonest due), then
    the rest. A page past the last gives the last. Reads only."""
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists have an inbox.")
    now = now or utcnow()
    tz = scheduling.practice_timezone(session, actor.practice_id)
    mine = (
        col(ClientProfile.therapist_id) == actor.user_id,
        col(MessageThread.last_message_at).is_not(None),
    )
    total = session.exec(
        select(func.count())
        .select_from(MessageThread)
        .join(ClientProfile, col(ClientProfile.user_id) == MessageThread.client_id)
        .where(*mine)
    ).one()
    pages = max(1, -(-total // INBOX_PAGE))
    page = min(max(1, page), pages)
    rows = session.exec(
        select(MessageThread, User.name)
        .join(User, User.id == MessageThread.client_id)
        .join(ClientProfile, col(ClientProfile.user_id) == MessageThread.client_id)
        .where(*mine)
        # Ranked in SQL, so a flagged or waiting thread is never cut off by a page of newer ones.
        .order_by(
            col(MessageThread.flagged_at).is_(None),
            col(MessageThread.reply_due_at).is_(None),
            col(MessageThread.reply_due_at),
            col(MessageThread.last_message_at).desc(),
            col(MessageThread.id).desc(),
        )
        .offset((page - 1) * INBOX_PAGE)
        .limit(INBOX_PAGE)
    ).all()
    entries = [InboxEntry(thread, name) for thread, name in rows]
    return Inbox(entries, tz, now, page, pages)


def waiting_count(session: Session, therapist_id: int, since_before: datetime | None = None) -> int:
    """Threads waiting for the therapist's reply (only those waiting since before `since_before`, if
    given)."""
    query = (
        select(func.count())
        .select_from(MessageThread)
        .join(ClientProfile, col(ClientProfile.user_id) == MessageThread.client_id)
        .where(
            ClientProfile.therapist_id == therapist_id,
            col(MessageThread.awaiting_reply_since).is_not(None),
        )
    )
    if since_before is not None:
        query = query.where(MessageThread.awaiting_reply_since < since_before)
    return session.exec(query).one()


def therapist_thread(session: Session, actor: Actor, thread_id: int, before: int = 0) -> OpenThread:
    """The thread for its therapist: its newest page, or the page older than message `before`;
    NotFound for anyone else. Reads only: see `mark_read_by_therapist`."""
    thread = _readable_thread(session, actor, thread_id)
    tz = scheduling.practice_timezone(session, actor.practice_id)
    client = session.get(User, thread.client_id)
    messages, has_older = _page_before(session, thread.id, before)
    conversation = Conversation(messages, tz, has_older, thread.unread_for_therapist)
    return OpenThread(thread, client.name, conversation)


def therapist_messages_after(
    session: Session, actor: Actor, thread_id: int, after: int
) -> OpenThread:
    """The thread with only its messages newer than message `after`. Reads only."""
    thread = _readable_thread(session, actor, thread_id)
    tz = scheduling.practice_timezone(session, actor.practice_id)
    client = session.get(User, thread.client_id)
    conversation = Conversation(
        _after(session, thread.id, after), tz, False, thread.unread_for_therapist
    )
    return OpenThread(thread, client.name, conversation)


def mark_read_by_therapist(session: Session, actor: Actor, thread_id: int) -> None:
    thread = _therapist_thread(session, actor, thread_id)
    if thread.unread_for_therapist:
        thread.unread_for_therapist = 0
        session.add(thread)


def reply(
    session: Session,
    actor: Actor,
    thread_id: int,
    body: str,
    *,
    bring_to_session: bool = False,
    now: datetime | None = None,
) -> None:
    """The therapist answers. The client gets at most one 'you have a reply' email a day, no
    text."""
    now = now or utcnow()
    thread = _therapist_thread(session, actor, thread_id)
    text = _validate(body)
    last_client = session.exec(
        select(Message)
        .where(Message.thread_id == thread.id, Message.kind == "client")
        .order_by(col(Message.created_at).desc())
    ).first()
    if bring_to_session and last_client is not None:
        _add_to_agenda(session, thread.client_id, last_client.body, now)
    session.add(
        Message(
            thread_id=thread.id,
            sender_id=actor.user_id,
            kind="therapist",
            body=text,
            created_at=now,
            bring_to_session=bring_to_session,
        )
    )
    thread.unread_for_client += 1
    thread.last_message_at = now
    thread.awaiting_reply_since = thread.reply_due_at = thread.flagged_at = None
    session.add(thread)
    client = session.get(User, thread.client_id)
    tz = scheduling.practice_timezone(session, thread.practice_id)
    day = date_label(local(now, tz).date())
    key = f"reply:{thread.id}:{day}"
    if (
        session.exec(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.idempotency_key == key)
        ).one()
        == 0
    ):
        base = get_settings().base_url
        outbox.enqueue(
            session,
            practice_id=thread.practice_id,
            kind="reply_notice",
            to=client.email,
            key=key,
            email=Email(
                "You have a reply in your portal",
                f"Hello {client.name},\n\nYou have a reply from {actor.name} in your portal:\n"
                f"{base}/portal/messages\n\nFor your privacy, messages are never sent by email.\n",
            ),
        )
    audit.record(
        session,
        "message.replied",
        practice_id=thread.practice_id,
        actor_id=actor.user_id,
        subject_type="thread",
        subject_id=thread.id,
    )


def mark_done(session: Session, actor: Actor, thread_id: int) -> None:
    """Nothing more to answer (e.g. handled in session): the thread stops waiting."""
    thread = _therapist_thread(session, actor, thread_id)
    thread.awaiting_reply_since = thread.reply_due_at = thread.flagged_at = None
    thread.unread_for_therapist = 0
    session.add(thread)


# Snippets ----------------------------------------------------------------------------------------


def saved_snippets(session: Session, actor: Actor) -> list[Snippet]:
    """The therapist's quick replies as saved; reads only (empty before the first `snippets`)."""
    if not actor.is_clinician:
        raise PermissionDenied()
    return list(
        session.exec(
            select(Snippet).where(Snippet.therapist_id == actor.user_id).order_by(Snippet.id)
        ).all()
    )


def snippets(session: Session, actor: Actor) -> list[Snippet]:
    """The therapist's quick replies, saving the default ones the first time."""
    rows = saved_snippets(session, actor)
    if not rows:
        rows = [
            Snippet(therapist_id=actor.user_id, title=t, body=b, bring_to_session=bring)
            for t, b, bring in DEFAULT_SNIPPETS
        ]
        session.add_all(rows)
        session.flush()
    return list(rows)


def snippet(session: Session, actor: Actor, snippet_id: int) -> Snippet:
    """One of the therapist's own quick replies; NotFound for anyone else's."""
    row = session.get(Snippet, snippet_id)
    if row is None or row.therapist_id != actor.user_id:
        raise NotFound("No such quick reply.")
    return row


def save_snippet(
    session: Session, actor: Actor, title: str, body: str, bring_to_session: bool = False
) -> int:
    if not actor.is_clinician:
        raise PermissionDenied()
    if not title.strip() or not body.strip():
        raise InvalidInput({"snippet": "A quick reply needs a title and its text."})
    row = Snippet(
        therapist_id=actor.user_id,
        title=title.strip()[:80],
        body=body.strip()[:2000],
        bring_to_session=bring_to_session,
    )
    session.add(row)
    session.flush()
    return row.id


def delete_snippet(session: Session, actor: Actor, snippet_id: int) -> None:
    session.delete(snippet(session, actor, snippet_id))
