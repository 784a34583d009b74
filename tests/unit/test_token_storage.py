"""Bearer tokens are stored only as SHA-256 hashes.

The one place a raw invite or reset token lives is the body of the email that carries the link
(the outbox row that the worker sends, and the owner reads when no mail server is set up).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel, select

from practipal_app import db
from practipal_app.core.tokens import hash_token, new_token
from practipal_app.models import AuthSession, OneTimeToken, TokenPurpose
from practipal_app.onboarding import invites
from practipal_app.people import auth


def _places_holding(engine, secret: str) -> set[str]:
    """Every table.column of every row whose value contains `secret`."""
    found = set()
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    if value is not None and secret in str(value):
                        found.add(f"{table.name}.{column}")
    return found


def test_new_tokens_are_long_random_and_url_safe():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 43 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)
    assert hash_token("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_session_token_is_stored_only_as_its_hash(engine, owner):
    token = db.call(auth.start_session, owner, "Firefox")
    assert _places_holding(engine, token) == set()
    rows = db.call(lambda s: s.exec(select(AuthSession)).all())
    assert [r.token_hash for r in rows] == [hash_token(token)]


def test_sign_in_ticket_stores_no_browser_token(engine, owner):
    browser = "reflex-client-token-" + new_token()
    db.call(auth.issue_ticket, owner, browser, "/app/clients")
    assert _places_holding(engine, browser) == set()
    session_token, where = db.call(auth.redeem_ticket, browser)
    assert where == "/app/clients"
    assert _places_holding(engine, browser) == set()
    assert _places_holding(engine, session_token) == set()


def test_invite_token_lives_only_in_the_emailed_link(
    engine, owner_actor, add_client, emailed_tokens, base_url
):
    client_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    db.call(invites.send_invite, owner_actor, client_id, base_url)
    [token] = emailed_tokens("invite")
    assert _places_holding(engine, token) == {"outboxemail.body_text"}
    row = db.call(
        lambda s: s.exec(
            select(OneTimeToken).where(OneTimeToken.purpose == TokenPurpose.INVITE)
        ).one()
    )
    assert row.token_hash == hash_token(token)


def test_reset_token_lives_only_in_the_emailed_link(engine, owner, emailed_tokens, base_url):
    db.call(auth.request_reset, owner.email, base_url)
    [token] = emailed_tokens("password_reset")
    assert _places_holding(engine, token) == {"outboxemail.body_text"}
    row = db.call(
        lambda s: s.exec(
            select(OneTimeToken).where(OneTimeToken.purpose == TokenPurpose.RESET)
        ).one()
    )
    assert row.token_hash == hash_token(token)


def test_password_is_never_stored_in_clear(engine, owner, owner_password):
    db.call(auth.authenticate, owner.email, owner_password)
    assert _places_holding(engine, owner_password) == set()
    assert _places_holding(engine, owner.password_hash) == {"user.password_hash"}
