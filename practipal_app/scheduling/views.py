"""What scheduling pages show, shaped from the services' data into typed rows. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from practipal_app.core.timefmt import (
    clock,
    day_label,
    format_local,
    session_label,
    weekday_label,
    zone_label,
)
from practipal_app.core.views import Option
from practipal_app.models import SessionType, TimeOff
from practipal_app.scheduling.appointments import AppointmentView
from practipal_app.scheduling.rules import Availability, format_minutes


@dataclass(frozen=True)
class PolicyValues:
    min_notice_hours: str
    horizon_days: str
    cancellation_window_hours: str
    daily_cap: str
    weekly_cap: str
    video_room_url: str
    office_address: str
    reminder_hours: str
    daily_agenda_email: bool


@dataclass(frozen=True)
class SessionTypeRow:
    id: int
    name: str
    duration: str
    fee: str
    mode: str
    buffer: str


@dataclass(frozen=True)
class LeaveRow:
    id: int
    first: str
    last: str
    note: str


@dataclass(frozen=True)
class AffectedRow:
    id: int
    client: str
    client_id: int
    when: str


@dataclass(frozen=True)
class AvailabilityPage:
    #: Monday first: each day's ranges as typed, e.g. "10:00-13:00, 14:00-18:00"; "" for a day off.
    hours: list[str]
    policies: PolicyValues
    types: list[SessionTypeRow]
    leave: list[LeaveRow]
    affected: list[AffectedRow]


def hours_text(ranges: list[tuple[int, int]]) -> str:
    """[(600, 780), (840, 1080)] -> '10:00-13:00, 14:00-18:00'."""
    return ", ".join(f"{format_minutes(a)}-{format_minutes(b)}" for a, b in ranges)


def rupees_text(paise: int) -> str:
    """A fee as typed in a form: 150000 -> '1500', 150050 -> '1500.50'."""
    return f"{paise // 100}" + (f".{paise % 100:02d}" if paise % 100 else "")


def availability_page(data: Availability) -> AvailabilityPage:
    s, tz = data.settings, data.timezone
    return AvailabilityPage(
        hours=[hours_text(data.week.get(d, [])) for d in range(7)],
        policies=PolicyValues(
            min_notice_hours=str(s.min_notice_hours),
            horizon_days=str(s.horizon_days),
            cancellation_window_hours=str(s.cancellation_window_hours),
            daily_cap=str(s.daily_cap),
            weekly_cap=str(s.weekly_cap),
            video_room_url=s.video_room_url,
            office_address=s.office_address,
            reminder_hours=", ".join(str(h) for h in s.reminder_hours),
            daily_agenda_email=s.daily_agenda_email,
        ),
        types=[
            SessionTypeRow(
                t.id,
                t.name,
                str(t.duration_minutes),
                rupees_text(t.fee_paise),
                t.mode,
                str(t.buffer_minutes),
            )
            for t in data.types
        ],
        leave=[
            LeaveRow(
                t.id,
                day_label(t.starts_at, tz),
                day_label(t.ends_at - timedelta(minutes=1), tz),
                t.note,
            )
            for t in data.leave
        ],
        affected=[
            AffectedRow(
                a.id,
                data.client_names.get(a.client_id, ""),
                a.client_id,
                session_label(a.starts_at, tz),
            )
            for a in data.affected
        ],
    )


# Sessions ----------------------------------------------------------------------------------------

STATUS_LABELS_FOR_CLIENTS = {
    "scheduled": "Scheduled",
    "completed": "Completed",
    "cancelled_by_client": "Cancelled by you",
    "cancelled_by_therapist": "Cancelled by your therapist",
    "late_cancelled": "Late cancellation",
    "no_show": "Missed",
}
STATUS_LABELS_FOR_STAFF = {
    "scheduled": "Scheduled",
    "completed": "Completed",
    "cancelled_by_client": "Cancelled by client",
    "cancelled_by_therapist": "Cancelled",
    "late_cancelled": "Late cancellation",
    "no_show": "No-show",
}
MODE_LABELS = {"video": "Video", "in_person": "In person", "phone": "Phone"}


@dataclass(frozen=True)
class Zones:
    """The client's own zone and the practice's: times are shown in the first, with the second in
    brackets when they differ."""

    client: str
    practice: str

    @property
    def differ(self) -> bool:
        return self.client != self.practice


@dataclass(frozen=True)
class PortalSession:
    """One session as the portal shows it, in the client's zone."""

    id: int
    title: str
    therapist: str
    day: str
    time: str
    when: str
    status: str
    status_label: str
    mode: str
    join_url: str
    location: str
    map_url: str
    agenda: str
    upcoming: bool


