"""A therapist's scheduling rules: weekly hours, session types, caps and policies, leave."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from practipal_app.content import resources
from practipal_app.core import audit, money
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityRule,
    Practice,
    SchedulingSettings,
    SessionMode,
    SessionType,
    TimeOff,
    User,
)
from practipal_app.models.base import utcnow

DEFAULT_HOURS = {d: [(10 * 60, 18 * 60)] for d in range(5)}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _require_clinician(actor: Actor) -> None:
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists have their own schedule.")


def practice_timezone(session: Session, practice_id: int) -> str:
    return session.get(Practice, practice_id).timezone


def settings_for(session: Session, therapist_id: int) -> SchedulingSettings:
    """The therapist's settings row, created with the defaults the first time it is needed."""
    row = session.get(SchedulingSettings, therapist_id)
    if row is None:
        row = SchedulingSettings(therapist_id=therapist_id)
        session.add(row)
        session.flush()
    return row


def weekly_hours(session: Session, therapist_id: int) -> dict[int, list[tuple[int, int]]]:
    rows = session.exec(
        select(AvailabilityRule)
        .where(AvailabilityRule.therapist_id == therapist_id)
        .order_by(AvailabilityRule.weekday, AvailabilityRule.start_minute)
    ).all()
    hours: dict[int, list[tuple[int, int]]] = {}
    for r in rows:
        hours.setdefault(r.weekday, []).append((r.start_minute, r.end_minute))
    return hours


def ensure_defaults(session: Session, therapist_id: int) -> None:
    """A new therapist starts with Mon–Fri 10:00–18:00 and one 50-minute video session type."""
    settings_for(session, therapist_id)
    if not session.exec(
        select(AvailabilityRule).where(AvailabilityRule.therapist_id == therapist_id)
    ).first():
        for weekday, ranges in DEFAULT_HOURS.items():
            for start, end in ranges:
                session.add(
                    AvailabilityRule(
                        therapist_id=therapist_id,
                        weekday=weekday,
                        start_minute=start,
                        end_minute=end,
                    )
                )
    if not session.exec(
        select(SessionType).where(SessionType.therapist_id == therapist_id)
    ).first():
        session.add(
            SessionType(
                therapist_id=therapist_id,
                name="Therapy session",
                duration_minutes=50,
                fee_paise=200000,
                mode=SessionMode.VIDEO,
                buffer_minutes=10,
            )
        )
    session.flush()


