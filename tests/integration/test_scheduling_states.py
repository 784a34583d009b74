"""The scheduling pages' states driven directly, as a signed-in tab would: the calendar's booking
form, the portal's booking and sessions pages, and the availability page's ids. What the browser
sends is read by the services; what a person can act on comes back as the page's message.

These run on the real clock (the handlers take no `now`), so dates are weeks ahead of today.
"""

from __future__ import annotations

import inspect
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from reflex.state import State
from scheduling_helpers import actor, appointment, appointments_of
from tabs import open_page

from practipal_app import db
from practipal_app.core.timefmt import session_label
from practipal_app.models import Appointment, AppointmentStatus, User
from practipal_app.scheduling import appointments
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.scheduling import rules as scheduling
from practipal_app.state.availability import NEW_TYPE, AvailabilityState
from practipal_app.state.calendar import CalendarState
from practipal_app.state.portal_schedule import BookState, SessionsState

KOLKATA = "Asia/Kolkata"
#: "Wed 16 Dec, 11:00 am": how the workspace names a time.
SESSION_LABEL = re.compile(r"^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{1,2}:\d{2} [ap]m$")


def _user(user_id: int) -> User:
    return db.call(lambda s: s.get(User, user_id))


def _tab(state: type[State], user: User, path: str, query: dict | None = None):
    return open_page(state, user, path, query)


async def _run(page, name: str, *args):
    result = page.event_handlers[name].fn(page, *args)
    return await result if inspect.isawaitable(result) else result


def _wednesday_ahead() -> date:
    """A Wednesday two to three weeks from today: inside the horizon, past any notice."""
    today = date.today()
    return today + timedelta(days=14 + (2 - today.weekday()) % 7)


async def test_the_booking_form_opened_while_the_page_loads_stays_open(owner, therapy):
    """On a slow connection "Book a session" can be pressed before the page's load event has run:
    the load must not close the form under the therapist."""
    page = _tab(CalendarState, owner, "/app/calendar")
    page.event_handlers["toggle_form"].fn(page)
    await _run(page, "load")
    assert page.show_form


async def test_the_calendar_books_from_its_form_offers_free_times_and_asks_past_a_cap(
    owner, owner_actor, add_client, therapy
):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    db.call(scheduling.save_policies, owner_actor, {"daily_cap": "2", "weekly_cap": "10"})
    day = _wednesday_ahead()
    page = _tab(CalendarState, owner, "/app/calendar", {"client": str(riya)})
    await _run(page, "load")
    assert page.show_form and page.preset_client == str(riya)
    assert [(o.value, o.label) for o in page.clients] == [(str(riya), "Riya Sharma")]
    assert [(o.value, o.label) for o in page.types] == [(str(therapy), "Therapy session · 50 min")]

    form = {
        "client_id": str(riya),
        "session_type_id": str(therapy),
        "date": day.isoformat(),
        "time": "11:00",
        "repeat": "none",
        "count": "6",
        "until": "",
        "agenda": "",
    }
    await _run(page, "book", {**form, "time": "eleven"})
    assert (page.error, page.warnings, page.notice) == ("Choose a date and a time.", [], "")
    await _run(page, "book", form)
    assert (page.error, page.notice) == ("", "Booked 1 session. The client has been emailed.")
    assert not page.show_form and page.anchor == day.isoformat()
    [column] = [c for c in page.days if c.iso == day.isoformat()]
    [booked] = column.sessions
    assert (booked.client, booked.time) == ("Riya Sharma", "11:00 am–11:50 am")

    # The same time again is taken: the nearest free times are named as the therapist reads them.
    await _run(page, "book", form)
    assert page.error == "That time was just taken. Here are the nearest free times."
    assert page.alternatives and all(SESSION_LABEL.match(a) for a in page.alternatives)

    # A third session that day goes past the cap of two: the page asks, then books when told.
    await _run(page, "book", {**form, "time": "14:00"})
    await _run(page, "book", {**form, "time": "16:00"})
    assert page.warnings == ["This goes past your cap of 2 sessions that day."]
    assert not page.series_conflicts and page.notice == ""
    assert len(appointments_of(riya)) == 2
    await _run(page, "book_anyway")
    assert (page.warnings, page.notice) == ([], "Booked 1 session. The client has been emailed.")
    assert len(appointments_of(riya)) == 3
    await _run(page, "book_anyway")  # nothing is waiting any more
    assert page.error == "Fill in the booking form first."
    assert len(appointments_of(riya)) == 3


