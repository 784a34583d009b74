"""Appointments: booking (never double), moving, cancelling, recurring series, statuses, lists.

On SQLite every transaction holds the write lock from its start (db.py), so the overlap check and
the insert cannot interleave with another booking; on PostgreSQL the exclusion constraint refuses
the loser of a race, who gets `SlotTaken` like everyone else.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, literal, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from practipal_app.billing import invoices
from practipal_app.config import get_settings
from practipal_app.content import resources
from practipal_app.core import audit
from practipal_app.core.errors import DomainError, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.timefmt import session_label
from practipal_app.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AvailabilityRule,
    ClientProfile,
    ClientStatus,
    Practice,
    Role,
    SchedulingSettings,
    SessionMode,
    SessionType,
    ShareTrigger,
    TimeOff,
    User,
)
from practipal_app.models.base import UTCDateTime, utcnow
from practipal_app.people import clients
from practipal_app.scheduling import emails as appointment_emails
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.slots import Busy, Rules, free_slots, nearest, week_start

JOIN_OPENS_BEFORE = timedelta(minutes=15)
THERAPIST_MARKS = {
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.LATE_CANCELLED,
    AppointmentStatus.CANCELLED_BY_THERAPIST,
}


class SlotTaken(DomainError):
    """Someone else has that time. `alternatives` are the nearest free starts."""

    def __init__(self, alternatives: list[datetime]):
        super().__init__("That time was just taken. Here are the nearest free times.")
        self.alternatives = alternatives


class NeedsConfirmation(DomainError):
    """The action is allowed, but the person must confirm it first (over a cap, on leave, late)."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message)
        self.reasons = reasons or [message]


@dataclass(frozen=True)
class AppointmentView:
    id: int
    client_id: int
    client_name: str
    therapist_id: int
    therapist_name: str
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    mode: str
    join_url: str
    location: str
    agenda: str
    series_id: str

    def can_join(self, now: datetime) -> bool:
        return (
            self.status == AppointmentStatus.SCHEDULED
            and self.mode == SessionMode.VIDEO
            and bool(self.join_url)
            and self.starts_at - JOIN_OPENS_BEFORE <= now < self.ends_at
        )

    def is_upcoming(self, now: datetime) -> bool:
        return self.status == AppointmentStatus.SCHEDULED and self.ends_at > now


# Who may act on what -----------------------------------------------------------------------------


def _profile_for(session: Session, actor: Actor, client_id: int) -> ClientProfile:
    """The client's profile, if the actor is that client or staff who may see them."""
    if actor.role == Role.CLIENT:
        if client_id != actor.user_id:
            raise NotFound("No such client.")
        profile = session.get(ClientProfile, client_id)
        if profile is None:
            raise NotFound("No such client.")
        return profile
    return clients.scoped_profile(session, actor, client_id)


def _appointment_for(session: Session, actor: Actor, appointment_id: int) -> Appointment:
    """The appointment if the actor is its client, its therapist, or the owner/assistant of its
    practice."""
    appt = session.get(Appointment, appointment_id)
    if appt is None or appt.practice_id != actor.practice_id:
        raise NotFound("No such session.")
    if actor.role == Role.CLIENT and appt.client_id != actor.user_id:
        raise NotFound("No such session.")
    if actor.role == Role.THERAPIST and appt.therapist_id != actor.user_id:
        raise NotFound("No such session.")
    return appt


# Slots -------------------------------------------------------------------------------------------


