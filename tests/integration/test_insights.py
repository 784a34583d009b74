"""Insights on a real database (SQLite, and PostgreSQL when configured): weeks in Kolkata, after
hours on the therapist's clock, medians around the portal's start, whose figures anyone sees,
and the CSVs against the page's table.

The owner (Asha Rao) works Mon–Fri in Kolkata (the default charter and weekly hours). March 2026:
Monday is the 2nd.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from datetime import UTC, date, datetime, timedelta

import pytest
from scheduling_helpers import actor, ist
from sqlmodel import select
from tabs import open_page

from practipal_app import db
from practipal_app.analytics import dashboard, views, wellbeing
from practipal_app.core.errors import InvalidInput, PermissionDenied
from practipal_app.messaging import contact_log
from practipal_app.messaging import threads as messaging
from practipal_app.models import Appointment, AppointmentStatus, ClientProfile, ContactRecord, Role
from practipal_app.onboarding import setup as practice
from practipal_app.scheduling import rules as scheduling

NOW = ist(6, 1, 12)  # Monday 1 June 2026, noon


def add_session(
    therapist_id: int,
    client_id: int,
    start: datetime,
    minutes: int = 50,
    status: str = AppointmentStatus.COMPLETED,
) -> None:
    def run(session):
        practice_id = session.get(ClientProfile, client_id).practice_id
        end = start + timedelta(minutes=minutes)
        session.add(
            Appointment(
                practice_id=practice_id,
                therapist_id=therapist_id,
                client_id=client_id,
                title="Therapy session",
                starts_at=start,
                ends_at=end,
                blocked_until=end + timedelta(minutes=10),
                status=status,
            )
        )

    db.call(run)


def add_contacts(
    therapist_id: int,
    client_id: int,
    at: datetime,
    count: int,
    direction: str = "in",
    channel: str = "whatsapp_import",
    after_hours: bool = False,
) -> None:
    def run(session):
        practice_id = session.get(ClientProfile, client_id).practice_id
        start = session.exec(select(ContactRecord.id)).all()
        for i in range(count):
            session.add(
                ContactRecord(
                    practice_id=practice_id,
                    therapist_id=therapist_id,
                    client_id=client_id,
                    channel=channel,
                    direction=direction,
                    at=at + timedelta(minutes=i),
                    after_hours=after_hours,
                    dedupe_key=f"test:{len(start) + i}:{at.isoformat()}",
                )
            )

    db.call(run)


def my_dashboard(who, first: date, last: date) -> dashboard.Dashboard:
    return db.read(dashboard.dashboard, who, first, last, now=NOW)


def week(d: dashboard.Dashboard, monday: str):
    return d.weekly.loc[monday]


@pytest.fixture
def riya(owner_actor, add_client) -> int:
    return add_client(owner_actor, "Riya Sharma", "riya@example.com")


def test_weeks_are_kolkata_weeks(owner, riya):
    """Sunday 23:00 and Monday 00:10 in Kolkata fall on the same UTC date (Sunday), but in two
    weeks."""
    add_session(owner.id, riya, ist(3, 1, 23, 0))
    add_session(owner.id, riya, ist(3, 2, 0, 10))
    assert ist(3, 1, 23).date() == ist(3, 2, 0, 10).date() == date(2026, 3, 1)
    d = my_dashboard(actor(owner.id), date(2026, 2, 23), date(2026, 3, 8))
    assert list(d.weekly.index.strftime("%Y-%m-%d")) == ["2026-02-23", "2026-03-02"]
    assert week(d, "2026-02-23")["sessions"] == 1
    assert week(d, "2026-03-02")["sessions"] == 1
    assert week(d, "2026-03-02")["hours_in_session"] == pytest.approx(50 / 60)
    # The Sunday session was held on a day off (the charter's working days are Mon–Fri).
    assert (d.days_off.sessions, d.days_off.days) == (1, 1)
    assert d.days_off.longest_run == 2


def test_a_message_at_23_ist_is_after_hours_even_from_a_client_abroad(owner, riya):
    """Riya lives in New York: 23:00 in Kolkata is her lunchtime, 11:00 in Kolkata is her night.
    After hours is the therapist's clock, so only the first counts."""
    db.call(lambda s: setattr(s.get(ClientProfile, riya), "timezone", "America/New_York"))
    db.call(
        messaging.post_client_message,
        actor(riya),
        "other",
        "A question about homework",
        now=ist(3, 3, 23),
    )
    db.call(messaging.post_client_message, actor(riya), "other", "Another one", now=ist(3, 4, 11))
    db.call(
        contact_log.import_whatsapp,
        actor(owner.id),
        riya,
        contact_log.read_chat(
            "WhatsApp Chat with Riya.txt",
            b"05/03/2026, 23:30 - Riya: late one\n"
            b"05/03/2026, 23:40 - Asha Rao: Let's talk on Monday\n",
        ),
        "Asha Rao",
    )
    d = my_dashboard(actor(owner.id), date(2026, 3, 2), date(2026, 3, 8))
    row = week(d, "2026-03-02")
    assert (
        row["portal_messages"],
        row["whatsapp_imported"],
        row["incoming"],
        row["after_hours"],
    ) == (2, 2, 3, 2)
    assert row["after_hours_share"] == pytest.approx(200 / 3)
    assert row["replies"] == 1
    assert row["minutes_on_messages"] == 5  # one reply at the default 5 minutes


