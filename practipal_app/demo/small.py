"""The demo practice: one therapist (the owner), three clients, one of them signed up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from practipal_app.billing import invoices, payments
from practipal_app.billing import settings as billing_settings
from practipal_app.boundaries import charter
from practipal_app.core import money
from practipal_app.core.errors import DomainError
from practipal_app.models import (
    Appointment,
    AppointmentStatus,
    ClientProfile,
    Invoice,
    PaymentMethod,
    Practice,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.onboarding import invites
from practipal_app.onboarding.setup import add_staff
from practipal_app.people import clients, passwords
from practipal_app.people.auth import actor_for, find_user
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling

THERAPIST = ("Dr. Asha Rao", "asha@demo.practipal.in", "Calm-Harbour-Tea-42")
CLIENTS = (
    ("Riya Sharma", "riya@demo.practipal.in", "+91 98765 43210", "Quiet-Lantern-Sky-7"),
    ("Arjun Mehta", "arjun@demo.practipal.in", "+91 91234 56789", None),
    ("Meera Iyer", "meera@demo.practipal.in", "+91 99887 76655", None),
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    email: str
    password: str


def logins() -> list[DemoLogin]:
    found = [DemoLogin("therapist (owner)", *THERAPIST)]
    found += [DemoLogin("client", name, email, pw) for name, email, _, pw in CLIENTS if pw]
    return found


def seed(session: Session, base_url: str) -> list[DemoLogin]:
    """Create the demo practice once; refuse if the database holds anything else."""
    practices = session.exec(select(Practice)).all()
    if any(not p.is_demo for p in practices):
        raise DomainError(
            "This database holds a real practice. The demo only seeds an empty database."
        )
    if practices:
        return logins()
    users = session.exec(select(func.count()).select_from(User)).one()
    if users:
        raise DomainError(
            "This database already has accounts. The demo only seeds an empty database."
        )
    practice = Practice(name="Demo Practice", timezone="Asia/Kolkata", is_demo=True)
    session.add(practice)
    session.flush()
    name, email, password = THERAPIST
    owner = add_staff(session, practice.id, name, email, "owner", password)
    actor = actor_for(owner)
    charter.save(session, actor, charter.CharterSettings())
    billing_settings.save(
        session,
        actor,
        {
            "legal_name": "Dr. Asha Rao Counselling",
            "state_code": "27",
            "address": "12 Lake View Road, Pune 411001",
            "upi_id": "asha.rao@okhdfcbank",
        },
    )
    for client_name, client_email, phone, client_password in CLIENTS:
        client_id = clients.add_client(
            session,
            actor,
            clients.ClientForm(
                name=client_name,
                email=client_email,
                phone=phone,
                emergency_contact_name="Family member",
                emergency_contact_phone="+91 90000 00001",
                emergency_contact_relation="Parent",
            ),
        )
        if client_name != "Meera Iyer":
            invites.send_invite(session, actor, client_id, base_url)
        if client_password:
            user = find_user(session, client_email)
            user.password_hash = passwords.hash_password(client_password)
            profile = session.get(ClientProfile, client_id)
            profile.accepted_at = utcnow()
            session.add_all([user, profile])
            charter.acknowledge(session, client_id, 1)
            _demo_sessions(session, actor, client_id)
    return logins()


def _demo_billing(session: Session, actor, appt: Appointment, paid: bool) -> None:
    """The session's invoice, issued when it ended; older ones paid by UPI the same day."""
    invoice_id = invoices.on_session_status(session, appt, actor.user_id, now=appt.ends_at)
    if paid and invoice_id:
        amount = money.plain_rupees(session.get(Invoice, invoice_id).total_paise)
        payments.record(
            session,
            actor,
            invoice_id,
            amount=amount,
            method=PaymentMethod.UPI,
            paid_on=appt.ends_at.astimezone(ZoneInfo("Asia/Kolkata")).date(),
            reference=f"UPI {412300000000 + invoice_id}",
            now=appt.ends_at + timedelta(hours=2),
        )


def _demo_sessions(session: Session, actor, client_id: int) -> None:
    """Riya's history (three completed sessions, no email) and her next session on the next working
    day."""
    kind = scheduling.session_types(session, actor.user_id)[0]
    zone = ZoneInfo("Asia/Kolkata")
    today = utcnow().astimezone(zone).date()
    for weeks_ago in (3, 2, 1):
        day = today - timedelta(weeks=weeks_ago)
        day -= timedelta(days=max(day.weekday() - 4, 0))  # a weekday
        start = datetime.combine(day, time(11, 0), tzinfo=zone)
        end = start + timedelta(minutes=kind.duration_minutes)
        appt = Appointment(
            practice_id=actor.practice_id,
            therapist_id=actor.user_id,
            client_id=client_id,
            session_type_id=kind.id,
            title=kind.name,
            starts_at=start,
            ends_at=end,
            blocked_until=end + timedelta(minutes=kind.buffer_minutes),
            status=AppointmentStatus.COMPLETED,
            mode=kind.mode,
            fee_paise=kind.fee_paise,
            created_by=actor.user_id,
        )
        session.add(appt)
        session.flush()
        _demo_billing(session, actor, appt, paid=weeks_ago > 1)
    upcoming = today + timedelta(days=1)
    while upcoming.weekday() > 4:
        upcoming += timedelta(days=1)
    appointments.book(
        session,
        actor,
        client_id=client_id,
        session_type_id=kind.id,
        confirmed=True,
        starts_at=datetime.combine(upcoming, time(11, 0), tzinfo=zone),
        agenda="Review of the sleep diary",
    )
