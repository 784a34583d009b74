"""Signing in, staying signed in, and signing out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from practipal_app import db
from practipal_app.core.errors import LinkInvalid, SignInRefused
from practipal_app.core.tokens import new_token
from practipal_app.models import User
from practipal_app.people import auth, passwords

MIN = timedelta(minutes=1)


def _refusal(email: str, password: str, now) -> str:
    with pytest.raises(SignInRefused) as caught:
        db.call(auth.authenticate, email, password, now=now)
    return caught.value.message


# Password check ---------------------------------------------------------------------------------


def test_right_password_signs_in_to_the_workspace(owner, owner_password, sign_in, t0, reload_user):
    token, where = sign_in("  ASHA@example.com ", owner_password, now=t0)
    assert where == "/app"
    actor = db.call(auth.resolve, token, now=t0 + MIN)
    assert (actor.user_id, actor.role, actor.name) == (owner.id, "owner", "Asha Rao")
    assert reload_user(owner.id).last_login_at == t0


def test_sign_in_returns_to_the_page_asked_for_only_inside_the_area(
    owner, owner_password, sign_in, t0
):
    assert (
        sign_in(owner.email, owner_password, now=t0, next_path="/app/clients")[1] == "/app/clients"
    )
    assert (
        sign_in(owner.email, owner_password, now=t0, next_path="https://evil.example/app")[1]
        == "/app"
    )


def test_unknown_email_and_wrong_password_get_the_same_message(owner, owner_password, t0):
    unknown = _refusal("nobody@example.com", owner_password, t0)
    wrong = _refusal(owner.email, "Calm-Harbour-Tea-43", t0)
    assert unknown == wrong == auth.WRONG_CREDENTIALS


def test_client_who_never_set_a_password_cannot_sign_in(owner_actor, add_client, t0):
    add_client(owner_actor, "Riya Sharma", "riya@example.com")
    assert _refusal("riya@example.com", "", t0) == auth.WRONG_CREDENTIALS


def test_deactivated_account_cannot_sign_in_and_its_session_stops(
    owner, owner_password, therapist, therapist_password, sign_in, t0
):
    token, _ = sign_in(therapist.email, therapist_password, now=t0)
    db.call(lambda s: s.exec(update(User).where(User.id == therapist.id).values(active=False)))
    assert _refusal(therapist.email, therapist_password, t0 + MIN) == auth.WRONG_CREDENTIALS
    assert db.call(auth.resolve, token, now=t0 + MIN) is None


def test_old_hash_parameters_are_upgraded_when_signing_in(owner, owner_password, reload_user, t0):
    old = passwords.hash_password(
        owner_password, passwords.make_context(memory_cost=8192, rounds=1, parallelism=1)
    )
    db.call(lambda s: s.exec(update(User).where(User.id == owner.id).values(password_hash=old)))

    db.call(auth.authenticate, owner.email, owner_password, now=t0)

    stored = reload_user(owner.id).password_hash
    assert stored != old
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify(owner_password, stored) == (True, None)


# Lockout -----------------------------------------------------------------------------------------


def test_ten_failures_in_fifteen_minutes_pause_sign_in_even_with_the_right_password(
    owner, owner_password, t0
):
    for i in range(9):
        assert _refusal(owner.email, f"wrong-guess-{i}", t0 + i * MIN) == auth.WRONG_CREDENTIALS

    tenth = _refusal(owner.email, "wrong-guess-9", t0 + 9 * MIN)
    assert tenth.startswith("Too many failed attempts for this account.")
    assert "paused for 15 more minutes" in tenth

    right = _refusal(owner.email, owner_password, t0 + 19 * MIN)
    assert "Too many failed attempts" in right
    assert "paused for 5 more minutes" in right
    assert "reset your password" in right

    last_second = _refusal(owner.email, owner_password, t0 + 24 * MIN - timedelta(seconds=1))
    assert "paused for 1 more minute." in last_second

    user = db.call(auth.authenticate, owner.email, owner_password, now=t0 + 24 * MIN)
    assert user.id == owner.id


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(owner, owner_password, t0):
    for i in range(9):
        _refusal(owner.email, f"wrong-guess-{i}", t0 + i * timedelta(seconds=10))
    assert _refusal(owner.email, "wrong-again", t0 + 16 * MIN) == auth.WRONG_CREDENTIALS
    assert db.call(auth.authenticate, owner.email, owner_password, now=t0 + 17 * MIN).id == owner.id


def test_a_successful_sign_in_clears_earlier_failures(owner, owner_password, t0):
    for i in range(9):
        _refusal(owner.email, f"wrong-guess-{i}", t0)
    db.call(auth.authenticate, owner.email, owner_password, now=t0 + MIN)
    for i in range(9):
        assert _refusal(owner.email, f"wrong-guess-{i}", t0 + 2 * MIN) == auth.WRONG_CREDENTIALS
    assert db.call(auth.authenticate, owner.email, owner_password, now=t0 + 3 * MIN).id == owner.id


def test_lockout_of_one_account_does_not_touch_another(owner, therapist, therapist_password, t0):
    for i in range(10):
        _refusal(owner.email, f"wrong-guess-{i}", t0)
    assert (
        db.call(auth.authenticate, therapist.email, therapist_password, now=t0).id == therapist.id
    )


# Session lifetime --------------------------------------------------------------------------------


def _session(user, t0) -> str:
    return db.call(auth.start_session, user, "pytest", now=t0)


def _alive(token, at) -> bool:
    return db.call(auth.resolve, token, now=at) is not None


def test_staff_session_ends_after_thirty_idle_minutes(owner, t0):
    assert _alive(_session(owner, t0), t0 + 30 * MIN)
    assert not _alive(_session(owner, t0), t0 + 30 * MIN + timedelta(seconds=1))


def test_staff_session_kept_alive_by_use_ends_after_twelve_hours(owner, t0):
    token = _session(owner, t0)
    at = t0
    while at + 20 * MIN < t0 + timedelta(hours=12):
        at += 20 * MIN
        assert _alive(token, at), at - t0
    assert not _alive(token, t0 + timedelta(hours=12))


def test_client_session_ends_after_seven_idle_days(owner_actor, add_client, user_by_email, t0):
    add_client(owner_actor, "Riya Sharma", "riya@example.com")
    riya = user_by_email("riya@example.com")
    assert _alive(_session(riya, t0), t0 + timedelta(days=7))
    assert not _alive(_session(riya, t0), t0 + timedelta(days=7, seconds=1))
    actor = db.call(auth.resolve, _session(riya, t0), now=t0 + timedelta(days=6))
    assert actor.role == "client" and auth.home_path(actor.role) == "/portal"


def test_client_session_kept_alive_by_use_ends_after_thirty_days(
    owner_actor, add_client, user_by_email, t0
):
    add_client(owner_actor, "Riya Sharma", "riya@example.com")
    token = _session(user_by_email("riya@example.com"), t0)
    for day in range(6, 30, 6):
        assert _alive(token, t0 + timedelta(days=day))
    assert _alive(token, t0 + timedelta(days=30) - timedelta(seconds=1))
    assert not _alive(token, t0 + timedelta(days=30))


def test_unknown_or_empty_session_token_is_nobody(owner):
    assert db.call(auth.resolve, new_token()) is None
    assert db.call(auth.resolve, "") is None
    assert db.call(auth.resolve, None) is None


# Sign-in tickets ---------------------------------------------------------------------------------


def test_ticket_is_redeemed_once_by_its_own_browser_tab(owner, owner_password, t0):
    tab, other_tab = new_token(), new_token()
    db.call(auth.sign_in, owner.email, owner_password, tab, "", now=t0)

    with pytest.raises(LinkInvalid):
        db.call(auth.redeem_ticket, other_tab, now=t0)
    token, where = db.call(auth.redeem_ticket, tab, now=t0 + timedelta(seconds=5))
    assert where == "/app" and _alive(token, t0 + MIN)

    with pytest.raises(LinkInvalid) as caught:
        db.call(auth.redeem_ticket, tab, now=t0 + timedelta(seconds=6))
    assert caught.value.message == "Your sign-in took too long. Please sign in again."


def test_ticket_expires_after_two_minutes(owner, owner_password, t0):
    late_tab, prompt_tab = new_token(), new_token()
    db.call(auth.sign_in, owner.email, owner_password, late_tab, "", now=t0)
    db.call(auth.sign_in, owner.email, owner_password, prompt_tab, "", now=t0)
    with pytest.raises(LinkInvalid):
        db.call(auth.redeem_ticket, late_tab, now=t0 + 2 * MIN)
    token, _ = db.call(auth.redeem_ticket, prompt_tab, now=t0 + 2 * MIN - timedelta(seconds=1))
    assert _alive(token, t0 + 3 * MIN)


def test_a_tab_without_a_token_cannot_sign_in(owner, owner_password):
    with pytest.raises(SignInRefused) as caught:
        db.call(auth.sign_in, owner.email, owner_password, "", "")
    assert "Reload the page" in caught.value.message


# Signing out -------------------------------------------------------------------------------------


def test_sign_out_ends_only_this_session(owner, t0):
    here, elsewhere = _session(owner, t0), _session(owner, t0)
    db.call(auth.end_session, here, now=t0 + MIN)
    assert not _alive(here, t0 + 2 * MIN)
    assert _alive(elsewhere, t0 + 2 * MIN)


def test_end_all_sessions_ends_every_session_of_that_user_only(owner, therapist, t0):
    phone, laptop = _session(owner, t0), _session(owner, t0)
    colleague = _session(therapist, t0)
    assert db.call(auth.end_all_sessions, owner.id, now=t0 + MIN) == 2
    assert not _alive(phone, t0 + 2 * MIN)
    assert not _alive(laptop, t0 + 2 * MIN)
    assert _alive(colleague, t0 + 2 * MIN)
    assert db.call(auth.end_all_sessions, owner.id, now=t0 + 2 * MIN) == 0


def test_sign_out_everywhere_from_the_workspace(owner, owner_actor):
    phone, laptop = db.call(auth.start_session, owner), db.call(auth.start_session, owner)
    assert db.call(auth.sign_out_everywhere, owner_actor) == 2
    assert db.call(auth.resolve, phone) is None
    assert db.call(auth.resolve, laptop) is None
