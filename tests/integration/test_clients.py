"""Client records: each therapist sees only their own; the owner sees the whole practice."""

from __future__ import annotations

import pytest

from practipal_app import db
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.models import Role
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients, views
from practipal_app.people.clients import PAGE_SIZE, ClientForm


def _names(actor, **filters):
    rows, total = db.call(clients.list_clients, actor, **filters)
    return [r.name for r in rows], total


@pytest.fixture
def caseload(owner_actor, therapist_actor, add_client):
    """Two clients of the owner, one of the second therapist."""
    return {
        "riya": add_client(owner_actor, "Riya Sharma", "riya@example.com", phone="98765 43210"),
        "arjun": add_client(
            owner_actor, "Arjun Mehta", "Arjun@Mail.in", phone="+91 91234 56789", status="paused"
        ),
        "meera": add_client(
            therapist_actor,
            "Meera Iyer",
            "meera@example.com",
            preferred_name="Mimi",
            status="discharged",
        ),
    }


def test_each_therapist_lists_only_their_own_clients(caseload, owner_actor, therapist_actor):
    assert _names(therapist_actor) == (["Meera Iyer"], 1)
    rows, total = db.call(clients.list_clients, owner_actor)
    assert total == 3
    assert [(r.name, r.therapist_name) for r in rows] == [
        ("Arjun Mehta", "Asha Rao"),
        ("Meera Iyer", "Vikram Nair"),
        ("Riya Sharma", "Asha Rao"),
    ]


def test_a_therapist_cannot_read_or_change_a_colleagues_client(caseload, therapist_actor):
    riya = caseload["riya"]
    with pytest.raises(NotFound) as caught:
        db.call(clients.get_client, therapist_actor, riya)
    assert caught.value.message == "No such client."
    with pytest.raises(NotFound):
        db.call(
            clients.update_client,
            therapist_actor,
            riya,
            ClientForm(name="Hijacked", email="riya@example.com"),
        )
    with pytest.raises(NotFound):
        db.call(clients.get_client, therapist_actor, 999_999)


def test_the_owner_reads_and_changes_any_client(caseload, owner_actor):
    meera = db.call(clients.get_client, owner_actor, caseload["meera"])
    assert (meera.name, meera.preferred_name, meera.therapist_name, meera.status) == (
        "Meera Iyer",
        "Mimi",
        "Vikram Nair",
        "discharged",
    )
    changed = db.call(
        clients.update_client,
        owner_actor,
        caseload["meera"],
        ClientForm(
            name="Meera Iyer",
            email="meera@example.com",
            status="active",
            therapist_id=meera.therapist_id,
        ),
    )
    assert changed.status == "active"


def test_a_client_is_never_a_staff_member(caseload, owner):
    riya = db.call(auth.find_user, "riya@example.com")
    with pytest.raises(PermissionDenied):
        db.call(clients.list_clients, auth.actor_for(riya))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sharma", ["Riya Sharma"]),
        ("RIYA", ["Riya Sharma"]),
        ("arjun@mail", ["Arjun Mehta"]),
        ("43210", ["Riya Sharma"]),
        ("98765 43210", ["Riya Sharma"]),
        ("+91 91234", ["Arjun Mehta"]),
        ("mimi", ["Meera Iyer"]),
        ("example.com", ["Meera Iyer", "Riya Sharma"]),
        ("nobody", []),
        ("%", []),
    ],
)
def test_search_by_name_email_or_phone(caseload, owner_actor, query, found):
    assert _names(owner_actor, query=query) == (found, len(found))


def test_search_stays_inside_the_therapists_own_clients(caseload, therapist_actor):
    assert _names(therapist_actor, query="sharma") == ([], 0)


def test_status_filter(caseload, owner_actor):
    assert _names(owner_actor, status="active") == (["Riya Sharma"], 1)
    assert _names(owner_actor, status="paused") == (["Arjun Mehta"], 1)
    assert _names(owner_actor, status="discharged", query="iyer") == (["Meera Iyer"], 1)
    assert _names(owner_actor, status="nonsense")[1] == 3


def test_paging_twenty_five_at_a_time_in_name_order(owner_actor, add_client):
    for n in range(30):
        add_client(
            owner_actor, f"{'abcdefghijklmnopqrstuvwxyzABCD'[n]}-client", f"c{n}@example.com"
        )
    first, total = _names(owner_actor)
    second, _ = _names(owner_actor, page=1)
    assert total == 30 and PAGE_SIZE == 25
    assert len(first) == 25 and len(second) == 5
    everyone = first + second
    assert everyone == sorted(everyone, key=str.lower)
    assert len(set(everyone)) == 30
    assert _names(owner_actor, page=2) == ([], 30)
    assert _names(owner_actor, page=-1)[0] == first


def test_list_shows_portal_status_and_readable_phone(caseload, owner_actor):
    records, _ = db.call(clients.list_clients, owner_actor, query="riya")
    rows = views.client_rows(records)
    assert (rows[0].id, rows[0].phone, rows[0].portal, rows[0].status) == (
        caseload["riya"],
        "+91 98765 43210",
        "Not invited",
        "active",
    )