# Both statements are built once: most of a slot listing's cost was building its queries.
_SLOT_CONTEXT = (
    select(
        ClientProfile.therapist_id,
        Practice.timezone,
        SessionType.duration_minutes,
        SessionType.buffer_minutes,
        SchedulingSettings.min_notice_hours,
        SchedulingSettings.horizon_days,
        SchedulingSettings.daily_cap,
        SchedulingSettings.weekly_cap,
        SchedulingSettings.slot_step_minutes,
        AvailabilityRule.weekday,
        AvailabilityRule.start_minute,
        AvailabilityRule.end_minute,
    )
    .select_from(ClientProfile)
    .join(Practice, Practice.id == ClientProfile.practice_id)
    .join(
        SessionType,
        (SessionType.id == bindparam("type_id"))
        & (SessionType.therapist_id == ClientProfile.therapist_id)
        & SessionType.active,
    )
    .join(
        SchedulingSettings,
        SchedulingSettings.therapist_id == ClientProfile.therapist_id,
        isouter=True,
    )
    .join(
        AvailabilityRule, AvailabilityRule.therapist_id == ClientProfile.therapist_id, isouter=True
    )
    .where(ClientProfile.user_id == bindparam("client_id"))
)
_BUSY = union_all(
    select(Appointment.starts_at, Appointment.blocked_until, literal(False).label("leave")).where(
        Appointment.therapist_id == bindparam("therapist_id"),
        col(Appointment.status).in_(list(ACTIVE_STATUSES)),
        # The lower bound keeps the index range short however long the history grows.
        Appointment.starts_at > bindparam("floor", type_=UTCDateTime()),
        Appointment.starts_at < bindparam("end", type_=UTCDateTime()),
        Appointment.blocked_until > bindparam("start", type_=UTCDateTime()),
        Appointment.id != bindparam("exclude_id"),
    ),
    select(TimeOff.starts_at, TimeOff.ends_at, literal(True)).where(
        TimeOff.therapist_id == bindparam("therapist_id"),
        TimeOff.ends_at > bindparam("start", type_=UTCDateTime()),
        TimeOff.starts_at < bindparam("end", type_=UTCDateTime()),
    ),
)


def _busy(
    session: Session,
    therapist_id: int,
    start: datetime,
    end: datetime,
    exclude_id: int | None = None,
) -> Busy:
    """Active appointments and leave between start and end, in one query."""
    rows = session.exec(
        _BUSY,
        params={
            "therapist_id": therapist_id,
            "start": start,
            "end": end,
            "floor": start - scheduling.MAX_HELD,
            "exclude_id": exclude_id or -1,
        },
    ).all()
    return Busy(
        appointments=[(a, b) for a, b, is_leave in rows if not is_leave],
        leave=[(a, b) for a, b, is_leave in rows if is_leave],
    )


_DEFAULT_SETTINGS = SchedulingSettings(therapist_id=0)


def _slot_context(session: Session, client_id: int, session_type_id: int) -> tuple[int, Rules]:
    """(therapist id, booking rules) for a client and one of their therapist's session types."""
    rows = session.exec(
        _SLOT_CONTEXT, params={"client_id": client_id, "type_id": session_type_id}
    ).all()
    if not rows:
        raise NotFound("That session type is not offered.")
    therapist_id, tz, duration, buffer, notice, horizon, daily, weekly, step = rows[0][:9]
    defaults = _DEFAULT_SETTINGS
    hours: dict[int, list[tuple[int, int]]] = {}
    for row in sorted(rows, key=lambda r: (r[9] is None, r[9] or 0, r[10] or 0)):
        if row[9] is not None:
            hours.setdefault(row[9], []).append((row[10], row[11]))
    return therapist_id, Rules(
        timezone=tz,
        weekly_hours=hours,
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        min_notice=timedelta(hours=defaults.min_notice_hours if notice is None else notice),
        horizon=timedelta(days=defaults.horizon_days if horizon is None else horizon),
        daily_cap=defaults.daily_cap if daily is None else daily,
        weekly_cap=defaults.weekly_cap if weekly is None else weekly,
        step=timedelta(minutes=step or defaults.slot_step_minutes),
    )


def _slots(
    session: Session,
    client_id: int,
    session_type_id: int,
    now: datetime,
    exclude_id: int | None = None,
) -> list[datetime]:
    therapist_id, rules = _slot_context(session, client_id, session_type_id)
    zone = ZoneInfo(rules.timezone)
    # From the start of this week (caps count the whole week) to past the horizon.
    window_start = datetime.combine(
        week_start(now.astimezone(zone).date()), datetime.min.time(), tzinfo=zone
    )
    window_end = now + rules.horizon + timedelta(days=8)
    return free_slots(
        rules, _busy(session, therapist_id, window_start, window_end, exclude_id), now
    )


