"""Emails about appointments: confirmation, move, cancellation, reminders. Written to the outbox
in the caller's transaction; keys make each one unique, so none is ever queued twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from practipal_app.boundaries import charter
from practipal_app.core.timefmt import long_label
from practipal_app.models import Appointment, ClientProfile, Practice, User
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email
from practipal_app.scheduling import ics as calendar


def when(dt: datetime, tz_name: str) -> str:
    """'Monday 30 November 2026, 10:30 am (Asia/Kolkata)'."""
    return f"{long_label(dt, tz_name)} ({tz_name})"


def _people(session: Session, appt: Appointment) -> tuple[User, ClientProfile, User, Practice]:
    return (
        session.get(User, appt.client_id),
        session.get(ClientProfile, appt.client_id),
        session.get(User, appt.therapist_id),
        session.get(Practice, appt.practice_id),
    )


def _ics(
    appt: Appointment, therapist: User, cancelled: bool = False, sequence: int = 0
) -> list[dict]:
    content = calendar.invitation(
        appt.id,
        appt.starts_at,
        appt.ends_at,
        f"{appt.title} with {therapist.name}",
        location=appt.location,
        url=appt.join_url,
        sequence=sequence,
        cancelled=cancelled,
    )
    return [{"filename": "session.ics", "content_type": "text/calendar", "content": content}]


def _queue(
    session: Session,
    appt: Appointment,
    kind: str,
    key: str,
    email: Email,
    attachments: list[dict],
    to: str,
) -> bool:
    """Queue once; False when this key was queued before (e.g. by another worker)."""
    try:
        with session.begin_nested():
            row = outbox.enqueue(
                session, practice_id=appt.practice_id, kind=kind, to=to, email=email, key=key
            )
            row.attachments = attachments
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def booked(session: Session, appt: Appointment, base_url: str) -> None:
    client, profile, therapist, _practice = _people(session, appt)
    statement = charter.current_for_therapist(session, appt.therapist_id).statement
    body = (
        f"Hello {profile.preferred_name or client.name},\n\n"
        f"Your session with {therapist.name} is booked for "
        f"{when(appt.starts_at, profile.timezone)}.\n"
        f"{_how(appt)}\n\n"
        f"Your portal has the join link, and lets you move or cancel: {base_url}/portal/sessions\n"
        "The attached file adds the session to your calendar.\n\n"
        f"How messages work:\n{statement}\n"
    )
    _queue(
        session,
        appt,
        "booking_confirmation",
        f"booked:{appt.id}:{int(appt.starts_at.timestamp())}",
        Email(f"Session booked: {when(appt.starts_at, profile.timezone)}", body),
        _ics(appt, therapist),
        client.email,
    )


def moved(session: Session, appt: Appointment, previous_start: datetime, base_url: str) -> None:
    client, profile, therapist, _ = _people(session, appt)
    body = (
        f"Hello {profile.preferred_name or client.name},\n\n"
        f"Your session with {therapist.name} on {when(previous_start, profile.timezone)} has moved "
        f"to {when(appt.starts_at, profile.timezone)}.\n\nDetails and the join link: "
        f"{base_url}/portal/sessions\n"
    )
    _queue(
        session,
        appt,
        "reschedule_notice",
        f"moved:{appt.id}:{int(appt.starts_at.timestamp())}",
        Email(f"Session moved to {when(appt.starts_at, profile.timezone)}", body),
        _ics(appt, therapist, sequence=int(appt.starts_at.timestamp()) % 100000),
        client.email,
    )


def cancelled(session: Session, appt: Appointment, base_url: str) -> None:
    client, profile, therapist, _ = _people(session, appt)
    for person, tz in ((client, profile.timezone), (therapist, _practice_tz(session, appt))):
        body = (
            f"Hello {person.name},\n\nThe session on {when(appt.starts_at, tz)} "
            f"({client.name} with {therapist.name}) is cancelled.\n\n"
            "See your sessions: "
            f"{base_url}{'/portal/sessions' if person is client else '/app/calendar'}\n"
        )
        _queue(
            session,
            appt,
            "cancellation_notice",
            f"cancelled:{appt.id}:{person.id}",
            Email(f"Session cancelled: {when(appt.starts_at, tz)}", body),
            _ics(appt, therapist, cancelled=True, sequence=99999),
            person.email,
        )


def reminder(session: Session, appt: Appointment, hours: int, base_url: str) -> bool:
    client, profile, therapist, _ = _people(session, appt)
    lead = "tomorrow" if hours == 24 else f"in {hours} hour{'s' if hours != 1 else ''}"
    body = (
        f"Hello {profile.preferred_name or client.name},\n\n"
        f"A reminder: your session with {therapist.name} is {lead}, "
        f"{when(appt.starts_at, profile.timezone)}.\n"
        f"{_how(appt)}\n\nJoin, move or cancel from your portal: {base_url}/portal/sessions\n"
    )
    return _queue(
        session,
        appt,
        "reminder",
        reminder_key(appt, hours),
        Email(f"Reminder: your session {lead}", body),
        [],
        client.email,
    )


def reminder_key(appt: Appointment, hours: int) -> str:
    """One reminder per session, offset and start time: a moved session gets fresh reminders."""
    return f"reminder:{appt.id}:{hours}h:{int(appt.starts_at.timestamp())}"


def _practice_tz(session: Session, appt: Appointment) -> str:
    return session.get(Practice, appt.practice_id).timezone


def _how(appt: Appointment) -> str:
    if appt.mode == "video":
        return "It is a video session: the Join button appears in your portal 15 minutes before."
    if appt.mode == "in_person":
        return f"It is in person at: {appt.location}" if appt.location else "It is in person."
    return "It is a phone session."
