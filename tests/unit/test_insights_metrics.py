"""The insights metrics on small hand-made data with known answers (no database: the rows are what
the SQL aggregates return). The same metrics on a real database:
tests/integration/test_insights.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from practipal_app.analytics import dashboard, views
from practipal_app.analytics.queries import Window, offset_segments

IST = ZoneInfo("Asia/Kolkata")
MON = date(2026, 3, 2)


def test_india_has_one_offset_and_london_changes_twice_a_year():
    assert offset_segments("Asia/Kolkata", date(2025, 1, 6), date(2026, 1, 5)) == ((None, 330),)
    assert offset_segments("Europe/London", date(2025, 1, 6), date(2026, 1, 5)) == (
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), 0),
        (datetime(2025, 10, 26, 1, 0, tzinfo=UTC), 60),
        (None, 0),
    )


def test_a_window_is_whole_kolkata_weeks():
    window = dashboard.window_for(
        "Asia/Kolkata", date(2026, 3, 4), date(2026, 3, 10)
    )  # Wednesday to Tuesday
    assert (window.start, window.end) == (date(2026, 3, 2), date(2026, 3, 16))
    # Monday 00:00 in Kolkata is Sunday 18:30 UTC.
    assert window.start_utc == datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
    assert list(dashboard.weeks_of(window).strftime("%Y-%m-%d")) == ["2026-03-02", "2026-03-09"]


def test_weekly_figures_from_aggregate_rows():
    window = Window("Asia/Kolkata", date(2026, 3, 2), date(2026, 3, 16))
    sessions = [(1, "2026-03-02", 5, 250)]
    portal = [
        (1, "2026-03-02", 7, 4, 2, 3)
    ]  # messages, from clients, of those after hours, replies
    contacts = [
        (1, "2026-03-02", 9, 1, 5, 4, 5),
        (2, "2026-03-09", 3, 0, 3, 0, 0),
    ]  # imported, logged, in, late, out
    frame = dashboard.weekly_figures(
        sessions, portal, contacts, {1: 25, 2: 20}, window, by_therapist=True
    )
    assert len(frame) == 4  # every therapist and week, with or without anything in it
    row = frame.loc[(1, pd.Timestamp("2026-03-02"))]
    assert row["sessions"] == 5 and row["hours_in_session"] == pytest.approx(250 / 60)
    assert (row["portal_messages"], row["whatsapp_imported"], row["logged_contacts"]) == (7, 9, 1)
    assert (row["incoming"], row["after_hours"], row["replies"]) == (9, 6, 8)
    assert row["after_hours_share"] == pytest.approx(100 * 6 / 9)
    assert (row["messages"], row["outside_messages"], row["weekly_cap"]) == (17, 10, 25)
    empty = frame.loc[(1, pd.Timestamp("2026-03-09"))]
    assert (
        empty["sessions"],
        empty["messages"],
        empty["after_hours_share"],
        empty["weekly_cap"],
    ) == (0, 0, 0, 25)
    assert frame.loc[(2, pd.Timestamp("2026-03-09")), "messages"] == 3
    mine = dashboard.weekly_figures(
        sessions, portal, contacts, {1: 25}, window
    )  # one therapist: by week
    assert list(mine.index.strftime("%Y-%m-%d")) == ["2026-03-02", "2026-03-09"]
    assert mine.loc["2026-03-02"].to_dict() == row.to_dict()


def _weeks(first: date, outside: list[int], portal: list[int] | None = None) -> pd.DataFrame:
    index = pd.date_range(first, periods=len(outside), freq="W-MON", name="week")
    portal = portal or [0] * len(outside)
    return pd.DataFrame(
        {
            "outside_messages": outside,
            "portal_messages": portal,
            "messages": [a + b for a, b in zip(outside, portal, strict=True)],
        },
        index=index,
    )


def test_adoption_medians_of_the_8_weeks_either_side():
    # Weeks of 5 Jan … 27 Apr: 8 before, the adoption week (2 Mar), 8 after.
    weekly = _weeks(
        date(2026, 1, 5),
        [10, 10, 12, 8, 10, 14, 6, 10, 99, 4, 2, 3, 5, 1, 3, 2, 4],
        [0] * 8 + [5, 6, 6, 7, 8, 6, 5, 6, 9],
    )
    found = dashboard.adoption_medians(weekly, date(2026, 3, 4), True, today=date(2026, 6, 1))
    assert (found.weeks_before, found.weeks_after) == (8, 8)
    assert (found.outside_before, found.outside_after) == (10, 3)
    assert (found.all_before, found.all_after) == (10, 9)  # 10,8,9,12,9,9,7,10 → 9
    # Four weeks later than the start, only three whole weeks have passed since.
    early = dashboard.adoption_medians(weekly, date(2026, 3, 4), True, today=date(2026, 3, 26))
    assert (early.weeks_after, early.outside_after) == (2, 3)  # weeks of 9 and 16 March: 4, 2


def test_time_reclaimed_formula():
    assert dashboard.formula(34, 12, 20, 3, 4, 3) == (34 - 12) * 4 + (20 - 3) * 3
    assert (
        dashboard.formula(5, 9, 1, 2, 4, 3) == -16
    )  # more outside the portal than before: shown as it is


def test_longest_run_and_sessions_on_days_off():
    held = [
        ("2026-03-06", 2),
        ("2026-03-07", 1),
        ("2026-03-08", 1),
        ("2026-03-11", 3),
    ]  # Fri Sat Sun, Wed
    replies = [
        ("2026-03-09", "portal", 2),
        ("2026-03-10", "outside", 1),
        ("2026-03-14", "portal", 0),
    ]
    leave = [
        (
            datetime(2026, 3, 11, tzinfo=IST).astimezone(UTC),
            datetime(2026, 3, 12, tzinfo=IST).astimezone(UTC),
        )
    ]
    off = dashboard.days_off(held, replies, leave, (0, 1, 2, 3, 4), "Asia/Kolkata")
    assert (off.longest_run, off.run_start, off.run_end) == (6, date(2026, 3, 6), date(2026, 3, 11))
    assert (off.sessions, off.days) == (5, 3)  # Saturday 1, Sunday 1, the leave day 3


def test_cancellations_by_month_fill_every_month_of_the_window():
    window = Window("Asia/Kolkata", date(2026, 1, 26), date(2026, 4, 6))
    table = dashboard.cancellations_by_month(
        [("2026-02", 2, 0, 0, 0), ("2026-03", 0, 0, 1, 0)], window
    )
    assert list(table.index) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert table.loc["2026-02"].to_dict() == {
        "cancelled_by_client": 2,
        "late_cancelled": 0,
        "no_show": 0,
        "cancelled_by_therapist": 0,
    }
    assert table["no_show"].sum() == 1


def _energy(levels: list[float | None], sessions: list[int], messages: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {"energy": levels, "sessions": sessions, "messages": messages},
        index=pd.date_range(MON, periods=len(levels), freq="W-MON"),
    )


def test_energy_sentence_says_how_energy_moves_with_load():
    falling = _energy([5, 4, 4, 3, 2, 1], [12, 15, 18, 22, 26, 30], [40, 38, 45, 41, 39, 42])
    text = views.energy_text(falling)
    assert text.startswith(
        "Over the 6 weeks you checked in, your energy was clearly lower in weeks with more sessions"
    )
    assert "showed no clear link with messages" in text
    assert "Average energy: 3.2 of 5." in text
    few = _energy([3, None, 4, None], [10, 12, 14, 16], [1, 2, 3, 4])
    assert views.energy_text(few).startswith("You checked in on 2 weeks of this range.")
    flat = _energy([3, 3, 2, 4], [20, 20, 20, 20], [30, 10, 15, 25])
    assert "could not be compared with sessions, which did not change" in views.energy_text(flat)
    assert "tended to be higher in weeks with more messages (r = 0.45)" in views.energy_text(flat)


def test_days_are_written_for_people():
    assert views.range_label(date(2026, 3, 2), date(2026, 12, 31)) == "2 Mar 2026 to 31 Dec 2026"
    assert views._duration(139) == "2 h 19 min" and views._duration(-16) == "−16 min"


def test_the_inputs_form_shows_saved_numbers_or_what_was_typed():
    from practipal_app.analytics.wellbeing import InsightInputs

    saved = views.input_values(InsightInputs(4, 3, 0, date(2026, 4, 1)))
    assert saved == views.InputValues(
        minutes_per_reply="4",
        minutes_per_message="3",
        minutes_per_interruption="0",
        adoption_date="2026-04-01",
    )
    assert views.input_values(InsightInputs(4, 3, 2, None)).adoption_date == ""
    typed = views.typed_input_values(
        {"minutes_per_reply": "lots", "adoption_date": "soon", "extra": "x"}
    )
    assert typed == views.InputValues(minutes_per_reply="lots", adoption_date="soon")


def test_an_energy_level_is_one_to_five_whatever_the_browser_sends():
    from practipal_app.analytics.wellbeing import energy_level
    from practipal_app.core.errors import InvalidInput

    assert [energy_level(v) for v in (1, "5", " 3 ")] == [1, 5, 3]
    for sent in (0, 6, "x", "", None, [], {"level": 2}, True, 2.0):
        with pytest.raises(InvalidInput) as refused:
            energy_level(sent)
        assert refused.value.message == "Choose your energy from 1 to 5."


def test_range_boundaries_of_the_page():
    from practipal_app.core.errors import InvalidInput

    def _custom_range(form: dict, today: date) -> tuple[date, date]:
        return views.checked_range(form["first"], form["last"], today)

    today = date(2026, 6, 1)
    assert _custom_range({"first": "2026-01-01", "last": "2026-03-31"}, today) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    for form, field in (
        ({"first": "", "last": "2026-03-31"}, "first"),
        ({"first": "2026-04-01", "last": "2026-03-31"}, "last"),
        ({"first": "2023-01-01", "last": "2026-03-31"}, "last"),
        ({"first": "2026-07-01", "last": "2026-08-01"}, "first"),
    ):
        with pytest.raises(InvalidInput) as refused:
            _custom_range(form, today)
        assert field in refused.value.errors
    assert timedelta(days=views.MAX_DAYS) > timedelta(weeks=104)
    # The presets end today and start on a Monday: 4, 13 or 52 weeks with this one.
    assert views.preset_range("4w", today) == (date(2026, 5, 11), today)
    assert views.preset_range("year", today) == (date(2025, 6, 9), today)