def parse_clock(text: str) -> int:
    """'18:30' -> minutes after midnight; ValueError otherwise."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time like 09:30.")
    return int(match.group(1)) * 60 + int(match.group(2))


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def set_weekly_hours(
    session: Session, actor: Actor, hours: dict[int, list[tuple[str, str]]]
) -> None:
    """Replace the weekly hours. `hours` maps weekday (Mon = 0) to ranges like ('10:00',
    '13:00')."""
    _require_clinician(actor)
    errors: dict[str, str] = {}
    parsed: list[tuple[int, int, int]] = []
    for weekday, ranges in hours.items():
        spans = []
        for start_text, end_text in ranges:
            try:
                start, end = parse_clock(start_text), parse_clock(end_text)
            except ValueError as exc:
                errors[f"day_{weekday}"] = str(exc)
                continue
            if end <= start:
                errors[f"day_{weekday}"] = "Each range must end after it starts."
            spans.append((start, end))
        spans.sort()
        if any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False)):
            errors[f"day_{weekday}"] = "Ranges on one day must not overlap."
        if not 0 <= int(weekday) <= 6:
            errors["hours"] = "Unknown weekday."
        parsed += [(int(weekday), s, e) for s, e in spans]
    if errors:
        raise InvalidInput(errors)
    for row in session.exec(
        select(AvailabilityRule).where(AvailabilityRule.therapist_id == actor.user_id)
    ).all():
        session.delete(row)
    for weekday, start, end in parsed:
        session.add(
            AvailabilityRule(
                therapist_id=actor.user_id, weekday=weekday, start_minute=start, end_minute=end
            )
        )
    audit.record(
        session, "availability.changed", practice_id=actor.practice_id, actor_id=actor.user_id
    )


POLICY_LIMITS = {
    "min_notice_hours": (0, 24 * 14, "Minimum notice"),
    "horizon_days": (1, 365, "Booking horizon"),
    "cancellation_window_hours": (0, 24 * 7, "Cancellation window"),
    "daily_cap": (1, 20, "Sessions per day"),
    "weekly_cap": (1, 80, "Sessions per week"),
}


def save_policies(session: Session, actor: Actor, values: dict) -> SchedulingSettings:
    """Notice, horizon, cancellation window, caps, room link, address, reminders, agenda email."""
    _require_clinician(actor)
    row = settings_for(session, actor.user_id)
    errors: dict[str, str] = {}
    for name, (low, high, label) in POLICY_LIMITS.items():
        if name not in values:
            continue
        try:
            number = int(str(values[name]).strip())
        except ValueError:
            errors[name] = f"{label}: enter a whole number."
            continue
        if not low <= number <= high:
            errors[name] = f"{label}: choose between {low} and {high}."
        else:
            setattr(row, name, number)
    url = str(values.get("video_room_url", row.video_room_url)).strip()
    if url and not re.match(r"^https://[^\s]+$", url):
        errors["video_room_url"] = "Use a full https:// link to your video room, or leave it empty."
    row.video_room_url = url[:500]
    row.office_address = str(values.get("office_address", row.office_address)).strip()[:500]
    if "reminder_hours" in values:
        try:
            hours = sorted(
                {int(h) for h in str(values["reminder_hours"]).replace(" ", "").split(",") if h},
                reverse=True,
            )
        except ValueError:
            hours = []
            errors["reminder_hours"] = "List hours before the session, like 24, 1."
        if any(not 0 < h <= 168 for h in hours):
            errors["reminder_hours"] = "Reminders can be 1 to 168 hours before a session."
        row.reminder_hours = hours
    if "daily_agenda_email" in values:
        row.daily_agenda_email = values["daily_agenda_email"] in (True, "on", "true", "1")
    if errors:
        raise InvalidInput(errors)
    if row.weekly_cap < row.daily_cap:
        raise InvalidInput({"weekly_cap": "The weekly cap cannot be lower than the daily cap."})
    session.add(row)
    audit.record(
        session,
        "scheduling.policies_changed",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
    )
    return row


@dataclass(frozen=True)
class SessionTypeForm:
    name: str
    duration_minutes: int
    fee_rupees: str
    mode: str
    buffer_minutes: int


def save_session_type(
    session: Session, actor: Actor, type_id: int | None, form: SessionTypeForm
) -> int:
    _require_clinician(actor)
    errors: dict[str, str] = {}
    if not form.name.strip():
        errors["name"] = "Give the session type a name."
    if not 15 <= int(form.duration_minutes) <= 240:
        errors["duration_minutes"] = "Sessions last 15 to 240 minutes."
    if not 0 <= int(form.buffer_minutes) <= 120:
        errors["buffer_minutes"] = "A buffer is 0 to 120 minutes."
    if form.mode not in {m.value for m in SessionMode}:
        errors["mode"] = "Choose video, in person or phone."
    try:
        fee = money.parse_rupees(form.fee_rupees)
    except ValueError as exc:
        errors["fee_rupees"], fee = str(exc), 0
    if errors:
        raise InvalidInput(errors)
    if type_id is None:
        row = SessionType(therapist_id=actor.user_id)
    else:
        row = session.get(SessionType, type_id)
        if row is None or row.therapist_id != actor.user_id:
            raise NotFound("No such session type.")
    row.name, row.duration_minutes, row.buffer_minutes = (
        form.name.strip()[:120],
        int(form.duration_minutes),
        int(form.buffer_minutes),
    )
    row.fee_paise, row.mode, row.active = fee, form.mode, True
    session.add(row)
    session.flush()
    return row.id


def archive_session_type(session: Session, actor: Actor, type_id: int) -> None:
    _require_clinician(actor)
    row = session.get(SessionType, type_id)
    if row is None or row.therapist_id != actor.user_id:
        raise NotFound("No such session type.")
    row.active = False
    session.add(row)


def session_types(
    session: Session, therapist_id: int, active_only: bool = True
) -> list[SessionType]:
    query = select(SessionType).where(SessionType.therapist_id == therapist_id)
    if active_only:
        query = query.where(SessionType.active)
    return list(session.exec(query.order_by(SessionType.id)).all())


def session_type_for(session: Session, therapist_id: int, type_id: int) -> SessionType:
    row = session.get(SessionType, type_id)
    if row is None or row.therapist_id != therapist_id or not row.active:
        raise NotFound("That session type is not offered.")
    return row


# The longest a session can hold the therapist's time: 240 minutes plus a 120-minute buffer.
MAX_HELD = timedelta(hours=6)


# Leave -------------------------------------------------------------------------------------------


def _whole_number(form: dict, name: str, errors: dict[str, str], message: str) -> int:
    text = str(form.get(name) or "0").strip()
    if not text.isdigit():
        errors[name] = message
        return 0
    return int(text)


def save_session_type_form(session: Session, actor: Actor, type_id: int | None, form: dict) -> int:
    """The session-type form as the page submits it (strings): refused field by field when
    unreadable."""
    errors: dict[str, str] = {}
    duration = _whole_number(form, "duration_minutes", errors, "Use whole minutes.")
    buffer = _whole_number(form, "buffer_minutes", errors, "Use whole minutes.")
    if errors:
        raise InvalidInput(errors)
    return save_session_type(
        session,
        actor,
        type_id,
        SessionTypeForm(
            name=str(form.get("name", "")),
            duration_minutes=duration,
            fee_rupees=str(form.get("fee_rupees", "")),
            mode=str(form.get("mode", "video")),
            buffer_minutes=buffer,
        ),
    )


def add_leave_form(session: Session, actor: Actor, form: dict) -> int:
    """Leave as the page submits it: ISO days; the last day defaults to the first."""
    try:
        first = date.fromisoformat(str(form.get("first_day", "")))
        last = date.fromisoformat(str(form.get("last_day", "")) or str(form.get("first_day", "")))
    except ValueError as exc:
        raise InvalidInput({"first_day": "Choose the first and last day of your leave."}) from exc
    return add_time_off(session, actor, first, last, str(form.get("note", "")))


def add_time_off(
    session: Session, actor: Actor, first_day: date, last_day: date, note: str = ""
) -> int:
    """Leave from the start of `first_day` to the end of `last_day`, in the practice's timezone."""
    _require_clinician(actor)
    if last_day < first_day:
        raise InvalidInput({"last_day": "The last day must be on or after the first."})
    zone = ZoneInfo(practice_timezone(session, actor.practice_id))
    starts = datetime.combine(first_day, time(0), tzinfo=zone)
    ends = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
    row = TimeOff(
        therapist_id=actor.user_id, starts_at=starts, ends_at=ends, note=note.strip()[:200]
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "leave.added",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="timeoff",
        subject_id=row.id,
    )
    resources.on_leave(session, actor.user_id, actor.user_id)
    return row.id