def available_slots(
    session: Session,
    actor: Actor,
    session_type_id: int,
    client_id: int | None = None,
    now: datetime | None = None,
) -> list[datetime]:
    """Free start times the client may book themselves (UTC)."""
    client_id = actor.user_id if client_id is None else client_id
    if actor.role != Role.CLIENT or client_id != actor.user_id:
        _profile_for(session, actor, client_id)  # staff: only clients they may see
    return _slots(session, client_id, session_type_id, now or utcnow())


def bookable_types(session: Session, actor: Actor) -> list[SessionType]:
    profile = _profile_for(session, actor, actor.user_id)
    return scheduling.session_types(session, profile.therapist_id)


# Booking -----------------------------------------------------------------------------------------


def _join_details(session: Session, therapist_id: int, mode: str) -> tuple[str, str]:
    settings = scheduling.settings_for(session, therapist_id)
    if mode == SessionMode.VIDEO:
        if settings.video_room_url:
            return settings.video_room_url, ""
        return f"{get_settings().jitsi_base_url}/PractiPal-{secrets.token_urlsafe(18)}", ""
    if mode == SessionMode.IN_PERSON:
        return "", settings.office_address
    return "", ""


def _overlapping(
    session: Session,
    therapist_id: int,
    start: datetime,
    held_until: datetime,
    exclude_id: int | None = None,
) -> bool:
    return (
        session.exec(
            select(Appointment.id).where(
                Appointment.therapist_id == therapist_id,
                col(Appointment.status).in_(list(ACTIVE_STATUSES)),
                Appointment.starts_at > start - scheduling.MAX_HELD,
                Appointment.starts_at < held_until,
                Appointment.blocked_until > start,
                Appointment.id != (exclude_id or -1),
            )
        ).first()
        is not None
    )


def _warnings(
    session: Session,
    profile: ClientProfile,
    kind: SessionType,
    start: datetime,
    exclude_id: int | None = None,
) -> list[str]:
    """What a therapist booking by hand should confirm: caps reached, leave."""
    settings = scheduling.settings_for(session, profile.therapist_id)
    zone = ZoneInfo(scheduling.practice_timezone(session, profile.practice_id))
    day = start.astimezone(zone).date()
    week_from = datetime.combine(week_start(day), datetime.min.time(), tzinfo=zone)
    rows = session.exec(
        select(Appointment.starts_at).where(
            Appointment.therapist_id == profile.therapist_id,
            col(Appointment.status).in_(list(ACTIVE_STATUSES)),
            Appointment.starts_at >= week_from,
            Appointment.starts_at < week_from + timedelta(days=7),
            Appointment.id != (exclude_id or -1),
        )
    ).all()
    reasons = []
    if sum(1 for s in rows if s.astimezone(zone).date() == day) >= settings.daily_cap:
        reasons.append(f"This goes past your cap of {settings.daily_cap} sessions that day.")
    if len(rows) >= settings.weekly_cap:
        reasons.append(f"This goes past your cap of {settings.weekly_cap} sessions that week.")
    end = start + timedelta(minutes=kind.duration_minutes)
    if scheduling.time_off(session, profile.therapist_id, start, end):
        reasons.append("This falls in your leave.")
    return reasons


def _insert(
    session: Session, appt: Appointment, profile: ClientProfile, kind: SessionType, now: datetime
) -> Appointment:
    appt.created_at = now  # the service's clock, like cancelled_at: reminders compare against it
    if _overlapping(session, appt.therapist_id, appt.starts_at, appt.blocked_until):
        raise SlotTaken(nearest(_slots(session, profile.user_id, kind.id, now), appt.starts_at))
    try:
        with session.begin_nested():
            session.add(appt)
            session.flush()
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: a concurrent booking won
        raise SlotTaken(
            nearest(_slots(session, profile.user_id, kind.id, now), appt.starts_at)
        ) from exc
    return appt


def _new(
    profile: ClientProfile,
    kind: SessionType,
    start: datetime,
    actor: Actor,
    join: tuple[str, str],
    agenda: str = "",
    series_id: str = "",
) -> Appointment:
    end = start + timedelta(minutes=kind.duration_minutes)
    return Appointment(
        practice_id=profile.practice_id,
        therapist_id=profile.therapist_id,
        client_id=profile.user_id,
        session_type_id=kind.id,
        title=kind.name,
        starts_at=start,
        ends_at=end,
        blocked_until=end + timedelta(minutes=kind.buffer_minutes),
        mode=kind.mode,
        join_url=join[0],
        location=join[1],
        agenda=agenda.strip()[:2000],
        fee_paise=kind.fee_paise,
        series_id=series_id,
        created_by=actor.user_id,
    )


