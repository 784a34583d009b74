"""Calendar feeds and "add to calendar" files: what they show, and to whom.

The HTTP tests send real requests to the app's Starlette routes (api.routes.build()) with the
session cookie a signed-in browser would carry; the feeds they fetch are parsed with icalendar.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from scheduling_helpers import IST, T0, actor, ist, session_type_id
from sqlmodel import select

from practipal_app import db
from practipal_app.config import get_settings
from practipal_app.core.errors import NotFound, PermissionDenied
from practipal_app.core.tokens import hash_token
from practipal_app.models import AppointmentStatus, CalendarFeed
from practipal_app.models.base import utcnow
from practipal_app.scheduling import appointments
from practipal_app.scheduling import feeds as calendar_feeds

WED_11 = ist(3, 4, 11)


def _book(who, client_id: int, kind: int, start, now=T0) -> int:
    return db.call(
        appointments.book,
        who,
        client_id=client_id,
        session_type_id=kind,
        starts_at=start,
        confirmed=True,
        now=now,
    )


def _events(ics: str) -> list[tuple[datetime, str]]:
    return [
        (e.decoded("dtstart"), str(e["summary"])) for e in Calendar.from_ical(ics).walk("VEVENT")
    ]


@pytest.fixture
def caseload(owner_actor, therapist, therapist_actor, add_client, therapy):
    """Asha's clients with sessions in and out of the feed's window, and one of Vikram's."""
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com", phone="98765 43210")
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    meera = add_client(owner_actor, "Meera Iyer", "meera@example.com")
    kabir = add_client(therapist_actor, "Kabir Das", "kabir@example.com")
    past = _book(owner_actor, arjun, therapy, T0 - timedelta(days=7), now=T0 - timedelta(days=8))
    db.call(appointments.mark, owner_actor, past, AppointmentStatus.COMPLETED, now=T0)
    _book(owner_actor, riya, therapy, WED_11)
    db.call(
        appointments.set_agenda,
        owner_actor,
        _book(owner_actor, riya, therapy, ist(3, 11, 11)),
        "Talk about the panic at work",
    )
    no_show = _book(owner_actor, arjun, therapy, T0 - timedelta(days=2), now=T0 - timedelta(days=3))
    db.call(appointments.mark, owner_actor, no_show, AppointmentStatus.NO_SHOW, now=T0)
    cancelled = _book(owner_actor, meera, therapy, ist(3, 5, 11))
    db.call(appointments.cancel, owner_actor, cancelled, now=T0)
    _book(
        owner_actor, meera, therapy, T0 - timedelta(days=31), now=T0 - timedelta(days=32)
    )  # too old
    _book(owner_actor, meera, therapy, T0 + timedelta(days=181), now=T0)  # too far ahead
    _book(therapist_actor, kabir, session_type_id(therapist.id), WED_11)
    return {"riya": riya, "arjun": arjun, "meera": meera, "kabir": kabir}


# The service --------------------------------------------------------------------------------------


def test_the_feed_names_clients_by_initials_and_holds_nothing_else_about_them(
    caseload, owner_actor
):
    token = db.call(calendar_feeds.create_feed, owner_actor, False)

    ics = db.call(calendar_feeds.feed_ics, token, T0)

    assert _events(ics) == [
        (T0 - timedelta(days=7), "A.M. · Therapy session"),  # completed
        (WED_11, "R.S. · Therapy session"),
        (ist(3, 11, 11), "R.S. · Therapy session"),
    ]  # not the no-show, the cancelled one, those outside 30 days back to 180 ahead, nor Vikram's
    for detail in (
        "Riya",
        "Sharma",
        "Arjun",
        "Meera",
        "Kabir",
        "@example",
        "98765",
        "panic",
        "meet.jit.si",
        "DESCRIPTION",
    ):
        assert detail not in ics
    assert str(Calendar.from_ical(ics)["X-WR-CALNAME"]) == "PractiPal · Asha Rao"


def test_full_names_only_when_the_therapist_opts_in(caseload, owner_actor):
    token = db.call(calendar_feeds.create_feed, owner_actor, True)
    ics = db.call(calendar_feeds.feed_ics, token, T0)
    assert [s for _, s in _events(ics)] == [
        "Arjun Mehta · Therapy session",
        "Riya Sharma · Therapy session",
        "Riya Sharma · Therapy session",
    ]
    assert "@example" not in ics and "98765" not in ics and "panic" not in ics


def test_a_new_feed_stops_the_old_one_and_a_revoked_feed_is_gone(caseload, owner_actor):
    first = db.call(calendar_feeds.create_feed, owner_actor, False)
    second = db.call(calendar_feeds.create_feed, owner_actor, True)
    with pytest.raises(NotFound):
        db.call(calendar_feeds.feed_ics, first, T0)
    status = db.call(calendar_feeds.feed_status, owner_actor)
    assert (status.active, status.show_full_names) == (True, True)

    db.call(calendar_feeds.revoke_feed, owner_actor)

    with pytest.raises(NotFound):
        db.call(calendar_feeds.feed_ics, second, T0)
    with pytest.raises(NotFound):
        db.call(calendar_feeds.feed_ics, "not-a-token", T0)
    assert db.call(calendar_feeds.feed_status, owner_actor) == calendar_feeds.FeedStatus(
        False, False, None
    )
    # Only hashes are stored.
    rows = db.call(lambda s: s.exec(select(CalendarFeed)).all())
    assert [r.token_hash for r in rows] == [hash_token(first), hash_token(second)]
    assert all(r.revoked_at is not None for r in rows)