def remove_time_off(session: Session, actor: Actor, time_off_id: int) -> None:
    _require_clinician(actor)
    row = session.get(TimeOff, time_off_id)
    if row is None or row.therapist_id != actor.user_id:
        raise NotFound("No such leave period.")
    session.delete(row)


def time_off(session: Session, therapist_id: int, start: datetime, end: datetime) -> list[TimeOff]:
    return list(
        session.exec(
            select(TimeOff)
            .where(
                TimeOff.therapist_id == therapist_id,
                TimeOff.ends_at > start,
                TimeOff.starts_at < end,
            )
            .order_by(TimeOff.starts_at)
        ).all()
    )


def upcoming_time_off(
    session: Session, therapist_id: int, now: datetime | None = None
) -> list[TimeOff]:
    now = now or utcnow()
    return list(
        session.exec(
            select(TimeOff)
            .where(TimeOff.therapist_id == therapist_id, TimeOff.ends_at > now)
            .order_by(TimeOff.starts_at)
        ).all()
    )


def appointments_during_leave(
    session: Session, actor: Actor, now: datetime | None = None
) -> list[Appointment]:
    """Scheduled sessions that fall in a leave period: the therapist should move them."""
    _require_clinician(actor)
    now = now or utcnow()
    found: list[Appointment] = []
    for leave in upcoming_time_off(session, actor.user_id, now):
        found += session.exec(
            select(Appointment)
            .where(
                Appointment.therapist_id == actor.user_id,
                col(Appointment.status).in_(list(ACTIVE_STATUSES)),
                Appointment.starts_at < leave.ends_at,
                Appointment.ends_at > leave.starts_at,
                Appointment.starts_at > now,
            )
            .order_by(Appointment.starts_at)
        ).all()
    return found


# The settings page -------------------------------------------------------------------------------

DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def parse_hours_text(text: str) -> list[tuple[str, str]]:
    """'10:00-13:00, 14:00-18:00' -> [('10:00', '13:00'), ('14:00', '18:00')]; '' -> a day off."""
    ranges = []
    for part in text.replace("–", "-").split(","):
        if not part.strip():
            continue
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(f"'{part.strip()}' is not a range like 10:00-13:00.")
        ranges.append((start.strip(), end.strip()))
    return ranges


def set_hours_from_text(session: Session, actor: Actor, texts: dict[int, str]) -> None:
    errors, hours = {}, {}
    for weekday, text in texts.items():
        try:
            hours[int(weekday)] = parse_hours_text(text)
        except ValueError as exc:
            errors[f"day_{weekday}"] = str(exc)
    if errors:
        raise InvalidInput(errors)
    set_weekly_hours(session, actor, hours)


@dataclass(frozen=True)
class Availability:
    """What the availability page shows, as data: `scheduling.views` shapes it."""

    timezone: str
    week: dict[int, list[tuple[int, int]]]
    settings: SchedulingSettings
    types: list[SessionType]
    leave: list[TimeOff]
    affected: list[Appointment]
    client_names: dict[int, str]


def availability(session: Session, actor: Actor, now: datetime | None = None) -> Availability:
    _require_clinician(actor)
    now = now or utcnow()
    affected = appointments_during_leave(session, actor, now)
    client_names = dict(
        session.exec(
            select(User.id, User.name).where(
                col(User.id).in_([a.client_id for a in affected] or [-1])
            )
        ).all()
    )
    return Availability(
        timezone=practice_timezone(session, actor.practice_id),
        week=weekly_hours(session, actor.user_id),
        settings=settings_for(session, actor.user_id),
        types=session_types(session, actor.user_id),
        leave=upcoming_time_off(session, actor.user_id, now),
        affected=affected,
        client_names=client_names,
    )
