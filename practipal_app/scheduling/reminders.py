"""Reminders before sessions and the therapist's optional daily agenda, queued by the worker.

`enqueue_due` runs on every poll of the outbox worker. It only adds rows whose idempotency keys
are new (a reminder's key names the session, the offset and the start time; an agenda's names the
therapist and the day), so any number of workers, restarts or repeated calls queue each email
exactly once, and a moved session gets reminders for its new time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from practipal_app.core.timefmt import clock, long_date
from practipal_app.models import (
    Appointment,
    AppointmentStatus,
    OutboxEmail,
    Practice,
    SchedulingSettings,
    User,
)
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email
from practipal_app.scheduling import emails as appointment_emails
from practipal_app.scheduling.ics import initials

LOOKAHEAD = timedelta(days=7)
DEFAULT_REMINDER_HOURS = (24, 1)
AGENDA_FROM = time(7, 0)
MODE_LABELS = {"video": "video", "in_person": "in person", "phone": "phone"}


def enqueue_due(session: Session, now: datetime, base_url: str) -> int:
    """Queue every reminder and daily agenda that is due at `now`. Returns how many were queued."""
    return _reminders(session, now, base_url) + _agendas(session, now, base_url)


# Reminders ---------------------------------------------------------------------------------------


def due_offset(
    starts_at: datetime, created_at: datetime, hours: list[int] | None, now: datetime
) -> int | None:
    """The reminder (hours before the start) to queue at `now`, if any.

    Only the most recent reminder whose time has come counts: once the 1 h reminder is due, a
    24 h one that was never queued (the worker was down) is not sent late. A reminder is skipped
    when the session was booked after its time (no "tomorrow" email for a session booked 2 h
    ahead), or when it is more than half its lead late (a session moved to this afternoon).
    """
    offsets = sorted(
        {int(h) for h in (DEFAULT_REMINDER_HOURS if hours is None else hours) if int(h) > 0}
    )
    for h in offsets:
        send_at = starts_at - timedelta(hours=h)
        if send_at <= now:
            on_time = now - send_at <= timedelta(hours=h) / 2
            return h if created_at < send_at and on_time else None
    return None


def _reminders(session: Session, now: datetime, base_url: str) -> int:
    rows = session.exec(
        select(Appointment, SchedulingSettings.reminder_hours)
        .join(
            SchedulingSettings,
            col(SchedulingSettings.therapist_id) == Appointment.therapist_id,
            isouter=True,
        )
        .where(
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at > now,
            Appointment.starts_at <= now + LOOKAHEAD,
        )
        .order_by(Appointment.starts_at)
    ).all()
    due: dict[str, tuple[Appointment, int]] = {}
    for appt, hours in rows:
        h = due_offset(appt.starts_at, appt.created_at, hours, now)
        if h is not None:
            due[appointment_emails.reminder_key(appt, h)] = (appt, h)
    queued = 0
    for key in due.keys() - _existing(session, list(due)):
        appt, h = due[key]
        # Another worker may queue the same key between the check and here: `reminder` then
        # meets the unique key inside a savepoint and queues nothing.
        queued += appointment_emails.reminder(session, appt, h, base_url)
    return queued


def _existing(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(
        session.exec(
            select(OutboxEmail.idempotency_key).where(col(OutboxEmail.idempotency_key).in_(keys))
        ).all()
    )


# Daily agenda ------------------------------------------------------------------------------------


def agenda_key(therapist_id: int, day: str) -> str:
    return f"agenda:{therapist_id}:{day}"


def _agendas(session: Session, now: datetime, base_url: str) -> int:
    rows = session.exec(
        select(User, Practice.timezone)
        .join(SchedulingSettings, col(SchedulingSettings.therapist_id) == User.id)
        .join(Practice, col(Practice.id) == User.practice_id)
        .where(SchedulingSettings.daily_agenda_email, User.active)
    ).all()
    due: dict[str, tuple[User, str]] = {}
    for therapist, tz in rows:
        local = now.astimezone(ZoneInfo(tz))
        if local.time() >= AGENDA_FROM:
            due[agenda_key(therapist.id, local.date().isoformat())] = (therapist, tz)
    queued = 0
    for key in due.keys() - _existing(session, list(due)):
        therapist, tz = due[key]
        queued += _agenda(session, therapist, tz, now, base_url, key)
    return queued


def _agenda(
    session: Session, therapist: User, tz: str, now: datetime, base_url: str, key: str
) -> bool:
    zone = ZoneInfo(tz)
    day = now.astimezone(zone).date()
    day_start = datetime.combine(day, time(0), tzinfo=zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    sessions = session.exec(
        select(Appointment.starts_at, Appointment.mode, User.name)
        .join(User, col(User.id) == Appointment.client_id)
        .where(
            Appointment.therapist_id == therapist.id,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at >= day_start,
            Appointment.starts_at < day_end,
        )
        .order_by(Appointment.starts_at)
    ).all()
    # Initials only: an agenda sits in a mailbox the practice does not control.
    lines = [
        f"  {clock(start, tz):>8}  {initials(name)}  {MODE_LABELS.get(mode, mode)}"
        for start, mode, name in sessions
    ]
    count = len(lines)
    heading = long_date(day)
    body = (
        f"Hello {therapist.name},\n\n"
        + (
            f"Your sessions today, {heading} ({tz}):\n\n" + "\n".join(lines)
            if lines
            else f"No sessions are booked today, {heading}."
        )
        + f"\n\nOpen your calendar: {base_url}/app/calendar\n"
    )
    subject = (
        f"Today: {count} session{'s' if count != 1 else ''}"
        if count
        else "Today: no sessions booked"
    )
    try:
        with session.begin_nested():
            outbox.enqueue(
                session,
                practice_id=therapist.practice_id,
                kind="daily_agenda",
                to=therapist.email,
                email=Email(subject, body),
                key=key,
            )
    except IntegrityError:  # another worker queued today's agenda first
        return False
    return True
