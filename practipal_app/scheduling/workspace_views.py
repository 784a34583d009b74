"""What the therapist's calendar, Today and a client's page read of sessions, and the calendar's
booking form; `scheduling.views` shapes it in the practice's timezone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from practipal_app.core.errors import InvalidInput, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import ClientProfile, ClientStatus, User
from practipal_app.models.base import utcnow
from practipal_app.people import clients
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.views import (
    CalendarDays,
    Slot,
    StaffSession,
    alternatives,
    day_columns,
    staff_session,
)


def _clinician(actor: Actor) -> None:
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists have a calendar.")


def days(session: Session, actor: Actor, first: date, count: int, now: datetime | None = None) -> CalendarDays:
    """`count` days from `first`: the therapist's sessions, leave and weekly hours."""
    _clinician(actor)
    tz = scheduling.practice_timezone(session, actor.practice_id)
    start = datetime.combine(first, time(0), tzinfo=ZoneInfo(tz))
    end = start + timedelta(days=count)
    return CalendarDays(
        first=first, count=count, timezone=tz, now=now or utcnow(),
        views=appointments.for_therapist(session, actor, start, end),
        leave=scheduling.time_off(session, actor.user_id, start, end),
        hours=scheduling.weekly_hours(session, actor.user_id),
    )


def today(session: Session, actor: Actor, now: datetime | None = None) -> list[StaffSession]:
    if not actor.is_clinician:
        return []
    now = now or utcnow()
    return day_columns(days(session, actor, local_today(session, actor, now), 1, now))[0].sessions


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


def client_sessions(session: Session, actor: Actor, client_id: int, now: datetime | None = None) -> list[StaffSession]:
    """A client's upcoming sessions for their page in the workspace."""
    now = now or utcnow()
    clients.scoped_profile(session, actor, client_id)
    tz = scheduling.practice_timezone(session, actor.practice_id)
    views = appointments.for_client(session, actor, client_id, upcoming=True, now=now, limit=10)
    return [staff_session(v, tz, now) for v in views]


def parse_local(session: Session, actor: Actor, day_text: str, time_text: str) -> datetime:
    """A date and time typed in the practice's timezone, as an aware datetime."""
    try:
        day = date.fromisoformat(day_text.strip())
        minutes = scheduling.parse_clock(time_text)
    except ValueError as exc:
        raise InvalidInput({"form": "Choose a date and a time."}) from exc
    zone = ZoneInfo(scheduling.practice_timezone(session, actor.practice_id))
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


def book_from_form(session: Session, actor: Actor, form: dict, confirmed: bool, skip_conflicts: bool) -> int:
    """The calendar's booking form, read in the practice's zone: one session or a weekly series.
    How many were booked."""
    start = parse_local(session, actor, str(form.get("date", "")), str(form.get("time", "")))
    common = {"client_id": _number(form.get("client_id")), "session_type_id": _number(form.get("session_type_id"))}
    repeat = str(form.get("repeat", "none"))
    if repeat in ("1", "2"):
        until_text = str(form.get("until", "")).strip()
        if until_text:  # "until a date" wins over a count
            limit = {"until": parse_local(session, actor, until_text, "23:59")}
        else:
            limit = {"count": _number(form.get("count"))}
        return len(appointments.book_series(session, actor, first_start=start, every_weeks=int(repeat),
                                            skip_conflicts=skip_conflicts, **limit, **common))
    appointments.book(session, actor, starts_at=start, agenda=str(form.get("agenda", "")), confirmed=confirmed,
                      **common)
    return 1


def _number(value: object) -> int:
    text = str(value or "0").strip()
    if not text.isdigit():
        raise InvalidInput({"form": "Use whole numbers."})
    return int(text)


def form_day(form: dict) -> date | None:
    """The day a booking form names, if it names one."""
    try:
        return date.fromisoformat(str(form.get("date", "")))
    except ValueError:
        return None


def describe_times(session: Session, actor: Actor, starts: list[datetime]) -> list[Slot]:
    return alternatives(starts, scheduling.practice_timezone(session, actor.practice_id))


def local_today(session: Session, actor: Actor, now: datetime | None = None) -> date:
    zone = ZoneInfo(scheduling.practice_timezone(session, actor.practice_id))
    return (now or utcnow()).astimezone(zone).date()