def test_portal_start_medians_of_the_8_weeks_before_and_after(owner, riya):
    """Weekly messages outside the portal: 8 weeks before the adoption week, then 8 after it."""
    adoption = date(2026, 3, 4)  # a Wednesday: its week (2 March) belongs to neither side
    before = [10, 10, 12, 8, 10, 14, 6, 10]  # median 10
    after = [4, 2, 3, 5, 1, 3, 2, 4]  # median 3
    for i, count in enumerate(before):  # from the week of 5 January
        add_contacts(owner.id, riya, ist(1, 5, 11) + timedelta(weeks=i), count)
    for i, count in enumerate(after):
        add_contacts(owner.id, riya, ist(3, 10, 11) + timedelta(weeks=i), count)
    add_contacts(
        owner.id, riya, ist(3, 3, 11), 50
    )  # the adoption week itself counts on neither side
    owner_actor = actor(owner.id)
    db.call(
        wellbeing.save_inputs,
        owner_actor,
        {
            "minutes_per_reply": "5",
            "minutes_per_message": "4",
            "minutes_per_interruption": "3",
            "adoption_date": "2026-03-04",
        },
        now=NOW,
    )
    d = my_dashboard(owner_actor, date(2026, 1, 5), date(2026, 5, 31))
    a = d.adoption
    assert (a.day, a.chosen, a.weeks_before, a.weeks_after) == (adoption, True, 8, 8)
    assert (a.outside_before, a.outside_after) == (10, 3)
    assert (a.all_before, a.all_after) == (10, 3)
    # Time reclaimed in the week of 16 March (2 messages outside the portal, none in it):
    # (10 − 2) × 4.
    assert d.weekly.loc["2026-03-16", "reclaimed_minutes"] == 32
    assert math.isnan(
        d.weekly.loc["2026-02-23", "reclaimed_minutes"]
    )  # before the portal: nothing to reclaim
    # The typical week since the portal: the median of the 13 weeks from 2 March to 25 May (50, the
    # eight above, four empty weeks) is 2 messages outside it, and no portal messages.
    assert "(10 − 2) × 4 min + (0 − 0) × 3 min = 32 min" in views.reclaimed_formula(d)[1]


def test_the_first_client_to_accept_marks_the_portal_start(owner, riya, add_client, owner_actor):
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")

    def accept(client_id: int, at: datetime):
        db.call(lambda s: setattr(s.get(ClientProfile, client_id), "accepted_at", at))

    accept(riya, ist(4, 8, 23, 45))  # 18:15 UTC
    accept(arjun, ist(4, 20, 10))
    d = my_dashboard(owner_actor, date(2026, 4, 1), date(2026, 4, 30))
    assert (d.adoption.day, d.adoption.chosen) == (date(2026, 4, 8), False)
    accept(riya, datetime(2026, 4, 8, 19, 0, tzinfo=UTC))  # 00:30 on 9 April in Kolkata
    assert my_dashboard(owner_actor, date(2026, 4, 1), date(2026, 4, 30)).adoption.day == date(
        2026, 4, 9
    )


