"""Small helpers for scheduling tests: Kolkata wall-clock times, actors, rows as the database has
them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from practipal_app import db
from practipal_app.core.identity import Actor
from practipal_app.models import Appointment, OutboxEmail, User
from practipal_app.people import auth
from practipal_app.scheduling import rules as scheduling

IST = ZoneInfo("Asia/Kolkata")
# Monday 2 March 2026, 10:00 in Kolkata.
T0 = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)


def ist(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A wall-clock time in Kolkata (the practice's zone), as UTC. March 2026: Monday is the 2nd."""
    return datetime(year, month, day, hour, minute, tzinfo=IST).astimezone(UTC)


def actor(user_id: int) -> Actor:
    """The actor a signed-in user acts as."""
    return auth.actor_for(db.call(lambda s: s.get(User, user_id)))


def session_type_id(therapist_id: int) -> int:
    """The therapist's default type: 'Therapy session', 50 minutes, 10-minute buffer, video."""
    [kind] = db.call(scheduling.session_types, therapist_id)
    return kind.id


def appointment(appointment_id: int) -> Appointment:
    return db.call(lambda s: s.get(Appointment, appointment_id))


def appointments_of(client_id: int | None = None) -> list[Appointment]:
    def rows(s):
        query = select(Appointment).order_by(Appointment.starts_at, Appointment.id)
        if client_id is not None:
            query = query.where(Appointment.client_id == client_id)
        return list(s.exec(query).all())

    return db.call(rows)


def outbox_keys(kind: str) -> list[str]:
    return db.call(
        lambda s: list(
            s.exec(
                select(OutboxEmail.idempotency_key)
                .where(OutboxEmail.kind == kind)
                .order_by(OutboxEmail.id)
            ).all()
        )
    )
