"""The communication charter: what each channel is for, versioned, and who acknowledged which version."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from practipal_app.models.base import UTCDateTime, utcnow


class Charter(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("therapist_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    version: int
    whatsapp_for: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    whatsapp_not_for: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    working_days: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    check_time: str = Field(default="18:00", max_length=5)
    response_days: int = 1
    crisis_contacts: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    extra_text: str = Field(default="", max_length=2000)
    statement: str = Field(max_length=4000)
    statement_edited: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CharterAcknowledgement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    charter_id: int = Field(foreign_key="charter.id")
    charter_version: int
    acknowledged_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
