"""Signing in and out gives the browser tab a fresh Reflex client token, so whoever uses the tab
next never receives the state the server kept for the previous person."""

from __future__ import annotations

import warnings

from practipal_app import db
from practipal_app.api import routes
from practipal_app.core.tokens import new_token
from practipal_app.people import auth

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DROPS_TOKEN = "sessionStorage.removeItem('token')"


def test_signing_in_sets_the_cookie_and_drops_the_tabs_token(owner, owner_password):
    tab = new_token()
    db.call(auth.sign_in, owner.email, owner_password, tab, "/app/billing")
    with TestClient(routes.build()) as http:
        response = http.get(f"/auth/session?t={tab}", follow_redirects=False)
        assert response.status_code == 200 and auth.SESSION_COOKIE in response.cookies
        assert (
            DROPS_TOKEN in response.text
            and 'window.location.replace("/app/billing")' in response.text
        )
        assert response.headers["cache-control"] == "no-store"
        again = http.get(f"/auth/session?t={tab}", follow_redirects=False)  # a ticket works once
        assert (again.status_code, again.headers["location"]) == (303, "/login?expired=1")


def test_signing_out_ends_the_session_and_drops_the_tabs_token(owner):
    cookie = db.call(auth.start_session, owner, "pytest")
    with TestClient(routes.build(), cookies={auth.SESSION_COOKIE: cookie}) as http:
        response = http.post("/logout", follow_redirects=False)
    assert response.status_code == 200 and DROPS_TOKEN in response.text
    assert 'window.location.replace("/login")' in response.text
    assert response.headers["set-cookie"].startswith(f'{auth.SESSION_COOKIE}=""')
    assert db.call(auth.resolve, cookie) is None


def test_the_next_path_cannot_break_out_of_the_script():
    page = routes.fresh_tab("/app</script><script>alert(1)</script>").body.decode()
    assert "</script><script>alert(1)" not in page
