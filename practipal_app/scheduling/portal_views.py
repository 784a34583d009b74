"""What the portal reads of a client's sessions; `scheduling.views` shapes them in the client's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import ClientProfile, Practice, Role
from practipal_app.models.base import utcnow
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.views import PortalSession, Zones, leave_notice, portal_session


def zones(session: Session, actor: Actor) -> Zones:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    profile = session.get(ClientProfile, actor.user_id)
    return Zones(profile.timezone, session.get(Practice, profile.practice_id).timezone)


def cancellation_window(session: Session, actor: Actor) -> int:
    """Hours before a session inside which cancelling counts as late, for this client."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    profile = session.get(ClientProfile, actor.user_id)
    return scheduling.settings_for(session, profile.therapist_id).cancellation_window_hours


@dataclass(frozen=True)
class SessionsPage:
    upcoming: list[PortalSession]
    history: list[PortalSession]
    leave_notices: list[str]
    window_hours: int


def sessions_page(session: Session, actor: Actor, now: datetime | None = None) -> SessionsPage:
    now = now or utcnow()
    z = zones(session, actor)
    upcoming = appointments.for_client(session, actor, actor.user_id, upcoming=True, now=now)
    history = appointments.for_client(session, actor, actor.user_id, upcoming=False, now=now)
    profile = session.get(ClientProfile, actor.user_id)
    return SessionsPage(
        upcoming=[portal_session(v, z, now) for v in upcoming],
        history=[portal_session(v, z, now) for v in history],
        leave_notices=leave_notices(session, profile, upcoming, z),
        window_hours=cancellation_window(session, actor),
    )


def leave_notices(session: Session, profile: ClientProfile, upcoming: list[appointments.AppointmentView],
                  z: Zones) -> list[str]:
    """A notice for each of the client's sessions that falls in the therapist's leave."""
    return [leave_notice(view, z) for view in upcoming
            if scheduling.time_off(session, profile.therapist_id, view.starts_at, view.ends_at)]


def next_session(session: Session, actor: Actor, now: datetime | None = None) -> tuple[PortalSession | None, list[str]]:
    """The client's next session (None when none) and leave notices, for the portal home."""
    now = now or utcnow()
    z = zones(session, actor)
    upcoming = appointments.for_client(session, actor, actor.user_id, upcoming=True, now=now, limit=5)
    profile = session.get(ClientProfile, actor.user_id)
    return (portal_session(upcoming[0], z, now) if upcoming else None), leave_notices(session, profile, upcoming, z)
