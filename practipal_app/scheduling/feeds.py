"""A therapist's private calendar feed (ICS) and single-session .ics downloads.

The feed URL carries a random token; only its SHA-256 is stored. Anyone holding the URL can read
the feed, so it says as little as a glance at a diary would: client initials and the session
type, unless the therapist opts in to full names. Never an email, a phone, an agenda or a join
link (a leaked feed must not let a stranger into a session).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from practipal_app.core import audit
from practipal_app.core.errors import NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.tokens import hash_token, new_token
from practipal_app.models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    Role,
    SessionMode,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.scheduling import appointments
from practipal_app.scheduling import ics as calendar

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)
FEED_STATUSES = (AppointmentStatus.SCHEDULED, AppointmentStatus.COMPLETED)
CANCELLED_STATUSES = (
    AppointmentStatus.CANCELLED_BY_CLIENT,
    AppointmentStatus.CANCELLED_BY_THERAPIST,
    AppointmentStatus.LATE_CANCELLED,
)


@dataclass(frozen=True)
class FeedStatus:
    active: bool
    show_full_names: bool
    created_at: datetime | None


def _require_clinician(actor: Actor) -> None:
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists have a calendar feed.")


def _active(session: Session, therapist_id: int) -> list[CalendarFeed]:
    return list(
        session.exec(
            select(CalendarFeed)
            .where(
                CalendarFeed.therapist_id == therapist_id, col(CalendarFeed.revoked_at).is_(None)
            )
            .order_by(col(CalendarFeed.id).desc())
        ).all()
    )


def _revoke_all(session: Session, therapist_id: int, now: datetime) -> int:
    feeds = _active(session, therapist_id)
    for feed in feeds:
        feed.revoked_at = now
        session.add(feed)
    return len(feeds)


def create_feed(
    session: Session, actor: Actor, show_full_names: bool, now: datetime | None = None
) -> str:
    """A new feed for the therapist; the previous link stops working. Returns the raw token,
    which is shown once and never stored."""
    _require_clinician(actor)
    now = now or utcnow()
    _revoke_all(session, actor.user_id, now)
    token = new_token()
    session.add(
        CalendarFeed(
            therapist_id=actor.user_id,
            token_hash=hash_token(token),
            show_full_names=bool(show_full_names),
            created_at=now,
        )
    )
    session.flush()
    audit.record(
        session,
        "calendar_feed.created",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        full_names=bool(show_full_names),
    )
    return token


def revoke_feed(session: Session, actor: Actor, now: datetime | None = None) -> None:
    _require_clinician(actor)
    if _revoke_all(session, actor.user_id, now or utcnow()):
        audit.record(
            session, "calendar_feed.revoked", practice_id=actor.practice_id, actor_id=actor.user_id
        )


def feed_status(session: Session, actor: Actor) -> FeedStatus:
    _require_clinician(actor)
    feeds = _active(session, actor.user_id)
    if not feeds:
        return FeedStatus(active=False, show_full_names=False, created_at=None)
    return FeedStatus(
        active=True, show_full_names=feeds[0].show_full_names, created_at=feeds[0].created_at
    )


def feed_ics(session: Session, token: str, now: datetime | None = None) -> str:
    """The feed behind a token: sessions from 30 days back to 180 days ahead. NotFound for an
    unknown or revoked token, or a therapist who no longer has access."""
    now = now or utcnow()
    feed = session.exec(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == hash_token(token or ""),
            col(CalendarFeed.revoked_at).is_(None),
        )
    ).first()
    therapist = session.get(User, feed.therapist_id) if feed else None
    if feed is None or therapist is None or not therapist.active:
        raise NotFound("No such calendar.")
    rows = session.exec(
        select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.title,
            Appointment.mode,
            Appointment.location,
            User.name,
        )
        .join(User, col(User.id) == Appointment.client_id)
        .where(
            Appointment.therapist_id == therapist.id,
            col(Appointment.status).in_(list(FEED_STATUSES)),
            Appointment.starts_at >= now - FEED_PAST,
            Appointment.starts_at < now + FEED_AHEAD,
        )
        .order_by(Appointment.starts_at)
    ).all()
    events = [
        {
            "id": appt_id,
            "start": start,
            "end": end,
            "summary": f"{name if feed.show_full_names else calendar.initials(name)} · {title}",
            "location": location if mode == SessionMode.IN_PERSON else "",
        }
        for appt_id, start, end, title, mode, location, name in rows
    ]
    return calendar.feed(events, f"PractiPal · {therapist.name}")


def appointment_ics(session: Session, actor: Actor, appointment_id: int) -> str:
    """One session as an .ics file for "Add to calendar": its client or its therapist only."""
    view = appointments.get(session, actor, appointment_id)
    if actor.role == Role.CLIENT:
        summary = f"{view.title} with {view.therapist_name}"
    else:
        summary = f"{calendar.initials(view.client_name)} · {view.title}"
    return calendar.invitation(
        view.id,
        view.starts_at,
        view.ends_at,
        summary,
        location=view.location,
        url=view.join_url,
        # The same sequence a "session moved" email carries, so a calendar keeps the newest time.
        sequence=int(view.starts_at.timestamp()) % 100000,
        cancelled=view.status in CANCELLED_STATUSES,
    )
