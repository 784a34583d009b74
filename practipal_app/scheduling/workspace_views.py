"""What the therapist's calendar and home show, formatted in the practice's timezone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.timefmt import clock
from practipal_app.models import ClientProfile, ClientStatus, User
from practipal_app.models.base import utcnow
from practipal_app.people import clients
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.portal_views import MODE_LABELS

STATUS_LABELS = {
    "scheduled": "Scheduled", "completed": "Completed", "cancelled_by_client": "Cancelled by client",
    "cancelled_by_therapist": "Cancelled", "late_cancelled": "Late cancellation", "no_show": "No-show",
}


def _clinician(actor: Actor) -> None:
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists have a calendar.")


def _row(view: appointments.AppointmentView, tz: str, now: datetime) -> dict[str, str]:
    return {
        "id": str(view.id), "client": view.client_name, "client_id": str(view.client_id), "title": view.title,
        "time": f"{clock(view.starts_at, tz)}–{clock(view.ends_at, tz)}", "status": view.status,
        "status_label": STATUS_LABELS.get(view.status, view.status), "mode": MODE_LABELS.get(view.mode, view.mode),
        "join_url": view.join_url if view.can_join(now) else "", "link": view.join_url, "location": view.location,
        "agenda": view.agenda, "past": "1" if view.starts_at <= now else "",
    }


def days(session: Session, actor: Actor, first: date, count: int, now: datetime | None = None) -> list[dict]:
    """`count` days from `first`: each with its sessions and whether it is a leave day."""
    _clinician(actor)
    now = now or utcnow()
    tz = scheduling.practice_timezone(session, actor.practice_id)
    zone = ZoneInfo(tz)
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = start + timedelta(days=count)
    views = appointments.for_therapist(session, actor, start, end)
    leave = scheduling.time_off(session, actor.user_id, start, end)
    hours = scheduling.weekly_hours(session, actor.user_id)
    out = []
    for i in range(count):
        day = first + timedelta(days=i)
        day_start = datetime.combine(day, time(0), tzinfo=zone)
        day_end = day_start + timedelta(days=1)
        on_leave = any(t.starts_at < day_end and t.ends_at > day_start for t in leave)
        ranges = ", ".join(f"{scheduling.format_minutes(a)}–{scheduling.format_minutes(b)}"
                           for a, b in hours.get(day.weekday(), []))
        out.append({
            "label": f"{day:%a} {day.day} {day:%b}",
            "iso": day.isoformat(),
            "today": "1" if day == now.astimezone(zone).date() else "",
            "leave": "1" if on_leave else "",
            "hours": ranges or "Day off",
            "sessions": [_row(v, tz, now) for v in views if day_start <= v.starts_at < day_end],
        })
    return out


def today(session: Session, actor: Actor, now: datetime | None = None) -> list[dict[str, str]]:
    now = now or utcnow()
    zone = ZoneInfo(scheduling.practice_timezone(session, actor.practice_id))
    if not actor.is_clinician:
        return []
    return days(session, actor, now.astimezone(zone).date(), 1, now)[0]["sessions"]


def booking_options(session: Session, actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(clients the therapist can book for, their session types)."""
    _clinician(actor)
    rows = session.exec(
        select(User.id, User.name).join(ClientProfile, ClientProfile.user_id == User.id).where(
            ClientProfile.therapist_id == actor.user_id, ClientProfile.practice_id == actor.practice_id,
            ClientProfile.status != ClientStatus.DISCHARGED,
        ).order_by(User.name).limit(500)
    ).all()
    types = [(t.id, f"{t.name} · {t.duration_minutes} min") for t in scheduling.session_types(session, actor.user_id)]
    return [(i, n) for i, n in rows], types


def client_sessions(session: Session, actor: Actor, client_id: int, now: datetime | None = None) -> list[dict]:
    """A client's upcoming sessions for their page in the workspace."""
    now = now or utcnow()
    clients.scoped_profile(session, actor, client_id)
    tz = scheduling.practice_timezone(session, actor.practice_id)
    views = appointments.for_client(session, actor, client_id, upcoming=True, now=now, limit=10)
    return [{**_row(v, tz, now), "day": f"{v.starts_at.astimezone(ZoneInfo(tz)):%a %d %b}"} for v in views]


def parse_local(session: Session, actor: Actor, day_text: str, time_text: str) -> datetime:
    """A date and time typed in the practice's timezone, as an aware datetime; ValueError if unreadable."""
    try:
        day = date.fromisoformat(day_text.strip())
        minutes = scheduling.parse_clock(time_text)
    except ValueError as exc:
        raise ValueError("Choose a date and a time.") from exc
    zone = ZoneInfo(scheduling.practice_timezone(session, actor.practice_id))
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


def describe_times(session: Session, actor: Actor, starts: list[datetime]) -> list[str]:
    tz = scheduling.practice_timezone(session, actor.practice_id)
    zone = ZoneInfo(tz)
    return [f"{s.astimezone(zone):%a} {s.astimezone(zone).day} {s.astimezone(zone):%b}, {clock(s, tz)}" for s in starts]


def local_today(session: Session, actor: Actor, now: datetime | None = None) -> date:
    zone = ZoneInfo(scheduling.practice_timezone(session, actor.practice_id))
    return (now or utcnow()).astimezone(zone).date()
