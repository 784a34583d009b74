"""What the portal reads of a client's sessions, and the booking page's confirm step, as data;
`scheduling.views` shapes it in the client's zone."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from practipal_app.core.errors import DomainError, InvalidInput, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import ClientProfile, Practice, Role
from practipal_app.models.base import utcnow
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.views import BookingPage, ClientSessions, FreeTimes, Zones


def _profile(session: Session, actor: Actor) -> ClientProfile:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    return session.get(ClientProfile, actor.user_id)


def zones(session: Session, actor: Actor) -> Zones:
    profile = _profile(session, actor)
    return Zones(profile.timezone, session.get(Practice, profile.practice_id).timezone)


def cancellation_window(session: Session, actor: Actor) -> int:
    """Hours before a session inside which cancelling counts as late, for this client."""
    return scheduling.settings_for(
        session, _profile(session, actor).therapist_id
    ).cancellation_window_hours


def _on_leave(
    session: Session, profile: ClientProfile, upcoming: list[appointments.AppointmentView]
) -> list[appointments.AppointmentView]:
    """The client's sessions that fall in the therapist's leave (one query for them all)."""
    if not upcoming:
        return []
    leave = scheduling.time_off(
        session,
        profile.therapist_id,
        min(v.starts_at for v in upcoming),
        max(v.ends_at for v in upcoming),
    )
    return [
        view
        for view in upcoming
        if any(t.starts_at < view.ends_at and t.ends_at > view.starts_at for t in leave)
    ]


def sessions_page(session: Session, actor: Actor, now: datetime | None = None) -> ClientSessions:
    """The client's upcoming sessions and the latest page of their history, those in the
    therapist's leave, and the cancellation window."""
    now = now or utcnow()
    profile = _profile(session, actor)
    upcoming = appointments.upcoming_for_client(session, actor, actor.user_id, now=now)
    history, has_older = appointments.history(session, actor, actor.user_id, now=now)
    return ClientSessions(
        zones=zones(session, actor),
        now=now,
        upcoming=upcoming,
        history=history,
        has_older=has_older,
        on_leave=_on_leave(session, profile, upcoming),
        window_hours=cancellation_window(session, actor),
    )


def older_history(session: Session, actor: Actor, before: int) -> ClientSessions:
    """The page of the client's history just older than their session `before`."""
    now = utcnow()
    history, has_older = appointments.history(session, actor, actor.user_id, before=before, now=now)
    return ClientSessions(
        zones=zones(session, actor), now=now, upcoming=[], history=history, has_older=has_older
    )


def next_session(session: Session, actor: Actor, now: datetime | None = None) -> ClientSessions:
    """The client's next few sessions and those in the therapist's leave, for the portal home."""
    now = now or utcnow()
    profile = _profile(session, actor)
    upcoming = appointments.upcoming_for_client(session, actor, actor.user_id, now=now, limit=5)
    return ClientSessions(
        zones=zones(session, actor),
        now=now,
        upcoming=upcoming,
        on_leave=_on_leave(session, profile, upcoming),
    )


def booking_page(session: Session, actor: Actor, moving_id: int = 0) -> BookingPage:
    """The types the client can book, and the session they are moving (`moving_id`; 0 for none).
    A session that is not theirs is not moved: the page books a new one instead."""
    types = appointments.bookable_types(session, actor)
    moving, moving_type_id = None, 0
    if moving_id > 0:
        try:
            moving = appointments.get(session, actor, moving_id)
        except DomainError:
            moving = None
        else:
            moving_type_id = next((t.id for t in types if t.name == moving.title), 0)
    return BookingPage(
        zones=zones(session, actor),
        types=types,
        window_hours=cancellation_window(session, actor),
        moving=moving,
        moving_type_id=moving_type_id,
    )


def free_times(session: Session, actor: Actor, session_type_id: int) -> FreeTimes:
    return FreeTimes(
        zones(session, actor), appointments.available_slots(session, actor, session_type_id)
    )


def instant(text: str) -> datetime:
    """A time the page sent back (an ISO instant with its offset)."""
    try:
        start = datetime.fromisoformat(str(text))
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise InvalidInput({"form": "Please pick one of the times shown."})
    return start


def book_or_move(
    session: Session,
    actor: Actor,
    *,
    chosen: str,
    session_type_id: int,
    moving_id: int = 0,
    confirmed: bool = False,
    now: datetime | None = None,
) -> None:
    """The client's chosen time: moves session `moving_id`, or books a new session of the type."""
    start = instant(chosen)
    if moving_id:
        appointments.reschedule(session, actor, moving_id, start, confirmed=confirmed, now=now)
    else:
        appointments.book(
            session,
            actor,
            client_id=actor.user_id,
            session_type_id=session_type_id,
            starts_at=start,
            now=now,
        )
