"""Forgot password: a link by email, usable once within an hour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from practipal_app import db
from practipal_app.core.errors import InvalidInput, LinkInvalid, SignInRefused
from practipal_app.core.tokens import new_token
from practipal_app.onboarding import invites
from practipal_app.people import auth

NEW_PASSWORD = "Saffron-Kite-Window-73"


@pytest.fixture
def reset_token(owner, base_url, emailed_tokens, t0) -> str:
    db.call(auth.request_reset, "  Asha@Example.com", base_url, now=t0)
    [token] = emailed_tokens("password_reset")
    return token


def test_request_emails_a_reset_link_to_the_account(reset_token, outbox, owner, base_url, t0):
    [mail] = outbox("password_reset")
    assert mail.to_address == owner.email
    assert mail.subject == "Reset your Sunrise Counselling password"
    assert f"{base_url}/reset/{reset_token}" in mail.body_text
    assert "within one hour" in mail.body_text
    assert db.call(auth.reset_name, reset_token, now=t0 + timedelta(minutes=5)) == "Asha Rao"


def test_request_for_an_unknown_email_sends_nothing_and_says_nothing(owner, outbox, base_url):
    assert db.call(auth.request_reset, "someone@example.com", base_url) is None
    assert outbox("password_reset") == []


@pytest.mark.parametrize("typed", ["", "   ", "asha-at-example.com"])
def test_request_for_something_that_is_not_an_email_asks_for_one(owner, outbox, base_url, typed):
    with pytest.raises(InvalidInput) as caught:
        db.call(auth.request_reset, typed, base_url)
    assert list(caught.value.errors) == ["email"]
    assert caught.value.errors["email"].startswith("Enter an email address")
    assert outbox("password_reset") == []


def test_reset_sets_the_password_signs_this_tab_in_and_ends_other_sessions(
    reset_token,
    owner,
    owner_password,
    t0,
):
    stolen_laptop = db.call(auth.start_session, owner, now=t0)
    tab = new_token()

    db.call(auth.reset_password, reset_token, NEW_PASSWORD, tab, now=t0 + timedelta(minutes=10))

    session_token, where = db.call(auth.redeem_ticket, tab, now=t0 + timedelta(minutes=10))
    assert where == "/app"
    assert db.call(auth.resolve, session_token, now=t0 + timedelta(minutes=11)).user_id == owner.id
    assert db.call(auth.resolve, stolen_laptop, now=t0 + timedelta(minutes=11)) is None
    assert (
        db.call(auth.authenticate, owner.email, NEW_PASSWORD, now=t0 + timedelta(minutes=12)).id
        == owner.id
    )
    with pytest.raises(SignInRefused):
        db.call(auth.authenticate, owner.email, owner_password, now=t0 + timedelta(minutes=12))


def test_reset_link_works_once(reset_token, t0):
    db.call(auth.reset_password, reset_token, NEW_PASSWORD, new_token(), now=t0)
    with pytest.raises(LinkInvalid) as caught:
        db.call(auth.reset_password, reset_token, "Another-Quiet-Harbour-5", new_token(), now=t0)
    assert caught.value.message == auth.RESET_EXPIRED
    with pytest.raises(LinkInvalid):
        db.call(auth.reset_name, reset_token, now=t0)


def test_reset_link_expires_after_one_hour(reset_token, t0):
    assert db.call(auth.reset_name, reset_token, now=t0 + timedelta(minutes=59)) == "Asha Rao"
    with pytest.raises(LinkInvalid) as caught:
        db.call(
            auth.reset_password, reset_token, NEW_PASSWORD, new_token(), now=t0 + timedelta(hours=1)
        )
    assert caught.value.message == auth.RESET_EXPIRED


def test_weak_new_password_is_refused_and_the_link_still_works(reset_token, t0):
    with pytest.raises(InvalidInput) as caught:
        db.call(auth.reset_password, reset_token, "password123", new_token(), now=t0)
    assert list(caught.value.errors) == ["password"]
    assert db.call(auth.reset_name, reset_token, now=t0) == "Asha Rao"


def test_reset_lifts_a_lockout(owner, base_url, emailed_tokens, t0):
    for i in range(10):
        with pytest.raises(SignInRefused):
            db.call(auth.authenticate, owner.email, f"wrong-{i}", now=t0)
    db.call(auth.request_reset, owner.email, base_url, now=t0 + timedelta(minutes=1))
    [token] = emailed_tokens("password_reset")
    db.call(auth.reset_password, token, NEW_PASSWORD, new_token(), now=t0 + timedelta(minutes=2))
    assert (
        db.call(auth.authenticate, owner.email, NEW_PASSWORD, now=t0 + timedelta(minutes=3)).id
        == owner.id
    )


def test_a_reset_link_is_not_an_invite_link(owner_actor, add_client, base_url, emailed_tokens, t0):
    client_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    db.call(invites.send_invite, owner_actor, client_id, base_url, now=t0)
    [invite_token] = emailed_tokens("invite")
    with pytest.raises(LinkInvalid):
        db.call(auth.reset_password, invite_token, NEW_PASSWORD, new_token(), now=t0)
