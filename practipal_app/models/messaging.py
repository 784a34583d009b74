"""The communication charter: what each channel is for, versioned, and who acknowledged which
version."""

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


class MessageThread(SQLModel, table=True):
    """One conversation between a client and their therapist in the portal."""

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    client_id: int = Field(foreign_key="user.id", unique=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    unread_for_therapist: int = 0
    unread_for_client: int = 0
    # Set while a message with risk phrases waits for the therapist; cleared when they reply.
    flagged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    awaiting_reply_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reply_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    last_auto_note_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Message(SQLModel, table=True):
    # kind and after_hours: the insights' weekly counts read a year from the index alone.
    __table_args__ = (
        sa.Index("ix_message_thread_created", "thread_id", "created_at", "kind", "after_hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="messagethread.id")
    sender_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=16)  # client, therapist, note (automatic)
    topic: str = Field(default="", max_length=40)
    body: str = Field(sa_type=sa.Text)
    bring_to_session: bool = False
    risk: bool = False
    after_hours: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Snippet(SQLModel, table=True):
    """A quick reply the therapist writes once."""

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=80)
    body: str = Field(max_length=2000)
    bring_to_session: bool = False


class ContactRecord(SQLModel, table=True):
    """A message outside the portal, counted but never stored: imported WhatsApp history or a
    contact the therapist logged. Only when, which way, how long, and whether after hours."""

    # Covers the insights' weekly counts: a year's records are read from the index alone.
    __table_args__ = (
        sa.Index(
            "ix_contactrecord_therapist_at",
            "therapist_id",
            "at",
            "channel",
            "direction",
            "after_hours",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    client_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    channel: str = Field(max_length=24)  # whatsapp_import, whatsapp_logged, phone_logged
    direction: str = Field(max_length=3)  # in (from the client), out
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    length: int = 0
    after_hours: bool = False
    topic: str = Field(default="", max_length=40)
    # Makes re-importing the same or an overlapping export add nothing.
    dedupe_key: str = Field(max_length=64, unique=True)


class WhatsAppImport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    filename: str = Field(max_length=200)
    added: int = 0
    skipped: int = 0
    first_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
