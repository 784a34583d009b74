"""The demo practice: one therapist (the owner), three clients, one of them signed up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from practipal_app.models import ClientProfile, Practice, User
from practipal_app.models.base import utcnow
from practipal_app.services import charter, clients, invites, passwords
from practipal_app.services.auth import actor_for, find_user
from practipal_app.services.errors import DomainError
from practipal_app.services.practice import add_staff

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
        raise DomainError("This database holds a real practice. The demo only seeds an empty database.")
    if practices:
        return logins()
    users = session.exec(select(func.count()).select_from(User)).one()
    if users:
        raise DomainError("This database already has accounts. The demo only seeds an empty database.")
    practice = Practice(name="Demo Practice", timezone="Asia/Kolkata", is_demo=True)
    session.add(practice)
    session.flush()
    name, email, password = THERAPIST
    owner = add_staff(session, practice.id, name, email, "owner", password)
    actor = actor_for(owner)
    charter.save(session, actor, charter.CharterSettings())
    for client_name, client_email, phone, client_password in CLIENTS:
        client_id = clients.add_client(
            session, actor,
            clients.ClientForm(name=client_name, email=client_email, phone=phone,
                               emergency_contact_name="Family member", emergency_contact_phone="+91 90000 00001",
                               emergency_contact_relation="Parent"),
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
    return logins()