def book(
    session: Session,
    actor: Actor,
    *,
    client_id: int,
    session_type_id: int,
    starts_at: datetime,
    agenda: str = "",
    confirmed: bool = False,
    now: datetime | None = None,
) -> int:
    """Book one session. Clients book only free slots; staff may go past a cap or into leave once
    they confirm, but never over another session."""
    now = now or utcnow()
    profile = _profile_for(session, actor, client_id)
    if profile.status == ClientStatus.DISCHARGED:
        raise DomainError("This client is discharged; change their status before booking.")
    kind = scheduling.session_type_for(session, profile.therapist_id, session_type_id)
    if actor.role == Role.CLIENT:
        slots = _slots(session, profile.user_id, kind.id, now)
        if starts_at not in slots:
            end = starts_at + timedelta(minutes=kind.duration_minutes + kind.buffer_minutes)
            if _overlapping(session, profile.therapist_id, starts_at, end):
                raise SlotTaken(nearest(slots, starts_at))
            raise DomainError(
                "That time is not open for booking. Please pick one of the times shown."
            )
    elif not confirmed and (reasons := _warnings(session, profile, kind, starts_at)):
        raise NeedsConfirmation(" ".join(reasons), reasons)
    appt = _insert(
        session,
        _new(
            profile,
            kind,
            starts_at,
            actor,
            _join_details(session, profile.therapist_id, kind.mode),
            agenda,
        ),
        profile,
        kind,
        now,
    )
    appointment_emails.booked(session, appt, get_settings().base_url)
    audit.record(
        session,
        "appointment.booked",
        practice_id=appt.practice_id,
        actor_id=actor.user_id,
        subject_type="appointment",
        subject_id=appt.id,
    )
    return appt.id


# Moving and cancelling ---------------------------------------------------------------------------


def is_late(session: Session, appt: Appointment, now: datetime) -> bool:
    window = scheduling.settings_for(session, appt.therapist_id).cancellation_window_hours
    return appt.starts_at - now < timedelta(hours=window)


def cancel(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    confirmed_late: bool = False,
    now: datetime | None = None,
) -> str:
    """Cancel a scheduled session. A client inside the cancellation window must confirm, and it
    counts as a late cancellation. Returns the new status."""
    now = now or utcnow()
    appt = _appointment_for(session, actor, appointment_id)
    if appt.status != AppointmentStatus.SCHEDULED or appt.starts_at <= now:
        raise DomainError("Only a session that has not started yet can be cancelled.")
    if actor.role == Role.CLIENT:
        if is_late(session, appt, now):
            if not confirmed_late:
                raise NeedsConfirmation(_late_message(session, appt, "a late cancellation"))
            appt.status = AppointmentStatus.LATE_CANCELLED
        else:
            appt.status = AppointmentStatus.CANCELLED_BY_CLIENT
    else:
        appt.status = AppointmentStatus.CANCELLED_BY_THERAPIST
    appt.cancelled_at = now
    session.add(appt)
    invoices.on_session_status(session, appt, actor.user_id, now)
    appointment_emails.cancelled(session, appt, get_settings().base_url)
    audit.record(
        session,
        "appointment.cancelled",
        practice_id=appt.practice_id,
        actor_id=actor.user_id,
        subject_type="appointment",
        subject_id=appt.id,
        status=appt.status,
    )
    return appt.status


def _late_message(session: Session, appt: Appointment, counts_as: str) -> str:
    hours = scheduling.settings_for(session, appt.therapist_id).cancellation_window_hours
    return (
        f"This is within {hours} hours of the session, so under your therapist's policy it counts "
        f"as {counts_as} (it may be charged). Do you want to go ahead?"
    )


