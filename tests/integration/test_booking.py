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
from practipal_app.core.errors import NotFound, PermissionDenied
from practipal_app.models import Appointment, AppointmentStatus
from practipal_app.scheduling import appointments
from practipal_app.scheduling import feeds as calendar_feeds
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.appointments import NeedsConfirmation, SlotTaken

WED_11 = ist(3, 4, 11)  # Wednesday 4 March, 11:00: 49 hours after T0


def book(who, client_id: int, kind: int, start, **extra) -> int:
    return db.call(appointments.book, who, client_id=client_id, session_type_id=kind, starts_at=start,
                   now=extra.pop("now", T0), **extra)


# No double booking ---------------------------------------------------------------------------------


def test_fifty_simultaneous_attempts_at_one_slot_make_exactly_one_booking(owner_actor, add_client, therapy):
    people = [actor(add_client(owner_actor)) for _ in range(5)]
    attempts = 50
    start_together = threading.Barrier(attempts, timeout=60)

    def attempt(i: int):
        client = people[i % len(people)]
        start_together.wait()
        try:
            return db.call(appointments.book, client, client_id=client.user_id, session_type_id=therapy,
                           starts_at=WED_11, now=T0)
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


def test_postgresql_refuses_an_overlapping_active_appointment_by_itself(database, owner, owner_actor, add_client,
                                                                        therapy):
    if database.backend != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite relies on its write lock")
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    book(owner_actor, riya, therapy, WED_11)  # held 11:00–12:00
    table = Appointment.__table__

    def raw_insert(start, minutes: int, status: str = "scheduled"):
        values = dict(practice_id=owner.practice_id, therapist_id=owner.id, client_id=riya, title="Raw",
                      starts_at=start, ends_at=start + timedelta(minutes=minutes),
                      blocked_until=start + timedelta(minutes=minutes), status=status, mode="video", join_url="",
                      location="", agenda="", fee_paise=0, series_id="", created_at=T0)
        with database.engine.begin() as conn:
            conn.execute(sa.insert(table).values(**values))

    with pytest.raises(sa.exc.IntegrityError, match="appointment_no_overlap"):
        raw_insert(WED_11 + timedelta(minutes=59), 30)  # one minute into the buffer
    with pytest.raises(sa.exc.IntegrityError, match="appointment_no_overlap"):
        raw_insert(WED_11 - timedelta(minutes=30), 31, status="completed")
    raw_insert(WED_11 + timedelta(minutes=60), 30)  # starts as the buffer ends: allowed
    raw_insert(WED_11 + timedelta(minutes=10), 30, status="cancelled_by_client")  # not holding time
    assert len(appointments_of(riya)) == 3


# Recurring sessions --------------------------------------------------------------------------------


def test_a_series_lists_each_conflict_and_books_only_what_it_is_told(owner_actor, add_client, therapy):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    book(owner_actor, arjun, therapy, ist(3, 11, 11, 30))  # overlaps the second Wednesday
    db.call(scheduling.add_time_off, owner_actor, date(2026, 3, 18), date(2026, 3, 18), "Training")
    series = dict(client_id=riya, session_type_id=therapy, first_start=WED_11, every_weeks=1, count=4)

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
    assert caught.value.reasons == [f"{ist(3, 11, 11).isoformat()}: Another session is booked at this time.",
                                    f"{ist(3, 18, 11).isoformat()}: You are on leave."]
    assert appointments_of(riya) == []  # nothing was booked

    ids = db.call(appointments.book_series, owner_actor, **series, skip_conflicts=True, now=T0)

    rows = appointments_of(riya)
    assert [r.id for r in rows] == ids
    assert [r.starts_at for r in rows] == [ist(3, 4, 11), ist(3, 25, 11)]
    assert len({r.series_id for r in rows}) == 1 and rows[0].series_id


def test_a_fortnightly_series_until_a_date_stops_there(owner_actor, add_client, therapy):
    riya = add_client(owner_actor)
    plan = db.call(appointments.plan_series, owner_actor, client_id=riya, session_type_id=therapy,
                   first_start=WED_11, every_weeks=2, until=ist(4, 15, 23))
    assert [o.starts_at for o in plan] == [ist(3, 4, 11), ist(3, 18, 11), ist(4, 1, 11), ist(4, 15, 11)]
    assert all(o.conflict == "" for o in plan)


# Leave and caps --------------------------------------------------------------------------------------


def test_leave_lists_the_sessions_to_move_hides_slots_and_needs_confirming(owner_actor, add_client, therapy):
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    in_leave = book(owner_actor, riya, therapy, ist(3, 18, 11))
    before_leave = book(owner_actor, riya, therapy, ist(3, 13, 11))
    db.call(scheduling.add_time_off, owner_actor, date(2026, 3, 16), date(2026, 3, 20), "Conference")

    affected = db.call(scheduling.appointments_during_leave, owner_actor, now=T0)
    assert [a.id for a in affected] == [in_leave]

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


def test_caps_stop_self_booking_and_warn_the_therapist_who_must_confirm(owner_actor, add_client, therapy):
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


# Cancelling and moving -------------------------------------------------------------------------------


