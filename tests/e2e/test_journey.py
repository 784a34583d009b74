"""The first-run journey in Chromium against the production build, and what its websockets carried.

A therapist sets up the practice, edits the communication charter, adds two clients and invites
one; the invite link is read from the outbox page. The invited client opens it on a phone-sized
screen, acknowledges the charter, chooses a password and lands in the portal. Every websocket frame
both browsers receive is recorded; the tests after the journey check that none carried a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from wsframes import FrameLog

pytestmark = pytest.mark.e2e

PRACTICE = "Sukoon Counselling"
OWNER_NAME = "Dr. Asha Rao"
OWNER_EMAIL = "asha@example.com"
OWNER_PASSWORD = "Calm-Harbour-Tea-42"
WEAK_PASSWORD = "tea"
CLIENT_NAME = "Meera Iyer"
CLIENT_EMAIL = "meera@example.com"
CLIENT_PASSWORD = "Quiet-River-Mango-77"
WRONG_PASSWORD = "Not-Her-Password-31"
OTHER_NAME = "Zoya Qureshi"
OTHER_EMAIL = "zoya@example.com"
OWN_CONTACT = ("Local helpline", "+91 80 2345 6789")
DEFAULT_PREVIEW = "I check portal messages once daily on working days (Mon–Fri, around 6 pm)"
SAVED_CHARTER_TEXT = "payment questions"
EXPIRED = "This invite link has expired — ask your therapist to send a new one."
WRONG_CREDENTIALS = "That email and password do not match. Check both and try again."
INVITE_SUBJECT = f"{OWNER_NAME} invited you to the {PRACTICE} client portal"

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000


def at(path: str) -> re.Pattern[str]:
    """The page URL is `path` (a trailing slash allowed), with no query."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}/?$")


@dataclass
class Journey:
    therapist: FrameLog = field(default_factory=lambda: FrameLog("therapist"))
    client: FrameLog = field(default_factory=lambda: FrameLog("client"))
    session_cookies: list[str] = field(default_factory=list)
    invite_url: str = ""
    invite_token: str = ""
    finished: bool = False

    @property
    def all_frames(self) -> list[str]:
        return self.therapist.frames + self.client.frames


@pytest.fixture(scope="module")
def journey() -> Journey:
    return Journey()


@pytest.fixture
def finished_journey(journey: Journey) -> Journey:
    if not journey.finished:
        pytest.skip("the journey did not finish, so its frames are incomplete")
    return journey


def new_page(context: BrowserContext, log: FrameLog) -> Page:
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log.attach(page)
    return page


def session_cookie(context: BrowserContext) -> dict:
    cookies = [c for c in context.cookies() if c["name"] == "pp_session"]
    assert len(cookies) == 1, cookies
    return cookies[0]


def remember_cookie(journey: Journey, context: BrowserContext) -> None:
    cookie = session_cookie(context)
    assert cookie["httpOnly"] is True, "the session cookie must be HttpOnly"
    assert len(cookie["value"]) >= 32
    journey.session_cookies.append(cookie["value"])


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Workspace").get_by_role(
        "link", name=name, exact=True
    ).click()


