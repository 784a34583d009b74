"""Insights through the browser: the therapist answers the weekly energy check-in on /app and reads
the charts on /app/insights; the owner's team view names therapists, never clients; and a client's
whole portal journey never fetches plotly (the charts' bundle belongs to the insights page alone).

A therapist with ten weeks of history (sessions, WhatsApp before the portal, portal messages
after it, energy check-ins) is written into the running server's database through the models.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from browsing import ensure_practice, seed, sign_in
from playwright.sync_api import expect
from wsframes import FrameLog

from practipal_app.models import (
    Appointment,
    ClientProfile,
    ContactRecord,
    EnergyCheckIn,
    Message,
    MessageThread,
    Role,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients, passwords

pytestmark = pytest.mark.e2e

OWNER = ("Dr. Asha Rao", "asha@example.com", "Calm-Harbour-Tea-42")
THERAPIST = ("Dr. Kavya Menon", "kavya@example.com", "Indigo-Monsoon-Lamp-64")
CLIENT = ("Nisha Verma", "nisha@example.com", "Copper-Kite-Meadow-23")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
IST = ZoneInfo("Asia/Kolkata")
CHARTS = (
    "Sessions a week",
    "Messages a week, by channel",
    "Messages that arrive after hours",
    "Replies and time on messages",
    "Time reclaimed",
    "Cancellations and no-shows a month",
    "Energy and load",
)
STATE_LIMIT = 150_000  # bytes: the largest websocket frame the insights page may receive


@dataclass
class People:
    therapist_id: int
    client_id: int


def _history(session, therapist_id: int, client_id: int, practice_id: int) -> None:
    """Ten weeks: four sessions a week; WhatsApp for five weeks, then the portal."""
    today = utcnow().astimezone(IST).date()
    monday = today - timedelta(days=today.weekday())
    thread = MessageThread(practice_id=practice_id, client_id=client_id, therapist_id=therapist_id)
    session.add(thread)
    session.flush()
    for week in range(1, 11):
        start = monday - timedelta(weeks=week)
        for day in range(4):
            at = datetime.combine(start + timedelta(days=day), time(10), tzinfo=IST)
            session.add(
                Appointment(
                    practice_id=practice_id,
                    therapist_id=therapist_id,
                    client_id=client_id,
                    title="Therapy session",
                    starts_at=at,
                    ends_at=at + timedelta(minutes=50),
                    blocked_until=at + timedelta(minutes=60),
                    status="completed",
                )
            )
        for n in range(12 if week > 5 else 3):
            at = datetime.combine(
                start + timedelta(days=n % 6), time(21 if n % 3 == 0 else 12, n), tzinfo=IST
            )
            session.add(
                ContactRecord(
                    practice_id=practice_id,
                    therapist_id=therapist_id,
                    client_id=client_id,
                    channel="whatsapp_import",
                    direction="in" if n % 2 else "out",
                    at=at,
                    after_hours=n % 3 == 0,
                    dedupe_key=f"e2e:{week}:{n}",
                )
            )
        if week <= 5:
            for n in range(4):
                at = datetime.combine(start + timedelta(days=n), time(15), tzinfo=IST)
                session.add(
                    Message(
                        thread_id=thread.id,
                        sender_id=client_id if n % 2 else therapist_id,
                        kind="client" if n % 2 else "therapist",
                        body="About Thursday",
                        created_at=at,
                    )
                )
        session.add(EnergyCheckIn(therapist_id=therapist_id, week_start=start, level=2 + week % 3))
    profile = session.get(ClientProfile, client_id)
    profile.accepted_at = datetime.combine(monday - timedelta(weeks=5), time(9), tzinfo=IST)


def _seed(session) -> People:
    ensure_practice(session)
    the_practice = practice.the_practice(session)
    therapist = practice.add_staff(
        session, the_practice.id, THERAPIST[0], THERAPIST[1], Role.THERAPIST, THERAPIST[2]
    )
    client_id = clients.add_client(
        session, auth.actor_for(therapist), clients.ClientForm(name=CLIENT[0], email=CLIENT[1])
    )
    session.get(User, client_id).password_hash = passwords.hash_password(CLIENT[2])
    _history(session, therapist.id, client_id, the_practice.id)
    return People(therapist.id, client_id)


@pytest.fixture(scope="module")
def people(server) -> Iterator[People]:
    yield from seed(server, _seed)


def _requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_energy_check_in_and_the_insights_charts(server, browser, people: People, shot) -> None:
    desk = browser.new_context(
        viewport=DESKTOP, base_url=server.base_url, accept_downloads=True
    ).new_page()
    requested = _requests(desk)
    frames = FrameLog("therapist")
    frames.attach(desk)
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")

    # One tap answers the week's check-in; a note is optional.
    expect(desk.get_by_role("heading", name="How is your energy this week?")).to_be_visible()
    desk.get_by_role("button", name="2 of 5, Low").click()
    expect(desk.get_by_text("Saved: 2 of 5, Low.")).to_be_visible()
    desk.get_by_label("A note for yourself (optional)").fill("Three late-night calls")
    desk.get_by_role("button", name="Save note").click()
    expect(desk.get_by_text("Note saved.")).to_be_visible()
    shot(desk, "energy-check-in")
    assert not [url for url in requested if "plotly" in url]  # /app draws no chart

    desk.get_by_role("navigation", name="Workspace").get_by_role("link", name="Insights").click()
    expect(desk.get_by_role("heading", name="Insights")).to_be_visible()
    for name in CHARTS:
        chart = desk.get_by_role("img", name=name, exact=True)
        expect(chart.locator("svg.main-svg").first).to_be_visible(timeout=20_000)
    expect(
        desk.get_by_text(
            re.compile(r"^Portal in use since .* \(your first client accepted an invite\)")
        )
    ).to_be_visible()
    expect(
        desk.get_by_text(re.compile(r"^Over the \d+ weeks you checked in, your energy"))
    ).to_be_visible()
    expect(desk.get_by_text(re.compile(r"^Time reclaimed a week = "))).to_be_visible()
    assert [url for url in requested if "plotly-basic" in url], (
        "the insights page loads plotly's basic bundle"
    )
    assert not [
        url
        for url in requested
        if re.search(r"plotly(\.min)?-[\w-]+\.js", url) and "basic" not in url
    ], "never the full plotly bundle"
    assert not desk.get_by_role("radio", name="Team").count()  # the team view is the owner's
    shot(desk, "insights-quarter")

    # A year: 53 or 52 rows in the weekly table, and the CSV holds the same rows.
    desk.get_by_role("radio", name="Year").click()
    table = desk.get_by_role("table").last
    expect(table.get_by_role("row")).to_have_count(53, timeout=20_000)
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert len(rows) == 52
    assert rows[-1]["energy"] == "2"  # this week's check-in
    assert sum(int(r["sessions"]) for r in rows) == 40
    first_cells = table.get_by_role("row").nth(1).get_by_role("cell")
    expect(first_cells.first).to_have_text(rows[0]["week"])

    # Custom dates are checked in words.
    desk.get_by_role("radio", name="Custom").click()
    desk.get_by_label("From", exact=True).fill("2026-05-01")
    desk.get_by_label("To", exact=True).fill("2026-04-01")
    desk.get_by_role("button", name="Show").click()
    expect(
        desk.get_by_role("alert").filter(has_text="The end comes before the start.")
    ).to_be_visible()

    # Only aggregates travel: no frame comes near the limit, and none carries the client's name.
    assert max(len(f) for f in frames.frames) < STATE_LIMIT
    assert not frames.containing(CLIENT[0])


def test_the_owner_sees_the_team_without_clients(server, browser, people: People, shot) -> None:
    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, OWNER[1], OWNER[2], "/app")
    desk.goto("/app/insights")
    desk.get_by_role("radio", name="Team").click()
    summary = desk.get_by_role("table")
    expect(summary.get_by_role("row").filter(has_text=THERAPIST[0])).to_be_visible(timeout=20_000)
    expect(summary.get_by_role("row").filter(has_text=OWNER[0])).to_be_visible()
    expect(
        desk.get_by_role("img", name="Sessions a week", exact=True).locator("svg.main-svg").first
    ).to_be_visible()
    expect(desk.get_by_text(CLIENT[0])).to_have_count(0)
    shot(desk, "insights-team")


def test_a_whole_portal_journey_never_fetches_plotly(server, browser, people: People, shot) -> None:
    phone = browser.new_context(
        viewport=PHONE, base_url=server.base_url, has_touch=True, is_mobile=True
    ).new_page()
    requested = _requests(phone)
    sign_in(phone, CLIENT[1], CLIENT[2], "/portal")
    nav = phone.get_by_role("navigation", name="Portal")

    nav.get_by_role("link", name="Book").click()
    expect(phone.get_by_role("heading", name="Book a session")).to_be_visible()
    phone.get_by_role("button", name=re.compile(r"^\d{1,2}:\d{2} (am|pm)$")).first.click()
    phone.get_by_role("button", name="Confirm booking").click()
    expect(phone.get_by_text("Your session is booked.")).to_be_visible(timeout=20_000)

    nav.get_by_role("link", name="Messages").click()
    phone.get_by_label("What is it about?").select_option(label="Scheduling")
    phone.get_by_label("Message", exact=True).fill("Booked Thursday through the portal.")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Booked Thursday through the portal.")).to_be_visible()

    for link, heading in (("Invoices", "Invoices"), ("Sessions", "Sessions"), ("Home", None)):
        nav.get_by_role("link", name=link).click()
        if heading:
            expect(phone.get_by_role("heading", name=heading).first).to_be_visible()
    for path in ("/portal/resources", "/portal/forms", "/portal/help"):
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
    shot(phone, "portal-without-plotly")

    scripts = [url for url in requested if url.endswith(".js")]
    assert len(scripts) > 5, "the request log saw the portal's own code"
    assert not [url for url in requested if "plotly" in url.lower()]
