"""How a client, their crisis contacts and the WhatsApp kit are shaped for a page. Pure: no
database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from practipal_app.boundaries.views import CrisisContact, QuickReply, crisis_contacts, kit_view
from practipal_app.boundaries.whatsapp_kit import Kit
from practipal_app.core.views import Option, options
from practipal_app.people.clients import ClientRecord
from practipal_app.people.views import (
    ClientCard,
    client_card,
    client_rows,
)

INVITED = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)  # 10:00 am in Kolkata
JOINED = datetime(2026, 3, 4, 13, 0, tzinfo=UTC)  # 6:30 pm in Kolkata


def record(invited_at=None, accepted_at=None, portal="Not invited", **changes) -> ClientRecord:
    values = {
        "id": 7,
        "name": "Riya Sharma",
        "preferred_name": "Riya",
        "email": "riya@example.com",
        "phone": "+919876543210",
        "timezone": "Europe/London",
        "emergency_contact_name": "Anil Sharma",
        "emergency_contact_phone": "+919811122333",
        "emergency_contact_relation": "Father",
        "status": "active",
        "portal": portal,
        "invited_at": invited_at,
        "accepted_at": accepted_at,
        "therapist_id": 3,
        "therapist_name": "Asha Rao",
        "practice_timezone": "Asia/Kolkata",
    }
    return ClientRecord(**{**values, **changes})


def test_a_list_row_shows_a_readable_phone_and_keeps_the_id_a_number():
    [row] = client_rows([record(portal="Invited", invited_at=INVITED)])
    assert (row.id, row.name, row.phone, row.status, row.portal, row.therapist_name) == (
        7,
        "Riya Sharma",
        "+91 98765 43210",
        "active",
        "Invited",
        "Asha Rao",
    )
    assert client_rows([record(phone="")])[0].phone == ""


@pytest.mark.parametrize(
    ("invited_at", "accepted_at", "on_portal", "invited", "invited_label", "joined_label"),
    [
        (None, None, False, False, "", ""),
        (INVITED, None, False, True, "2 Mar 2026, 10:00 am", ""),
        (INVITED, JOINED, True, False, "2 Mar 2026, 10:00 am", "4 Mar 2026, 6:30 pm"),
    ],
)
def test_the_card_says_where_the_client_is_with_the_portal(
    invited_at,
    accepted_at,
    on_portal,
    invited,
    invited_label,
    joined_label,
):
    card = client_card(record(invited_at=invited_at, accepted_at=accepted_at))
    assert (card.on_portal, card.invited) == (on_portal, invited)
    assert (card.invited_at, card.accepted_at) == (invited_label, joined_label)


def test_the_card_shows_phones_readably_and_keeps_the_stored_ones_for_the_edit_form():
    card = client_card(record())
    assert (card.phone, card.phone_display) == ("+919876543210", "+91 98765 43210")
    assert (card.emergency_contact_phone, card.emergency_contact_phone_display) == (
        "+919811122333",
        "+91 98111 22333",
    )
    assert (card.id, card.therapist_id, card.timezone) == (7, 3, "Europe/London")


def test_a_blank_card_before_the_page_loads():
    assert ClientCard() == client_card(
        record(
            id=0,
            name="",
            preferred_name="",
            email="",
            phone="",
            timezone="",
            emergency_contact_name="",
            emergency_contact_phone="",
            emergency_contact_relation="",
            status="",
            portal="",
            therapist_id=0,
            therapist_name="",
        )
    )


def test_pickers_send_the_id_and_show_the_name():
    assert options([(3, "Asha Rao"), (9, "Vikram Nair")]) == [
        Option("3", "Asha Rao"),
        Option("9", "Vikram Nair"),
    ]
    assert options([(7, "Riya Sharma")]) == [Option("7", "Riya Sharma")]
    assert options([]) == []


def test_crisis_contacts_from_the_stored_charter():
    assert crisis_contacts(({"label": "Clinic", "phone": "080 1234"}, {"phone": 112})) == [
        CrisisContact("Clinic", "080 1234"),
        CrisisContact("", "112"),
    ]


def test_the_kit_shows_the_number_readably_and_each_quick_reply_by_its_shortcut():
    kit = kit_view(
        Kit(
            "away",
            "hello",
            [("/portal", "Your portal"), ("/crisis", "Call 14416")],
            "+919876543210",
            True,
        )
    )
    assert (kit.away, kit.greeting, kit.number, kit.click_to_chat) == (
        "away",
        "hello",
        "+91 98765 43210",
        True,
    )
    assert kit.quick == [QuickReply("/portal", "Your portal"), QuickReply("/crisis", "Call 14416")]
    assert kit_view(Kit("a", "g", [], "", False)).number == ""