def reschedule(
    session: Session,
    actor: Actor,
    appointment_id: int,
    new_start: datetime,
    *,
    confirmed: bool = False,
    now: datetime | None = None,
) -> int:
    """Move a session. Outside the cancellation window it simply moves; inside it, a client must
    confirm and the original counts as a late cancellation. Returns the id of the session now
    booked."""
    now = now or utcnow()
    appt = _appointment_for(session, actor, appointment_id)
    if appt.status != AppointmentStatus.SCHEDULED or appt.starts_at <= now:
        raise DomainError("Only a session that has not started yet can be moved.")
    profile = session.get(ClientProfile, appt.client_id)
    kind = session.get(SessionType, appt.session_type_id) if appt.session_type_id else None
    if kind is None:
        raise DomainError("This session's type no longer exists; cancel it and book a new one.")
    late = actor.role == Role.CLIENT and is_late(session, appt, now)
    if late and not confirmed:
        raise NeedsConfirmation(
            _late_message(session, appt, "a late cancellation of the original time")
        )
    if actor.role == Role.CLIENT:
        slots = _slots(session, profile.user_id, kind.id, now, exclude_id=None if late else appt.id)
        if new_start not in slots:
            raise SlotTaken(nearest(slots, new_start))
    elif not confirmed and (
        reasons := _warnings(session, profile, kind, new_start, exclude_id=appt.id)
    ):
        raise NeedsConfirmation(" ".join(reasons), reasons)
    if late:
        appt.status, appt.cancelled_at = AppointmentStatus.LATE_CANCELLED, now
        session.add(appt)
        session.flush()
        replacement = _insert(
            session,
            _new(
                profile,
                kind,
                new_start,
                actor,
                (appt.join_url, appt.location),
                appt.agenda,
                appt.series_id,
            ),
            profile,
            kind,
            now,
        )
        appointment_emails.booked(session, replacement, get_settings().base_url)
        audit.record(
            session,
            "appointment.rescheduled_late",
            practice_id=appt.practice_id,
            actor_id=actor.user_id,
            subject_type="appointment",
            subject_id=replacement.id,
        )
        return replacement.id
    previous = appt.starts_at
    held = appt.blocked_until - appt.starts_at
    duration = appt.ends_at - appt.starts_at
    if _overlapping(session, appt.therapist_id, new_start, new_start + held, exclude_id=appt.id):
        raise SlotTaken(
            nearest(_slots(session, profile.user_id, kind.id, now, exclude_id=appt.id), new_start)
        )
    appt.starts_at, appt.ends_at, appt.blocked_until = (
        new_start,
        new_start + duration,
        new_start + held,
    )
    try:
        with session.begin_nested():
            session.add(appt)
            session.flush()
    except IntegrityError as exc:
        raise SlotTaken(
            nearest(_slots(session, profile.user_id, kind.id, now, exclude_id=appt.id), new_start)
        ) from exc
    appointment_emails.moved(session, appt, previous, get_settings().base_url)
    audit.record(
        session,
        "appointment.rescheduled",
        practice_id=appt.practice_id,
        actor_id=actor.user_id,
        subject_type="appointment",
        subject_id=appt.id,
    )
    return appt.id


def mark(
    session: Session, actor: Actor, appointment_id: int, status: str, now: datetime | None = None
) -> None:
    """The therapist records what happened: completed, no-show, late-cancelled, or cancels it."""
    if not actor.is_staff:
        raise PermissionDenied()
    appt = _appointment_for(session, actor, appointment_id)
    if status not in THERAPIST_MARKS:
        raise DomainError("Choose completed, no-show, late cancellation or cancel.")
    now = now or utcnow()
    if status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW) and appt.starts_at > now:
        raise DomainError("A session can be marked completed or no-show once it has started.")
    appt.status = status
    if status in (AppointmentStatus.LATE_CANCELLED, AppointmentStatus.CANCELLED_BY_THERAPIST):
        appt.cancelled_at = now
    session.add(appt)
    invoices.on_session_status(session, appt, actor.user_id, now)
    if status == AppointmentStatus.NO_SHOW:
        resources.on_trigger(session, appt.client_id, ShareTrigger.MISSED_SESSION, actor.user_id)
    audit.record(
        session,
        "appointment.marked",
        practice_id=appt.practice_id,
        actor_id=actor.user_id,
        subject_type="appointment",
        subject_id=appt.id,
        status=status,
    )


