"""Booking on a real database: no double booking under a crowd, series conflicts, leave and caps,
cancelling and moving inside and outside the window, and who may touch whose sessions.

The practice is in Kolkata; the owner (Asha Rao) is its first therapist, working Mon–Fri
10:00–18:00 with 50-minute sessions plus a 10-minute buffer, 24 h notice and a 24 h window.
T0 is Monday 2 March 2026, 10:00 there.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from scheduling_helpers import (
    IST,
    T0,
    actor,
    appointment,
    appointments_of,
    ist,
    outbox_keys,
    session_type_id,
)

from practipal_app import db
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.core.views import options
from practipal_app.models import Appointment, AppointmentStatus
from practipal_app.scheduling import appointments
from practipal_app.scheduling import feeds as calendar_feeds
from practipal_app.scheduling import portal_views as portal_schedule
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling import views as schedule_views
from practipal_app.scheduling import workspace_views as workspace_schedule
from practipal_app.scheduling.appointments import NeedsConfirmation, SlotTaken

WED_11 = ist(3, 4, 11)  # Wednesday 4 March, 11:00: 49 hours after T0


def book(who, client_id: int, kind: int, start, **extra) -> int:
    return db.call(
        appointments.book,
        who,
        client_id=client_id,
        session_type_id=kind,
        starts_at=start,
        now=extra.pop("now", T0),
        **extra,
    )


# No double booking --------------------------------------------------------------------------------


def test_fifty_simultaneous_attempts_at_one_slot_make_exactly_one_booking(
    owner_actor, add_client, therapy
):
    people = [actor(add_client(owner_actor)) for _ in range(5)]
    attempts = 50
    start_together = threading.Barrier(attempts, timeout=60)

    def attempt(i: int):
        client = people[i % len(people)]
        start_together.wait()
        try:
            return db.call(
                appointments.book,
                client,
                client_id=client.user_id,
                session_type_id=therapy,
                starts_at=WED_11,
                now=T0,
            )
        except SlotTaken as exc:
            return exc

    with ThreadPoolExecutor(attempts) as pool:
        results = list(pool.map(attempt, range(attempts)))

    booked = [r for r in results if isinstance(r, int)]
    taken = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) == 1 and len(taken) == attempts - 1
    [row] = appointments_of()
    assert (row.id, row.starts_at, row.status) == (booked[0], WED_11, AppointmentStatus.SCHEDULED)
    # Every loser is told in plain words and offered the nearest free times, never the taken one.
    for refusal in taken:
        assert refusal.message == "That time was just taken. Here are the nearest free times."
        assert refusal.alternatives and WED_11 not in refusal.alternatives
        assert all(abs(a - WED_11) <= timedelta(hours=2) for a in refusal.alternatives)
    assert len(outbox_keys("booking_confirmation")) == 1


def test_postgresql_refuses_an_overlapping_active_appointment_by_itself(
    database, owner, owner_actor, add_client, therapy
):
    if database.backend != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite relies on its write lock")
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    book(owner_actor, riya, therapy, WED_11)  # held 11:00–12:00
    table = Appointment.__table__

    def raw_insert(start, minutes: int, status: str = "scheduled"):
        values = dict(
            practice_id=owner.practice_id,
            therapist_id=owner.id,
            client_id=riya,
            title="Raw",
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            blocked_until=start + timedelta(minutes=minutes),
            status=status,
            mode="video",
            join_url="",
            location="",
            agenda="",
            fee_paise=0,
            series_id="",
            created_at=T0,
        )
        with database.engine.begin() as conn:
            conn.execute(sa.insert(table).values(**values))

    with pytest.raises(sa.exc.IntegrityError, match="appointment_no_overlap"):
        raw_insert(WED_11 + timedelta(minutes=59), 30)  # one minute into the buffer
    with pytest.raises(sa.exc.IntegrityError, match="appointment_no_overlap"):
        raw_insert(WED_11 - timedelta(minutes=30), 31, status="completed")
    raw_insert(WED_11 + timedelta(minutes=60), 30)  # starts as the buffer ends: allowed
    raw_insert(WED_11 + timedelta(minutes=10), 30, status="cancelled_by_client")  # not holding time
    assert len(appointments_of(riya)) == 3


# Recurring sessions -------------------------------------------------------------------------------


def test_a_series_lists_each_conflict_and_books_only_what_it_is_told(
    owner_actor, add_client, therapy
):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    book(owner_actor, arjun, therapy, ist(3, 11, 11, 30))  # overlaps the second Wednesday
    db.call(scheduling.add_time_off, owner_actor, date(2026, 3, 18), date(2026, 3, 18), "Training")
    series = dict(
        client_id=riya, session_type_id=therapy, first_start=WED_11, every_weeks=1, count=4
    )

    plan = db.call(appointments.plan_series, owner_actor, **series)

    assert [(o.starts_at, o.conflict) for o in plan] == [
        (ist(3, 4, 11), ""),
        (ist(3, 11, 11), "Another session is booked at this time."),
        (ist(3, 18, 11), "You are on leave."),
        (ist(3, 25, 11), ""),
    ]
    with pytest.raises(NeedsConfirmation) as caught:
        db.call(appointments.book_series, owner_actor, **series, now=T0)
    assert caught.value.message == "2 of 4 sessions conflict."
    # Each conflict is named by its day and time in the practice's zone, as the therapist reads it.
    assert caught.value.reasons == [
        "Wed 11 Mar, 11:00 am: Another session is booked at this time.",
        "Wed 18 Mar, 11:00 am: You are on leave.",
    ]
    assert appointments_of(riya) == []  # nothing was booked

    ids = db.call(appointments.book_series, owner_actor, **series, skip_conflicts=True, now=T0)

    rows = appointments_of(riya)
    assert [r.id for r in rows] == ids
    assert [r.starts_at for r in rows] == [ist(3, 4, 11), ist(3, 25, 11)]
    assert len({r.series_id for r in rows}) == 1 and rows[0].series_id


def test_a_fortnightly_series_until_a_date_stops_there(owner_actor, add_client, therapy):
    riya = add_client(owner_actor)
    plan = db.call(
        appointments.plan_series,
        owner_actor,
        client_id=riya,
        session_type_id=therapy,
        first_start=WED_11,
        every_weeks=2,
        until=ist(4, 15, 23),
    )
    assert [o.starts_at for o in plan] == [
        ist(3, 4, 11),
        ist(3, 18, 11),
        ist(4, 1, 11),
        ist(4, 15, 11),
    ]
    assert all(o.conflict == "" for o in plan)


# Leave and caps -----------------------------------------------------------------------------------


def test_leave_lists_the_sessions_to_move_hides_slots_and_needs_confirming(
    owner_actor, add_client, therapy
):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    in_leave = book(owner_actor, riya, therapy, ist(3, 18, 11))
    before_leave = book(owner_actor, riya, therapy, ist(3, 13, 11))
    db.call(
        scheduling.add_time_off, owner_actor, date(2026, 3, 16), date(2026, 3, 20), "Conference"
    )

    affected = db.call(scheduling.appointments_during_leave, owner_actor, now=T0)
    assert [a.id for a in affected] == [in_leave]
    # The client's portal marks the same one, and only it.
    for page in (portal_schedule.sessions_page, portal_schedule.next_session):
        assert [v.id for v in db.call(page, actor(riya), now=T0).on_leave] == [in_leave]

    slots = db.call(appointments.available_slots, actor(arjun), therapy, now=T0)
    days = {s.astimezone(IST).date() for s in slots}
    assert not any(date(2026, 3, 16) <= d <= date(2026, 3, 20) for d in days)
    assert {date(2026, 3, 13), date(2026, 3, 23)} <= days

    with pytest.raises(NeedsConfirmation) as caught:
        book(owner_actor, arjun, therapy, ist(3, 17, 15))
    assert caught.value.reasons == ["This falls in your leave."]
    confirmed = book(owner_actor, arjun, therapy, ist(3, 17, 15), confirmed=True)
    assert appointment(confirmed).starts_at == ist(3, 17, 15)
    # A client cannot book into leave at all.
    with pytest.raises(appointments.DomainError):
        book(actor(arjun), arjun, therapy, ist(3, 17, 11))
    assert appointment(before_leave).status == AppointmentStatus.SCHEDULED


def test_caps_stop_self_booking_and_warn_the_therapist_who_must_confirm(
    owner_actor, add_client, therapy
):
    db.call(scheduling.save_policies, owner_actor, {"daily_cap": "2", "weekly_cap": "3"})
    riya, arjun = add_client(owner_actor), add_client(owner_actor)
    book(owner_actor, riya, therapy, ist(3, 5, 10))
    book(owner_actor, riya, therapy, ist(3, 5, 12))

    slots = db.call(appointments.available_slots, actor(arjun), therapy, now=T0)
    assert not any(s.astimezone(IST).date() == date(2026, 3, 5) for s in slots)
    assert any(s.astimezone(IST).date() == date(2026, 3, 6) for s in slots)

    with pytest.raises(NeedsConfirmation) as caught:
        book(owner_actor, arjun, therapy, ist(3, 5, 15))
    assert caught.value.reasons == ["This goes past your cap of 2 sessions that day."]
    book(owner_actor, arjun, therapy, ist(3, 5, 15), confirmed=True)

    with pytest.raises(NeedsConfirmation) as caught:
        book(owner_actor, arjun, therapy, ist(3, 6, 15))
    assert caught.value.reasons == ["This goes past your cap of 3 sessions that week."]
    # The week is full for self-booking; the next Monday is open.
    slots = db.call(appointments.available_slots, actor(arjun), therapy, now=T0)
    assert min(slots).astimezone(IST).date() == date(2026, 3, 9)
    assert len(appointments_of()) == 3


# Cancelling and moving ----------------------------------------------------------------------------


def test_a_client_cancelling_late_is_warned_first_and_it_counts_as_late(
    owner_actor, add_client, therapy
):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    late_one = book(riya, riya.user_id, therapy, WED_11)
    early_one = book(riya, riya.user_id, therapy, ist(3, 6, 11))
    three_hours_before = WED_11 - timedelta(hours=3)

    with pytest.raises(NeedsConfirmation) as caught:
        db.call(appointments.cancel, riya, late_one, now=three_hours_before)
    assert "within 24 hours" in caught.value.message and "late cancellation" in caught.value.message
    assert appointment(late_one).status == AppointmentStatus.SCHEDULED

    status = db.call(
        appointments.cancel, riya, late_one, confirmed_late=True, now=three_hours_before
    )
    assert status == appointment(late_one).status == AppointmentStatus.LATE_CANCELLED
    assert appointment(late_one).cancelled_at == three_hours_before

    # Two days ahead is outside the window: no question asked.
    assert (
        db.call(appointments.cancel, riya, early_one, now=T0)
        == AppointmentStatus.CANCELLED_BY_CLIENT
    )
    assert appointment(early_one).status == AppointmentStatus.CANCELLED_BY_CLIENT
    # The freed time can be booked again.
    assert book(riya, riya.user_id, therapy, ist(3, 6, 11)) != early_one


def test_moving_outside_the_window_keeps_the_session_and_tells_the_client(
    owner_actor, add_client, therapy
):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    appt_id = book(riya, riya.user_id, therapy, ist(3, 5, 11))

    moved = db.call(appointments.reschedule, riya, appt_id, ist(3, 6, 12), now=T0)

    assert moved == appt_id
    row = appointment(appt_id)
    assert (row.starts_at, row.ends_at, row.blocked_until, row.status) == (
        ist(3, 6, 12),
        ist(3, 6, 12, 50),
        ist(3, 6, 13),
        AppointmentStatus.SCHEDULED,
    )
    assert outbox_keys("reschedule_notice") == [f"moved:{appt_id}:{int(ist(3, 6, 12).timestamp())}"]
    assert len(appointments_of()) == 1


def test_moving_inside_the_window_needs_confirming_and_leaves_a_late_cancellation(
    owner_actor, add_client, therapy
):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    original = book(riya, riya.user_id, therapy, WED_11)
    two_hours_before = WED_11 - timedelta(hours=2)
    new_start = ist(3, 5, 14)

    with pytest.raises(NeedsConfirmation) as caught:
        db.call(appointments.reschedule, riya, original, new_start, now=two_hours_before)
    assert "late cancellation of the original time" in caught.value.message
    assert appointment(original).status == AppointmentStatus.SCHEDULED

    replacement = db.call(
        appointments.reschedule, riya, original, new_start, confirmed=True, now=two_hours_before
    )

    assert replacement != original
    assert appointment(original).status == AppointmentStatus.LATE_CANCELLED
    assert appointment(original).starts_at == WED_11
    new = appointment(replacement)
    assert (new.starts_at, new.status, new.client_id) == (
        new_start,
        AppointmentStatus.SCHEDULED,
        riya.user_id,
    )


# Who may touch whose sessions ---------------------------------------------------------------------


def test_a_client_cannot_book_move_cancel_or_download_another_clients_session(
    owner_actor, add_client, therapy
):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    meera = actor(add_client(owner_actor, "Meera Iyer", "meera@example.com"))
    meeras = book(meera, meera.user_id, therapy, WED_11)

    with pytest.raises(NotFound):
        book(riya, meera.user_id, therapy, ist(3, 5, 11))
    with pytest.raises(NotFound):
        db.call(appointments.available_slots, riya, therapy, client_id=meera.user_id, now=T0)
    with pytest.raises(NotFound):
        db.call(appointments.reschedule, riya, meeras, ist(3, 5, 11), now=T0)
    with pytest.raises(NotFound):
        db.call(appointments.cancel, riya, meeras, now=T0)
    with pytest.raises(NotFound):
        db.call(appointments.get, riya, meeras)
    with pytest.raises(NotFound):
        db.call(calendar_feeds.appointment_ics, riya, meeras)
    with pytest.raises(NotFound):
        db.call(appointments.upcoming_for_client, riya, meera.user_id, now=T0)
    with pytest.raises(PermissionDenied):
        db.call(appointments.for_therapist, riya, T0, T0 + timedelta(days=7), owner_actor.user_id)
    with pytest.raises(PermissionDenied):
        db.call(appointments.mark, riya, meeras, AppointmentStatus.NO_SHOW)

    row = appointment(meeras)
    assert (row.client_id, row.starts_at, row.status) == (
        meera.user_id,
        WED_11,
        AppointmentStatus.SCHEDULED,
    )
    assert [a.client_id for a in appointments_of()] == [meera.user_id]
    assert [
        v.id for v in db.call(appointments.upcoming_for_client, meera, meera.user_id, now=T0)
    ] == [meeras]


def test_a_therapist_cannot_read_or_mark_a_colleagues_sessions(
    owner, owner_actor, therapist, therapist_actor, add_client, therapy
):
    ashas_client = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    vikrams_client = add_client(therapist_actor, "Kabir Das", "kabir@example.com")
    ashas = book(owner_actor, ashas_client, therapy, WED_11)
    vikrams = book(therapist_actor, vikrams_client, session_type_id(therapist.id), WED_11)
    week = (T0, T0 + timedelta(days=7))

    # Asking for Asha's calendar gives Vikram his own.
    seen = db.call(appointments.for_therapist, therapist_actor, *week, therapist_id=owner.id)
    assert [(v.id, v.client_name) for v in seen] == [(vikrams, "Kabir Das")]
    for attempt in (
        lambda: db.call(
            appointments.mark, therapist_actor, ashas, AppointmentStatus.NO_SHOW, now=WED_11
        ),
        lambda: db.call(appointments.cancel, therapist_actor, ashas, now=T0),
        lambda: db.call(appointments.reschedule, therapist_actor, ashas, ist(3, 6, 11), now=T0),
        lambda: db.call(appointments.get, therapist_actor, ashas),
        lambda: book(therapist_actor, ashas_client, therapy, ist(3, 6, 11)),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert appointment(ashas).status == AppointmentStatus.SCHEDULED
    assert appointment(ashas).starts_at == WED_11

    # The practice owner sees the whole practice, by choice of therapist.
    seen = db.call(appointments.for_therapist, owner_actor, *week, therapist_id=therapist.id)
    assert [v.id for v in seen] == [vikrams]
    # Vikram marks his own session once it has started.
    db.call(
        appointments.mark,
        therapist_actor,
        vikrams,
        AppointmentStatus.COMPLETED,
        now=WED_11 + timedelta(minutes=5),
    )
    assert appointment(vikrams).status == AppointmentStatus.COMPLETED


# What the pages send and read -----------------------------------------------------------------


def test_the_calendar_form_is_read_in_the_practice_zone_and_books_one_or_a_series(
    owner_actor, add_client, therapy
):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    form = {
        "client_id": str(riya),
        "session_type_id": str(therapy),
        "date": "2026-03-04",
        "time": "11:00",
        "repeat": "none",
        "count": "6",
        "until": "",
        "agenda": "Sleep diary",
    }

    one = db.read(workspace_schedule.read_booking_form, owner_actor, form)
    assert (one.starts_at, one.day, one.is_series, one.agenda) == (
        WED_11,
        date(2026, 3, 4),
        False,
        "Sleep diary",
    )
    assert db.call(workspace_schedule.book_request, owner_actor, one, False, False, now=T0) == 1
    [row] = appointments_of(riya)
    assert (row.starts_at, row.agenda) == (WED_11, "Sleep diary")

    fortnightly = db.read(
        workspace_schedule.read_booking_form,
        owner_actor,
        {**form, "date": "2026-03-05", "repeat": "2", "count": "3"},
    )
    assert (fortnightly.is_series, fortnightly.every_weeks, fortnightly.count) == (True, 2, 3)
    assert (
        db.call(workspace_schedule.book_request, owner_actor, fortnightly, False, False, now=T0)
        == 3
    )
    assert [r.starts_at for r in appointments_of(riya)] == [
        WED_11,
        ist(3, 5, 11),
        ist(3, 19, 11),
        ist(4, 2, 11),
    ]

    # "Until a date" wins over a count, and runs to the end of that day in the practice's zone.
    until = db.read(
        workspace_schedule.read_booking_form,
        owner_actor,
        {**form, "repeat": "1", "until": "2026-03-18"},
    )
    assert (until.every_weeks, until.count, until.until) == (1, None, ist(3, 18, 23, 59))


def test_an_unreadable_calendar_form_is_refused_in_plain_words_and_books_nothing(
    owner_actor, add_client, therapy
):
    riya = add_client(owner_actor)
    form = {
        "client_id": str(riya),
        "session_type_id": str(therapy),
        "date": "2026-03-04",
        "time": "11:00",
        "repeat": "1",
        "count": "4",
        "until": "",
    }
    for change, message in (
        ({"date": "4 March"}, "Choose a date and a time."),
        ({"time": "eleven"}, "Choose a date and a time."),
        ({"client_id": "riya"}, "Use whole numbers."),
        ({"count": "six"}, "Use whole numbers."),
        ({"until": "soon"}, "Choose a date and a time."),
    ):
        with pytest.raises(InvalidInput) as caught:
            db.read(workspace_schedule.read_booking_form, owner_actor, {**form, **change})
        assert caught.value.errors == {"form": message}, change
    with pytest.raises(InvalidInput):
        workspace_schedule.parse_day("2026-13-01")
    assert workspace_schedule.parse_day(" 2026-03-04 ") == date(2026, 3, 4)
    assert appointments_of() == []


def test_the_calendar_steps_a_week_or_a_day_and_anything_else_returns_to_today():
    anchor, today = date(2026, 3, 4), date(2026, 3, 2)
    assert workspace_schedule.shifted(anchor, "week", -1, today) == date(2026, 2, 25)
    assert workspace_schedule.shifted(anchor, "week", "1", today) == date(2026, 3, 11)
    assert workspace_schedule.shifted(anchor, "day", 1, today) == date(2026, 3, 5)
    for step in (0, "0", 5, "back", None):
        assert workspace_schedule.shifted(anchor, "week", step, today) == today


def test_the_portal_moves_only_the_clients_own_session_at_the_time_it_sent_back(
    owner_actor, add_client, therapy
):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    meera = actor(add_client(owner_actor, "Meera Iyer", "meera@example.com"))
    rias = book(riya, riya.user_id, therapy, ist(3, 5, 11))
    meeras = book(meera, meera.user_id, therapy, WED_11)

    page = db.read(portal_schedule.booking_page, riya, rias)
    assert (page.moving.id, page.moving_type_id, page.window_hours) == (rias, therapy, 24)
    assert schedule_views.moving_label(page) == "Thu 5 Mar, 11:00 am"
    assert schedule_views.chosen_type(page, "") == str(therapy)
    # Someone else's session is not moved: the page books a new one instead.
    other = db.read(portal_schedule.booking_page, riya, meeras)
    assert other.moving is None and schedule_views.moving_label(other) == ""

    for unreadable in ("2026-03-06T12:00", "Friday noon", ""):  # no offset, no time at all
        with pytest.raises(InvalidInput) as caught:
            db.call(
                portal_schedule.book_or_move,
                riya,
                chosen=unreadable,
                session_type_id=0,
                moving_id=rias,
                now=T0,
            )
        assert caught.value.errors == {"form": "Please pick one of the times shown."}
    with pytest.raises(NotFound):
        db.call(
            portal_schedule.book_or_move,
            riya,
            chosen=ist(3, 6, 12).isoformat(),
            session_type_id=0,
            moving_id=meeras,
            now=T0,
        )
    db.call(
        portal_schedule.book_or_move,
        riya,
        chosen=ist(3, 6, 12).isoformat(),
        session_type_id=0,
        moving_id=rias,
        now=T0,
    )
    db.call(
        portal_schedule.book_or_move,
        riya,
        chosen=ist(3, 9, 11).isoformat(),
        session_type_id=therapy,
        now=T0,
    )

    assert [(r.id == rias, r.starts_at) for r in appointments_of(riya.user_id)] == [
        (True, ist(3, 6, 12)),
        (False, ist(3, 9, 11)),
    ]
    assert appointment(meeras).starts_at == WED_11


def test_the_portal_lists_upcoming_and_past_sessions_and_warns_of_leave(
    owner_actor, add_client, therapy
):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    cancelled = book(riya, riya.user_id, therapy, ist(3, 5, 11))
    in_leave = book(riya, riya.user_id, therapy, ist(3, 18, 11))
    later = book(riya, riya.user_id, therapy, ist(3, 23, 11))
    db.call(appointments.cancel, riya, cancelled, now=T0)
    db.call(scheduling.add_time_off, owner_actor, date(2026, 3, 18), date(2026, 3, 18), "Training")

    page = schedule_views.sessions_page(db.read(portal_schedule.sessions_page, riya, now=T0))

    assert [(s.id, s.day, s.status_label) for s in page.upcoming] == [
        (in_leave, "Wed 18 Mar", "Scheduled"),
        (later, "Mon 23 Mar", "Scheduled"),
    ]
    assert [(s.id, s.status_label, s.upcoming) for s in page.history] == [
        (cancelled, "Cancelled by you", False)
    ]
    assert page.leave_notices == [
        "Your therapist is on leave on Wed 18 Mar. They will contact you to move this session; "
        "you can also pick a new time."
    ]
    assert page.window_hours == 24
    home = db.read(portal_schedule.next_session, riya, now=T0)
    assert schedule_views.next_session(home).id == in_leave
    assert schedule_views.leave_notices(home) == page.leave_notices
    # With nothing booked, the home page has no next session.
    db.call(appointments.cancel, riya, in_leave, now=T0)
    db.call(appointments.cancel, riya, later, now=T0)
    assert schedule_views.next_session(db.read(portal_schedule.next_session, riya, now=T0)) is None


def test_the_workspace_shows_today_and_a_clients_upcoming_sessions_in_the_practice_zone(
    owner_actor, add_client, therapy
):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    today_at_3 = book(owner_actor, riya, therapy, ist(3, 2, 15), confirmed=True)
    book(owner_actor, arjun, therapy, ist(3, 3, 11), confirmed=True)
    wednesday = book(owner_actor, riya, therapy, WED_11, confirmed=True)

    today = schedule_views.today_sessions(db.read(workspace_schedule.today, owner_actor, now=T0))
    assert [(s.id, s.client, s.time, s.past) for s in today] == [
        (today_at_3, "Riya Sharma", "3:00 pm–3:50 pm", False)
    ]
    upcoming = schedule_views.staff_sessions(
        db.read(workspace_schedule.client_sessions, owner_actor, riya, now=T0)
    )
    assert [(s.id, s.day) for s in upcoming] == [
        (today_at_3, "Mon 2 Mar"),
        (wednesday, "Wed 4 Mar"),
    ]

    choices = db.read(workspace_schedule.booking_options, owner_actor)
    assert [(o.value, o.label) for o in options(choices.clients)] == [
        (str(arjun), "Arjun Mehta"),
        (str(riya), "Riya Sharma"),
    ]
    assert [(o.value, o.label) for o in schedule_views.staff_type_options(choices)] == [
        (str(therapy), "Therapy session · 50 min")
    ]