async def test_the_calendar_selects_by_id_and_moves_by_day_or_week(
    owner, owner_actor, add_client, therapy
):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    day = _wednesday_ahead()
    start = datetime.fromisoformat(f"{day.isoformat()}T11:00:00+05:30")
    appt = db.call(
        appointments.book, owner_actor, client_id=riya, session_type_id=therapy, starts_at=start
    )
    page = _tab(CalendarState, owner, "/app/calendar")
    await _run(page, "load")
    await _run(page, "open_day", "next Wednesday")  # not a day: nothing changes
    assert page.view == "week"
    await _run(page, "open_day", day.isoformat())
    assert page.view == "day" and [c.iso for c in page.days] == [day.isoformat()]

    await _run(page, "select", str(appt))
    assert page.selected is not None and (page.selected.id, page.selected.client) == (
        appt,
        "Riya Sharma",
    )
    await _run(page, "select", "seven")
    assert page.selected is None

    await _run(page, "move", 1)
    assert page.anchor == (day + timedelta(days=1)).isoformat()
    await _run(page, "move", -1)
    await _run(page, "set_view", "week")
    await _run(page, "move", "-1")
    assert page.anchor == (day - timedelta(days=7)).isoformat() and len(page.days) == 7
    await _run(page, "move", "sideways")  # anything else: back to today, in the practice's zone
    assert page.anchor == datetime.now(ZoneInfo(KOLKATA)).date().isoformat()


async def test_the_portal_books_a_shown_time_and_moves_only_the_clients_own_session(
    owner_actor, add_client, therapy
):
    riya_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    meera_id = add_client(owner_actor, "Meera Iyer", "meera@example.com")
    riya = _user(riya_id)
    page = _tab(BookState, riya, "/portal/book")
    await _run(page, "load")
    assert (page.type_id, page.moving_id, page.moving_label) == (str(therapy), 0, "")
    assert page.zone_note == "Times are shown in Kolkata time."
    assert page.policy == (
        "Cancelling or moving within 24 hours of a session counts as a late cancellation "
        "under your therapist's policy."
    )
    first, later = page.days[0].slots[0], page.days[-1].slots[-1]

    await _run(page, "choose", "Friday noon", "Friday noon")
    await _run(page, "confirm")
    assert page.error == "Please pick one of the times shown."
    assert appointments_of(riya_id) == []
    await _run(page, "choose", first.value, first.full)
    assert (page.chosen, page.chosen_label, page.error) == (first.value, first.full, "")
    assert await _run(page, "confirm") is not None  # off to the sessions page
    [mine] = appointments_of(riya_id)
    assert mine.starts_at == datetime.fromisoformat(first.value)

    meeras = db.call(
        appointments.book,
        actor(meera_id),
        client_id=meera_id,
        session_type_id=therapy,
        starts_at=datetime.fromisoformat(page.days[1].slots[0].value),
    )
    theirs = _tab(BookState, riya, "/portal/book", {"move": str(meeras)})
    await _run(theirs, "load")
    assert (theirs.moving_id, theirs.moving_label) == (0, "")

    moving = _tab(BookState, riya, "/portal/book", {"move": str(mine.id)})
    await _run(moving, "load")
    assert (moving.moving_id, moving.moving_label) == (
        mine.id,
        session_label(mine.starts_at, KOLKATA),
    )
    await _run(moving, "choose", later.value, later.full)
    assert await _run(moving, "confirm") is not None
    assert appointment(mine.id).starts_at == datetime.fromisoformat(later.value)
    assert (
        appointment(meeras).client_id == meera_id
        and appointment(meeras).status == AppointmentStatus.SCHEDULED
    )


