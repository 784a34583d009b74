"""Who did what, when. Never holds a password, token or message text."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from practipal_app.models.base import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    kind: str = Field(max_length=40, index=True)
    subject_type: str = Field(default="", max_length=40)
    subject_id: int | None = None
    detail: dict = Field(default_factory=dict, sa_type=sa.JSON)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