def test_each_therapist_has_their_own_feed_and_clients_have_none(
    caseload, owner_actor, therapist_actor
):
    vikrams = db.call(calendar_feeds.create_feed, therapist_actor, False)
    ashas = db.call(calendar_feeds.create_feed, owner_actor, False)
    assert _events(db.call(calendar_feeds.feed_ics, vikrams, T0)) == [
        (WED_11, "K.D. · Therapy session")
    ]
    assert (
        len(_events(db.call(calendar_feeds.feed_ics, ashas, T0))) == 3
    )  # Vikram's new feed left Asha's alone
    riya = actor(caseload["riya"])
    for attempt in (
        lambda: db.call(calendar_feeds.create_feed, riya, True),
        lambda: db.call(calendar_feeds.revoke_feed, riya),
        lambda: db.call(calendar_feeds.feed_status, riya),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


# Over HTTP ----------------------------------------------------------------------------------------


def _upcoming(days: int, hour: int = 11) -> datetime:
    """A time `days` from today (the real clock: the routes use it), on Kolkata's clock."""
    day = (utcnow().astimezone(IST) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour), tzinfo=IST)


def _feed_path(page: str) -> str:
    base = re.escape(get_settings().base_url)
    match = re.search(rf"{base}(/api/calendar/[A-Za-z0-9_-]+\.ics)", page)
    assert match, page
    return match.group(1)


def test_a_therapist_makes_a_feed_subscribes_replaces_it_and_stops_it(
    owner, owner_actor, add_client, therapy, browser
):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    start = _upcoming(3)
    _book(owner_actor, riya, therapy, start, now=utcnow())
    asha = browser(owner.id)
    calendar_app = browser()  # Google Calendar fetching the feed: no cookie

    made = asha.post("/api/calendar/feed", data={"full_names": "0"})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    assert "Making a new link stops the old one" in made.text
    first = _feed_path(made.text)

    feed = calendar_app.get(first)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert _events(feed.text) == [(start, "R.S. · Therapy session")]
    assert "riya@example.com" not in feed.text and "Sharma" not in feed.text

    second = _feed_path(asha.post("/api/calendar/feed", data={"full_names": "1"}).text)
    assert calendar_app.get(first).status_code == 404
    assert _events(calendar_app.get(second).text) == [(start, "Riya Sharma · Therapy session")]

    stopped = asha.post("/api/calendar/feed/revoke", follow_redirects=False)
    assert (stopped.status_code, stopped.headers["location"]) == (303, "/app/settings/availability")
    assert calendar_app.get(second).status_code == 404


def test_feed_links_are_made_only_by_a_signed_in_therapist_and_only_by_post(
    owner_actor, add_client, browser
):
    add_client(owner_actor, "Riya Sharma", "riya@example.com")
    stranger = browser()
    assert stranger.post("/api/calendar/feed", data={"full_names": "1"}).status_code == 404
    assert stranger.post("/api/calendar/feed/revoke", follow_redirects=False).status_code == 404
    # A link or an image on another site can only make a GET, which does nothing here.
    assert stranger.get("/api/calendar/feed").status_code == 405
    assert stranger.get("/api/calendar/feed/revoke").status_code == 405
    assert stranger.get("/api/calendar/not-a-real-token.ics").status_code == 404
    assert db.call(lambda s: s.exec(select(CalendarFeed)).all()) == []


def test_a_client_cannot_make_a_feed(owner_actor, add_client, browser):
    riya = browser(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    assert riya.post("/api/calendar/feed", data={"full_names": "1"}).status_code == 404
    assert riya.post("/api/calendar/feed/revoke", follow_redirects=False).status_code == 404
    assert db.call(lambda s: s.exec(select(CalendarFeed)).all()) == []


def test_add_to_calendar_gives_a_session_only_to_its_client_and_therapist(
    owner, owner_actor, therapist, add_client, therapy, browser
):
    riya_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    meera_id = add_client(owner_actor, "Meera Iyer", "meera@example.com")
    start = _upcoming(4, 15)
    riyas = _book(owner_actor, riya_id, therapy, start, now=utcnow())
    path = f"/api/appointments/{riyas}.ics"

    riya = browser(riya_id)
    got = riya.get(path)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/calendar")
    assert got.headers["content-disposition"] == f'attachment; filename="session-{riyas}.ics"'
    [event] = Calendar.from_ical(got.text).walk("VEVENT")
    assert event.decoded("dtstart") == start
    assert str(event["summary"]) == "Therapy session with Asha Rao"

    assert _events(browser(owner.id).get(path).text) == [(start, "R.S. · Therapy session")]
    for outsider in (browser(meera_id), browser(therapist.id), browser()):
        assert outsider.get(path).status_code == 404
    assert riya.get("/api/appointments/999999.ics").status_code == 404
    assert riya.get("/api/appointments/abc.ics").status_code == 404
