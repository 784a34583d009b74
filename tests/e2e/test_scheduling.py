"""Scheduling through the browser: a client books, the therapist sees it, the client moves it and
cancels a session inside the window (warned first); the Join button shows 15 minutes before.

Therapist and client are written into the running server's database through the services (the
client as if they had accepted an invite), and then sign in through the login page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from browsing import ensure_practice, seed, sign_in
from playwright.sync_api import expect
from sqlmodel import select

from practipal_app import db
from practipal_app.core.timefmt import clock, day_label
from practipal_app.models import Appointment, AppointmentStatus, ClientProfile, Role, User
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients, passwords
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling

pytestmark = pytest.mark.e2e

THERAPIST = ("Dr. Kiran Shah", "kiran@example.com", "Harbour-Quartz-Lantern-62")
CLIENT = ("Ananya Bose", "ananya@example.com", "Mango-Orbit-Willow-48")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
TZ = "Asia/Kolkata"


@dataclass
class People:
    client_id: int
    soon_id: int  # a session starting in 10 minutes: inside every window, Join visible


def _seed(session) -> People:
    ensure_practice(session)
    practice_id = practice.the_practice(session).id
    therapist = practice.add_staff(
        session, practice_id, THERAPIST[0], THERAPIST[1], Role.THERAPIST, THERAPIST[2]
    )
    actor = auth.actor_for(therapist)
    # Open every day, all day, so the test does not depend on which weekday it runs.
    scheduling.set_weekly_hours(session, actor, {d: [("00:00", "23:30")] for d in range(7)})
    client_id = clients.add_client(
        session, actor, clients.ClientForm(name=CLIENT[0], email=CLIENT[1])
    )
    client = session.get(User, client_id)
    client.password_hash = passwords.hash_password(CLIENT[2])
    session.get(ClientProfile, client_id).accepted_at = utcnow()
    kind = scheduling.session_types(session, therapist.id)[0]
    soon = (utcnow() + timedelta(minutes=10)).replace(second=0, microsecond=0)
    soon_id = appointments.book(
        session, actor, client_id=client_id, session_type_id=kind.id, starts_at=soon, confirmed=True
    )
    return People(client_id, soon_id)


@pytest.fixture(scope="module")
def people(server) -> Iterator[People]:
    yield from seed(server, _seed)


def _scheduled(client_id: int) -> list[Appointment]:
    def query(session):
        return list(
            session.exec(
                select(Appointment)
                .where(
                    Appointment.client_id == client_id,
                    Appointment.status == AppointmentStatus.SCHEDULED,
                )
                .order_by(Appointment.starts_at)
            ).all()
        )

    return db.call(query)


def _column_label(day: date) -> str:
    """A day's heading in the therapist's week view, e.g. "Thu 3 Dec"."""
    return f"{day:%a} {day.day} {day:%b}"


def _weeks_between(first: date, last: date) -> int:
    """How many times "Next" moves the week view from the week of `first` to the week of `last`."""
    return (
        (last - timedelta(days=last.weekday())) - (first - timedelta(days=first.weekday()))
    ).days // 7


def _card_name(appt: Appointment) -> str:
    return f"Session on {day_label(appt.starts_at, TZ)} at {clock(appt.starts_at, TZ)}"


def test_book_see_move_and_cancel_late(server, browser, people: People, shot) -> None:
    phone = browser.new_context(viewport=PHONE, base_url=server.base_url, has_touch=True).new_page()
    sign_in(phone, CLIENT[1], CLIENT[2], "/portal")

    # A session starting within 15 minutes shows its Join button on the portal home.
    expect(phone.get_by_role("heading", name="Your next session")).to_be_visible()
    expect(phone.get_by_role("link", name="Join session")).to_be_visible()
    shot(phone, "portal-join-soon")

    # Book a free time.
    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Book").click()
    expect(phone.get_by_role("heading", name="Book a session")).to_be_visible()
    expect(phone.get_by_text("Times are shown in Kolkata time.")).to_be_visible()
    # The second free time: the first sits right at the notice boundary and can close while the
    # test confirms it (it did, once, when a run crossed a half hour).
    second = phone.get_by_role("button", name=re.compile(r"^\d{1,2}:\d{2} (am|pm)$")).nth(1)
    second.click()
    expect(
        phone.get_by_text("counts as a late cancellation")
    ).to_be_visible()  # the policy, before confirming
    shot(phone, "book-confirm")
    phone.get_by_role("button", name="Confirm booking").click()
    expect(phone).to_have_url(re.compile(r".*/portal/sessions/?\?booked=1$"), timeout=20_000)
    expect(phone.get_by_text("Your session is booked.")).to_be_visible()
    booked = [a for a in _scheduled(people.client_id) if a.id != people.soon_id]
    assert len(booked) == 1
    expect(phone.get_by_role("group", name=_card_name(booked[0]))).to_be_visible()

    # The therapist sees it on the calendar.
    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")
    desk.goto("/app/calendar")
    # Wait for this week's columns, then step week by week to the booking's, waiting for each.
    today = utcnow().astimezone(ZoneInfo(TZ)).date()
    booked_day = booked[0].starts_at.astimezone(ZoneInfo(TZ)).date()
    expect(desk.get_by_role("link", name=_column_label(today), exact=True)).to_be_visible()
    for week in range(1, _weeks_between(today, booked_day) + 1):
        desk.get_by_role("button", name="Next").click()
        expect(
            desk.get_by_role("link", name=_column_label(today + timedelta(weeks=week)), exact=True)
        ).to_be_visible()
    column = desk.get_by_role("group", name=_column_label(booked_day), exact=True)
    expect(column).to_be_visible()
    chip = column.get_by_role(
        "button",
        name=re.compile(
            rf"^Session with {CLIENT[0]} at {re.escape(clock(booked[0].starts_at, TZ))}"
        ),
    )
    expect(
        chip
    ).to_be_visible()  # in its day's column: the session starting soon may share its time of day
    shot(desk, "therapist-calendar")

    # Move it to another time (outside the window: no warning).
    card = phone.get_by_role("group", name=_card_name(booked[0]))
    card.get_by_role("link", name="Move").click()
    expect(phone.get_by_role("heading", name="Move your session")).to_be_visible()
    phone.get_by_role("button", name=re.compile(r"^\d{1,2}:\d{2} (am|pm)$")).nth(3).click()
    phone.get_by_role("button", name="Confirm move").click()
    expect(phone).to_have_url(re.compile(r".*/portal/sessions"), timeout=20_000)
    moved = [a for a in _scheduled(people.client_id) if a.id != people.soon_id]
    assert [a.id for a in moved] == [booked[0].id] and moved[0].starts_at != booked[0].starts_at
    expect(phone.get_by_role("group", name=_card_name(moved[0]))).to_be_visible()

    # Cancel the session that starts in 10 minutes: warned first, then a late cancellation.
    soon = next(a for a in _scheduled(people.client_id) if a.id == people.soon_id)
    soon_card = phone.get_by_role("group", name=_card_name(soon))
    soon_card.get_by_role("button", name="Cancel").click()
    expect(soon_card.get_by_text(re.compile("counts as a late cancellation"))).to_be_visible()
    assert (
        db.call(lambda s: s.get(Appointment, people.soon_id).status) == AppointmentStatus.SCHEDULED
    )
    shot(phone, "late-cancel-warning")
    soon_card.get_by_role("button", name="Yes, cancel it").click()
    expect(phone.get_by_text("Cancelled. It counts as a late cancellation.")).to_be_visible()
    assert (
        db.call(lambda s: s.get(Appointment, people.soon_id).status)
        == AppointmentStatus.LATE_CANCELLED
    )
    expect(phone.get_by_text("Late cancellation", exact=True)).to_be_visible()
    shot(phone, "sessions-after-cancel")
    phone.context.close()
    desk.context.close()


def test_therapist_books_a_weekly_series_and_cannot_double_book(
    server, browser, people: People, shot
) -> None:
    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")
    desk.goto("/app/calendar")
    today = utcnow().astimezone(ZoneInfo(TZ)).date()
    expect(desk.get_by_role("link", name=_column_label(today), exact=True)).to_be_visible()
    day = (utcnow() + timedelta(days=20)).date().isoformat()

    def fill(repeat: str) -> None:
        desk.get_by_role("button", name="Book a session").click()
        desk.get_by_label("Client", exact=True).select_option(label=CLIENT[0])
        desk.get_by_label("Date", exact=True).fill(day)
        desk.get_by_label("Start time", exact=True).fill("15:00")
        desk.get_by_label("Repeat", exact=True).select_option(label=repeat)
        desk.get_by_label("Number of sessions (when repeating)").fill("3")
        desk.get_by_role("button", name="Book", exact=True).click()

    fill("Every week")
    expect(desk.get_by_text("Booked 3 sessions. The client has been emailed.")).to_be_visible()
    series = [a for a in _scheduled(people.client_id) if a.series_id]
    assert len(series) == 3 and len({a.series_id for a in series}) == 1
    assert [b.starts_at - a.starts_at for a, b in zip(series, series[1:], strict=False)] == [
        timedelta(weeks=1)
    ] * 2

    fill("Does not repeat")
    expect(desk.get_by_role("alert").filter(has_text="That time was just taken.")).to_be_visible()
    expect(desk.get_by_text(re.compile("^Free nearby: "))).to_be_visible()
    shot(desk, "therapist-double-booking-refused")
    assert len([a for a in _scheduled(people.client_id) if a.series_id]) == 3
    desk.context.close()