async def test_the_portal_sessions_page_cancels_by_id(owner_actor, add_client, therapy):
    riya_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    start = datetime.fromisoformat(f"{_wednesday_ahead().isoformat()}T11:00:00+05:30")
    mine = db.call(
        appointments.book,
        actor(riya_id),
        client_id=riya_id,
        session_type_id=therapy,
        starts_at=start,
    )
    page = _tab(SessionsState, _user(riya_id), "/portal/sessions")
    await _run(page, "load")
    assert [(s.id, s.day) for s in page.upcoming] == [
        (mine, session_label(start, KOLKATA).split(",")[0])
    ]
    assert page.window_hours == 24

    await _run(page, "cancel", "the first one")
    assert (page.error, page.notice) == ("Not found.", "")
    await _run(page, "cancel", str(mine))
    assert page.notice == "Cancelled. Your therapist has been told."
    assert (page.upcoming, [s.status_label for s in page.history]) == ([], ["Cancelled by you"])


async def test_the_availability_page_reads_the_ids_it_is_sent(owner, owner_actor, therapy):
    page = _tab(AvailabilityState, owner, "/app/settings/availability")
    await _run(page, "load")
    assert page.loaded and [t.id for t in page.types] == [therapy] and page.editing_type == 0
    await _run(page, "edit_type", str(NEW_TYPE))
    assert page.editing_type == NEW_TYPE
    await _run(page, "edit_type", str(therapy))
    assert page.editing_type == therapy
    await _run(page, "edit_type", "the first")
    assert page.editing_type == 0

    await _run(page, "archive_type", "the first")
    assert (page.errors, page.notice) == ({"form": "Not found."}, "")
    await _run(page, "remove_leave", "")
    assert page.errors == {"form": "Not found."}
    await _run(page, "add_leave", {"first_day": "next week", "last_day": "", "note": ""})
    assert page.errors == {"first_day": "Choose the first and last day of your leave."}
    await _run(page, "archive_type", str(therapy))
    assert (page.errors, page.notice) == ({}, "Session type removed. Booked sessions keep it.")
    assert page.types == []


def _past_sessions(
    client_id: int, therapist_id: int, count: int, tie_week: int = 0, utc_hour: int = 5
) -> list[int]:
    """`count` completed weekly sessions ending last week at `utc_hour`, and a cancelled one at
    the start of `tie_week` weeks before (a cancelled session and its rebooking share a start);
    ids, latest first."""
    latest = datetime.now(UTC).replace(hour=utc_hour, minute=0, second=0, microsecond=0)
    latest -= timedelta(days=7)

    def add(s) -> list[int]:
        practice_id = s.get(User, client_id).practice_id
        rows = []
        for week in range(count):
            start = latest - timedelta(weeks=week)
            for status in (
                (AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED_BY_CLIENT)
                if week == tie_week
                else (AppointmentStatus.COMPLETED,)
            ):
                row = Appointment(
                    practice_id=practice_id,
                    therapist_id=therapist_id,
                    client_id=client_id,
                    title="Therapy session",
                    starts_at=start,
                    ends_at=start + timedelta(minutes=50),
                    blocked_until=start + timedelta(minutes=60),
                    status=status,
                )
                s.add(row)
                s.flush()
                rows.append(row)
        return [r.id for r in sorted(rows, key=lambda r: (r.starts_at, r.id), reverse=True)]

    return db.call(add)


async def test_the_portal_history_shows_every_past_session_a_page_at_a_time(
    owner, owner_actor, add_client
):
    riya_id = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    meera_id = add_client(owner_actor, "Meera Iyer", "meera@example.com")
    # 45 with the cancelled one, which shares its start with the 20th: the pages' boundary.
    expected = _past_sessions(riya_id, owner.id, 44, tie_week=19)
    meeras = _past_sessions(meera_id, owner.id, 1, utc_hour=8)  # not at the same time as Riya's
    page = _tab(SessionsState, _user(riya_id), "/portal/sessions")
    await _run(page, "load")
    assert [s.id for s in page.history] == expected[:20] and page.has_older

    await _run(page, "load_older")
    await _run(page, "load_older")
    assert [s.id for s in page.history] == expected and not page.has_older

    # Another client's session as the cursor shows nothing of theirs.
    assert db.call(portal_schedule.older_history, actor(riya_id), meeras[0]).history == []
