"""All tables. Importing this package registers them with SQLModel.metadata."""

from practipal_app.models.audit import AuditEvent
from practipal_app.models.messaging import Charter, CharterAcknowledgement
from practipal_app.models.outbox import OutboxEmail, OutboxStatus
from practipal_app.models.people import (
    CLINICIAN_ROLES,
    STAFF_ROLES,
    AuthSession,
    ClientProfile,
    ClientStatus,
    OneTimeToken,
    Practice,
    Role,
    TherapistProfile,
    TokenPurpose,
    User,
)
from practipal_app.models.scheduling import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AvailabilityRule,
    CalendarFeed,
    SchedulingSettings,
    SessionMode,
    SessionType,
    TimeOff,
)

__all__ = [
    "ACTIVE_STATUSES",
    "Appointment",
    "AppointmentStatus",
    "AvailabilityRule",
    "CalendarFeed",
    "SchedulingSettings",
    "SessionMode",
    "SessionType",
    "TimeOff",
    "CLINICIAN_ROLES",
    "STAFF_ROLES",
    "AuditEvent",
    "AuthSession",
    "Charter",
    "CharterAcknowledgement",
    "ClientProfile",
    "ClientStatus",
    "OneTimeToken",
    "OutboxEmail",
    "OutboxStatus",
    "Practice",
    "Role",
    "TherapistProfile",
    "TokenPurpose",
    "User",
]
