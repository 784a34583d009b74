"""The inbox's, the portal Messages page's and the 'Outside the portal' card's rows, shaped from
the messaging services' data without a database; the bulk import's matching of chats to clients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from practipal_app.core.errors import DomainError
from practipal_app.core.views import Option, options
from practipal_app.messaging import contact_log, views
from practipal_app.messaging.contact_log import ChatMatch, ImportResult
from practipal_app.messaging.threads import Conversation, Inbox, InboxEntry, OpenThread
from practipal_app.messaging.whatsapp_export import MAX_BYTES
from practipal_app.models import Message, MessageThread, Snippet

KOLKATA = "Asia/Kolkata"
NOW = datetime(2026, 3, 9, 12, 30, tzinfo=UTC)  # 6:00 pm in Kolkata


def _thread(**fields) -> MessageThread:
    return MessageThread(
        id=7, practice_id=1, client_id=42, therapist_id=2, last_message_at=NOW, **fields
    )


def test_messages_read_as_the_page_shows_them():
    conversation = Conversation(
        [
            Message(
                id=1,
                thread_id=7,
                kind="client",
                topic="tech",
                body="The link fails",
                risk=True,
                bring_to_session=True,
                created_at=NOW,
            ),
            Message(id=2, thread_id=7, kind="note", topic="", body="Outside hours", created_at=NOW),
        ],
        KOLKATA,
    )
    assert views.message_rows(conversation) == [
        views.MessageRow(
            id=1,
            kind="client",
            topic="Tech problem",
            body="The link fails",
            when="9 Mar 2026, 6:00 pm",
            risk=True,
            bring=True,
        ),
        views.MessageRow(
            id=2,
            kind="note",
            topic="",
            body="Outside hours",
            when="9 Mar 2026, 6:00 pm",
            risk=False,
            bring=False,
        ),
    ]


def test_inbox_rows_say_what_waits_and_what_is_overdue():
    due_soon, due_past = NOW + timedelta(hours=1), NOW - timedelta(minutes=1)
    inbox = Inbox(
        [
            InboxEntry(
                _thread(unread_for_therapist=2, flagged_at=NOW, reply_due_at=due_soon), "Meera Iyer"
            ),
            InboxEntry(_thread(unread_for_therapist=1, reply_due_at=due_past), "Riya Sharma"),
            InboxEntry(_thread(unread_for_therapist=0), "Arjun Mehta"),
        ],
        KOLKATA,
        NOW,
    )
    rows = views.thread_rows(inbox)
    assert [(r.client, r.unread, r.flagged, r.due, r.overdue) for r in rows] == [
        ("Meera Iyer", 2, True, "9 Mar 2026, 7:00 pm", False),
        ("Riya Sharma", 1, False, "9 Mar 2026, 5:59 pm", True),
        ("Arjun Mehta", 0, False, "", False),
    ]
    assert (rows[0].id, rows[0].client_id, rows[0].last) == (7, 42, "9 Mar 2026, 6:00 pm")


def test_the_open_threads_heading():
    found = OpenThread(
        _thread(flagged_at=NOW, reply_due_at=NOW), "Meera Iyer", Conversation([], KOLKATA)
    )
    assert views.thread_head(found) == views.ThreadHead(
        id=7, client="Meera Iyer", client_id=42, flagged=True, due="9 Mar 2026, 6:00 pm"
    )
    calm = OpenThread(_thread(), "Meera Iyer", Conversation([], KOLKATA))
    assert (views.thread_head(calm).flagged, views.thread_head(calm).due) == (False, "")


def test_snippets_and_volume():
    rows = views.snippet_rows(
        [
            Snippet(
                id=3, therapist_id=2, title="Bring", body="Let's bring it.", bring_to_session=True
            ),
            Snippet(id=4, therapist_id=2, title="Seen", body="Seen."),
        ]
    )
    assert [(s.id, s.title, s.bring) for s in rows] == [(3, "Bring", True), (4, "Seen", False)]
    volume = {
        "by_channel": {"whatsapp_import": 6, "whatsapp_logged": 0, "phone_logged": 1},
        "incoming": 4,
        "outgoing": 3,
        "after_hours": 3,
        "total": 7,
        "last_import_at": None,
    }
    assert views.contact_volume(volume) == views.ContactVolume(
        imported=6, whatsapp=0, phone=1, after_hours=3, total=7
    )


def test_notices_after_logging_and_importing():
    assert views.logged_notice("phone_logged", "Scheduling") == "Logged: Phone call · Scheduling."
    assert (
        views.imported_notice(ImportResult(3, 0, None, None))
        == "Imported 3 messages. No message text was kept."
    )
    assert views.imported_notice(ImportResult(1200, 3, None, None)) == (
        "Imported 1,200 messages (3 were already imported). No message text was kept."
    )
    assert views.bulk_imported_notice(
        [ImportResult(6, 0, None, None), ImportResult(3, 3, None, None)]
    ) == ("Imported 9 messages from 2 chats. No message text was kept.")


def test_a_chat_is_matched_to_the_client_and_the_therapist_by_name():
    clients = [(5, "Priya S"), (9, "Meera Iyer")]
    match = contact_log.match_chat("a.txt", ["priya s", "Asha Rao"], clients, "asha rao")
    assert match == ChatMatch("a.txt", ["priya s", "Asha Rao"], 5, "Asha Rao")
    nobody = contact_log.match_chat("b.txt", ["Someone", "Else"], clients, "Asha Rao")
    assert (nobody.client_id, nobody.therapist_sender) == (
        None,
        "Someone",
    )  # the first sender, to be checked
    assert contact_log.match_chat("c.txt", [], clients, "Asha Rao").therapist_sender == ""
    assert views.staged_chat(match) == views.StagedChat(
        "a.txt", ["priya s", "Asha Rao"], 5, "Asha Rao"
    )
    assert views.staged_chat(nobody).client_id == 0
    assert options(clients) == [Option("5", "Priya S"), Option("9", "Meera Iyer")]


def test_an_upload_over_20_mb_is_refused_before_it_is_read():
    contact_log.check_size("chat.txt", MAX_BYTES)
    contact_log.check_size("chat.txt", None)
    with pytest.raises(DomainError) as one:
        contact_log.check_size("chat.txt", MAX_BYTES + 1)
    assert (
        one.value.message
        == "That file is larger than 20 MB. Export the chat without media and try again."
    )
    with pytest.raises(DomainError) as many:
        contact_log.check_size("chat.txt", MAX_BYTES + 1, one_of_many=True)
    assert many.value.message == "chat.txt is larger than 20 MB."
