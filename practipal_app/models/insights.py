"""What the therapist tells the insights dashboard: weekly energy check-ins and the inputs of
the time-reclaimed estimate."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from practipal_app.models.base import UTCDateTime, utcnow


class EnergyCheckIn(SQLModel, table=True):
    """ "How is your energy this week?" — one answer per therapist and week (Monday, their zone)."""

    __table_args__ = (sa.UniqueConstraint("therapist_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    week_start: date
    level: int  # 1 (running on empty) … 5 (plenty)
    note: str = Field(default="", max_length=500)
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InsightSettings(SQLModel, table=True):
    therapist_id: int = Field(foreign_key="user.id", primary_key=True)
    minutes_per_reply: int = 5  # writing one reply
    minutes_per_message: int = 4  # one message outside the portal: reading, thinking, answering
    minutes_per_interruption: int = 3  # getting back into what the message interrupted
    # When the portal took over; None means the first client accepting an invite.
    adoption_date: date | None = None
