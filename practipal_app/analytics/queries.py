"""SQL aggregates for the insights dashboard: counts per therapist and local week, day or month.

Times are stored in UTC; weeks, days and months are the practice's (Monday-start weeks). PostgreSQL
converts with `timezone(zone, t)`. SQLite knows no zones, so the UTC offset in force is written
into the query: one constant for a zone without daylight saving (India), otherwise a CASE over the
offset changes inside the window. Every function returns plain row tuples; nothing here knows
pandas or plotly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from practipal_app.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    ClientProfile,
    ContactRecord,
    EnergyCheckIn,
    Message,
    MessageThread,
    TimeOff,
)
from practipal_app.models.base import UTCDateTime

PORTAL_KINDS = ("client", "therapist")  # automatic notes are not messages anyone wrote
IMPORTED = "whatsapp_import"  # the other channels of contact records are logged by the therapist
# The statuses counted as cancellations, in the order the page shows them.
CANCELLATIONS = (
    AppointmentStatus.CANCELLED_BY_CLIENT,
    AppointmentStatus.LATE_CANCELLED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.CANCELLED_BY_THERAPIST,
)


@dataclass(frozen=True)
class Window:
    """Whole local days [start, end) in one zone; `start` is a Monday for weekly figures."""

    tz: str
    start: date
    end: date

    def utc(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(self.tz)).astimezone(UTC)

    @property
    def start_utc(self) -> datetime:
        return self.utc(self.start)

    @property
    def end_utc(self) -> datetime:
        return self.utc(self.end)


@lru_cache(maxsize=64)
def offset_segments(tz: str, start: date, end: date) -> tuple[tuple[datetime | None, int], ...]:
    """((until_utc, offset_minutes), …) covering [start, end); the last segment's until is None."""
    zone = ZoneInfo(tz)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)

    segments: list[tuple[datetime | None, int]] = []
    moment = datetime.combine(start - timedelta(days=1), time(0), tzinfo=UTC)
    current = offset(moment)
    stop = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    while moment < stop:
        following = moment + timedelta(days=1)
        if offset(following) != current:
            change = moment  # the change lies within this day: find its minute
            while offset(change) == current:
                change += timedelta(minutes=15)
            segments.append((change, current))
            current = offset(change)
        moment = following
    segments.append((None, current))
    return tuple(segments)


class Local:
    """Local day, week and month of a UTC column, for the session's database."""

    def __init__(self, session: Session, window: Window):
        self.window = window
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def _modifier(self, column) -> sa.ColumnElement:
        segments = offset_segments(self.window.tz, self.window.start, self.window.end)
        text = [f"{minutes:+d} minutes" for _, minutes in segments]
        if len(segments) == 1:
            return sa.literal(text[0])
        whens = [
            (column < sa.literal(until, UTCDateTime()), label)
            for (until, _), label in zip(segments[:-1], text, strict=False)
        ]
        return sa.case(*whens, else_=sa.literal(text[-1]))

    def _zoned(self, column):
        return func.timezone(self.window.tz, column)

    def day(self, column):
        """'YYYY-MM-DD' on both databases."""
        if self.postgres:
            return func.to_char(self._zoned(column), "YYYY-MM-DD")
        return func.date(column, self._modifier(column))

    def week(self, column):
        """The Monday, as 'YYYY-MM-DD'."""
        if self.postgres:
            return func.to_char(func.date_trunc("week", self._zoned(column)), "YYYY-MM-DD")
        return func.date(column, self._modifier(column), "-6 days", "weekday 1")

    def month(self, column):
        """'YYYY-MM'."""
        if self.postgres:
            return func.to_char(self._zoned(column), "YYYY-MM")
        return func.strftime("%Y-%m", column, self._modifier(column))

    def minutes_between(self, start, end):
        if self.postgres:
            return sa.cast(func.extract("epoch", end - start), sa.Float) / 60
        return (func.julianday(end) - func.julianday(start)) * 1440


def _within(column, window: Window):
    return sa.and_(column >= window.start_utc, column < window.end_utc)


def _count_if(condition) -> sa.ColumnElement:
    return func.sum(sa.case((condition, 1), else_=0))


def sessions_by_week(session: Session, therapist_ids: Sequence[int], window: Window) -> list[tuple]:
    """(therapist_id, week, sessions, whole minutes) for sessions that hold the therapist's time."""
    local = Local(session, window)
    week = local.week(Appointment.starts_at)
    return list(
        session.exec(
            select(
                Appointment.therapist_id,
                week,
                func.count(),
                sa.cast(
                    func.round(
                        func.sum(local.minutes_between(Appointment.starts_at, Appointment.ends_at))
                    ),
                    sa.Integer,
                ),
            )
            .where(
                col(Appointment.therapist_id).in_(therapist_ids),
                _within(Appointment.starts_at, window),
                col(Appointment.status).in_([str(s) for s in ACTIVE_STATUSES]),
            )
            .group_by(Appointment.therapist_id, week)
        ).all()
    )


