"""Retry timing and the shape of an outgoing email."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from practipal_app.notifications.sender import Outgoing, build_message
from practipal_app.worker import BASE_BACKOFF, MAX_ATTEMPTS, MAX_BACKOFF, backoff


def test_backoff_doubles_from_thirty_seconds():
    assert [backoff(n) for n in range(1, 6)] == [
        timedelta(seconds=s) for s in (30, 60, 120, 240, 480)
    ]


def test_backoff_is_capped_at_two_hours():
    assert backoff(MAX_ATTEMPTS) <= MAX_BACKOFF
    assert backoff(9, base=timedelta(minutes=30)) == timedelta(hours=2)


@given(
    st.integers(min_value=0, max_value=MAX_ATTEMPTS),
    st.integers(min_value=1, max_value=3600).map(lambda s: timedelta(seconds=s)),
)
def test_backoff_never_shrinks_and_stays_in_bounds(attempts, base):
    wait = backoff(attempts, base)
    assert min(base, MAX_BACKOFF) <= wait <= MAX_BACKOFF
    assert backoff(attempts + 1, base) >= wait


def test_default_backoff_base():
    assert backoff(1) == BASE_BACKOFF


def test_message_id_is_stable_for_the_same_row_and_distinct_between_rows():
    mail = Outgoing(7, "invite:7", "riya@example.com", "You are invited", "Hello")
    first = build_message(mail, "PractiPal <no-reply@example.in>")
    again = build_message(mail, "PractiPal <no-reply@example.in>")
    other = build_message(
        Outgoing(8, "invite:8", "riya@example.com", "You are invited", "Hello"), "x@example.in"
    )
    assert first["Message-ID"] == again["Message-ID"] == "<invite.7.7@practipal>"
    assert other["Message-ID"] != first["Message-ID"]
    assert first["To"] == "riya@example.com"
    assert first["From"] == "PractiPal <no-reply@example.in>"
    assert first.get_content().strip() == "Hello"


def test_an_attachment_on_the_outbox_row_travels_with_the_email():
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    mail = Outgoing(
        9,
        "booked:9:1",
        "riya@example.com",
        "Session booked",
        "Hello",
        ({"filename": "session.ics", "content_type": "text/calendar", "content": ics},),
    )
    message = build_message(mail, "x@example.in")
    body, attachment = list(message.iter_parts())
    assert (body.get_content_type(), body.get_content().strip()) == ("text/plain", "Hello")
    assert (attachment.get_content_type(), attachment.get_filename()) == (
        "text/calendar",
        "session.ics",
    )
    assert attachment.is_attachment() and attachment.get_content() == ics.replace("\r\n", "\n")
    # Without attachments an email stays a single text part.
    assert not build_message(
        Outgoing(8, "k", "riya@example.com", "S", "Hello"), "x@example.in"
    ).is_multipart()
