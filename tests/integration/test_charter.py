"""Charter versions and which version each client has acknowledged."""

from __future__ import annotations

import pytest
from sqlmodel import select
from tabs import open_page, run

from practipal_app import db
from practipal_app.boundaries import charter, portal_home
from practipal_app.boundaries.views import CrisisContact
from practipal_app.core.errors import InvalidInput, PermissionDenied
from practipal_app.models import Charter, Role, User
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth
from practipal_app.state.charter import CharterState

DEFAULT_STATEMENT = charter.generate_statement(charter.CharterSettings())


def _versions(therapist_id):
    return db.call(
        lambda s: [
            r.version
            for r in s.exec(
                select(Charter)
                .where(Charter.therapist_id == therapist_id)
                .order_by(Charter.version)
            )
        ]
    )


def _portal_asks(client_id: int) -> bool:
    """Whether the client's portal home asks them to acknowledge the charter."""
    client = auth.actor_for(db.call(lambda s: s.get(User, client_id)))
    return db.call(portal_home.home, client).needs_acknowledgement


def test_defaults_are_in_force_before_a_therapist_saves(owner_actor, riya):
    view = db.call(charter.my_charter, owner_actor)
    assert (view.version, view.statement) == (0, DEFAULT_STATEMENT)
    assert db.call(charter.for_client, riya).statement == DEFAULT_STATEMENT
    assert db.call(charter.needs_acknowledgement, riya) is False
    assert _portal_asks(riya) is False


def test_saving_again_makes_version_two_and_asks_clients_to_acknowledge_again(owner_actor, riya):
    assert db.call(charter.save, owner_actor, charter.CharterSettings()).version == 1
    db.call(charter.acknowledge, riya, 1)
    assert db.call(charter.needs_acknowledgement, riya) is False

    view = db.call(
        charter.save, owner_actor, charter.CharterSettings(check_time="18:30", response_days=2)
    )

    assert view.version == 2
    assert _versions(owner_actor.user_id) == [1, 2]
    shown = db.call(charter.for_client, riya)
    assert (
        shown.version == 2
        and "around 6:30 pm" in shown.statement
        and "within two working days" in shown.statement
    )
    assert db.call(charter.needs_acknowledgement, riya) is True
    assert _portal_asks(riya) is True
    assert db.call(charter.acknowledged_version, riya) == 1

    db.call(charter.acknowledge, riya, 2)
    assert db.call(charter.needs_acknowledgement, riya) is False
    assert _portal_asks(riya) is False


def test_own_wording_replaces_the_generated_statement(owner_actor):
    view = db.call(
        charter.save, owner_actor, charter.CharterSettings(), "  I read messages on Tuesdays.  "
    )
    assert view.statement == "I read messages on Tuesdays."
    row = db.call(lambda s: s.exec(select(Charter)).one())
    assert row.statement_edited is True


def test_settings_round_trip_through_the_database(owner_actor):
    clinic = {"label": "Dr. Rao's clinic", "phone": "+91 80 1234 5678"}
    settings = charter.CharterSettings(
        whatsapp_for=("scheduling",),
        whatsapp_not_for=("crisis", "homework"),
        working_days=(5, 0, 2),
        check_time="07:15",
        response_days=3,
        crisis_contacts=(*charter.DEFAULT_CRISIS_CONTACTS, clinic),
        extra_text="Fees are due at booking.",
    )
    db.call(charter.save, owner_actor, settings)
    view = db.call(charter.my_charter, owner_actor)
    assert view.settings == charter.CharterSettings(
        **{**settings.__dict__, "working_days": (0, 2, 5)}
    )
    assert view.own_contacts == (clinic,)
    assert "(Mon, Wed, Sat, around 7:15 am)" in view.statement
    assert view.statement.endswith("Fees are due at booking.")


def test_each_therapist_has_their_own_charter(owner_actor, therapist_actor):
    db.call(charter.save, therapist_actor, charter.CharterSettings(working_days=(5, 6)))
    assert db.call(charter.my_charter, therapist_actor).version == 1
    assert db.call(charter.my_charter, owner_actor).version == 0


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (charter.CharterSettings(working_days=()), "working_days"),
        (charter.CharterSettings(working_days=(0, 7)), "working_days"),
        (charter.CharterSettings(working_days=(-1,)), "working_days"),
        (charter.CharterSettings(check_time="25:00"), "check_time"),
        (charter.CharterSettings(response_days=9), "response_days"),
    ],
)
def test_invalid_settings_are_refused_on_their_field_and_no_version_is_made(
    owner_actor, settings, field
):
    with pytest.raises(InvalidInput) as caught:
        db.call(charter.save, owner_actor, settings)
    assert field in caught.value.errors
    assert _versions(owner_actor.user_id) == []


def test_assistants_have_no_charter(owner):
    assistant = db.call(
        practice.add_staff,
        owner.practice_id,
        "Neha Joshi",
        "neha@example.com",
        Role.ASSISTANT,
        None,
    )
    with pytest.raises(PermissionDenied):
        db.call(charter.save, auth.actor_for(assistant), charter.CharterSettings())
    with pytest.raises(PermissionDenied):
        db.call(charter.my_charter, auth.actor_for(assistant))


def _charter_page(owner) -> CharterState:
    """The charter page's state in a tab signed in as `owner`."""
    return open_page(CharterState, owner, "/app/settings/charter")


_run = run


async def test_the_charter_page_edits_contacts_by_row_and_saves_them(owner):
    page = _charter_page(owner)
    await _run(page, "load")
    assert page.contacts == [] and page.version == 0
    for _ in range(6):
        await _run(page, "add_contact")
    assert page.contacts == [CrisisContact()] * 5
    await _run(page, "set_contact", 1, "label", "Dr. Rao's clinic")
    await _run(page, "set_contact", "1", "phone", "+91 80 1234 5678")
    await _run(page, "set_contact", 1, "owner", "x")
    await _run(page, "set_contact", "first", "label", "x")
    for index in (4, 3, 2, 0):
        await _run(page, "remove_contact", index)
    await _run(page, "remove_contact", "last")
    assert page.contacts == [CrisisContact("Dr. Rao's clinic", "+91 80 1234 5678")]

    await _run(page, "toggle_day", 5)
    await _run(page, "toggle_day", "0")
    await _run(page, "toggle_day", "Sunday")
    await _run(page, "toggle_list", "whatsapp_for", "payments")
    await _run(page, "toggle_list", "whatsapp_for", "anything at all")
    await _run(page, "set_response_days", "two")
    assert page.errors == {"response_days": "Choose a number of days."}
    await _run(page, "set_response_days", "2")
    await _run(page, "save")

    assert (page.errors, page.version) == ({}, 1)
    assert page.contacts == [CrisisContact("Dr. Rao's clinic", "+91 80 1234 5678")]
    view = db.call(charter.my_charter, auth.actor_for(owner))
    assert view.settings.working_days == (1, 2, 3, 4, 5)
    assert view.settings.whatsapp_for == ("scheduling", "tech", "payments")
    assert view.settings.response_days == 2
    assert view.own_contacts == ({"label": "Dr. Rao's clinic", "phone": "+91 80 1234 5678"},)


async def test_the_charter_page_refuses_a_half_filled_contact_on_its_field(owner):
    page = _charter_page(owner)
    await _run(page, "load")
    await _run(page, "add_contact")
    await _run(page, "set_contact", 0, "label", "Clinic")
    await _run(page, "save")
    assert page.errors == {"crisis_contacts": "Each contact needs a name and a phone number."}
    assert _versions(owner.id) == []