def portal_by_week(session: Session, therapist_ids: Sequence[int], window: Window) -> list[tuple]:
    """(therapist_id, week, messages, from clients, from clients after hours, replies) in the
    portal."""
    week = Local(session, window).week(Message.created_at)
    from_client = Message.kind == "client"
    return list(
        session.exec(
            select(
                MessageThread.therapist_id,
                week,
                func.count(),
                _count_if(from_client),
                _count_if(sa.and_(from_client, Message.after_hours)),
                _count_if(Message.kind == "therapist"),
            )
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .where(
                col(MessageThread.therapist_id).in_(therapist_ids),
                col(Message.kind).in_(PORTAL_KINDS),
                _within(Message.created_at, window),
            )
            .group_by(MessageThread.therapist_id, week)
        ).all()
    )


def contacts_by_week(session: Session, therapist_ids: Sequence[int], window: Window) -> list[tuple]:
    """(therapist_id, week, imported from WhatsApp, logged, from clients, from clients after hours,
    replies) for contact outside the portal."""
    week = Local(session, window).week(ContactRecord.at)
    incoming = ContactRecord.direction == "in"
    return list(
        session.exec(
            select(
                ContactRecord.therapist_id,
                week,
                _count_if(ContactRecord.channel == IMPORTED),
                _count_if(ContactRecord.channel != IMPORTED),
                _count_if(incoming),
                _count_if(sa.and_(incoming, ContactRecord.after_hours)),
                _count_if(ContactRecord.direction == "out"),
            )
            .where(
                col(ContactRecord.therapist_id).in_(therapist_ids),
                _within(ContactRecord.at, window),
            )
            .group_by(ContactRecord.therapist_id, week)
        ).all()
    )


def cancellations_by_month(session: Session, therapist_id: int, window: Window) -> list[tuple]:
    """(month 'YYYY-MM', one count per status of CANCELLATIONS, in that order)."""
    month = Local(session, window).month(Appointment.starts_at)
    return list(
        session.exec(
            select(
                month, *[_count_if(Appointment.status == str(status)) for status in CANCELLATIONS]
            )
            .where(
                Appointment.therapist_id == therapist_id,
                _within(Appointment.starts_at, window),
                col(Appointment.status).in_([str(s) for s in CANCELLATIONS]),
            )
            .group_by(month)
        ).all()
    )


def held_by_day(session: Session, therapist_id: int, window: Window) -> list[tuple]:
    """(day, sessions held) for days with a completed session."""
    day = Local(session, window).day(Appointment.starts_at)
    return list(
        session.exec(
            select(day, func.count())
            .where(
                Appointment.therapist_id == therapist_id,
                Appointment.status == AppointmentStatus.COMPLETED,
                _within(Appointment.starts_at, window),
            )
            .group_by(day)
        ).all()
    )


def replies_by_day(session: Session, therapist_id: int, window: Window) -> list[tuple]:
    """(day, 'portal' | 'outside', replies) for days the therapist answered messages."""
    local = Local(session, window)
    portal_day = local.day(Message.created_at)
    outside_day = local.day(ContactRecord.at)
    portal = (
        select(portal_day, func.count())
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(
            MessageThread.therapist_id == therapist_id,
            Message.kind == "therapist",
            _within(Message.created_at, window),
        )
        .group_by(portal_day)
    )
    outside = (
        select(outside_day, func.count())
        .where(
            ContactRecord.therapist_id == therapist_id,
            ContactRecord.direction == "out",
            _within(ContactRecord.at, window),
        )
        .group_by(outside_day)
    )
    return [(d, "portal", n) for d, n in session.exec(portal).all()] + [
        (d, "outside", n) for d, n in session.exec(outside).all()
    ]


def energy(session: Session, therapist_id: int, window: Window) -> list[tuple]:
    """(week_start, level, note)."""
    return list(
        session.exec(
            select(EnergyCheckIn.week_start, EnergyCheckIn.level, EnergyCheckIn.note)
            .where(
                EnergyCheckIn.therapist_id == therapist_id,
                EnergyCheckIn.week_start >= window.start,
                EnergyCheckIn.week_start < window.end,
            )
            .order_by(EnergyCheckIn.week_start)
        ).all()
    )


def leave(session: Session, therapist_id: int, window: Window) -> list[tuple[datetime, datetime]]:
    return [
        tuple(r)
        for r in session.exec(
            select(TimeOff.starts_at, TimeOff.ends_at).where(
                TimeOff.therapist_id == therapist_id,
                TimeOff.ends_at > window.start_utc,
                TimeOff.starts_at < window.end_utc,
            )
        ).all()
    ]


def first_acceptance(session: Session, therapist_id: int) -> datetime | None:
    """When the therapist's first client accepted a portal invite."""
    return session.exec(
        select(func.min(ClientProfile.accepted_at)).where(
            ClientProfile.therapist_id == therapist_id
        )
    ).one()