def test_invalid_form_reports_every_field_and_saves_nothing(owner_actor):
    form = ClientForm(
        name="",
        email="riya-at-example",
        phone="12345",
        emergency_contact_phone="call mum",
        timezone="Mars/Olympus",
        status="gone",
    )
    with pytest.raises(InvalidInput) as caught:
        db.call(clients.add_client, owner_actor, form)
    assert caught.value.errors == {
        "name": "Enter the client's name.",
        "email": "Enter an email address like name@example.com.",
        "phone": "This phone number is not valid. Include the country code if it is not Indian.",
        "emergency_contact_phone": "This does not look like a phone number.",
        "timezone": "Choose a timezone from the list.",
        "status": "Choose a status.",
    }
    assert _names(owner_actor) == ([], 0)


def test_email_already_in_use_is_refused(caseload, owner_actor, owner):
    for taken in ("RIYA@example.com", owner.email):
        with pytest.raises(InvalidInput) as caught:
            db.call(clients.add_client, owner_actor, ClientForm(name="Someone", email=taken))
        assert caught.value.errors == {"email": "Someone in this practice already uses this email."}


def test_form_as_typed_in_the_browser(owner_actor, therapist):
    form = ClientForm.from_dict(
        {
            "name": "  Kabir Das ",
            "email": " Kabir@Example.com ",
            "therapist_id": "abc",
            "is_admin": "yes",
        }
    )
    assert (form.name, form.therapist_id) == ("Kabir Das", -1)
    with pytest.raises(InvalidInput) as caught:
        db.call(clients.add_client, owner_actor, form)
    assert list(caught.value.errors) == ["therapist_id"]

    form = ClientForm.from_dict(
        {"name": "Kabir Das", "email": "Kabir@Example.com", "therapist_id": str(therapist.id)}
    )
    client_id = db.call(clients.add_client, owner_actor, form)
    detail = db.call(clients.get_client, owner_actor, client_id)
    assert (detail.email, detail.therapist_name) == ("kabir@example.com", "Vikram Nair")


def test_a_therapist_cannot_assign_a_client_to_someone_else(therapist_actor, owner):
    assert db.call(clients.therapists, therapist_actor) == [
        (therapist_actor.user_id, "Vikram Nair")
    ]
    with pytest.raises(InvalidInput) as caught:
        db.call(
            clients.add_client,
            therapist_actor,
            ClientForm(name="Kabir", email="kabir@example.com", therapist_id=owner.id),
        )
    assert list(caught.value.errors) == ["therapist_id"]


def test_an_assistant_adds_clients_for_a_chosen_therapist(owner, therapist):
    assistant = auth.actor_for(
        db.call(
            practice.add_staff,
            owner.practice_id,
            "Neha Joshi",
            "neha@example.com",
            Role.ASSISTANT,
            None,
        )
    )
    assert {name for _, name in db.call(clients.therapists, assistant)} == {
        "Asha Rao",
        "Vikram Nair",
    }
    with pytest.raises(InvalidInput) as caught:
        db.call(clients.add_client, assistant, ClientForm(name="Kabir", email="kabir@example.com"))
    assert caught.value.errors == {"therapist_id": "Choose the client's therapist."}
    db.call(
        clients.add_client,
        assistant,
        ClientForm(name="Kabir", email="kabir@example.com", therapist_id=therapist.id),
    )
    assert _names(auth.actor_for(therapist)) == (["Kabir"], 1)


def test_update_changes_what_was_typed(caseload, owner_actor):
    riya = caseload["riya"]
    detail = db.call(
        clients.update_client,
        owner_actor,
        riya,
        ClientForm(
            name="Riya S. Sharma",
            email="Riya.S@example.com",
            phone="+91 98765-00000",
            preferred_name="Ri",
            emergency_contact_name="Anil Sharma",
            emergency_contact_phone="98111 22333",
            emergency_contact_relation="Father",
            timezone="Europe/London",
            status="paused",
        ),
    )
    card = views.client_card(detail)
    assert (card.name, card.email, card.phone, card.phone_display) == (
        "Riya S. Sharma",
        "riya.s@example.com",
        "+919876500000",
        "+91 98765 00000",
    )
    assert (card.emergency_contact_phone, card.emergency_contact_phone_display) == (
        "+919811122333",
        "+91 98111 22333",
    )
    assert (card.timezone, card.status) == ("Europe/London", "paused")
    assert db.call(clients.get_client, owner_actor, riya) == detail
    assert _names(owner_actor, query="riya.s@") == (["Riya S. Sharma"], 1)


def test_update_with_errors_changes_nothing(caseload, owner_actor):
    riya = caseload["riya"]
    before = db.call(clients.get_client, owner_actor, riya)
    with pytest.raises(InvalidInput) as caught:
        db.call(
            clients.update_client, owner_actor, riya, ClientForm(name="", email="arjun@mail.in")
        )
    assert set(caught.value.errors) == {"name", "email"}
    assert db.call(clients.get_client, owner_actor, riya) == before


def test_a_therapist_edits_their_own_client(caseload, therapist_actor):
    detail = db.call(
        clients.update_client,
        therapist_actor,
        caseload["meera"],
        ClientForm(name="Meera Iyer", email="meera@example.com", preferred_name="Meera"),
    )
    assert detail.preferred_name == "Meera"


def test_search_treats_wildcard_characters_as_typed(owner_actor, add_client):
    add_client(owner_actor, "Kabir Das", "kabir_das@example.com")
    add_client(owner_actor, "Kabir Singh", "kabirxdas@example.com")
    add_client(owner_actor, "Neha 100% Joshi", "neha@example.com")
    assert _names(owner_actor, query="kabir_das") == (["Kabir Das"], 1)
    assert _names(owner_actor, query="100%") == (["Neha 100% Joshi"], 1)
    assert _names(owner_actor, query="a\\b") == ([], 0)
