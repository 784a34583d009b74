"""Portal messages on a real database: who may read which thread, the out-of-hours note, the risk
flag, reply promises, bring-to-session, the client's reply notice and the therapist's check-time
digest delivered to a real SMTP server.

Asha (the owner) and Vikram are both therapists; each client belongs to one of them. The practice
is in Kolkata; both keep the default charter (Mon–Fri, messages checked around 6 pm, a reply within
one working day) and the default hours (Mon–Fri 10:00–18:00). March 2026: Monday is the 2nd.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from mailserver import smtp_settings
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils import format
from scheduling_helpers import T0, actor, appointment, ist, outbox_keys
from sqlalchemy import event as sa_event
from sqlmodel import select
from tabs import open_page

from practipal_app import db, worker
from practipal_app.boundaries import charter
from practipal_app.boundaries.charter import CharterSettings
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.messaging import digest as message_digest
from practipal_app.messaging import threads as messaging
from practipal_app.messaging import views
from practipal_app.models import Message, MessageThread, Role
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling

MON_11 = ist(3, 2, 11)
DUE_MON = "2 Mar 2026, 6:00 pm"


# Helpers ------------------------------------------------------------------------------------------


def post(
    client_id: int,
    body: str = "Could you share the grounding exercise again?",
    at=MON_11,
    topic: str = "other",
    bring: bool = False,
) -> messaging.PostResult:
    return db.call(
        messaging.post_client_message, actor(client_id), topic, body, bring_to_session=bring, now=at
    )


def reply(
    who,
    client_id: int,
    body: str = "Thank you for writing. Let's look at it together.",
    at=MON_11,
    bring: bool = False,
) -> None:
    db.call(messaging.reply, who, thread_of(client_id), body, bring_to_session=bring, now=at)


def inbox(who, now=MON_11) -> list[views.ThreadRow]:
    """What the therapist's inbox shows."""
    return views.thread_rows(db.call(messaging.inbox, who, now=now))


def conversation(client_id: int) -> list[views.MessageRow]:
    """What the client's Messages page shows (its newest page), reading it as the page does."""
    client = actor(client_id)
    found = db.read(messaging.client_thread, client)
    db.call(messaging.mark_read_by_client, client)
    return views.message_rows(found)


def opened(who, thread_id: int) -> tuple[views.ThreadHead, list[views.MessageRow]]:
    """What the inbox shows of a conversation its therapist opens; opening it reads it."""
    found = db.read(messaging.therapist_thread, who, thread_id)
    db.call(messaging.mark_read_by_therapist, who, thread_id)
    return views.thread_head(found), views.message_rows(found.conversation)


def snippets(who) -> list[views.SnippetRow]:
    return views.snippet_rows(db.call(messaging.snippets, who))


def kinds(client_id: int) -> list[str]:
    return [m.kind for m in conversation(client_id)]


def thread_of(client_id: int) -> int:
    return db.call(
        lambda s: s.exec(select(MessageThread.id).where(MessageThread.client_id == client_id)).one()
    )


def waiting(therapist_id: int) -> int:
    return db.call(messaging.waiting_count, therapist_id)


@pytest.fixture
def meera(owner_actor, add_client) -> int:
    return add_client(owner_actor, "Meera Iyer", "meera@example.com")


@pytest.fixture
def kabir(therapist_actor, add_client) -> int:
    """Vikram's client, not Asha's."""
    return add_client(therapist_actor, "Kabir Das", "kabir@example.com")


# Who may read a thread ----------------------------------------------------------------------------


def test_each_client_only_ever_gets_their_own_thread(owner_actor, riya, meera):
    post(riya, "Riya: the worksheet link does not open")
    post(meera, "Meera: can we talk about sleep?", at=MON_11 + timedelta(minutes=5))

    assert [m.body for m in conversation(riya)] == ["Riya: the worksheet link does not open"]
    assert [m.body for m in conversation(meera)] == ["Meera: can we talk about sleep?"]
    assert thread_of(riya) != thread_of(meera)

    # The client side takes no thread, client or therapist id: the thread is always the signed-in
    # client's own, so there is nothing to point at someone else's.
    for service in (messaging.post_client_message, messaging.client_thread, messaging.expectation):
        assert not set(inspect.signature(service).parameters) & {
            "thread_id",
            "client_id",
            "therapist_id",
            "user_id",
        }, service.__name__

    # Riya trying the therapist side with Meera's thread id learns nothing and changes nothing.
    meeras = thread_of(meera)
    with pytest.raises(NotFound):
        db.call(messaging.therapist_thread, actor(riya), meeras)
    with pytest.raises(NotFound):
        db.call(messaging.reply, actor(riya), meeras, "I can read your messages", now=MON_11)
    with pytest.raises(NotFound):
        db.call(messaging.mark_done, actor(riya), meeras)
    with pytest.raises(PermissionDenied):
        db.call(messaging.inbox, actor(riya))
    assert [m.body for m in conversation(meera)] == ["Meera: can we talk about sleep?"]
    assert [(t.client, t.unread, t.due) for t in inbox(owner_actor)] == [
        ("Meera Iyer", 1, DUE_MON),
        ("Riya Sharma", 1, DUE_MON),
    ]


