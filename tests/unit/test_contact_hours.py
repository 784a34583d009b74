"""After hours for contact records: outside the charter's working days, or outside every range of
the therapist's weekly hours that weekday; 09:00–19:00 on a working day without hours. The same
rule as portal messages (`boundaries.after_hours`), so Insights compares like with like."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from practipal_app.boundaries import reply_rules as boundaries
from practipal_app.boundaries.charter import CharterSettings
from practipal_app.messaging.contact_log import WorkingTime, dedupe_key

MON, TUE, SAT, SUN = 0, 1, 5, 6


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in the week of Monday 4 March 2024."""
    return datetime(2024, 3, 4 + day, hour, minute)


def test_without_weekly_hours_working_days_run_from_nine_to_seven():
    hours = WorkingTime([MON, TUE, SAT], {})
    assert [hours.after_hours(at(MON, h, m)) for h, m in [(8, 59), (9, 0), (18, 59), (19, 0)]] == [
        True,
        False,
        False,
        True,
    ]
    assert hours.after_hours(at(SAT, 12)) is False  # a working day in this charter
    assert hours.after_hours(at(SUN, 12)) is True


def test_weekly_hours_decide_and_a_working_day_without_hours_runs_nine_to_seven():
    hours = WorkingTime(
        [MON, TUE], {MON: [(10 * 60, 13 * 60), (14 * 60, 18 * 60)], SAT: [(10 * 60, 12 * 60)]}
    )
    assert hours.after_hours(at(MON, 10)) is False
    assert hours.after_hours(at(MON, 13, 30)) is True  # lunch gap
    assert hours.after_hours(at(MON, 17, 59)) is False
    assert hours.after_hours(at(MON, 18)) is True
    assert hours.after_hours(at(TUE, 11)) is False  # working day without hours: 09:00–19:00
    assert hours.after_hours(at(TUE, 19, 30)) is True
    assert hours.after_hours(at(SAT, 11)) is True  # hours, but not a charter working day


@given(
    days=st.sets(st.integers(0, 6)),
    weekly=st.dictionaries(
        st.integers(0, 6),
        st.lists(
            st.tuples(st.integers(0, 1439), st.integers(1, 1440)).filter(lambda r: r[0] < r[1]),
            max_size=3,
        ),
    ),
    day=st.integers(0, 6),
    minute=st.integers(0, 1439),
)
def test_the_bulk_table_and_portal_messages_agree_with_the_rule(days, weekly, day, minute):
    hours = WorkingTime(days, weekly)
    local = at(day, minute // 60, minute % 60)
    assert hours.late_minutes()[day][minute] == hours.after_hours(local)
    portal = boundaries.after_hours(
        CharterSettings(working_days=tuple(sorted(days))),
        "Asia/Kolkata",
        local.replace(tzinfo=ZoneInfo("Asia/Kolkata")),
        weekly,
    )
    assert hours.after_hours(local) == portal


def test_dedupe_keys_tell_apart_what_differs_and_nothing_else():
    base = (7, datetime(2024, 3, 5, 17, 30), "in", 12, 0)
    key = dedupe_key(*base)
    assert key == dedupe_key(*base) and len(key) == 64
    for changed in [
        (8,),
        (7, datetime(2024, 3, 5, 17, 31)),
        (7, base[1], "out"),
        (7, base[1], "in", 13),
        (7, base[1], "in", 12, 1),
    ]:
        assert dedupe_key(*changed, *base[len(changed) :]) != key
