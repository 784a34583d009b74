"""Content a therapist gives clients: the resource vault (files, texts, links, shares) and forms
(versioned definitions, and what each client was sent and answered)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from practipal_app.models.base import UTCDateTime, utcnow


class ResourceKind(StrEnum):
    FILE = "file"
    TEXT = "text"
    LINK = "link"


class ResourceCategory(StrEnum):
    GROUNDING = "grounding"
    PSYCHOEDUCATION = "psychoeducation"
    REFLECTION = "reflection"
    WORKSHEET = "worksheet"
    AUDIO = "audio"
    OTHER = "other"


class ShareTrigger(StrEnum):
    INTAKE_SUBMITTED = "intake_submitted"
    MISSED_SESSION = "missed_session"
    BEFORE_LEAVE = "before_leave"


class Resource(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    # True: in the practice's shared library (every staff member sees it); False: the owner's own.
    practice_wide: bool = False
    kind: str = Field(max_length=8)
    title: str = Field(max_length=200)
    category: str = Field(default=ResourceCategory.OTHER, max_length=20)
    tags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    language: str = Field(default="English", max_length=40)
    body: str = Field(default="", max_length=50_000)  # Markdown, for text resources
    url: str = Field(default="", max_length=1000)  # for links
    # For files: the name it was uploaded with (shown), the random name it is stored under (never
    # shown).
    file_name: str = Field(default="", max_length=200)
    stored_name: str = Field(default="", max_length=64)
    content_type: str = Field(default="", max_length=60)
    size_bytes: int = 0
    starter_key: str = Field(default="", max_length=40)  # set for the starter library's items
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ResourceShare(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("resource_id", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resource.id", index=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    shared_by: int = Field(foreign_key="user.id")
    note: str = Field(default="", max_length=500)
    shared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AutoShareRule(SQLModel, table=True):
    """Share a resource with a client automatically when something happens."""

    __table_args__ = (sa.UniqueConstraint("therapist_id", "trigger", "resource_id"),)

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    trigger: str = Field(max_length=20)
    resource_id: int = Field(foreign_key="resource.id")
    enabled: bool = True


class Form(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=200)
    is_intake: bool = False
    archived: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FormVersion(SQLModel, table=True):
    """A form's fields as they were; a version that has answers is never changed again."""

    __table_args__ = (sa.UniqueConstraint("form_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="form.id", index=True)
    version: int
    fields: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FormResponseStatus(StrEnum):
    SENT = "sent"
    DRAFT = "draft"
    SUBMITTED = "submitted"


class FormResponse(SQLModel, table=True):
    """One form sent to one client: their draft while they fill it, then their answers."""

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    form_id: int = Field(foreign_key="form.id", index=True)
    form_version_id: int = Field(foreign_key="formversion.id")
    client_id: int = Field(foreign_key="user.id", index=True)
    sent_by: int = Field(foreign_key="user.id")
    status: str = Field(default=FormResponseStatus.SENT, max_length=12)
    answers: dict = Field(default_factory=dict, sa_type=sa.JSON)
    # The charter version acknowledged inside the form (intake), if any.
    charter_version: int | None = None
    # An emergency contact given in the answers, offered to the therapist as a profile update.
    profile_update: dict = Field(default_factory=dict, sa_type=sa.JSON)
    profile_update_applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