def test_staff_cannot_post_or_read_as_a_client(owner_actor, therapist_actor, riya):
    for staff in (owner_actor, therapist_actor):
        with pytest.raises(PermissionDenied):
            db.call(
                messaging.post_client_message,
                staff,
                "other",
                "Pretending to be a client",
                now=MON_11,
            )
        with pytest.raises(PermissionDenied):
            db.call(messaging.client_thread, staff)
    assert db.call(lambda s: s.exec(select(MessageThread)).all()) == []


def test_a_therapist_sees_only_their_own_clients_threads(
    owner, owner_actor, therapist_actor, riya, kabir, outbox
):
    post(riya, "Riya's message for Asha")
    post(kabir, "Kabir's message for Vikram")

    assert [t.client for t in inbox(owner_actor)] == ["Riya Sharma"]
    assert [t.client for t in inbox(therapist_actor)] == ["Kabir Das"]

    riyas, kabirs = thread_of(riya), thread_of(kabir)
    attempts = [
        (messaging.therapist_thread, ()),
        (messaging.reply, ("Hello from someone else's therapist",)),
        (messaging.mark_done, ()),
    ]
    for service, extra in attempts:
        with pytest.raises(NotFound):  # Vikram with Asha's client's thread
            db.call(service, therapist_actor, riyas, *extra)
        with pytest.raises(NotFound):  # the owner is not Kabir's therapist: not hers to read either
            db.call(service, owner_actor, kabirs, *extra)
        with pytest.raises(NotFound):  # no such thread: the same answer
            db.call(service, owner_actor, max(riyas, kabirs) + 100, *extra)

    assistant = db.call(
        practice.add_staff,
        owner.practice_id,
        "Neha Joshi",
        "neha@example.com",
        Role.ASSISTANT,
        "Quiet-River-Lamp-77",
    )
    neha = auth.actor_for(assistant)
    with pytest.raises(PermissionDenied):
        db.call(messaging.inbox, neha)
    with pytest.raises(NotFound):
        db.call(messaging.therapist_thread, neha, riyas)

    # Nothing was read or answered: both still wait, unread, with no reply and no email.
    assert [(t.unread, t.due) for t in inbox(owner_actor)] == [(1, DUE_MON)]
    assert [(t.unread, t.due) for t in inbox(therapist_actor)] == [(1, DUE_MON)]
    assert kinds(riya) == ["client"] and kinds(kabir) == ["client"]
    assert outbox("reply_notice") == []


def test_when_a_client_moves_to_another_therapist_the_thread_moves_with_them(
    owner_actor,
    therapist,
    therapist_actor,
    riya,
):
    post(riya, "A message written while Asha was my therapist")
    db.call(
        clients.update_client,
        owner_actor,
        riya,
        clients.ClientForm(name="Riya Sharma", email="riya@example.com", therapist_id=therapist.id),
    )

    assert inbox(owner_actor) == []
    assert [(t.client, t.due) for t in inbox(therapist_actor)] == [("Riya Sharma", DUE_MON)]
    with pytest.raises(NotFound):
        db.call(messaging.therapist_thread, owner_actor, thread_of(riya))
    assert waiting(owner_actor.user_id) == 0 and waiting(therapist.id) == 1

    reply(therapist_actor, riya, "Hello Riya, I am Vikram; I have read your message.")
    post(riya, "Thank you", at=MON_11 + timedelta(hours=1))
    assert [t.client for t in inbox(therapist_actor)] == ["Riya Sharma"]
    assert inbox(owner_actor) == []


# The composer's promise and the out-of-hours note -------------------------------------------------


def test_the_out_of_hours_note_comes_at_most_once_in_12_hours_per_client(
    riya, meera, owner_actor, add_client
):
    notes = [
        post(riya, f"Message {n}", at=at).auto_note
        for n, at in enumerate([ist(3, 2, 23), ist(3, 2, 23, 30), ist(3, 3, 23, 30)])
    ]

    assert notes == [True, False, True]
    assert kinds(riya) == ["client", "note", "client", "client", "note"]
    first, second = [m.body for m in conversation(riya) if m.kind == "note"]
    assert first.startswith(
        "This message arrived outside working hours. Your therapist checks messages on working "
        "days (Mon–Fri) around 6 pm. You can expect a reply by Tuesday, 6 pm."
    )
    assert "You can expect a reply by Wednesday, 6 pm." in second
    assert (
        "I check portal messages once daily on working days (Mon–Fri, around 6 pm)" in first
    )  # the charter

    # The limit is per client: Meera writing in the same hour gets her own note.
    assert post(meera, at=ist(3, 2, 23, 15)).auto_note
    # A message in working hours gets none.
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    result = post(arjun, at=ist(3, 3, 11))
    assert not result.auto_note and kinds(arjun) == ["client"]
    assert result.expectation.endswith("You can expect a reply by Tuesday, 6 pm.")


def test_twelve_hours_is_the_edge_of_the_note_window(riya):
    assert post(riya, at=ist(3, 6, 23)).auto_note  # Friday night
    assert not post(riya, at=ist(3, 7, 10, 59)).auto_note  # Saturday, 11 h 59 min later
    assert post(riya, at=ist(3, 7, 11)).auto_note  # exactly 12 h later
    saturday = [m.body for m in conversation(riya) if m.kind == "note"][-1]
    assert "You can expect a reply by Monday, 6 pm." in saturday