def test_cancellations_by_month_and_days_off_with_leave(owner, riya):
    owner_actor = actor(owner.id)
    add_session(owner.id, riya, ist(3, 2, 10), status=AppointmentStatus.CANCELLED_BY_CLIENT)
    add_session(owner.id, riya, ist(3, 3, 10), status=AppointmentStatus.LATE_CANCELLED)
    add_session(
        owner.id, riya, ist(3, 31, 23, 0), status=AppointmentStatus.NO_SHOW
    )  # still March in Kolkata
    add_session(owner.id, riya, ist(4, 1, 10), status=AppointmentStatus.CANCELLED_BY_THERAPIST)
    for day in range(6, 14):  # 6–13 April: eight days in a row, Saturday and Sunday among them
        add_session(owner.id, riya, ist(4, day, 11))
    db.call(scheduling.add_time_off, owner_actor, date(2026, 4, 9), date(2026, 4, 9), "Conference")
    d = my_dashboard(owner_actor, date(2026, 3, 2), date(2026, 4, 19))
    assert d.monthly.loc["2026-03"].to_dict() == {
        "cancelled_by_client": 1,
        "late_cancelled": 1,
        "no_show": 1,
        "cancelled_by_therapist": 0,
    }
    assert d.monthly.loc["2026-04"].to_dict() == {
        "cancelled_by_client": 0,
        "late_cancelled": 0,
        "no_show": 0,
        "cancelled_by_therapist": 1,
    }
    off = d.days_off
    assert (off.longest_run, off.run_start, off.run_end) == (8, date(2026, 4, 6), date(2026, 4, 13))
    assert (off.sessions, off.days) == (
        3,
        3,
    )  # Saturday 11, Sunday 12, and the leave day (Thursday 9)


def test_energy_check_in_once_a_week(owner, therapist):
    me = actor(owner.id)
    monday = ist(3, 2, 0, 30)
    assert db.call(wellbeing.this_week, me, now=monday).level is None
    db.call(wellbeing.check_in, me, 2, "Heavy week", now=monday)
    db.call(
        wellbeing.check_in, me, 3, "", now=ist(3, 8, 23, 50)
    )  # Sunday night: still that week, changed
    assert db.call(wellbeing.this_week, me, now=ist(3, 8, 23, 59)) == wellbeing.CheckIn(
        date(2026, 3, 2), 3, ""
    )
    assert db.call(wellbeing.this_week, me, now=ist(3, 9, 0, 5)).level is None  # Monday: a new week
    with pytest.raises(InvalidInput):
        db.call(wellbeing.check_in, me, 6, now=monday)
    with pytest.raises(InvalidInput):
        db.call(wellbeing.check_in, me, 3, "x" * 501, now=monday)
    d = my_dashboard(me, date(2026, 3, 2), date(2026, 3, 15))
    assert d.weekly["energy"].tolist()[0] == 3
    assert math.isnan(d.weekly["energy"].tolist()[1])
    # Another therapist's check-ins are theirs alone.
    assert db.call(wellbeing.this_week, actor(therapist.id), now=ist(3, 3, 9)).level is None