def test_therapist_invites_a_client_who_joins_the_portal(
    browser, server, journey: Journey, shot
) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    base = server.base_url
    therapist_ctx = browser.new_context(viewport=DESKTOP, base_url=base)
    client_ctx = browser.new_context(viewport=PHONE, base_url=base, has_touch=True)
    try:
        page = new_page(therapist_ctx, journey.therapist)

        # First run: the root sends the first visitor to setup.
        page.goto("/")
        page.wait_for_url(at("/setup"))
        page.get_by_label("Practice name").fill(PRACTICE)
        page.get_by_label("Timezone").select_option("Asia/Kolkata")
        page.get_by_label("Your name").fill(OWNER_NAME)
        page.get_by_label("Email").fill(OWNER_EMAIL)
        page.get_by_label("Password").fill(WEAK_PASSWORD)
        page.get_by_role("button", name="Create practice").click()
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_label("Practice name")).to_have_value(PRACTICE)
        expect(page.get_by_label("Your name")).to_have_value(OWNER_NAME)
        expect(page.get_by_label("Email")).to_have_value(OWNER_EMAIL)
        shot(page, "setup-weak-password")
        page.get_by_label("Password").fill(OWNER_PASSWORD)
        page.get_by_role("button", name="Create practice").click()
        page.wait_for_url(at("/app"))
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
        # The shell names the person and the practice, filled when the session claimed the tab.
        expect(page.get_by_text(f"Hello, {OWNER_NAME}.")).to_be_visible()
        expect(page.get_by_text(PRACTICE, exact=True)).to_be_visible()
        remember_cookie(journey, therapist_ctx)
        shot(page, "today")

        # Charter: say what WhatsApp is for, add a local contact, save version 1.
        nav(page, "Charter")
        page.wait_for_url(at("/app/settings/charter"))
        expect(page.get_by_role("checkbox", name="scheduling issues")).to_be_checked()  # loaded
        expect(page.get_by_role("heading", name="What clients will read")).to_be_visible()
        expect(page.get_by_text(DEFAULT_PREVIEW)).to_be_visible()
        payments = page.get_by_role("checkbox", name="payment questions")
        expect(payments).not_to_be_checked()
        payments.click()
        expect(payments).to_be_checked()
        expect(
            page.get_by_text(re.compile(r"WhatsApp is only for .*payment questions"))
        ).to_be_visible()
        page.get_by_role("button", name="Add a contact").click()
        page.get_by_label("Contact name").fill(OWN_CONTACT[0])
        page.get_by_label("Contact phone").fill(OWN_CONTACT[1])
        expect(page.get_by_label("Contact name")).to_have_value(OWN_CONTACT[0])
        expect(page.get_by_label("Contact phone")).to_have_value(OWN_CONTACT[1])
        page.get_by_role("button", name="Save charter").click()
        expect(page.get_by_text(re.compile(r"^Saved as version 1\."))).to_be_visible()
        expect(page.get_by_label("Contact name")).to_have_value(OWN_CONTACT[0])
        shot(page, "charter-saved")

        # Clients: a bad phone keeps what was typed; then two clients are added.
        nav(page, "Clients")
        page.wait_for_url(at("/app/clients"))
        page.get_by_role("button", name="Add client").click()
        page.get_by_label("Full name").fill(CLIENT_NAME)
        page.get_by_label("Preferred name").fill("Meera")
        page.get_by_label("Email", exact=True).fill(CLIENT_EMAIL)
        page.get_by_label("Phone", exact=True).fill("12345")
        page.get_by_label("Contact name").fill("Ravi Iyer")
        page.get_by_label("Relation").fill("Brother")
        page.get_by_label("Contact phone").fill("98450 12345")
        page.get_by_role("button", name="Save client").click()
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_label("Full name")).to_have_value(CLIENT_NAME)
        expect(page.get_by_label("Email", exact=True)).to_have_value(CLIENT_EMAIL)
        expect(page.get_by_label("Phone", exact=True)).to_have_value("12345")
        shot(page, "client-bad-phone")
        page.get_by_label("Phone", exact=True).fill("98765 43210")
        page.get_by_role("button", name="Save client").click()
        page.wait_for_url(re.compile(r".*/app/clients/\d+/?$"))
        expect(page.get_by_role("heading", name=CLIENT_NAME)).to_be_visible()

        nav(page, "Clients")
        page.wait_for_url(at("/app/clients"))
        page.get_by_role("button", name="Add client").click()
        page.get_by_label("Full name").fill(OTHER_NAME)
        page.get_by_label("Email", exact=True).fill(OTHER_EMAIL)
        page.get_by_role("button", name="Save client").click()
        page.wait_for_url(re.compile(r".*/app/clients/\d+/?$"))
        expect(page.get_by_role("heading", name=OTHER_NAME)).to_be_visible()

        nav(page, "Clients")
        page.wait_for_url(at("/app/clients"))
        expect(page.get_by_role("link", name=OTHER_NAME)).to_be_visible()
        page.get_by_label("Search clients").fill("meera")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("link", name=OTHER_NAME)).to_have_count(0)
        expect(page.get_by_role("link", name=CLIENT_NAME)).to_be_visible()
        shot(page, "clients-search")

        # Invite Meera; the link is read from the outbox (no mail server is configured).
        page.get_by_role("link", name=CLIENT_NAME).click()
        page.wait_for_url(re.compile(r".*/app/clients/\d+/?$"))
        page.get_by_role("button", name="Invite to portal").click()
        expect(page.get_by_text("Invite sent. The link works once, for 7 days.")).to_be_visible()
        expect(page.get_by_role("button", name="Resend invite")).to_be_visible()
        shot(page, "client-invited")

        nav(page, "Settings")
        page.wait_for_url(at("/app/settings"))
        page.get_by_role("link", name=re.compile(r"^Email outbox")).click()
        page.wait_for_url(at("/app/settings/outbox"))
        shot(page, "outbox")
        page.get_by_role("link", name=INVITE_SUBJECT).click()
        page.wait_for_url(re.compile(r".*/api/outbox/\d+$"))
        expect(page.get_by_role("heading", name=INVITE_SUBJECT)).to_be_visible()
        invite_link = page.get_by_role("link", name=re.compile(r"^http.*invite"))
        journey.invite_url = invite_link.get_attribute("href") or ""
        match = re.fullmatch(
            rf"{re.escape(base)}/invite/([A-Za-z0-9_-]{{20,}})", journey.invite_url
        )
        assert match, journey.invite_url
        journey.invite_token = match.group(1)
        shot(page, "outbox-email")

        # The client, on a phone, opens the link in a browser of their own.
        phone = new_page(client_ctx, journey.client)
        phone.goto(journey.invite_url)
        expect(phone.get_by_role("heading", name="How we will stay in touch")).to_be_visible()
        expect(
            phone.get_by_text(re.compile(r"WhatsApp is only for .*payment questions"))
        ).to_be_visible()
        ack = phone.get_by_label(
            "I have read how messages and WhatsApp will be used, and where to get help in a crisis."
        )
        phone.get_by_label("Choose a password").fill(CLIENT_PASSWORD)
        phone.get_by_role("button", name="Join the portal").click()
        expect(phone.get_by_role("alert")).to_be_visible()  # not acknowledged yet
        expect(phone.get_by_label("Choose a password")).to_have_value(CLIENT_PASSWORD)
        shot(phone, "invite-needs-acknowledgement")
        ack.check()
        phone.get_by_role("button", name="Join the portal").click()
        phone.wait_for_url(at("/portal"))
        expect(phone.get_by_role("heading", name="Welcome, Meera")).to_be_visible()
        expect(phone.get_by_text(PRACTICE, exact=True)).to_be_visible()  # the portal's header
        expect(phone.get_by_role("heading", name="How messages work")).to_be_visible()
        expect(
            phone.get_by_text(re.compile(r"WhatsApp is only for .*payment questions"))
        ).to_be_visible()
        remember_cookie(journey, client_ctx)
        shot(phone, "portal-home")

        # Help is one tap away and dials the crisis lines and the therapist's own contact.
        phone.get_by_role("button", name="Help").click()
        phone.wait_for_url(at("/portal/help"))
        expect(phone.get_by_role("heading", name="Help", exact=True)).to_be_visible()
        expect(phone.get_by_role("link", name=re.compile(OWN_CONTACT[0]))).to_be_visible()
        hrefs = [link.get_attribute("href") for link in phone.get_by_role("link").all()]
        for number in ("tel:14416", "tel:18008914416", "tel:112", "tel:+918023456789"):
            assert number in hrefs, (number, hrefs)
        shot(phone, "portal-help")

        # Each side stays in its own area.
        phone.goto("/app")
        phone.wait_for_url(at("/portal"))
        expect(phone.get_by_role("heading", name="Welcome, Meera")).to_be_visible()
        page.goto("/portal")
        page.wait_for_url(at("/app"))
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()

        # The link worked once.
        phone.goto(journey.invite_url)
        expect(phone.get_by_text(EXPIRED)).to_be_visible()
        expect(phone.get_by_label("Choose a password")).to_have_count(0)
        shot(phone, "invite-used")

        # Signed out, the portal asks for sign-in and comes back to itself.
        phone.goto("/portal")
        phone.wait_for_url(at("/portal"))
        portal_nav = phone.get_by_role("navigation", name="Portal")
        portal_nav.get_by_role("button", name="Sign out").click()
        phone.wait_for_url(at("/login"))
        assert not [c for c in client_ctx.cookies() if c["name"] == "pp_session"]
        phone.goto("/portal")
        phone.wait_for_url(re.compile(r".*/login/?\?next=%2Fportal(%2F)?$"))
        phone.get_by_label("Email").fill(CLIENT_EMAIL)
        phone.get_by_label("Password").fill(WRONG_PASSWORD)
        phone.get_by_role("button", name="Sign in").click()
        expect(phone.get_by_role("alert")).to_have_text(WRONG_CREDENTIALS)
        shot(phone, "login-wrong-password")
        phone.get_by_label("Password").fill(CLIENT_PASSWORD)
        phone.get_by_role("button", name="Sign in").click()
        phone.wait_for_url(at("/portal"))
        expect(phone.get_by_role("heading", name="Welcome, Meera")).to_be_visible()
        remember_cookie(journey, client_ctx)

        # The therapist signs out too; the workspace then needs a sign-in.
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(at("/login"))
        page.goto("/app/clients")
        page.wait_for_url(re.compile(r".*/login/?\?next=%2Fapp%2Fclients(%2F)?$"))
        shot(page, "signed-out")
        journey.finished = True
    finally:
        therapist_ctx.close()
        client_ctx.close()