def test_the_therapists_own_hours_decide_what_is_after_hours(riya):
    # 09:30 is inside the 09:00–19:00 fallback, but before Asha's own 10:00 start.
    assert post(riya, at=ist(3, 3, 9, 30)).auto_note


def test_leave_pushes_the_promise_past_it(owner_actor, riya):
    db.call(scheduling.add_time_off, owner_actor, date(2026, 3, 9), date(2026, 3, 13), "Conference")

    during = post(riya, "Are you away this week?", at=ist(3, 11, 11))  # a Wednesday during leave
    assert during.expectation.endswith("You can expect a reply by Monday, 6 pm.")
    assert during.auto_note  # a day of leave is not a working day: the client is told at once
    assert [t.due for t in inbox(owner_actor, now=ist(3, 11, 12))] == ["16 Mar 2026, 6:00 pm"]
    assert db.call(messaging.expectation, actor(riya), now=ist(3, 12, 9)).endswith(
        "You can expect a reply by Monday, 6 pm."
    )
    assert db.call(messaging.expectation, actor(riya), now=ist(3, 16, 9)).endswith(
        "You can expect a reply by Monday, 6 pm."
    )
    assert db.call(messaging.expectation, actor(riya), now=ist(3, 16, 19)).endswith(
        "You can expect a reply by Tuesday, 6 pm."
    )


def test_a_client_abroad_is_told_the_time_on_their_own_clock(owner_actor, add_client):
    sam = add_client(owner_actor, "Sam Kapoor", "sam@example.com", timezone="America/New_York")
    result = post(sam, at=ist(3, 6, 20))  # Friday 20:00 in Kolkata is 9:30 am in New York

    assert result.expectation == (
        "Your therapist checks messages on working days (Mon–Fri) around "
        "6 pm Kolkata time. You can expect a reply by Monday, 8:30 am New York time."
    )
    assert [t.due for t in inbox(owner_actor, now=ist(3, 6, 21))] == ["9 Mar 2026, 6:00 pm"]


