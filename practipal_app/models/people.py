"""The practice and the people in it: staff, clients, sign-in sessions and one-time tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from practipal_app.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    OWNER = "owner"
    THERAPIST = "therapist"
    ASSISTANT = "assistant"
    CLIENT = "client"


STAFF_ROLES = frozenset({Role.OWNER, Role.THERAPIST, Role.ASSISTANT})
CLINICIAN_ROLES = frozenset({Role.OWNER, Role.THERAPIST})


class ClientStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DISCHARGED = "discharged"


class TokenPurpose(StrEnum):
    INVITE = "invite"
    RESET = "reset"
    SIGN_IN = "sign_in"


class Practice(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="Asia/Kolkata", max_length=64)
    address: str = Field(default="", max_length=500)
    is_demo: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    # Stored lower-cased, so the unique index is case-insensitive.
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=20)
    role: str = Field(max_length=16, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_signins: int = 0
    failed_signins_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TherapistProfile(SQLModel, table=True):
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    professional_title: str = Field(default="", max_length=120)
    registration_number: str = Field(default="", max_length=60)
    whatsapp_number: str = Field(default="", max_length=20)
    # Show clients a "WhatsApp — scheduling or tech only" click-to-chat link on the help page.
    click_to_chat: bool = False


class ClientProfile(SQLModel, table=True):
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    preferred_name: str = Field(default="", max_length=120)
    timezone: str = Field(default="Asia/Kolkata", max_length=64)
    emergency_contact_name: str = Field(default="", max_length=200)
    emergency_contact_phone: str = Field(default="", max_length=20)
    emergency_contact_relation: str = Field(default="", max_length=60)
    # For invoices: the postal address and the GST state code (place of supply); "" means the
    # practice's state.
    address: str = Field(default="", max_length=500)
    state_code: str = Field(default="", max_length=2)
    status: str = Field(default=ClientStatus.ACTIVE, max_length=16, index=True)
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuthSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    idle_timeout_seconds: int
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    user_agent: str = Field(default="", max_length=300)


class TabBinding(SQLModel, table=True):
    """A browser tab (its Reflex client token) that a session filled with that person's data; the
    tab's server-side state is emptied when the session ends."""

    __table_args__ = (UniqueConstraint("session_id", "client_token"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="authsession.id", index=True, ondelete="CASCADE")
    client_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OneTimeToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Where a sign-in ticket sends the browser once the cookie is set.
    next_path: str = Field(default="", max_length=300)