def test_staff_who_are_not_therapists_have_no_insights(owner_actor, engine):
    assistant = db.call(
        practice.add_staff,
        owner_actor.practice_id,
        "Sam Assistant",
        "sam@example.com",
        Role.ASSISTANT,
        "Lantern-Quiet-Harbour-88",
    )
    sam = actor(assistant.id)
    for call in (
        lambda: db.read(dashboard.dashboard, sam, date(2026, 3, 2), date(2026, 3, 8)),
        lambda: db.read(dashboard.team, sam, date(2026, 3, 2), date(2026, 3, 8)),
        lambda: db.call(wellbeing.check_in, sam, 3),
        lambda: db.call(wellbeing.save_inputs, sam, {}),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_a_therapist_sees_only_their_own_figures(owner, therapist, riya, add_client, browser):
    vikram = actor(therapist.id)
    kiran = add_client(vikram, "Kiran Das", "kiran@example.com")
    add_session(owner.id, riya, ist(3, 3, 10))
    for day in (3, 4, 5):
        add_session(therapist.id, kiran, ist(3, day, 12))
    add_contacts(therapist.id, kiran, ist(3, 3, 12), 7)
    db.call(
        messaging.post_client_message, actor(kiran), "other", "See you Thursday", now=ist(3, 3, 15)
    )
    mine = my_dashboard(vikram, date(2026, 3, 2), date(2026, 3, 8)).weekly.loc["2026-03-02"]
    assert (mine["sessions"], mine["whatsapp_imported"], mine["portal_messages"]) == (3, 7, 1)
    hers = my_dashboard(actor(owner.id), date(2026, 3, 2), date(2026, 3, 8)).weekly.loc[
        "2026-03-02"
    ]
    assert (hers["sessions"], hers["whatsapp_imported"], hers["portal_messages"]) == (1, 0, 0)
    # Only the owner has a team view, on the page and as a CSV.
    with pytest.raises(PermissionDenied):
        db.read(dashboard.team, vikram, date(2026, 3, 2), date(2026, 3, 8))
    response = browser(therapist.id).get("/api/insights/team.csv?first=2026-03-02&last=2026-03-08")
    assert response.status_code == 404
    own = browser(therapist.id).get("/api/insights/weekly.csv?first=2026-03-02&last=2026-03-08")
    assert own.status_code == 200
    assert next(csv.DictReader(io.StringIO(own.text)))["sessions"] == "3"
    assert (
        browser().get("/api/insights/weekly.csv?first=2026-03-02&last=2026-03-08").status_code
        == 404
    )
    assert (
        browser(kiran).get("/api/insights/weekly.csv?first=2026-03-02&last=2026-03-08").status_code
        == 404
    )


def test_the_team_view_counts_per_therapist_and_names_no_client(
    owner, therapist, riya, add_client, browser
):
    kiran = add_client(actor(therapist.id), "Kiran Das", "kiran@example.com")
    add_session(owner.id, riya, ist(3, 3, 10))
    add_session(therapist.id, kiran, ist(3, 4, 12))
    add_session(therapist.id, kiran, ist(3, 5, 12))
    db.call(
        messaging.post_client_message,
        actor(kiran),
        "other",
        "Kiran's private words",
        now=ist(3, 3, 15),
    )
    db.call(
        messaging.post_client_message, actor(kiran), "other", "And more, late", now=ist(3, 3, 23)
    )
    owner_actor = actor(owner.id)
    team = db.read(dashboard.team, owner_actor, date(2026, 3, 2), date(2026, 3, 8))
    assert team.weekly.loc[(owner.id, "2026-03-02"), "sessions"] == 1
    assert team.weekly.loc[(therapist.id, "2026-03-02"), "sessions"] == 2
    assert team.weekly.loc[(therapist.id, "2026-03-02"), "portal_messages"] == 2
    page = views.team_view(team)
    vikram = next(row for row in page.summary if row.name == "Vikram Nair")
    shown_row = (vikram.sessions, vikram.over_cap, vikram.portal, vikram.after_hours)
    assert shown_row == ("2.0", "0 of 1", "2.0", "50%")
    shown = json.dumps([dataclasses.asdict(row) for row in page.summary]) + "".join(
        f.to_json() for f in page.figures.values()
    )
    exported = browser(owner.id).get("/api/insights/team.csv?first=2026-03-02&last=2026-03-08").text
    for text in (shown, exported):
        assert "Vikram Nair" in text and "Asha Rao" in text
        for private in ("Riya", "Kiran", "riya@example.com", "private words"):
            assert private not in text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {(r["therapist"], r["sessions"]) for r in rows} == {
        ("Asha Rao", "1"),
        ("Vikram Nair", "2"),
    }


def test_the_csv_is_the_table_on_the_page(owner, riya, browser):
    add_session(owner.id, riya, ist(3, 3, 10))
    add_session(owner.id, riya, ist(3, 10, 10), minutes=90)
    add_contacts(owner.id, riya, ist(3, 11, 23), 3, after_hours=True)
    db.call(messaging.post_client_message, actor(riya), "other", "Running late", now=ist(3, 12, 12))
    db.call(wellbeing.check_in, actor(owner.id), 4, now=ist(3, 10, 9))
    found = db.read(dashboard.dashboard, actor(owner.id), date(2026, 3, 2), date(2026, 3, 22))
    page = views.dashboard_view(found)
    response = browser(owner.id).get("/api/insights/weekly.csv?first=2026-03-02&last=2026-03-22")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "no-store" in response.headers["cache-control"]
    exported = list(csv.DictReader(io.StringIO(response.text)))
    shown = [
        {k: v.removesuffix("%") for k, v in dataclasses.asdict(row).items()} for row in page.rows
    ]
    assert exported == shown
    assert [r["week"] for r in exported] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert exported[1]["hours_in_session"] == "1.5"
    assert exported[1]["whatsapp_imported"] == "3" and exported[1]["after_hours_percent"] == "75"
    assert exported[1]["energy"] == "4"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?first=2026-03-02",
        "?first=soon&last=later",
        "?first=2026-03-09&last=2026-03-02",
        "?first=2020-01-06&last=2026-03-02",
    ],
)
def test_a_bad_csv_range_is_refused_in_words(owner, browser, query):
    response = browser(owner.id).get("/api/insights/weekly.csv" + query)
    assert response.status_code == 400
    assert "first" in response.text


