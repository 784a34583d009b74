"""Forgotten password, through the browser: ask for a link, open it, choose a new password.

The emailed link is exchanged for an HttpOnly cookie before the page loads, so the reset token
never appears in the address bar or on the websocket.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browsing import ensure_practice, seed
from playwright.sync_api import expect
from sqlmodel import select
from wsframes import FrameLog

from practipal_app import db
from practipal_app.models import OutboxEmail, Role
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth

pytestmark = pytest.mark.e2e

EMAIL = "rohan@example.com"
OLD_PASSWORD = "Copper-Meadow-Violin-33"
NEW_PASSWORD = "Tamarind-Harbour-Glacier-71"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def old_session(server) -> Iterator[str]:
    """A therapist with a session already open elsewhere (it must end with the reset)."""

    def therapist_session(session) -> str:
        ensure_practice(session)
        user = practice.add_staff(
            session,
            practice.the_practice(session).id,
            "Rohan Das",
            EMAIL,
            Role.THERAPIST,
            OLD_PASSWORD,
        )
        return auth.start_session(session, user)

    yield from seed(server, therapist_session)


def _reset_link() -> str:
    def find(session) -> str:
        row = session.exec(
            select(OutboxEmail).where(
                OutboxEmail.kind == "password_reset", OutboxEmail.to_address == EMAIL
            )
        ).one()
        return re.search(r"https?://\S+/reset/\S+", row.body_text).group(0)

    return db.call(find)


def test_a_forgotten_password_is_reset_from_the_emailed_link(
    server, browser, old_session, shot
) -> None:
    context = browser.new_context(viewport=PHONE, base_url=server.base_url)
    page = context.new_page()
    frames = FrameLog("reset")
    frames.attach(page)

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill(EMAIL.upper())
    page.get_by_role("button", name="Send reset link").click()
    expect(
        page.get_by_text("If an account uses that email, a reset link is on its way.")
    ).to_be_visible()

    link = _reset_link()
    token = link.rsplit("/", 1)[1]
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/reset/?\?link=1$"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill("password123")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("New password")).to_have_value("password123")
    shot(page, "reset-weak-password")

    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page).to_have_url(re.compile(r".*/app/?$"), timeout=20_000)
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()

    assert db.call(auth.resolve, old_session) is None, "the session opened elsewhere must end"
    assert not frames.containing(token), "the reset token reached the page over the websocket"

    page.goto(link)
    expect(page.get_by_text("This reset link has expired or was already used.")).to_be_visible()
    shot(page, "reset-link-used")
    context.close()

    fresh = browser.new_context(viewport=PHONE, base_url=server.base_url).new_page()
    fresh.goto("/login")
    fresh.get_by_label("Email").fill(EMAIL)
    fresh.get_by_label("Password").fill(NEW_PASSWORD)
    fresh.get_by_role("button", name="Sign in").click()
    expect(fresh).to_have_url(re.compile(r".*/app/?$"), timeout=20_000)
    fresh.context.close()
