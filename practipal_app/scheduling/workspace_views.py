"""What the therapist's calendar, Today and a client's page read of sessions, and the calendar's
booking form; `scheduling.views` shapes it in the practice's timezone."""

from __future__ import annotations

from dataclasses import dataclass
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
from practipal_app.scheduling.views import BookingChoices, CalendarDays, StaffSessions


def _clinician(actor: Actor) -> None:
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists have a calendar.")


def days(
    session: Session, actor: Actor, first: date, count: int, now: datetime | None = None
) -> CalendarDays:
    """`count` days from `first`: the therapist's sessions, leave and weekly hours."""
    _clinician(actor)
    tz = scheduling.practice_timezone(session, actor.practice_id)
    start = datetime.combine(first, time(0), tzinfo=ZoneInfo(tz))
    end = start + timedelta(days=count)
    return CalendarDays(
        first=first,
        count=count,
        timezone=tz,
        now=now or utcnow(),
        views=appointments.for_therapist(session, actor, start, end),
        leave=scheduling.time_off(session, actor.user_id, start, end),
        hours=scheduling.weekly_hours(session, actor.user_id),
    )


def today(session: Session, actor: Actor, now: datetime | None = None) -> CalendarDays | None:
    """Today in the practice's zone, for the Today page; None for someone without a calendar."""
    if not actor.is_clinician:
        return None
    now = now or utcnow()
    return days(session, actor, local_today(session, actor, now), 1, now)


def booking_options(session: Session, actor: Actor) -> BookingChoices:
    """The clients the therapist can book for, and their session types."""
    _clinician(actor)
    rows = session.exec(
        select(User.id, User.name)
        .join(ClientProfile, ClientProfile.user_id == User.id)
        .where(
            ClientProfile.therapist_id == actor.user_id,
            ClientProfile.practice_id == actor.practice_id,
            ClientProfile.status != ClientStatus.DISCHARGED,
        )
        .order_by(User.name)
        .limit(500)
    ).all()
    return BookingChoices(
        clients=[(i, n) for i, n in rows], types=scheduling.session_types(session, actor.user_id)
    )


def client_sessions(
    session: Session, actor: Actor, client_id: int, now: datetime | None = None
) -> StaffSessions:
    """A client's upcoming sessions for their page in the workspace."""
    now = now or utcnow()
    clients.scoped_profile(session, actor, client_id)
    views = appointments.upcoming_for_client(session, actor, client_id, now=now, limit=10)
    return StaffSessions(scheduling.practice_timezone(session, actor.practice_id), now, views)


def parse_local(session: Session, actor: Actor, day_text: str, time_text: str) -> datetime:
    """A date and time typed in the practice's timezone, as an aware datetime."""
    try:
        day = date.fromisoformat(day_text.strip())
        minutes = scheduling.parse_clock(time_text)
    except ValueError as exc:
        raise InvalidInput({"form": "Choose a date and a time."}) from exc
    zone = ZoneInfo(scheduling.practice_timezone(session, actor.practice_id))
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


@dataclass(frozen=True)
class BookingRequest:
    """The calendar's booking form, read: one session at `starts_at`, or a series repeating every
    `every_weeks` weeks (1 or 2) for `count` sessions or `until` a time."""

    client_id: int
    session_type_id: int
    starts_at: datetime
    #: The day of the (first) session, in the practice's zone.
    day: date
    agenda: str = ""
    every_weeks: int = 0
    count: int | None = None
    until: datetime | None = None

    @property
    def is_series(self) -> bool:
        return self.every_weeks > 0


def read_booking_form(session: Session, actor: Actor, form: dict) -> BookingRequest:
    """The booking form as the page submits it (strings), read in the practice's zone; refused
    with InvalidInput when a date, time or number cannot be read."""
    _clinician(actor)
    start = parse_local(session, actor, str(form.get("date", "")), str(form.get("time", "")))
    client_id = _number(form.get("client_id"))
    session_type_id = _number(form.get("session_type_id"))
    repeat = str(form.get("repeat", "none"))
    every_weeks = int(repeat) if repeat in ("1", "2") else 0
    until, count = None, None
    if every_weeks:
        until_text = str(form.get("until", "")).strip()
        if until_text:  # "until a date" wins over a count
            until = parse_local(session, actor, until_text, "23:59")
        else:
            count = _number(form.get("count"))
    return BookingRequest(
        client_id=client_id,
        session_type_id=session_type_id,
        starts_at=start,
        day=start.date(),
        agenda=str(form.get("agenda", "")),
        every_weeks=every_weeks,
        count=count,
        until=until,
    )


def book_request(
    session: Session,
    actor: Actor,
    request: BookingRequest,
    confirmed: bool,
    skip_conflicts: bool,
    now: datetime | None = None,
) -> int:
    """Book what the form asked for: one session or the series. How many were booked."""
    common = {"client_id": request.client_id, "session_type_id": request.session_type_id}
    if request.is_series:
        limit = {"until": request.until} if request.until is not None else {"count": request.count}
        return len(
            appointments.book_series(
                session,
                actor,
                first_start=request.starts_at,
                every_weeks=request.every_weeks,
                skip_conflicts=skip_conflicts,
                now=now,
                **limit,
                **common,
            )
        )
    appointments.book(
        session,
        actor,
        starts_at=request.starts_at,
        agenda=request.agenda,
        confirmed=confirmed,
        now=now,
        **common,
    )
    return 1


def _number(value: object) -> int:
    text = str(value or "0").strip()
    if not text.isdigit():
        raise InvalidInput({"form": "Use whole numbers."})
    return int(text)


def parse_day(text: str) -> date:
    """A day the page sent (ISO, e.g. '2026-12-04'); InvalidInput when it is not one."""
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise InvalidInput({"form": "Choose a day."}) from exc


def shifted(anchor: date, view: str, step: object, today: date) -> date:
    """The calendar moved a week (or a day, in the day view) back for step -1, on for step 1; any
    other step comes back to today."""
    direction = {"-1": -1, "1": 1}.get(str(step).strip(), 0)
    if not direction:
        return today
    return anchor + timedelta(days=7 if view == "week" else 1) * direction


def practice_zone(session: Session, actor: Actor) -> str:
    """The practice's timezone, in which the workspace shows times."""
    return scheduling.practice_timezone(session, actor.practice_id)


def local_today(session: Session, actor: Actor, now: datetime | None = None) -> date:
    zone = ZoneInfo(scheduling.practice_timezone(session, actor.practice_id))
    return (now or utcnow()).astimezone(zone).date()
