"""The scheduling pages' rows, shaped without a database: sessions as the portal and the workspace
show them, the calendar's day columns, free times, the booking page's choices and notices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from practipal_app.core.views import options
from practipal_app.models import SessionType, TimeOff
from practipal_app.scheduling import views
from practipal_app.scheduling.appointments import AppointmentView

KOLKATA, LONDON = "Asia/Kolkata", "Europe/London"
# Friday 4 December 2026, 11:00 in Kolkata.
START = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)
SAME = views.Zones(KOLKATA, KOLKATA)
APART = views.Zones(LONDON, KOLKATA)


def view(
    starts_at: datetime = START,
    *,
    status: str = "scheduled",
    mode: str = "video",
    minutes: int = 50,
    location: str = "",
    join_url: str = "https://meet.example/room",
    appointment_id: int = 7,
    agenda: str = "",
) -> AppointmentView:
    return AppointmentView(
        appointment_id,
        3,
        "Riya Sharma",
        2,
        "Asha Rao",
        "Therapy session",
        starts_at,
        starts_at + timedelta(minutes=minutes),
        status,
        mode,
        join_url,
        location,
        agenda,
        "",
    )


def test_a_portal_session_is_told_in_the_clients_zone_with_the_practices_in_brackets():
    long_before = START - timedelta(days=1)
    s = views.portal_session(view(), SAME, long_before)
    assert (s.id, s.day, s.time, s.when) == (
        7,
        "Fri 4 Dec",
        "11:00 am–11:50 am",
        "4 Dec 2026, 11:00 am",
    )
    assert (s.title, s.therapist, s.mode, s.status_label, s.upcoming) == (
        "Therapy session",
        "Asha Rao",
        "Video",
        "Scheduled",
        True,
    )

    abroad = views.portal_session(view(), APART, long_before)
    assert (abroad.day, abroad.time) == ("Fri 4 Dec", "5:30 am–6:20 am (11:00 am Kolkata time)")


def test_the_join_link_shows_only_from_fifteen_minutes_before_until_the_end():
    assert views.portal_session(view(), SAME, START - timedelta(minutes=16)).join_url == ""
    assert (
        views.portal_session(view(), SAME, START - timedelta(minutes=15)).join_url
        == "https://meet.example/room"
    )
    assert views.portal_session(view(), SAME, START + timedelta(minutes=50)).join_url == ""
    staff = views.staff_session(view(), KOLKATA, START - timedelta(hours=1))
    assert (staff.join_url, staff.link) == (
        "",
        "https://meet.example/room",
    )  # the link itself is always there


def test_an_in_person_session_links_to_a_map_and_past_ones_are_labelled_for_the_client():
    s = views.portal_session(
        view(mode="in_person", location="12 MG Road, Pune", join_url=""), SAME, START
    )
    assert (s.mode, s.location, s.map_url) == (
        "In person",
        "12 MG Road, Pune",
        "https://www.openstreetmap.org/search?query=12+MG+Road,+Pune",
    )
    assert views.portal_session(view(mode="in_person", join_url=""), SAME, START).map_url == ""
    for status, label in (
        ("cancelled_by_client", "Cancelled by you"),
        ("no_show", "Missed"),
        ("cancelled_by_therapist", "Cancelled by your therapist"),
    ):
        past = views.portal_session(view(status=status), SAME, START)
        assert (past.status_label, past.upcoming) == (label, False)


def test_a_staff_session_says_whether_it_has_started_and_names_statuses_for_the_therapist():
    before = views.staff_session(view(agenda="Sleep"), KOLKATA, START - timedelta(minutes=1))
    assert (before.client, before.client_id, before.day, before.time, before.past) == (
        "Riya Sharma",
        3,
        "Fri 4 Dec",
        "11:00 am–11:50 am",
        False,
    )
    assert before.agenda == "Sleep"
    assert views.staff_session(view(), KOLKATA, START).past is True
    assert views.staff_session(view(status="no_show"), KOLKATA, START).status_label == "No-show"
    assert (
        views.staff_session(view(status="cancelled_by_client"), KOLKATA, START).status_label
        == "Cancelled by client"
    )


def test_day_columns_mark_today_leave_and_hours_and_hold_each_days_sessions():
    # Monday 30 Nov to Sunday 6 Dec 2026; "now" is Wednesday 2 Dec, 23:00 UTC: Thursday 3 Dec in
    # Kolkata.
    late_wednesday = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
    # Leave on Friday 4 Dec, midnight to midnight in Kolkata.
    leave = TimeOff(
        therapist_id=2,
        starts_at=datetime(2026, 12, 3, 18, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 4, 18, 30, tzinfo=UTC),
    )
    data = views.CalendarDays(
        first=date(2026, 11, 30),
        count=7,
        timezone=KOLKATA,
        now=late_wednesday,
        views=[view(), view(START + timedelta(days=3), appointment_id=8)],
        leave=[leave],
        hours={d: [(600, 780), (840, 1080)] for d in range(5)},
    )
    columns = views.day_columns(data)
    assert [c.label for c in columns] == [
        "Mon 30 Nov",
        "Tue 1 Dec",
        "Wed 2 Dec",
        "Thu 3 Dec",
        "Fri 4 Dec",
        "Sat 5 Dec",
        "Sun 6 Dec",
    ]
    assert [c.iso for c in columns][:2] == ["2026-11-30", "2026-12-01"]
    assert [c.today for c in columns] == [False, False, False, True, False, False, False]
    assert [c.leave for c in columns] == [False, False, False, False, True, False, False]
    assert columns[0].hours == "10:00–13:00, 14:00–18:00" and columns[5].hours == "Day off"
    assert [[s.id for s in c.sessions] for c in columns] == [[], [], [], [], [7], [], []]
    assert views.today_sessions(None) == []


def test_free_times_are_grouped_by_the_clients_day_with_the_practices_time_when_zones_differ():
    starts = [START, START + timedelta(hours=1), START + timedelta(days=1)]
    days = views.slot_days(starts, SAME)
    assert [(d.day, [s.label for s in d.slots]) for d in days] == [
        ("Fri 4 Dec", ["11:00 am", "12:00 pm"]),
        ("Sat 5 Dec", ["11:00 am"]),
    ]
    assert days[0].slots[0].value == START.isoformat()
    assert days[0].slots[0].full == "Fri 4 Dec, 11:00 am"
    abroad = views.slot_days(starts[:1], APART)
    assert abroad[0].slots[0].label == "5:30 am (11:00 am)"
    assert views.zone_note(SAME) == "Times are shown in Kolkata time."
    assert (
        views.zone_note(APART) == "Times are shown in London time, with Kolkata time in brackets."
    )
    assert [(s.value, s.label) for s in views.alternatives([START], KOLKATA)] == [
        (START.isoformat(), "Fri 4 Dec, 11:00 am")
    ]


def test_the_booking_page_offers_the_moved_type_else_the_one_chosen_before_else_the_first():
    therapy = SessionType(
        id=4, therapist_id=2, name="Therapy session", duration_minutes=50, mode="video"
    )
    couples = SessionType(
        id=9, therapist_id=2, name="Couples", duration_minutes=80, mode="in_person"
    )
    assert [(o.value, o.label) for o in views.type_options([therapy, couples])] == [
        ("4", "Therapy session · 50 min · Video"),
        ("9", "Couples · 80 min · In person"),
    ]

    new = views.BookingPage(zones=SAME, types=[therapy, couples], window_hours=24)
    assert views.chosen_type(new, "") == "4"
    assert views.chosen_type(new, "9") == "9"
    assert views.moving_label(new) == ""
    moving = views.BookingPage(
        zones=APART, types=[therapy, couples], window_hours=24, moving=view(), moving_type_id=9
    )
    assert views.chosen_type(moving, "4") == "9"
    assert views.moving_label(moving) == "Fri 4 Dec, 5:30 am"  # in the client's own zone
    gone = views.BookingPage(
        zones=SAME, types=[therapy], window_hours=24, moving=view(), moving_type_id=0
    )
    assert views.chosen_type(gone, "9") == "4"
    assert views.chosen_type(views.BookingPage(zones=SAME, types=[], window_hours=24), "") == ""
    assert views.policy_text(48) == (
        "Cancelling or moving within 48 hours of a session counts as a late "
        "cancellation under your therapist's policy."
    )


def test_the_portal_home_shows_the_first_upcoming_session_and_a_notice_for_each_in_leave():
    first, second = view(), view(START + timedelta(days=7), appointment_id=8)
    data = views.ClientSessions(
        zones=SAME, now=START - timedelta(days=1), upcoming=[first, second], on_leave=[second]
    )
    assert views.next_session(data).id == 7
    assert views.leave_notices(data) == [
        "Your therapist is on leave on Fri 11 Dec. They will contact you to move this session; "
        "you can also pick a new time."
    ]
    assert views.next_session(views.ClientSessions(zones=SAME, now=START, upcoming=[])) is None
    page = views.sessions_page(
        views.ClientSessions(
            zones=SAME,
            now=START - timedelta(days=1),
            upcoming=[first],
            history=[view(status="completed", appointment_id=3)],
            window_hours=12,
        )
    )
    assert (
        [s.id for s in page.upcoming],
        [s.status_label for s in page.history],
        page.leave_notices,
        page.window_hours,
    ) == ([7], ["Completed"], [], 12)


def test_the_workspace_lists_clients_and_types_to_book_as_options():
    choices = views.BookingChoices(
        clients=[(3, "Riya Sharma")],
        types=[SessionType(id=4, therapist_id=2, name="Intake", duration_minutes=90)],
    )
    assert [(o.value, o.label) for o in options(choices.clients)] == [("3", "Riya Sharma")]
    assert [(o.value, o.label) for o in views.staff_type_options(choices)] == [
        ("4", "Intake · 90 min")
    ]
    rows = views.staff_sessions(views.StaffSessions(KOLKATA, START, [view()]))
    assert [(r.id, r.day, r.past) for r in rows] == [(7, "Fri 4 Dec", True)]


def test_availability_is_shown_as_it_is_typed():
    assert views.hours_text([(600, 780), (840, 1080)]) == "10:00-13:00, 14:00-18:00"
    assert views.hours_text([]) == ""
    assert (views.rupees_text(150000), views.rupees_text(150050), views.rupees_text(0)) == (
        "1500",
        "1500.50",
        "0",
    )
