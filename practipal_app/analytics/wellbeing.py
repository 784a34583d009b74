"""The therapist's own side of the insights: the weekly energy check-in and the inputs of the
time-reclaimed estimate. Each therapist reads and writes only their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from practipal_app.core.errors import InvalidInput, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import EnergyCheckIn, InsightSettings, Role
from practipal_app.models.base import utcnow
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling import slots

ENERGY_LEVELS = {1: "Running on empty", 2: "Low", 3: "Okay", 4: "Good", 5: "Plenty"}
NOTE_MAX = 500
MINUTE_LIMITS = {
    "minutes_per_reply": (1, 120),
    "minutes_per_message": (1, 120),
    "minutes_per_interruption": (0, 60),
}


@dataclass(frozen=True)
class InsightInputs:
    minutes_per_reply: int
    minutes_per_message: int
    minutes_per_interruption: int
    adoption_date: date | None


@dataclass(frozen=True)
class CheckIn:
    week_start: date
    level: int | None  # None: not answered this week yet
    note: str


def _clinician(actor: Actor) -> None:
    if actor.role not in (Role.OWNER, Role.THERAPIST):
        raise PermissionDenied("Only therapists check in on their energy.")


def today(session: Session, actor: Actor, now: datetime | None = None) -> date:
    return (
        (now or utcnow())
        .astimezone(ZoneInfo(scheduling.practice_timezone(session, actor.practice_id)))
        .date()
    )


def week_start(session: Session, actor: Actor, now: datetime | None = None) -> date:
    """This week's Monday in the practice's zone."""
    return slots.week_start(today(session, actor, now))


def this_week(session: Session, actor: Actor, now: datetime | None = None) -> CheckIn:
    _clinician(actor)
    week = week_start(session, actor, now)
    row = session.exec(
        select(EnergyCheckIn).where(
            EnergyCheckIn.therapist_id == actor.user_id, EnergyCheckIn.week_start == week
        )
    ).first()
    return CheckIn(week, row.level if row else None, row.note if row else "")


def energy_level(value: object) -> int:
    """A level from 1 to 5 as the page sends it (a number or its digits); InvalidInput otherwise."""
    readable = isinstance(value, int | str) and not isinstance(value, bool)
    text = str(value).strip() if readable else ""
    if text not in {str(level) for level in ENERGY_LEVELS}:
        raise InvalidInput({"level": "Choose your energy from 1 to 5."})
    return int(text)


def check_in(
    session: Session, actor: Actor, level: int | str, note: str = "", now: datetime | None = None
) -> CheckIn:
    """Answer (or change) this week's check-in."""
    _clinician(actor)
    level = energy_level(level)
    note = str(note).strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput({"note": f"Keep the note under {NOTE_MAX} characters."})
    now = now or utcnow()
    week = week_start(session, actor, now)
    row = session.exec(
        select(EnergyCheckIn).where(
            EnergyCheckIn.therapist_id == actor.user_id, EnergyCheckIn.week_start == week
        )
    ).first()
    row = row or EnergyCheckIn(therapist_id=actor.user_id, week_start=week, level=level)
    row.level, row.note, row.answered_at = level, note, now
    session.add(row)
    session.flush()
    return CheckIn(week, level, note)


def inputs(session: Session, therapist_id: int) -> InsightInputs:
    row = session.get(InsightSettings, therapist_id) or InsightSettings(therapist_id=therapist_id)
    return InsightInputs(
        row.minutes_per_reply,
        row.minutes_per_message,
        row.minutes_per_interruption,
        row.adoption_date,
    )


def _minutes(values: dict, name: str, errors: dict[str, str]) -> int:
    low, high = MINUTE_LIMITS[name]
    try:
        number = int(str(values.get(name, "")).strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        errors[name] = f"Enter whole minutes from {low} to {high}."
        return 0
    return number


def _adoption_date(text: str, errors: dict[str, str], latest: date) -> date | None:
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        errors["adoption_date"] = "Enter a date like 2026-04-01, or leave it empty."
        return None
    if day > latest:
        errors["adoption_date"] = "The portal's start cannot be in the future."
    return day


def save_inputs(
    session: Session, actor: Actor, values: dict, now: datetime | None = None
) -> InsightInputs:
    """values: the three minute fields as text, and 'adoption_date' as YYYY-MM-DD or ''
    (automatic)."""
    _clinician(actor)
    errors: dict[str, str] = {}
    minutes = {name: _minutes(values, name, errors) for name in MINUTE_LIMITS}
    adoption = _adoption_date(
        str(values.get("adoption_date", "")), errors, today(session, actor, now)
    )
    if errors:
        raise InvalidInput(errors)
    row = session.get(InsightSettings, actor.user_id) or InsightSettings(therapist_id=actor.user_id)
    for name, number in minutes.items():
        setattr(row, name, number)
    row.adoption_date = adoption
    session.add(row)
    session.flush()
    return inputs(session, actor.user_id)
