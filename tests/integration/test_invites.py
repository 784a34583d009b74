"""Portal invites: emailed by staff, accepted once within seven days, with the charter
acknowledged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from practipal_app import db
from practipal_app.boundaries import charter
from practipal_app.core.errors import (
    DomainError,
    InvalidInput,
    LinkInvalid,
    NotFound,
    PermissionDenied,
)
from practipal_app.core.timefmt import format_local
from practipal_app.core.tokens import new_token
from practipal_app.models import CharterAcknowledgement
from practipal_app.notifications import outbox as outbox_service
from practipal_app.onboarding import invites
from practipal_app.people import auth, clients, views

EXPIRED = "This invite link has expired — ask your therapist to send a new one."
RIYA_PASSWORD = "Quiet-Lantern-Sky-7"


@pytest.fixture
def riya(owner_actor, add_client) -> int:
    return add_client(owner_actor, "Riya Sharma", "riya@example.com", preferred_name="Riya")


@pytest.fixture
def invite(owner_actor, riya, base_url, emailed_tokens, t0):
    """invite() sends (or resends) Riya's invite and returns the emailed token."""

    def send(at=t0) -> str:
        db.call(invites.send_invite, owner_actor, riya, base_url, now=at)
        return emailed_tokens("invite")[-1]

    return send


def _acks(client_id):
    return db.call(
        lambda s: s.exec(
            select(CharterAcknowledgement).where(CharterAcknowledgement.client_id == client_id)
        ).all()
    )


def _accept(token, at, version=1, tab=None):
    db.call(invites.accept, token, RIYA_PASSWORD, True, version, tab or new_token(), now=at)


def test_invite_email_names_therapist_and_practice(invite, outbox, owner_actor, riya, base_url, t0):
    token = invite()
    [mail] = outbox("invite")
    assert mail.to_address == "riya@example.com"
    assert mail.subject == "Asha Rao invited you to the Sunrise Counselling client portal"
    assert f"{base_url}/invite/{token}" in mail.body_text
    assert "Hello Riya Sharma" in mail.body_text
    detail = views.client_card(db.call(clients.get_client, owner_actor, riya))
    # Shown in the practice's zone: 04:30 UTC is 10:00 in Kolkata.
    assert (detail.portal, detail.invited, detail.on_portal) == ("Invited", True, False)
    assert (
        detail.invited_at == format_local(t0, "Asia/Kolkata")
        and "Mar 2026, 10:00 am" in detail.invited_at
    )


def test_invite_page_shows_who_invited_and_the_charter_in_force(invite, t0):
    view = db.call(invites.inspect, invite(), now=t0 + timedelta(days=1))
    assert (view.client_name, view.therapist_name, view.practice_name) == (
        "Riya",
        "Asha Rao",
        "Sunrise Counselling",
    )
    assert view.charter.version == 1
    assert "once daily on working days (Mon–Fri, around 6 pm)" in view.charter.statement


def test_accepting_sets_the_password_records_the_acknowledgement_and_signs_in(
    invite, owner_actor, riya, t0
):
    token = invite()
    tab = new_token()
    shown = db.call(invites.inspect, token, now=t0 + timedelta(days=2)).charter.version

    _accept(token, t0 + timedelta(days=2), version=shown, tab=tab)

    _session, where = db.call(auth.redeem_ticket, tab, now=t0 + timedelta(days=2))
    assert where == "/portal"
    assert db.call(auth.authenticate, "riya@example.com", RIYA_PASSWORD).id == riya
    [ack] = _acks(riya)
    assert ack.charter_version == shown == 1
    assert db.call(charter.needs_acknowledgement, riya) is False
    detail = views.client_card(db.call(clients.get_client, owner_actor, riya))
    assert (detail.portal, detail.on_portal, detail.invited) == ("Active", True, False)
    assert detail.accepted_at == format_local(t0 + timedelta(days=2), "Asia/Kolkata")