def test_what_cannot_be_sent_is_refused_and_nothing_is_saved(riya, owner_actor):
    for topic, body, field in [
        ("other", "   ", "body"),
        ("other", "x" * 2001, "body"),
        ("gossip", "Hello", "topic"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            post(riya, body, topic=topic)
        assert field in refused.value.errors
    assert conversation(riya) == [] and inbox(owner_actor) == []

    post(riya, "x" * 2000, topic="tech")
    [message] = conversation(riya)
    assert len(message.body) == 2000 and message.topic == "Tech problem"


# Risk, due dates, replies -------------------------------------------------------------------------


def test_a_risk_message_is_flagged_first_until_the_therapist_replies(
    owner_actor, riya, meera, add_client
):
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    post(riya, "Can we talk about my homework?", at=ist(3, 2, 11))  # due Monday 6 pm
    post(arjun, "Thank you for today", at=ist(3, 2, 12))
    db.call(messaging.mark_done, owner_actor, thread_of(arjun))

    result = post(meera, "Main ab jeena nahi chahti", at=ist(3, 3, 11))  # due Tuesday 6 pm
    assert result.risk and not result.auto_note

    # Meera first, though Riya's reply is already overdue and was due sooner.
    rows = inbox(owner_actor, now=ist(3, 3, 11, 5))
    assert [(t.client, t.flagged, t.overdue) for t in rows] == [
        ("Meera Iyer", True, False),
        ("Riya Sharma", False, True),
        ("Arjun Mehta", False, False),
    ]
    # No automatic reply about what she wrote: her message alone, marked for the therapist.
    assert [(m.kind, m.risk) for m in conversation(meera)] == [("client", True)]
    head, _ = opened(owner_actor, thread_of(meera))
    assert head.flagged is True and head.client == "Meera Iyer" and head.client_id == meera

    # A calmer message after it does not lower the flag; only the therapist's reply does.
    post(meera, "Sorry, I'm okay now", at=ist(3, 3, 11, 10))
    assert inbox(owner_actor, now=ist(3, 3, 11, 15))[0].flagged is True
    reply(
        owner_actor, meera, "Thank you for telling me. I will call you at 12.", at=ist(3, 3, 11, 20)
    )

    rows = inbox(owner_actor, now=ist(3, 3, 11, 25))
    assert [(t.client, t.flagged, t.due) for t in rows] == [
        ("Riya Sharma", False, DUE_MON),
        ("Meera Iyer", False, ""),
        ("Arjun Mehta", False, ""),
    ]
    assert waiting(owner_actor.user_id) == 1


def test_flagged_and_waiting_threads_are_not_pushed_off_the_page_by_newer_ones(
    owner_actor, riya, meera, add_client, monkeypatch
):
    monkeypatch.setattr(messaging, "INBOX_PAGE", 2)
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    sam = add_client(owner_actor, "Sam Kapoor", "sam@example.com")
    post(riya, "I want to kill myself", at=ist(3, 2, 11))
    post(meera, "Can we move Thursday?", at=ist(3, 2, 12))
    for n, client in enumerate((arjun, sam)):  # newer, already handled
        post(client, "Thank you for today", at=ist(3, 2, 15 + n))
        db.call(messaging.mark_done, owner_actor, thread_of(client))

    assert [(t.client, t.flagged, t.due) for t in inbox(owner_actor, now=ist(3, 2, 17))] == [
        ("Riya Sharma", True, DUE_MON),
        ("Meera Iyer", False, DUE_MON),
    ]


def test_reply_due_and_overdue(owner_actor, riya):
    post(riya, "Friday night question", at=ist(3, 6, 20))

    [row] = inbox(owner_actor, now=ist(3, 9, 17, 59))
    assert (row.due, row.overdue, row.unread) == ("9 Mar 2026, 6:00 pm", False, 1)
    [row] = inbox(owner_actor, now=ist(3, 9, 18, 1))
    assert row.overdue is True

    # A second message does not move the promise: the oldest unanswered one set it.
    post(riya, "Any news?", at=ist(3, 9, 19))
    [row] = inbox(owner_actor, now=ist(3, 9, 19, 1))
    assert (row.due, row.overdue, row.unread) == ("9 Mar 2026, 6:00 pm", True, 2)

    head, messages = opened(owner_actor, thread_of(riya))
    assert head.due == "9 Mar 2026, 6:00 pm"
    assert [m.body for m in messages if m.kind == "client"] == [
        "Friday night question",
        "Any news?",
    ]
    assert inbox(owner_actor, now=ist(3, 9, 19, 2))[0].unread == 0  # opening it reads it

    reply(owner_actor, riya, at=ist(3, 10, 18))
    [row] = inbox(owner_actor, now=ist(3, 10, 18, 1))
    assert (row.due, row.overdue) == ("", False)
    # The next message starts a new promise from its own time.
    post(riya, "One more thing", at=ist(3, 10, 18, 30))
    assert inbox(owner_actor, now=ist(3, 10, 18, 31))[0].due == "11 Mar 2026, 6:00 pm"


def test_mark_done_stops_the_thread_waiting(owner_actor, riya):
    post(riya, "Can we talk about my homework?")
    db.call(messaging.mark_done, owner_actor, thread_of(riya))
    [row] = inbox(owner_actor, now=ist(3, 3, 19))
    assert (row.due, row.overdue, row.unread, row.flagged) == ("", False, 0, False)
    assert waiting(owner_actor.user_id) == 0


def test_bring_to_session_puts_it_on_the_next_agenda_and_needs_no_reply(
    owner_actor, riya, meera, therapy, base_url
):
    def book(client_id, start):
        return db.call(
            appointments.book,
            owner_actor,
            client_id=client_id,
            session_type_id=therapy,
            starts_at=start,
            confirmed=True,
            now=T0,
        )

    past = book(riya, ist(3, 2, 10, 30))
    wednesday = book(riya, ist(3, 4, 11))
    next_week = book(riya, ist(3, 11, 11))

    post(riya, "I'd like to talk about my sister's wedding", at=ist(3, 2, 12), bring=True)

    assert (
        appointment(wednesday).agenda == "From messages: I'd like to talk about my sister's wedding"
    )
    assert appointment(past).agenda == "" and appointment(next_week).agenda == ""
    [row] = inbox(owner_actor, now=ist(3, 3, 19))
    assert (row.due, row.overdue, row.unread) == ("", False, 1)
    assert waiting(owner_actor.user_id) == 0
    assert [(m.kind, m.bring) for m in conversation(riya)] == [("client", True)]
    assert db.call(message_digest.enqueue_digests, ist(3, 2, 18, 30), base_url) == 0

    # With no session booked, "bring it to the session" has nowhere to go: it waits for a reply.
    post(meera, "Something for our next session", at=ist(3, 2, 12), bring=True)
    assert waiting(owner_actor.user_id) == 1
    assert [t.due for t in inbox(owner_actor) if t.client == "Meera Iyer"] == [DUE_MON]

    # The therapist's "Let's bring this to our next session" puts the client's last message there.
    post(riya, "Exams are stressing me out", at=ist(3, 2, 13))
    assert waiting(owner_actor.user_id) == 2
    reply(owner_actor, riya, "Let's bring this to our next session.", at=ist(3, 2, 18), bring=True)
    assert appointment(wednesday).agenda == (
        "From messages: I'd like to talk about my sister's wedding\n"
        "From messages: Exams are stressing me out"
    )
    assert waiting(owner_actor.user_id) == 1


def test_a_reply_sends_one_notice_a_day_without_any_message_text(owner_actor, riya, meera, outbox):
    said = [
        "My exam results came and I feel anxious",
        "Please call me on my other number 98100 12345",
    ]
    answered = [
        "That sounds like a lot — let's look at it on Wednesday.",
        "I have noted the number.",
    ]
    post(riya, said[0], at=ist(3, 2, 11))
    post(meera, said[1], at=ist(3, 2, 11))

    reply(owner_actor, riya, answered[0], at=ist(3, 2, 18, 5))
    reply(owner_actor, riya, answered[1], at=ist(3, 2, 23, 55))  # the same day in Kolkata
    reply(owner_actor, meera, answered[1], at=ist(3, 2, 18, 10))
    reply(owner_actor, riya, answered[0], at=ist(3, 3, 0, 5))  # the next day

    rows = outbox("reply_notice")
    assert [(r.to_address, r.subject) for r in rows] == [
        ("riya@example.com", "You have a reply in your portal"),
        ("meera@example.com", "You have a reply in your portal"),
        ("riya@example.com", "You have a reply in your portal"),
    ]
    for row in rows:
        assert "/portal/messages" in row.body_text
        for text in said + answered + ["exam", "anxious", "98100"]:
            assert text not in row.body_text and text not in row.subject
    assert kinds(riya) == ["client", "therapist", "therapist", "therapist"]


# Snippets -----------------------------------------------------------------------------------------


def test_quick_replies(owner_actor, therapist_actor, riya):
    defaults = snippets(owner_actor)
    assert [s.title for s in defaults] == [
        "Bring to our session",
        "Seen, will reply",
        "Scheduling in the portal",
    ]
    assert [s.bring for s in defaults] == [True, False, False]
    assert snippets(owner_actor) == defaults  # created once, not again on every visit

    own = db.call(
        messaging.save_snippet, owner_actor, "  Running late  ", "I am running 10 minutes late."
    )
    db.call(messaging.delete_snippet, owner_actor, defaults[2].id)
    assert [(s.id, s.title) for s in snippets(owner_actor)] == [
        (defaults[0].id, "Bring to our session"),
        (defaults[1].id, "Seen, will reply"),
        (own, "Running late"),
    ]

    # Vikram has his own set, and cannot delete Asha's.
    vikrams = snippets(therapist_actor)
    assert len(vikrams) == 3 and not {s.id for s in vikrams} & {s.id for s in defaults}
    with pytest.raises(NotFound):
        db.call(messaging.delete_snippet, therapist_actor, own)
    with pytest.raises(NotFound):
        db.call(messaging.delete_snippet, actor(riya), own)
    with pytest.raises(NotFound):
        db.call(messaging.delete_snippet, owner_actor, vikrams[0].id)
    assert own in {s.id for s in snippets(owner_actor)}
    assert len(snippets(therapist_actor)) == 3

    with pytest.raises(InvalidInput):
        db.call(messaging.save_snippet, owner_actor, "No text", "   ")
    with pytest.raises(PermissionDenied):
        db.call(messaging.snippets, actor(riya))
    with pytest.raises(PermissionDenied):
        db.call(messaging.save_snippet, actor(riya), "Mine", "A client's quick reply")


# The check-time digest ----------------------------------------------------------------------------


@pytest.fixture
def smtp(mail_server, data_dir):
    server = mail_server()
    return server, smtp_settings(server.port, data_dir)


async def _tick(settings, base_url: str, now, name: str = "worker-a") -> tuple[int, int]:
    """One poll of the worker at `now`: queue today's digests, then send what is queued."""
    queued = await asyncio.to_thread(db.call, message_digest.enqueue_digests, now, base_url)
    return queued, await worker.deliver_due(settings, name)


def _digests(server) -> list[tuple[str, str]]:
    return [
        (m["To"], m["Subject"]) for m in server.accepted if "waiting in your inbox" in m["Subject"]
    ]


def _text(message) -> str:
    [part] = [
        p for p in message.walk() if p.get_content_type() == "text/plain" and not p.get_filename()
    ]
    return part.get_payload(decode=True).decode()


async def test_the_check_time_digest_comes_exactly_once_a_day(
    owner_actor, riya, meera, smtp, base_url
):
    server, settings = smtp
    said = ["I've been sleeping badly since the move", "Can you share the breathing exercise?"]
    post(riya, said[0], at=ist(3, 2, 11))
    post(meera, said[1], at=ist(3, 2, 12))
    me = owner_actor.user_id

    assert await _tick(settings, base_url, ist(3, 2, 17, 59)) == (0, 0)
    assert outbox_keys("message_digest") == []

    # At the check time two workers and six other threads race: one row, one email.
    now = ist(3, 2, 18)
    callers = 6
    together = threading.Barrier(callers, timeout=30)

    def enqueue() -> int:
        together.wait()
        return db.call(message_digest.enqueue_digests, now, base_url)

    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(callers) as pool:
        results = await asyncio.gather(
            _tick(settings, base_url, now, "worker-a"),
            _tick(settings, base_url, now, "worker-b"),
            *[loop.run_in_executor(pool, enqueue) for _ in range(callers)],
        )
    assert sum(r[0] for r in results[:2]) + sum(results[2:]) == 1
    await worker.deliver_due(settings, "worker-a")
    for later in (ist(3, 2, 18, 30), ist(3, 2, 23, 59)):
        assert await _tick(settings, base_url, later, "worker-b") == (0, 0)

    assert outbox_keys("message_digest") == [f"digest:{me}:2026-03-02"]
    assert _digests(server) == [("asha@example.com", "2 conversations waiting in your inbox")]
    [monday] = [m for m in server.accepted if "waiting" in m["Subject"]]
    body = _text(monday)
    assert "2 client conversations are waiting for your reply." in body
    assert f"{base_url}/app/inbox" in body
    for detail in [*said, "sleeping", "breathing", "Riya", "Meera", "@example.com"]:
        assert detail not in body

    # Tuesday: Riya answered, Meera still waiting — one more, for one conversation.
    reply(owner_actor, riya, at=ist(3, 3, 10))
    assert (await _tick(settings, base_url, ist(3, 3, 17, 59)))[0] == 0
    assert (await _tick(settings, base_url, ist(3, 3, 18, 1)))[0] == 1
    assert (await _tick(settings, base_url, ist(3, 3, 21)))[0] == 0
    assert _digests(server)[-1] == ("asha@example.com", "1 conversation waiting in your inbox")
    assert "1 client conversation is waiting for your reply." in _text(server.accepted[-1])

    # Wednesday: nobody waits, so nothing comes.
    reply(owner_actor, meera, at=ist(3, 4, 10))
    assert await _tick(settings, base_url, ist(3, 4, 18, 30)) == (0, 1)  # only Meera's reply notice

    # A message on Saturday: no digest at the weekend, one on Monday at the check time.
    post(riya, "Weekend question", at=ist(3, 7, 10))
    for weekend in (ist(3, 7, 18), ist(3, 8, 18), ist(3, 8, 23)):
        assert (await _tick(settings, base_url, weekend))[0] == 0
    assert (await _tick(settings, base_url, ist(3, 9, 18)))[0] == 1

    assert outbox_keys("message_digest") == [
        f"digest:{me}:2026-03-02",
        f"digest:{me}:2026-03-03",
        f"digest:{me}:2026-03-09",
    ]
    assert len(_digests(server)) == 3 and set(server.message_ids().values()) == {1}
    for message in server.accepted:
        for text in [*said, "Weekend question"]:
            assert text not in _text(message)


async def test_each_therapist_gets_their_own_digest_at_their_own_check_time(
    owner_actor,
    therapist_actor,
    riya,
    kabir,
    smtp,
    base_url,
):
    server, settings = smtp
    db.call(charter.save, therapist_actor, CharterSettings(check_time="19:30"))
    post(riya, at=ist(3, 2, 11))
    post(kabir, at=ist(3, 2, 11))

    assert (await _tick(settings, base_url, ist(3, 2, 18)))[0] == 1
    assert (await _tick(settings, base_url, ist(3, 2, 19, 29)))[0] == 0
    assert (await _tick(settings, base_url, ist(3, 2, 19, 30)))[0] == 1
    assert _digests(server) == [
        ("asha@example.com", "1 conversation waiting in your inbox"),
        ("vikram@example.com", "1 conversation waiting in your inbox"),
    ]


async def test_a_message_after_the_check_time_waits_for_the_next_days_digest(
    owner_actor, riya, smtp, base_url
):
    """No evening email because a client wrote after the check: the digest is the check-time
    batch."""
    server, settings = smtp
    post(riya, "Writing late", at=ist(3, 2, 19))
    for at in (ist(3, 2, 19, 1), ist(3, 2, 23, 30), ist(3, 3, 7), ist(3, 3, 17, 59)):
        assert (await _tick(settings, base_url, at))[0] == 0, at
    assert (await _tick(settings, base_url, ist(3, 3, 18)))[0] == 1
    assert _digests(server) == [("asha@example.com", "1 conversation waiting in your inbox")]


async def test_no_digest_while_the_therapist_is_on_leave(owner_actor, riya, smtp, base_url):
    server, settings = smtp
    db.call(
        scheduling.add_time_off, owner_actor, date(2026, 3, 3), date(2026, 3, 4), "Family wedding"
    )
    post(riya, at=ist(3, 2, 19))
    for at in (ist(3, 3, 18), ist(3, 4, 18)):
        assert (await _tick(settings, base_url, at))[0] == 0
    assert (await _tick(settings, base_url, ist(3, 5, 18)))[0] == 1
    assert outbox_keys("message_digest") == [f"digest:{owner_actor.user_id}:2026-03-05"]
    assert len(_digests(server)) == 1


# The pages' states, driven directly ------------------------------------------------------------


def _tab(user_id: int, state_class, path: str):
    return open_page(state_class, user_id, path)


async def _run(page, name: str, *args):
    return await page.event_handlers[name].fn(page, *args)


async def test_the_inbox_page_opens_answers_and_closes_a_thread_by_its_id(
    owner,
    therapist_actor,
    riya,
    kabir,
):
    from practipal_app.state.messages import InboxState, PortalMessagesState

    portal = _tab(riya, PortalMessagesState, "/portal/messages")
    await _run(portal, "load")
    assert portal.loaded and portal.messages == [] and portal.next_session is None
    await _run(portal, "choose_topic", ["tech"])  # not a topic: nothing chosen
    assert portal.topic == ""
    await _run(portal, "send")
    assert portal.error == "Write a message first."
    await _run(portal, "choose_topic", "tech")
    await _run(portal, "set_draft", "The video link does not open")
    await _run(portal, "send")
    assert (portal.notice, portal.error, portal.draft) == ("Sent.", "", "")
    assert [(m.kind, m.topic, m.body) for m in portal.sent][0] == (
        "client",
        "Tech problem",
        "The video link does not open",
    )
    post(kabir, "Kabir's own words")

    inbox = _tab(owner.id, InboxState, "/app/inbox")
    await _run(inbox, "load")
    assert [(t.client, t.unread) for t in inbox.threads] == [("Riya Sharma", 1)]
    await _run(inbox, "send")
    assert inbox.error == "Open a conversation first."
    for foreign in (str(thread_of(kabir)), "nine", [1]):
        await _run(inbox, "open", foreign)
        assert (inbox.head, inbox.messages) == (None, [])
        assert inbox.error == "That conversation is not yours."
    await _run(inbox, "open", str(thread_of(riya)))
    assert (inbox.head.client, inbox.head.client_id, inbox.error) == ("Riya Sharma", riya, "")
    # An out-of-hours note joins the thread or not, by the clock: the client's words are what count.
    client_words = [m.body for m in inbox.messages if m.kind == "client"]
    assert client_words == ["The video link does not open"]
    assert inbox.threads[0].unread == 0  # opening it reads it

    kabirs_snippet = snippets(therapist_actor)[0].id
    await _run(inbox, "use_snippet", kabirs_snippet)
    assert (inbox.error, inbox.draft) == ("That quick reply is not yours.", "")
    bring = next(s for s in inbox.snippets if s.bring)
    await _run(inbox, "use_snippet", str(bring.id))
    assert (inbox.draft, inbox.bring) == (bring.body, True)
    await _run(inbox, "send")
    assert inbox.notice.startswith("Sent.") and inbox.draft == ""
    assert [m.kind for m in inbox.messages + inbox.sent if m.kind != "note"] == [
        "client",
        "therapist",
    ]

    await _run(inbox, "add_snippet", {"title": "Late", "body": "Running late", "bring": "on"})
    assert [(s.title, s.bring) for s in inbox.snippets][-1] == ("Late", True)
    await _run(inbox, "delete_snippet", str(kabirs_snippet))
    assert inbox.error == "That quick reply is not yours."
    await _run(inbox, "done")
    assert (inbox.notice, inbox.head, inbox.messages, inbox.sent) == (
        "Marked as done.",
        None,
        [],
        [],
    )


# Long threads and inboxes: paged in SQL, nothing out of reach ------------------------------------


def _fill(client_id: int, count: int) -> list[str]:
    """`count` more messages in the client's thread (made by a first post), two to a minute so
    that paging must break ties; the thread's bodies oldest first."""
    post(client_id, "Message 000")
    thread_id = thread_of(client_id)

    def add(session):
        for n in range(1, count):
            kind = "client" if n % 3 else "therapist"
            at = MON_11 + timedelta(minutes=1 + n // 2)
            session.add(
                Message(thread_id=thread_id, kind=kind, body=f"Message {n:03d}", created_at=at)
            )

    db.call(add)
    return [f"Message {n:03d}" for n in range(count)]


def _walk(read_page) -> list[list[str]]:
    """Every page from the newest back, as "Load older" reaches them: each page's bodies."""
    pages, before = [], 0
    while True:
        conversation = read_page(before)
        pages.append([m.body for m in conversation.messages])
        if not conversation.has_older:
            return pages
        before = conversation.messages[0].id


def test_every_message_of_a_long_thread_can_be_reached_page_by_page(owner_actor, riya, meera):
    bodies = _fill(riya, 101)
    post(meera, "Meera's only message")
    page = messaging.THREAD_PAGE

    client_pages = _walk(lambda before: db.read(messaging.client_thread, actor(riya), before))
    assert [len(p) for p in client_pages] == [page, page, page, 101 - 3 * page]
    assert client_pages[0] == bodies[-page:]  # the newest first
    assert [body for p in reversed(client_pages) for body in p] == bodies  # each once, in order

    riyas = thread_of(riya)
    therapist_pages = _walk(
        lambda before: db.read(messaging.therapist_thread, owner_actor, riyas, before).conversation
    )
    assert therapist_pages == client_pages

    # A cursor from someone else's thread reaches nothing of it, nor of the client's own.
    meeras_message = db.read(messaging.client_thread, actor(meera)).messages[0].id
    assert db.read(messaging.client_thread, actor(riya), meeras_message).messages == []
    found = db.read(messaging.therapist_thread, owner_actor, riyas, meeras_message)
    assert found.conversation.messages == []


def test_what_came_after_the_newest_shown_message_is_all_that_is_read_again(owner_actor, riya):
    _fill(riya, 40)
    shown = db.read(messaging.client_thread, actor(riya)).messages
    reply(owner_actor, riya, "A reply that came while the page was open", at=MON_11 + timedelta(1))

    new = db.read(messaging.client_messages_after, actor(riya), shown[-1].id)
    assert [(m.kind, m.body) for m in new.messages] == [
        ("therapist", "A reply that came while the page was open")
    ]
    assert new.unread == 1
    found = db.read(messaging.therapist_messages_after, owner_actor, thread_of(riya), shown[-1].id)
    assert [m.body for m in found.conversation.messages] == [new.messages[0].body]


def test_every_conversation_in_the_inbox_can_be_reached_page_by_page(
    owner_actor, add_client, monkeypatch
):
    monkeypatch.setattr(messaging, "INBOX_PAGE", 2)
    names = [f"Client {n}" for n in range(5)]
    for n, name in enumerate(names):
        post(add_client(owner_actor, name), "Hello", at=MON_11 + timedelta(minutes=n))

    first = db.read(messaging.inbox, owner_actor, now=MON_11, page=1)
    assert (first.page, first.pages) == (1, 3)
    seen = [
        row.client
        for page in range(1, first.pages + 1)
        for row in views.thread_rows(db.read(messaging.inbox, owner_actor, now=MON_11, page=page))
    ]
    assert sorted(seen) == names  # every one, none twice
    past_the_end = db.read(messaging.inbox, owner_actor, now=MON_11, page=9)
    assert past_the_end.page == 3 and [e.client_name for e in past_the_end.entries] == [seen[-1]]


class _Statements:
    """The SQL the app sends while it is open; `writes` those that change a message or thread."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __enter__(self) -> _Statements:
        sa_event.listen(db.get_engine(), "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        sa_event.remove(db.get_engine(), "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(" ".join(statement.split()).upper())

    @property
    def writes(self) -> list[str]:
        changes = ("INSERT INTO MESSAGE", "UPDATE MESSAGE", "DELETE FROM MESSAGE")
        return [s for s in self.seen if s.startswith(changes)]

    @property
    def write_locks(self) -> list[str]:
        return [s for s in self.seen if s == "BEGIN IMMEDIATE"]


def test_reading_a_thread_or_the_inbox_writes_nothing_and_takes_no_write_lock(owner_actor, riya):
    _fill(riya, 3)
    reply(owner_actor, riya, "Unread by Riya", at=MON_11 + timedelta(hours=1))
    post(riya, "Unread by Asha", at=MON_11 + timedelta(hours=2))  # something to mark read, each
    riyas = thread_of(riya)
    reads = [
        (messaging.client_thread, actor(riya)),
        (messaging.client_messages_after, actor(riya), 0),
        (messaging.expectation, actor(riya)),
        (messaging.therapist_thread, owner_actor, riyas),
        (messaging.therapist_messages_after, owner_actor, riyas, 0),
        (messaging.inbox, owner_actor),
        (messaging.saved_snippets, owner_actor),
    ]
    for fn, *args in reads:
        with _Statements() as sql:
            db.read(fn, *args)
        assert (sql.writes, sql.write_locks) == ([], []), fn.__name__
        assert sql.seen, fn.__name__  # the listener saw the reads themselves


async def test_opening_the_pages_marks_read_in_one_short_write_only_when_something_is_unread(
    owner, riya
):
    from practipal_app.state.messages import InboxState, PortalMessagesState

    post(riya, "Is Thursday still on?")
    inbox = _tab(owner.id, InboxState, "/app/inbox")
    await _run(inbox, "load")
    for unread in (True, False):  # the first opening reads it; the second finds nothing unread
        with _Statements() as sql:
            await _run(inbox, "open", str(thread_of(riya)))
        thread_writes = [s for s in sql.writes if s.startswith("UPDATE MESSAGETHREAD")]
        assert len(thread_writes) == (1 if unread else 0)
        assert inbox.threads[0].unread == 0

    reply(auth.actor_for(owner), riya, "Yes, 5 pm as usual.")
    portal = _tab(riya, PortalMessagesState, "/portal/messages")
    for unread in (True, False):
        with _Statements() as sql:
            await _run(portal, "load")
        thread_writes = [s for s in sql.writes if s.startswith("UPDATE MESSAGETHREAD")]
        assert len(thread_writes) == (1 if unread else 0)
        assert portal.messages[-1].body == "Yes, 5 pm as usual."


def _delta_of(page) -> dict:
    """What Reflex sends the browser for the page's state after the last event."""
    return page._get_root_state().get_delta().get(page.get_full_name(), {})


def _names(delta: dict) -> set[str]:
    return {key.removesuffix(FIELD_MARKER) for key in delta}


async def test_a_send_appends_the_new_message_and_the_update_carries_only_it(owner, riya):
    from practipal_app.state.messages import InboxState, PortalMessagesState

    bodies = _fill(riya, 100)
    portal = _tab(riya, PortalMessagesState, "/portal/messages")
    await _run(portal, "load")
    shown = list(portal.messages)
    assert [m.body for m in shown] == bodies[-messaging.THREAD_PAGE :] and portal.has_older

    portal._get_root_state()._clean()
    await _run(portal, "choose_topic", "other")
    await _run(portal, "set_draft", "One more question about the worksheet")
    portal._get_root_state()._clean()
    await _run(portal, "send")
    delta = _delta_of(portal)
    assert "messages" not in _names(delta) and "sent" in _names(delta)
    assert len(format.json_dumps(delta)) < 2_000  # the whole thread was 16 KB
    assert portal.messages == shown
    assert [m.body for m in portal.sent if m.kind == "client"] == [
        "One more question about the worksheet"
    ]

    # "Load older" reaches the very first message; what was sent stays after the last.
    while portal.has_older:
        await _run(portal, "load_older")
    assert [m.body for m in portal.messages] == bodies
    assert portal.sent[0].body == "One more question about the worksheet"

    inbox = _tab(owner.id, InboxState, "/app/inbox")
    await _run(inbox, "load")
    await _run(inbox, "open", str(thread_of(riya)))
    assert len(inbox.messages) == messaging.THREAD_PAGE and inbox.has_older
    await _run(inbox, "set_draft", "Let's look at it on Thursday.")
    inbox._get_root_state()._clean()
    await _run(inbox, "send")
    delta = _delta_of(inbox)
    assert not _names(delta) & {"messages", "threads"}
    assert len(format.json_dumps(delta)) < 2_000
    assert [m.body for m in inbox.sent] == ["Let's look at it on Thursday."]
    assert inbox.settled == [thread_of(riya)] and inbox.head.due == ""
    while inbox.has_older:
        await _run(inbox, "load_older")
    assert [m.body for m in inbox.messages][:101] == [*bodies, portal.sent[0].body][:101]