def portal_session(view: AppointmentView, z: Zones, now: datetime) -> PortalSession:
    both = f" ({clock(view.starts_at, z.practice)} {zone_label(z.practice)})" if z.differ else ""
    map_url = (
        "https://www.openstreetmap.org/search?query=" + view.location.replace(" ", "+")
        if view.mode == "in_person" and view.location
        else ""
    )
    return PortalSession(
        id=view.id,
        title=view.title,
        therapist=view.therapist_name,
        day=day_label(view.starts_at, z.client),
        time=f"{clock(view.starts_at, z.client)}–{clock(view.ends_at, z.client)}{both}",
        when=format_local(view.starts_at, z.client),
        status=view.status,
        status_label=STATUS_LABELS_FOR_CLIENTS.get(view.status, view.status),
        mode=MODE_LABELS.get(view.mode, view.mode),
        join_url=view.join_url if view.can_join(now) else "",
        location=view.location,
        map_url=map_url,
        agenda=view.agenda,
        upcoming=view.is_upcoming(now),
    )


@dataclass(frozen=True)
class ClientSessions:
    """A client's sessions as data, for the portal: shaped in the client's zone."""

    zones: Zones
    now: datetime
    upcoming: list[AppointmentView]
    history: list[AppointmentView] = field(default_factory=list)
    #: Whether the client has history older than `history`.
    has_older: bool = False
    #: The upcoming sessions that fall in the therapist's leave.
    on_leave: list[AppointmentView] = field(default_factory=list)
    window_hours: int = 0


@dataclass(frozen=True)
class SessionsPage:
    upcoming: list[PortalSession]
    history: list[PortalSession]
    has_older: bool
    leave_notices: list[str]
    window_hours: int


def sessions_page(data: ClientSessions) -> SessionsPage:
    return SessionsPage(
        upcoming=[portal_session(v, data.zones, data.now) for v in data.upcoming],
        history=[portal_session(v, data.zones, data.now) for v in data.history],
        has_older=data.has_older,
        leave_notices=leave_notices(data),
        window_hours=data.window_hours,
    )


def next_session(data: ClientSessions) -> PortalSession | None:
    """The first upcoming session, for the portal home; None when none is booked."""
    return portal_session(data.upcoming[0], data.zones, data.now) if data.upcoming else None


def leave_notices(data: ClientSessions) -> list[str]:
    """A notice for each upcoming session that falls in the therapist's leave."""
    return [leave_notice(view, data.zones) for view in data.on_leave]


@dataclass(frozen=True)
class StaffSession:
    """One session as the therapist's calendar, Today and the client's page show it."""

    id: int
    client: str
    client_id: int
    title: str
    day: str
    time: str
    status: str
    status_label: str
    mode: str
    join_url: str
    link: str
    location: str
    agenda: str
    past: bool


def staff_session(view: AppointmentView, tz: str, now: datetime) -> StaffSession:
    return StaffSession(
        id=view.id,
        client=view.client_name,
        client_id=view.client_id,
        title=view.title,
        day=day_label(view.starts_at, tz),
        time=f"{clock(view.starts_at, tz)}–{clock(view.ends_at, tz)}",
        status=view.status,
        status_label=STATUS_LABELS_FOR_STAFF.get(view.status, view.status),
        mode=MODE_LABELS.get(view.mode, view.mode),
        join_url=view.join_url if view.can_join(now) else "",
        link=view.join_url,
        location=view.location,
        agenda=view.agenda,
        past=view.starts_at <= now,
    )


@dataclass(frozen=True)
class StaffSessions:
    """Sessions as data, for the workspace: shaped in the practice's zone."""

    timezone: str
    now: datetime
    views: list[AppointmentView]


def staff_sessions(data: StaffSessions) -> list[StaffSession]:
    return [staff_session(v, data.timezone, data.now) for v in data.views]


@dataclass(frozen=True)
class DayColumn:
    """A day of the therapist's week or day view."""

    label: str
    iso: str
    today: bool
    leave: bool
    hours: str
    sessions: list[StaffSession]


@dataclass(frozen=True)
class CalendarDays:
    """`count` days from `first` of one therapist's calendar, as data."""

    first: date
    count: int
    timezone: str
    now: datetime
    views: list[AppointmentView]
    leave: list[TimeOff]
    hours: dict[int, list[tuple[int, int]]]


