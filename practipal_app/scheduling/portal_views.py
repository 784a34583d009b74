"""What the portal shows of a client's sessions, already formatted for their timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.timefmt import clock, day_label, format_local, zone_label
from practipal_app.models import ClientProfile, Practice, Role
from practipal_app.models.base import utcnow
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling

STATUS_LABELS = {
    "scheduled": "Scheduled", "completed": "Completed", "cancelled_by_client": "Cancelled by you",
    "cancelled_by_therapist": "Cancelled by your therapist", "late_cancelled": "Late cancellation",
    "no_show": "Missed",
}
MODE_LABELS = {"video": "Video", "in_person": "In person", "phone": "Phone"}


@dataclass(frozen=True)
class Zones:
    client: str
    practice: str

    @property
    def differ(self) -> bool:
        return self.client != self.practice


def zones(session: Session, actor: Actor) -> Zones:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    profile = session.get(ClientProfile, actor.user_id)
    return Zones(profile.timezone, session.get(Practice, profile.practice_id).timezone)


def describe(view: appointments.AppointmentView, z: Zones, now: datetime) -> dict[str, str]:
    """One session as the portal shows it (strings only, ready for the page)."""
    both = f" ({clock(view.starts_at, z.practice)} {zone_label(z.practice)})" if z.differ else ""
    map_url = ("https://www.openstreetmap.org/search?query=" + view.location.replace(" ", "+")
               if view.mode == "in_person" and view.location else "")
    return {
        "id": str(view.id),
        "title": view.title,
        "therapist": view.therapist_name,
        "day": day_label(view.starts_at, z.client),
        "time": f"{clock(view.starts_at, z.client)}–{clock(view.ends_at, z.client)}{both}",
        "when": format_local(view.starts_at, z.client),
        "status": view.status,
        "status_label": STATUS_LABELS.get(view.status, view.status),
        "mode": MODE_LABELS.get(view.mode, view.mode),
        "join_url": view.join_url if view.can_join(now) else "",
        "location": view.location,
        "map_url": map_url,
        "agenda": view.agenda,
        "upcoming": "1" if view.is_upcoming(now) else "",
    }


def cancellation_window(session: Session, actor: Actor) -> int:
    """Hours before a session inside which cancelling counts as late, for this client."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    profile = session.get(ClientProfile, actor.user_id)
    return scheduling.settings_for(session, profile.therapist_id).cancellation_window_hours


@dataclass(frozen=True)
class SessionsPage:
    upcoming: list[dict[str, str]]
    history: list[dict[str, str]]
    leave_notices: list[str]
    window_hours: int


def sessions_page(session: Session, actor: Actor, now: datetime | None = None) -> SessionsPage:
    now = now or utcnow()
    z = zones(session, actor)
    upcoming = appointments.for_client(session, actor, actor.user_id, upcoming=True, now=now)
    history = appointments.for_client(session, actor, actor.user_id, upcoming=False, now=now)
    profile = session.get(ClientProfile, actor.user_id)
    return SessionsPage(
        upcoming=[describe(v, z, now) for v in upcoming],
        history=[describe(v, z, now) for v in history],
        leave_notices=leave_notices(session, profile, upcoming, z),
        window_hours=cancellation_window(session, actor),
    )


def leave_notices(session: Session, profile: ClientProfile, upcoming: list[appointments.AppointmentView],
                  z: Zones) -> list[str]:
    """A notice for each of the client's sessions that falls in the therapist's leave."""
    notices = []
    for view in upcoming:
        if scheduling.time_off(session, profile.therapist_id, view.starts_at, view.ends_at):
            notices.append(f"Your therapist is on leave on {day_label(view.starts_at, z.client)}. "
                           "They will contact you to move this session; you can also pick a new time.")
    return notices


def next_session(session: Session, actor: Actor, now: datetime | None = None) -> tuple[dict[str, str], list[str]]:
    """The client's next session ({} when none) and leave notices, for the portal home."""
    now = now or utcnow()
    z = zones(session, actor)
    upcoming = appointments.for_client(session, actor, actor.user_id, upcoming=True, now=now, limit=5)
    profile = session.get(ClientProfile, actor.user_id)
    return (describe(upcoming[0], z, now) if upcoming else {}), leave_notices(session, profile, upcoming, z)
