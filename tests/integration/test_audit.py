"""The audit trail: who did what, and never a secret."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from practipal_app import db
from practipal_app.boundaries import charter
from practipal_app.core.errors import SignInRefused
from practipal_app.core.tokens import new_token
from practipal_app.models import AuditEvent
from practipal_app.onboarding import invites
from practipal_app.people import auth, clients
from practipal_app.people.clients import ClientForm


@pytest.fixture
def trail(engine):
    """trail() -> the audit events written since the previous call, as (kind, actor, subject,
    detail)."""
    seen = [0]

    def since_last() -> list[tuple]:
        rows = db.call(
            lambda s: s.exec(
                select(AuditEvent).where(AuditEvent.id > seen[0]).order_by(AuditEvent.id)
            ).all()
        )
        if rows:
            seen[0] = rows[-1].id
        return [(r.kind, r.actor_id, r.subject_id, r.detail) for r in rows]

    return since_last


def test_every_account_and_client_change_leaves_an_audit_event(
    owner,
    owner_password,
    owner_actor,
    trail,
    base_url,
    emailed_tokens,
    t0,
):
    assert [e[0] for e in trail()] == ["practice.created"]
    me = owner.id

    tab = new_token()
    db.call(auth.sign_in, owner.email, owner_password, tab, "", now=t0)
    assert trail() == [("auth.signin", me, None, {})]

    with pytest.raises(SignInRefused):
        db.call(auth.sign_in, owner.email, "not-my-password", new_token(), "", now=t0)
    assert trail() == [("auth.signin_failed", me, None, {"reason": "password"})]

    with pytest.raises(SignInRefused):
        db.call(auth.sign_in, "stranger@example.com", "whatever-password", new_token(), "", now=t0)
    assert trail() == [("auth.signin_failed", None, None, {"reason": "unknown"})]

    session_token, _ = db.call(auth.redeem_ticket, tab, now=t0)
    db.call(auth.end_session, session_token, now=t0 + timedelta(minutes=1))
    assert trail() == [("auth.signout", me, None, {})]
    db.call(auth.end_session, session_token, now=t0 + timedelta(minutes=2))
    assert trail() == []  # signing out twice is one sign-out

    riya = db.call(
        clients.add_client, owner_actor, ClientForm(name="Riya Sharma", email="riya@example.com")
    )
    assert trail() == [("client.created", me, riya, {})]

    db.call(
        clients.update_client,
        owner_actor,
        riya,
        ClientForm(
            name="Riya Sharma", email="riya@example.com", phone="98765 43210", status="paused"
        ),
    )
    assert trail() == [("client.changed", me, riya, {"fields": ["phone", "status"]})]
    db.call(
        clients.update_client,
        owner_actor,
        riya,
        ClientForm(
            name="Riya Sharma", email="riya@example.com", phone="+919876543210", status="paused"
        ),
    )
    assert trail() == []  # saving an unchanged form is not a change

    db.call(charter.save, owner_actor, charter.CharterSettings(check_time="17:00"))
    [(kind, actor, _charter_id, detail)] = trail()
    assert (kind, actor, detail) == ("charter.changed", me, {"version": 1})

    db.call(invites.send_invite, owner_actor, riya, base_url, now=t0)
    assert trail() == [("invite.sent", me, riya, {})]

    [invite_token] = emailed_tokens("invite")
    db.call(invites.accept, invite_token, "Quiet-Lantern-Sky-7", True, 1, new_token(), now=t0)
    assert [e[:3] for e in trail()] == [
        ("charter.acknowledged", riya, _charter_id),
        ("invite.accepted", riya, riya),
    ]

    db.call(auth.request_reset, owner.email, base_url, now=t0)
    assert trail() == [("auth.reset_requested", me, None, {})]
    [reset_token] = emailed_tokens("password_reset")
    db.call(auth.reset_password, reset_token, "Saffron-Kite-Window-73", new_token(), now=t0)
    assert trail() == [("auth.password_reset", me, None, {})]

    db.call(auth.sign_out_everywhere, owner_actor)
    assert trail() == [("auth.signout_everywhere", me, None, {"sessions": 0})]

    everything = json.dumps(
        [e.model_dump(mode="json") for e in db.call(lambda s: s.exec(select(AuditEvent)).all())]
    )
    for secret in (
        owner_password,
        "Saffron-Kite-Window-73",
        "Quiet-Lantern-Sky-7",
        invite_token,
        reset_token,
        session_token,
        tab,
    ):
        assert secret not in everything


def test_a_lockout_is_traceable_in_the_audit_trail(owner, trail, t0):
    trail()
    for i in range(10):
        with pytest.raises(SignInRefused):
            db.call(auth.authenticate, owner.email, f"guess-{i}", now=t0)
    assert [e[0] for e in trail()] == ["auth.signin_failed"] * 10