def test_a_client_cancelling_late_is_warned_first_and_it_counts_as_late(owner_actor, add_client, therapy):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    late_one = book(riya, riya.user_id, therapy, WED_11)
    early_one = book(riya, riya.user_id, therapy, ist(3, 6, 11))
    three_hours_before = WED_11 - timedelta(hours=3)

    with pytest.raises(NeedsConfirmation) as caught:
        db.call(appointments.cancel, riya, late_one, now=three_hours_before)
    assert "within 24 hours" in caught.value.message and "late cancellation" in caught.value.message
    assert appointment(late_one).status == AppointmentStatus.SCHEDULED

    status = db.call(appointments.cancel, riya, late_one, confirmed_late=True, now=three_hours_before)
    assert status == appointment(late_one).status == AppointmentStatus.LATE_CANCELLED
    assert appointment(late_one).cancelled_at == three_hours_before

    # Two days ahead is outside the window: no question asked.
    assert db.call(appointments.cancel, riya, early_one, now=T0) == AppointmentStatus.CANCELLED_BY_CLIENT
    assert appointment(early_one).status == AppointmentStatus.CANCELLED_BY_CLIENT
    # The freed time can be booked again.
    assert book(riya, riya.user_id, therapy, ist(3, 6, 11)) != early_one


def test_moving_outside_the_window_keeps_the_session_and_tells_the_client(owner_actor, add_client, therapy):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    appt_id = book(riya, riya.user_id, therapy, ist(3, 5, 11))

    moved = db.call(appointments.reschedule, riya, appt_id, ist(3, 6, 12), now=T0)

    assert moved == appt_id
    row = appointment(appt_id)
    assert (row.starts_at, row.ends_at, row.blocked_until, row.status) == (
        ist(3, 6, 12), ist(3, 6, 12, 50), ist(3, 6, 13), AppointmentStatus.SCHEDULED)
    assert outbox_keys("reschedule_notice") == [f"moved:{appt_id}:{int(ist(3, 6, 12).timestamp())}"]
    assert len(appointments_of()) == 1


def test_moving_inside_the_window_needs_confirming_and_leaves_a_late_cancellation(owner_actor, add_client,
                                                                                   therapy):
    riya = actor(add_client(owner_actor, "Riya Sharma", "riya@example.com"))
    original = book(riya, riya.user_id, therapy, WED_11)
    two_hours_before = WED_11 - timedelta(hours=2)
    new_start = ist(3, 5, 14)

    with pytest.raises(NeedsConfirmation) as caught:
        db.call(appointments.reschedule, riya, original, new_start, now=two_hours_before)
    assert "late cancellation of the original time" in caught.value.message
    assert appointment(original).status == AppointmentStatus.SCHEDULED

    replacement = db.call(appointments.reschedule, riya, original, new_start, confirmed=True, now=two_hours_before)

    assert replacement != original
    assert appointment(original).status == AppointmentStatus.LATE_CANCELLED
    assert appointment(original).starts_at == WED_11
    new = appointment(replacement)
    assert (new.starts_at, new.status, new.client_id) == (new_start, AppointmentStatus.SCHEDULED, riya.user_id)


# Who may touch whose sessions ---------------------------------------------------------------------


def test_a_client_cannot_book_move_cancel_or_download_another_clients_session(owner_actor, add_client, therapy):
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
        db.call(appointments.for_client, riya, meera.user_id, upcoming=True, now=T0)
    with pytest.raises(PermissionDenied):
        db.call(appointments.for_therapist, riya, T0, T0 + timedelta(days=7), owner_actor.user_id)
    with pytest.raises(PermissionDenied):
        db.call(appointments.mark, riya, meeras, AppointmentStatus.NO_SHOW)

    row = appointment(meeras)
    assert (row.client_id, row.starts_at, row.status) == (meera.user_id, WED_11, AppointmentStatus.SCHEDULED)
    assert [a.client_id for a in appointments_of()] == [meera.user_id]
    assert [v.id for v in db.call(appointments.for_client, meera, meera.user_id, upcoming=True, now=T0)] == [meeras]


def test_a_therapist_cannot_read_or_mark_a_colleagues_sessions(owner, owner_actor, therapist, therapist_actor,
                                                                add_client, therapy):
    ashas_client = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    vikrams_client = add_client(therapist_actor, "Kabir Das", "kabir@example.com")
    ashas = book(owner_actor, ashas_client, therapy, WED_11)
    vikrams = book(therapist_actor, vikrams_client, session_type_id(therapist.id), WED_11)
    week = (T0, T0 + timedelta(days=7))

    # Asking for Asha's calendar gives Vikram his own.
    seen = db.call(appointments.for_therapist, therapist_actor, *week, therapist_id=owner.id)
    assert [(v.id, v.client_name) for v in seen] == [(vikrams, "Kabir Das")]
    for attempt in (
        lambda: db.call(appointments.mark, therapist_actor, ashas, AppointmentStatus.NO_SHOW, now=WED_11),
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
    db.call(appointments.mark, therapist_actor, vikrams, AppointmentStatus.COMPLETED, now=WED_11 + timedelta(minutes=5))
    assert appointment(vikrams).status == AppointmentStatus.COMPLETED