def test_invite_link_works_once(invite, t0):
    token = invite()
    _accept(token, t0 + timedelta(hours=1))
    with pytest.raises(LinkInvalid) as caught:
        db.call(
            invites.accept,
            token,
            "Other-Lantern-Sky-8",
            True,
            1,
            new_token(),
            now=t0 + timedelta(hours=2),
        )
    assert caught.value.message == EXPIRED
    with pytest.raises(LinkInvalid):
        db.call(invites.inspect, token, now=t0 + timedelta(hours=2))
    assert db.call(auth.authenticate, "riya@example.com", RIYA_PASSWORD).id is not None


def test_invite_link_expires_after_seven_days(invite, t0):
    token = invite()
    assert (
        db.call(invites.inspect, token, now=t0 + timedelta(days=6, hours=23)).client_name == "Riya"
    )
    with pytest.raises(LinkInvalid) as caught:
        _accept(token, t0 + timedelta(days=8))
    assert caught.value.message == EXPIRED


def test_unknown_invite_link(owner):
    for token in (new_token(), "", "not-a-token"):
        with pytest.raises(LinkInvalid) as caught:
            db.call(invites.inspect, token)
        assert caught.value.message == EXPIRED


def test_resending_an_invite_stops_the_earlier_link(invite, outbox, t0):
    first = invite(t0)
    second = invite(t0 + timedelta(days=1))
    assert first != second and len(outbox("invite")) == 2
    with pytest.raises(LinkInvalid) as caught:
        _accept(first, t0 + timedelta(days=1, hours=1))
    assert caught.value.message == EXPIRED
    _accept(second, t0 + timedelta(days=1, hours=1))


def test_acceptance_needs_a_strong_password_and_the_acknowledgement(invite, riya, t0):
    token = invite()
    with pytest.raises(InvalidInput) as caught:
        db.call(invites.accept, token, "password123", False, 1, new_token(), now=t0)
    assert set(caught.value.errors) == {"password", "acknowledged"}
    assert (
        caught.value.errors["acknowledged"]
        == "Please confirm that you have read how messages work."
    )
    assert _acks(riya) == []
    _accept(token, t0)  # the link still works after a refused attempt


def test_acknowledgement_stores_the_version_that_was_shown(invite, owner_actor, riya, t0):
    token = invite()
    shown = db.call(invites.inspect, token, now=t0).charter
    db.call(
        charter.save, owner_actor, charter.CharterSettings(check_time="19:00")
    )  # v2 while the page is open

    _accept(token, t0 + timedelta(minutes=5), version=shown.version)

    [ack] = _acks(riya)
    assert ack.charter_version == 1
    assert db.call(charter.needs_acknowledgement, riya) is True


def test_discharged_client_is_not_invited(owner_actor, add_client, base_url, outbox):
    client_id = add_client(owner_actor, status="discharged")
    with pytest.raises(DomainError) as caught:
        db.call(invites.send_invite, owner_actor, client_id, base_url)
    assert "discharged" in caught.value.message
    assert outbox("invite") == []


def test_a_therapist_cannot_invite_a_colleagues_client(riya, therapist_actor, base_url, outbox):
    with pytest.raises(NotFound):
        db.call(invites.send_invite, therapist_actor, riya, base_url)
    assert outbox("invite") == []


def test_only_the_owner_reads_the_outbox_holding_invite_links(invite, owner_actor, therapist_actor):
    token = invite()
    page = db.call(outbox_service.list_for_owner, owner_actor)
    [email] = page.emails
    assert page.total == 1 and email.status == "pending" and email.to_address == "riya@example.com"
    assert token in db.call(outbox_service.body_for_owner, owner_actor, email.id).body_text
    with pytest.raises(PermissionDenied):
        db.call(outbox_service.list_for_owner, therapist_actor)
    with pytest.raises(PermissionDenied):
        db.call(outbox_service.body_for_owner, therapist_actor, email.id)