def day_columns(data: CalendarDays) -> list[DayColumn]:
    zone = ZoneInfo(data.timezone)
    today = data.now.astimezone(zone).date()
    columns = []
    for i in range(data.count):
        day = data.first + timedelta(days=i)
        start = datetime.combine(day, time(0), tzinfo=zone)
        end = start + timedelta(days=1)
        ranges = ", ".join(
            f"{format_minutes(a)}–{format_minutes(b)}" for a, b in data.hours.get(day.weekday(), [])
        )
        columns.append(
            DayColumn(
                label=weekday_label(day),
                iso=day.isoformat(),
                today=day == today,
                leave=any(t.starts_at < end and t.ends_at > start for t in data.leave),
                hours=ranges or "Day off",
                sessions=[
                    staff_session(v, data.timezone, data.now)
                    for v in data.views
                    if start <= v.starts_at < end
                ],
            )
        )
    return columns


def today_sessions(data: CalendarDays | None) -> list[StaffSession]:
    """The sessions starting today, for the Today page; none for someone without a calendar."""
    return day_columns(data)[0].sessions if data is not None else []


@dataclass(frozen=True)
class BookingChoices:
    """Whom and what a therapist can book, as data: (client id, name) pairs and session types."""

    clients: list[tuple[int, str]]
    types: list[SessionType]


def staff_type_options(choices: BookingChoices) -> list[Option]:
    """'Therapy session · 50 min'."""
    return [Option(str(t.id), f"{t.name} · {t.duration_minutes} min") for t in choices.types]


# Booking -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A free time to pick: `value` is its ISO instant, `full` says its day too."""

    value: str
    label: str
    full: str


@dataclass(frozen=True)
class SlotDay:
    day: str
    slots: list[Slot]


def slot_days(starts: list[datetime], z: Zones) -> list[SlotDay]:
    """Free times grouped by the client's day, each with the practice's time when zones differ."""
    days: dict[str, list[Slot]] = {}
    for s in starts:
        label = clock(s, z.client) + (f" ({clock(s, z.practice)})" if z.differ else "")
        day = day_label(s, z.client)
        days.setdefault(day, []).append(Slot(s.isoformat(), label, f"{day}, {label}"))
    return [SlotDay(d, v) for d, v in days.items()]


def alternatives(starts: list[datetime], tz: str) -> list[Slot]:
    """Free times offered after a clash, in one zone."""
    return [Slot(s.isoformat(), session_label(s, tz), session_label(s, tz)) for s in starts]


def zone_note(z: Zones) -> str:
    return (
        f"Times are shown in {zone_label(z.client)}, with {zone_label(z.practice)} in brackets."
        if z.differ
        else f"Times are shown in {zone_label(z.client)}."
    )


def type_options(types: list[SessionType]) -> list[Option]:
    return [
        Option(
            str(t.id), f"{t.name} · {t.duration_minutes} min · {MODE_LABELS.get(t.mode, t.mode)}"
        )
        for t in types
    ]


def leave_notice(view: AppointmentView, z: Zones) -> str:
    return (
        f"Your therapist is on leave on {day_label(view.starts_at, z.client)}. "
        "They will contact you to move this session; you can also pick a new time."
    )


@dataclass(frozen=True)
class BookingPage:
    """What the portal's booking page starts from, as data. `moving` is the session being moved
    (None when booking a new one), `moving_type_id` its session type (0 when no longer offered)."""

    zones: Zones
    types: list[SessionType]
    window_hours: int
    moving: AppointmentView | None = None
    moving_type_id: int = 0


@dataclass(frozen=True)
class FreeTimes:
    zones: Zones
    starts: list[datetime]


def moving_label(data: BookingPage) -> str:
    """When the session being moved is booked now, in the client's zone; '' when none is moved."""
    if data.moving is None:
        return ""
    return session_label(data.moving.starts_at, data.zones.client)


def chosen_type(data: BookingPage, current: str) -> str:
    """The session type to offer times for: the moved session's, else the one chosen before, else
    the first offered."""
    if data.moving is not None:
        current = str(data.moving_type_id) if data.moving_type_id else ""
    if not current and data.types:
        current = str(data.types[0].id)
    return current


def policy_text(window_hours: int) -> str:
    return (
        f"Cancelling or moving within {window_hours} hours of a session counts as a late "
        "cancellation under your therapist's policy."
    )