def test_time_reclaimed_inputs_are_checked_and_kept(owner):
    me = actor(owner.id)
    with pytest.raises(InvalidInput) as refused:
        db.call(
            wellbeing.save_inputs,
            me,
            {
                "minutes_per_reply": "0",
                "minutes_per_message": "four",
                "minutes_per_interruption": "3",
                "adoption_date": "2027-01-01",
            },
            now=NOW,
        )
    assert set(refused.value.errors) == {
        "minutes_per_reply",
        "minutes_per_message",
        "adoption_date",
    }
    assert db.read(wellbeing.inputs, owner.id) == wellbeing.InsightInputs(
        5, 4, 3, None
    )  # nothing half-saved
    saved = db.call(
        wellbeing.save_inputs,
        me,
        {
            "minutes_per_reply": "7",
            "minutes_per_message": "6",
            "minutes_per_interruption": "0",
            "adoption_date": "",
        },
        now=NOW,
    )
    assert saved == wellbeing.InsightInputs(7, 6, 0, None)


# The page's states, driven directly --------------------------------------------------------------


def _tab(user, state_class, path: str):
    return open_page(state_class, user, path)


async def test_the_insights_page_and_the_energy_card_hold_typed_rows(owner, riya):
    from practipal_app.state.insights import EnergyState, InsightsState

    page = _tab(owner, InsightsState, "/app/insights")
    await page.event_handlers["load"].fn(page)
    assert page.loaded and page.is_owner and page.error == ""
    assert len(page.rows) == 13 and all(isinstance(row, views.WeekRow) for row in page.rows)
    assert page.texts.load_text.endswith("of 13 weeks.")
    assert page.inputs == views.InputValues("5", "4", "3", "")  # the defaults
    await page.event_handlers["apply_custom"].fn(page, {"first": "soon", "last": "2026-03-01"})
    assert page.range_errors == {"first": "Enter a date."}
    await page.event_handlers["apply_custom"].fn(
        page, {"first": "2026-03-02", "last": "2026-03-15"}
    )
    assert (page.range_label, len(page.rows)) == ("2 Mar 2026 to 15 Mar 2026", 2)
    typed = {
        "minutes_per_reply": "lots",
        "minutes_per_message": "3",
        "minutes_per_interruption": "3",
        "adoption_date": "",
    }
    await page.event_handlers["save_inputs"].fn(page, typed)
    assert set(page.input_errors) == {"minutes_per_reply"}
    assert page.inputs.minutes_per_reply == "lots"
    await page.event_handlers["show_view"].fn(page, "team")
    assert [row.name for row in page.team_summary] == ["Asha Rao"]

    card = _tab(owner, EnergyState, "/app")
    await card.event_handlers["load"].fn(card)
    assert card.asked and card.level == 0
    for unreadable in ("x", [3], None, 9):
        await card.event_handlers["answer"].fn(card, unreadable)
        assert (card.error, card.level) == ("Choose your energy from 1 to 5.", 0)
    await card.event_handlers["answer"].fn(card, "4")
    assert (card.error, card.level) == ("", 4)