def set_agenda(session: Session, actor: Actor, appointment_id: int, agenda: str) -> None:
    appt = _appointment_for(session, actor, appointment_id)
    appt.agenda = agenda.strip()[:2000]
    session.add(appt)


# Recurring series --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime
    conflict: str  # '' when the time is free


def plan_series(
    session: Session,
    actor: Actor,
    *,
    client_id: int,
    session_type_id: int,
    first_start: datetime,
    every_weeks: int,
    count: int | None = None,
    until: datetime | None = None,
) -> list[Occurrence]:
    """Every occurrence of a weekly or fortnightly series, each with its conflict (if any)."""
    if every_weeks not in (1, 2):
        raise DomainError("Repeat every week or every two weeks.")
    if (count is None) == (until is None):
        raise DomainError("Give either a number of sessions or an end date.")
    if count is not None and not 1 <= count <= 52:
        raise DomainError("A series has 1 to 52 sessions.")
    profile = _profile_for(session, actor, client_id)
    kind = scheduling.session_type_for(session, profile.therapist_id, session_type_id)
    zone = ZoneInfo(scheduling.practice_timezone(session, profile.practice_id))
    local_first = first_start.astimezone(zone)
    starts: list[datetime] = []
    while len(starts) < (count or 52):
        # Aware arithmetic in the practice's zone keeps the wall-clock hour across DST changes.
        start = (local_first + timedelta(weeks=every_weeks * len(starts))).astimezone(UTC)
        if until is not None and start > until:
            break
        starts.append(start)
    occurrences = []
    for start in starts:
        held = start + timedelta(minutes=kind.duration_minutes + kind.buffer_minutes)
        if _overlapping(session, profile.therapist_id, start, held):
            conflict = "Another session is booked at this time."
        elif scheduling.time_off(session, profile.therapist_id, start, held):
            conflict = "You are on leave."
        else:
            conflict = ""
        occurrences.append(Occurrence(start, conflict))
    return occurrences


def book_series(
    session: Session,
    actor: Actor,
    *,
    client_id: int,
    session_type_id: int,
    first_start: datetime,
    every_weeks: int,
    count: int | None = None,
    until: datetime | None = None,
    skip_conflicts: bool = False,
    now: datetime | None = None,
) -> list[int]:
    """Book the series. With conflicts, nothing is booked unless `skip_conflicts` says to book the
    free occurrences only (the person has seen the list)."""
    if not actor.is_staff:
        raise PermissionDenied("Only the therapist can book a series.")
    now = now or utcnow()
    plan = plan_series(
        session,
        actor,
        client_id=client_id,
        session_type_id=session_type_id,
        first_start=first_start,
        every_weeks=every_weeks,
        count=count,
        until=until,
    )
    conflicts = [o for o in plan if o.conflict]
    if conflicts and not skip_conflicts:
        tz = scheduling.practice_timezone(session, actor.practice_id)
        reasons = [f"{session_label(o.starts_at, tz)}: {o.conflict}" for o in conflicts]
        raise NeedsConfirmation(f"{len(conflicts)} of {len(plan)} sessions conflict.", reasons)
    profile = _profile_for(session, actor, client_id)
    kind = scheduling.session_type_for(session, profile.therapist_id, session_type_id)
    series_id = uuid.uuid4().hex
    join = _join_details(session, profile.therapist_id, kind.mode)
    booked: list[int] = []
    for occurrence in plan:
        if occurrence.conflict:
            continue
        appt = _insert(
            session,
            _new(profile, kind, occurrence.starts_at, actor, join, series_id=series_id),
            profile,
            kind,
            now,
        )
        booked.append(appt.id)
    if booked:
        appointment_emails.booked(
            session, session.get(Appointment, booked[0]), get_settings().base_url
        )
    audit.record(
        session,
        "appointment.series_booked",
        practice_id=profile.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=client_id,
        sessions=len(booked),
    )
    return booked


# Lists -------------------------------------------------------------------------------------------


