"""Availability, session types, leave and appointments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlmodel import Field, SQLModel

from practipal_app.models.base import UTCDateTime, utcnow


class SessionMode(StrEnum):
    VIDEO = "video"
    IN_PERSON = "in_person"
    PHONE = "phone"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED_BY_CLIENT = "cancelled_by_client"
    CANCELLED_BY_THERAPIST = "cancelled_by_therapist"
    LATE_CANCELLED = "late_cancelled"
    NO_SHOW = "no_show"


# Statuses that hold the therapist's time. A late cancellation frees the slot (it is billed, not
# held).
ACTIVE_STATUSES = (
    AppointmentStatus.SCHEDULED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)


class SchedulingSettings(SQLModel, table=True):
    therapist_id: int = Field(foreign_key="user.id", primary_key=True)
    min_notice_hours: int = 24
    horizon_days: int = 30
    cancellation_window_hours: int = 24
    daily_cap: int = 6
    weekly_cap: int = 25
    slot_step_minutes: int = 30
    video_room_url: str = Field(default="", max_length=500)
    office_address: str = Field(default="", max_length=500)
    reminder_hours: list[int] = Field(default_factory=lambda: [24, 1], sa_type=sa.JSON)
    daily_agenda_email: bool = False


class AvailabilityRule(SQLModel, table=True):
    """A weekly range of working time, in the practice's timezone (minutes from midnight)."""

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    weekday: int  # Monday = 0
    start_minute: int
    end_minute: int


class SessionType(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=120)
    duration_minutes: int = 50
    fee_paise: int = 0
    mode: str = Field(default=SessionMode.VIDEO, max_length=16)
    buffer_minutes: int = 10
    active: bool = True


class TimeOff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# PostgreSQL refuses two active appointments of one therapist whose held time overlaps; SQLite gets
# the same guarantee from a write lock taken before the overlap check (scheduling/appointments.py).
NO_OVERLAP = ExcludeConstraint(
    ("therapist_id", "="),
    (sa.func.tstzrange(sa.column("starts_at"), sa.column("blocked_until"), "[)"), "&&"),
    name="appointment_no_overlap",
    using="gist",
    where=sa.text("status IN ('scheduled', 'completed', 'no_show')"),
).ddl_if(dialect="postgresql")


class Appointment(SQLModel, table=True):
    __table_args__ = (
        # status and ends_at: the insights' weekly counts read a year from the index alone.
        sa.Index(
            "ix_appointment_therapist_start", "therapist_id", "starts_at", "status", "ends_at"
        ),
        NO_OVERLAP,
    )

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    therapist_id: int = Field(foreign_key="user.id")
    client_id: int = Field(foreign_key="user.id", index=True)
    session_type_id: int | None = Field(default=None, foreign_key="sessiontype.id")
    title: str = Field(max_length=120)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    # End of the session plus its buffer: the therapist's time is held until then.
    blocked_until: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=AppointmentStatus.SCHEDULED, max_length=24, index=True)
    mode: str = Field(default=SessionMode.VIDEO, max_length=16)
    join_url: str = Field(default="", max_length=500)
    location: str = Field(default="", max_length=500)
    agenda: str = Field(default="", max_length=2000)
    fee_paise: int = 0
    series_id: str = Field(default="", max_length=40, index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CalendarFeed(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    show_full_names: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# The exclusion constraint compares therapist ids with `=` inside a GiST index.
sa.event.listen(
    SQLModel.metadata,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