# What the browsers received -----------------------------------------------------------------------


def test_the_recording_saw_the_journey(finished_journey: Journey) -> None:
    """The checks below mean something only if frames were recorded from both browsers."""
    assert finished_journey.therapist.containing(OTHER_NAME), (
        "the clients table reached the therapist"
    )
    assert finished_journey.client.containing(SAVED_CHARTER_TEXT), "the charter reached the client"
    assert finished_journey.client.containing("Meera")


def test_no_password_hash_reaches_a_browser(finished_journey: Journey) -> None:
    leaked = [f for f in finished_journey.all_frames if re.search(r"\$argon2", f)]
    assert not leaked, leaked[:3]


def test_no_session_cookie_reaches_a_browser_over_the_websocket(finished_journey: Journey) -> None:
    assert len(set(finished_journey.session_cookies)) == 3  # owner, client, client again
    for value in finished_journey.session_cookies:
        leaked = [f for f in finished_journey.all_frames if value in f]
        assert not leaked, leaked[:3]


def test_typed_passwords_are_never_sent_back(finished_journey: Journey) -> None:
    for password in (OWNER_PASSWORD, CLIENT_PASSWORD, WRONG_PASSWORD):
        leaked = [f for f in finished_journey.all_frames if password in f]
        assert not leaked, (password, leaked[:3])


def test_the_client_never_receives_another_clients_details(finished_journey: Journey) -> None:
    for needle in (OTHER_NAME, OTHER_EMAIL, "Qureshi"):
        leaked = finished_journey.client.containing(needle)
        assert not leaked, (needle, leaked[:3])


def test_the_invite_token_never_travels_over_the_websocket(finished_journey: Journey) -> None:
    """The emailed link is exchanged for an HttpOnly cookie before the page loads, so neither the
    address bar nor any state update carries the token."""
    token = finished_journey.invite_token
    assert token
    leaked = [f for f in finished_journey.all_frames if token in f]
    assert not leaked, leaked[:3]
