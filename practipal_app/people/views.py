"""What the client list and a client's page show. Pure: no database, no reflex."""

from __future__ import annotations

from dataclasses import dataclass

from practipal_app.core.phones import display_phone
from practipal_app.core.timefmt import format_local
from practipal_app.people.clients import ClientRecord


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    id: int
    name: str
    email: str
    #: Readable: "+91 98765 43210".
    phone: str
    status: str
    #: "Active", "Invited" or "Not invited".
    portal: str
    therapist_name: str


@dataclass(frozen=True)
class ClientCard:
    """A client's page: the profile as shown, and the raw values the edit form starts from.
    `ClientCard()` is the blank card of a page not loaded yet."""

    id: int = 0
    name: str = ""
    preferred_name: str = ""
    email: str = ""
    #: As stored (E.164), for the edit form; `phone_display` is what the card shows.
    phone: str = ""
    phone_display: str = ""
    timezone: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    emergency_contact_phone_display: str = ""
    emergency_contact_relation: str = ""
    status: str = ""
    portal: str = ""
    #: Joined the portal (the invite was accepted).
    on_portal: bool = False
    #: Invited and not joined yet.
    invited: bool = False
    #: "3 Dec 2026, 10:52 am" in the practice's zone; "" when never.
    invited_at: str = ""
    accepted_at: str = ""
    therapist_id: int = 0
    therapist_name: str = ""


def client_rows(records: list[ClientRecord]) -> list[ClientRow]:
    return [
        ClientRow(
            r.id, r.name, r.email, display_phone(r.phone), r.status, r.portal, r.therapist_name
        )
        for r in records
    ]


def client_card(r: ClientRecord) -> ClientCard:
    tz = r.practice_timezone
    return ClientCard(
        id=r.id,
        name=r.name,
        preferred_name=r.preferred_name,
        email=r.email,
        phone=r.phone,
        phone_display=display_phone(r.phone),
        timezone=r.timezone,
        emergency_contact_name=r.emergency_contact_name,
        emergency_contact_phone=r.emergency_contact_phone,
        emergency_contact_phone_display=display_phone(r.emergency_contact_phone),
        emergency_contact_relation=r.emergency_contact_relation,
        status=r.status,
        portal=r.portal,
        on_portal=r.accepted_at is not None,
        invited=r.accepted_at is None and r.invited_at is not None,
        invited_at=format_local(r.invited_at, tz),
        accepted_at=format_local(r.accepted_at, tz),
        therapist_id=r.therapist_id,
        therapist_name=r.therapist_name,
    )