def _views(session: Session, rows: list[Appointment]) -> list[AppointmentView]:
    ids = {r.client_id for r in rows} | {r.therapist_id for r in rows}
    names = (
        dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all())
        if ids
        else {}
    )
    return [
        AppointmentView(
            r.id,
            r.client_id,
            names.get(r.client_id, ""),
            r.therapist_id,
            names.get(r.therapist_id, ""),
            r.title,
            r.starts_at,
            r.ends_at,
            r.status,
            r.mode,
            r.join_url,
            r.location,
            r.agenda,
            r.series_id,
        )
        for r in rows
    ]


def _listed_query():
    """The appointments' fields with the client's and the therapist's names, in AppointmentView's
    order: one query, and rows rather than ORM objects (a list page builds no instances)."""
    client, therapist = aliased(User), aliased(User)
    return (
        select(
            Appointment.id,
            Appointment.client_id,
            client.name,
            Appointment.therapist_id,
            therapist.name,
            Appointment.title,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.status,
            Appointment.mode,
            Appointment.join_url,
            Appointment.location,
            Appointment.agenda,
            Appointment.series_id,
        )
        .join(client, client.id == Appointment.client_id)
        .join(therapist, therapist.id == Appointment.therapist_id)
    )


#: Built once: making the aliases and the select costs more than running the query.
_LISTED = _listed_query()


def _listed_views(session: Session, query) -> list[AppointmentView]:
    return [AppointmentView(*row) for row in session.exec(query).all()]


def upcoming_for_client(
    session: Session,
    actor: Actor,
    client_id: int,
    *,
    now: datetime | None = None,
    limit: int = 50,
) -> list[AppointmentView]:
    """A client's upcoming sessions, soonest first (their past ones: `history`)."""
    now = now or utcnow()
    _profile_for(session, actor, client_id)
    query = _LISTED.where(
        Appointment.client_id == client_id,
        Appointment.status == AppointmentStatus.SCHEDULED,
        Appointment.ends_at > now,
    ).order_by(Appointment.starts_at)
    return _listed_views(session, query.limit(limit))


def history(
    session: Session,
    actor: Actor,
    client_id: int,
    *,
    before: int = 0,
    now: datetime | None = None,
    limit: int = 20,
) -> tuple[list[AppointmentView], bool]:
    """A client's past and cancelled sessions, latest first, `limit` at a time: the newest, or
    with `before` (one of the client's appointment ids) those just older than it; and whether
    there are older ones still. A `before` that is not the client's gives an empty page."""
    now = now or utcnow()
    _profile_for(session, actor, client_id)
    query = _LISTED.where(
        Appointment.client_id == client_id,
        (Appointment.ends_at <= now) | (Appointment.status != AppointmentStatus.SCHEDULED),
    )
    if before:
        cursor = session.exec(
            select(Appointment.starts_at).where(
                Appointment.id == before, Appointment.client_id == client_id
            )
        ).first()
        if cursor is None:
            return [], False
        # Keyset on (start, id): a cancelled session and its rebooking can share a start.
        query = query.where(
            (Appointment.starts_at < cursor)
            | ((Appointment.starts_at == cursor) & (Appointment.id < before))
        )
    query = query.order_by(col(Appointment.starts_at).desc(), col(Appointment.id).desc())
    rows = _listed_views(session, query.limit(limit + 1))
    return rows[:limit], len(rows) > limit


def for_therapist(
    session: Session, actor: Actor, start: datetime, end: datetime, therapist_id: int | None = None
) -> list[AppointmentView]:
    """Sessions between start and end: one's own, or (owner/assistant) a chosen therapist's."""
    if not actor.is_staff:
        raise PermissionDenied()
    target = therapist_id if (therapist_id and actor.sees_whole_practice) else actor.user_id
    return _listed_views(
        session,
        _LISTED.where(
            Appointment.therapist_id == target,
            Appointment.practice_id == actor.practice_id,
            # The lower bound on the start keeps the (therapist, start) index range to the days
            # asked for, however long the history grows.
            Appointment.starts_at > start - scheduling.MAX_HELD,
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
        .order_by(Appointment.starts_at)
        .limit(500),
    )


def get(session: Session, actor: Actor, appointment_id: int) -> AppointmentView:
    return _views(session, [_appointment_for(session, actor, appointment_id)])[0]
