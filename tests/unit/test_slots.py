"""Free slots: weekly hours, buffers, caps, leave, notice and horizon; clients in DST zones.

`free_slots` is pure, so these tests give it plain rules and busy times and read the start times
a client would be offered.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from practipal_app.scheduling.slots import Busy, Rules, free_slots, nearest

KOLKATA = ZoneInfo("Asia/Kolkata")
WEEKDAYS = {d: [(10 * 60, 13 * 60)] for d in range(5)}  # Mon–Fri 10:00–13:00
BASE = Rules(
    timezone="Asia/Kolkata",
    weekly_hours=WEEKDAYS,
    duration=timedelta(minutes=50),
    buffer=timedelta(minutes=10),
    min_notice=timedelta(0),
    horizon=timedelta(days=7),
    daily_cap=6,
    weekly_cap=25,
    step=timedelta(minutes=30),
)
NOTHING = Busy(appointments=[], leave=[])


def ist(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A time in Kolkata in March 2026 (Monday 2 March is the first working day), as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=KOLKATA).astimezone(UTC)


NOW = ist(2, 8)  # Monday 2 March 2026, 08:00 in Kolkata


def on(slots: list[datetime], day: int) -> list[str]:
    """The Kolkata clock times of the slots on one day of March 2026."""
    return [
        s.astimezone(KOLKATA).strftime("%H:%M")
        for s in slots
        if s.astimezone(KOLKATA).date() == date(2026, 3, day)
    ]


def test_an_open_day_offers_every_step_that_fits_before_the_end_of_hours():
    slots = free_slots(BASE, NOTHING, NOW)
    # 12:30 would end at 13:20, after hours.
    assert on(slots, 2) == ["10:00", "10:30", "11:00", "11:30", "12:00"]
    assert on(slots, 7) == on(slots, 8) == []  # the weekend
    assert len(slots) == 5 * 5
    assert slots == sorted(slots) and all(
        s.tzinfo is not None and s.utcoffset() == timedelta(0) for s in slots
    )


def test_buffers_keep_time_free_after_each_session():
    # A session 11:00–11:50 holds the therapist until 12:00 (its 10-minute buffer).
    busy = Busy(appointments=[(ist(2, 11), ist(2, 12))], leave=[])
    # 10:00 ends 10:50, plus its own buffer 11:00: it just fits. 10:30 would run into 11:00.
    assert on(free_slots(BASE, busy, NOW), 2) == ["10:00", "12:00"]
    # A type with a 30-minute buffer cannot sit before the 11:00 session at all.
    assert on(free_slots(replace(BASE, buffer=timedelta(minutes=30)), busy, NOW), 2) == ["12:00"]


def test_a_day_at_its_cap_offers_nothing_and_the_next_day_is_untouched():
    # Two sessions on Tuesday in Kolkata; one of them at 05:00 there, which is still Monday in UTC.
    busy = Busy(appointments=[(ist(3, 5), ist(3, 6)), (ist(3, 12), ist(3, 13))], leave=[])
    slots = free_slots(replace(BASE, daily_cap=2), busy, NOW)
    assert on(slots, 3) == []
    assert on(slots, 2) == on(slots, 4) == ["10:00", "10:30", "11:00", "11:30", "12:00"]
    # Under the cap, only the busy time itself is taken.
    assert on(free_slots(replace(BASE, daily_cap=3), busy, NOW), 3) == ["10:00", "10:30", "11:00"]


def test_a_week_at_its_cap_offers_nothing_until_the_next_monday():
    busy = Busy(
        appointments=[(ist(2, 10), ist(2, 11)), (ist(3, 10), ist(3, 11)), (ist(4, 10), ist(4, 11))],
        leave=[],
    )
    slots = free_slots(replace(BASE, weekly_cap=3, horizon=timedelta(days=14)), busy, NOW)
    assert min(slots).astimezone(KOLKATA) == datetime(2026, 3, 9, 10, tzinfo=KOLKATA)
    assert len(slots) == 25


def test_leave_blocks_whole_days_and_ends_exactly_when_it_says():
    leave = [
        (ist(4, 0), ist(5, 0)),  # all of Wednesday
        (ist(5, 0), ist(5, 11)),
    ]  # Thursday until 11:00
    slots = free_slots(BASE, Busy(appointments=[], leave=leave), NOW)
    assert on(slots, 4) == []
    assert on(slots, 5) == ["11:00", "11:30", "12:00"]  # no buffer is needed after leave
    assert on(slots, 3) == ["10:00", "10:30", "11:00", "11:30", "12:00"]


def test_minimum_notice_hides_anything_sooner():
    now = ist(2, 10, 40)
    slots = free_slots(replace(BASE, min_notice=timedelta(hours=24)), NOTHING, now)
    assert on(slots, 2) == []
    assert on(slots, 3) == ["11:00", "11:30", "12:00"]  # 10:30 Tuesday is 23 h 50 min away
    assert min(slots) >= now + timedelta(hours=24)


def test_the_horizon_is_the_last_bookable_start():
    now = ist(2, 10, 40)
    slots = free_slots(replace(BASE, horizon=timedelta(days=3)), NOTHING, now)
    assert max(slots) == ist(5, 10, 30)
    assert on(slots, 5) == ["10:00", "10:30"]


def test_nearest_alternatives_are_the_closest_free_times_in_order():
    slots = free_slots(BASE, NOTHING, NOW)
    wanted = ist(3, 11, 10)
    assert nearest(slots, wanted) == [ist(3, 10, 30), ist(3, 11), ist(3, 11, 30)]


# Properties over dates, zones and busy times --------------------------------------------------

PRACTICE_ZONES = ["Asia/Kolkata", "Europe/London", "America/New_York"]
CLIENT_ZONES = ["America/New_York", "Europe/London"]
# Sundays the clocks change, 2025–2027: the edges where zone code breaks.
CLOCK_CHANGES = {
    "America/New_York": [
        date(2025, 3, 9),
        date(2025, 11, 2),
        date(2026, 3, 8),
        date(2026, 11, 1),
        date(2027, 3, 14),
        date(2027, 11, 7),
    ],
    "Europe/London": [
        date(2025, 3, 30),
        date(2025, 10, 26),
        date(2026, 3, 29),
        date(2026, 10, 25),
        date(2027, 3, 28),
        date(2027, 10, 31),
    ],
}


@st.composite
def day_hours(draw, night: bool = False) -> list[tuple[int, int]]:
    """Up to two ranges in one day on a quarter-hour grid; with `night`, one of them spans the
    small hours, when clocks change."""
    if night:
        return [(draw(st.integers(0, 8)) * 15, draw(st.integers(12, 24)) * 15)]
    cuts = sorted(draw(st.sets(st.integers(0, 95), min_size=0, max_size=4)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    # The last minute of a day is 23:59 (a range cannot end at 24:00).
    return [(a * 15, min(b * 15, 1439)) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]


@st.composite
def scenarios(draw):
    """Half the time a practice in London or New York days before its clocks change, working in
    the small hours of that Sunday; otherwise any zone, any day in 2025–2027, any hours."""
    near_change = draw(st.booleans())
    zone = draw(st.sampled_from(list(CLOCK_CHANGES) if near_change else PRACTICE_ZONES))
    if near_change:
        day = draw(st.sampled_from(CLOCK_CHANGES[zone])) - timedelta(days=draw(st.integers(0, 3)))
    else:
        day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 3 * 365)))
    now = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, 24 * 60 - 1))
    )
    hours = {
        d: h
        for d in range(7)
        if (h := draw(day_hours(night=near_change and d == 6 and draw(st.booleans()))))
    }
    rules = Rules(
        timezone=zone,
        weekly_hours=hours,
        duration=timedelta(minutes=draw(st.sampled_from([30, 45, 50, 60, 90]))),
        buffer=timedelta(minutes=draw(st.sampled_from([0, 5, 10, 15, 30]))),
        min_notice=timedelta(hours=draw(st.integers(0, 48))),
        horizon=timedelta(days=draw(st.integers(4 if near_change else 1, 10))),
        daily_cap=draw(st.integers(1, 8)),
        weekly_cap=draw(st.integers(1, 30)),
        step=timedelta(minutes=draw(st.sampled_from([15, 30, 60]))),
    )
    span = int((rules.horizon + rules.min_notice).total_seconds() // 60)

    def interval(longest: int):
        return st.tuples(st.integers(-3 * 24 * 60, span), st.integers(15, longest)).map(
            lambda t: (now + timedelta(minutes=t[0]), now + timedelta(minutes=t[0] + t[1]))
        )

    busy = Busy(
        appointments=draw(st.lists(interval(240), max_size=12)),
        leave=draw(st.lists(interval(3 * 24 * 60), max_size=2)),
    )
    return rules, busy, now, ZoneInfo(draw(st.sampled_from(CLIENT_ZONES)))


def _minutes(dt: datetime) -> int:
    return dt.hour * 60 + dt.minute


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_slots_seen_from_a_dst_zone_are_real_free_instants_inside_working_hours(scenario):
    rules, busy, now, client_zone = scenario
    zone = ZoneInfo(rules.timezone)
    slots = free_slots(rules, busy, now)

    assert slots == sorted(set(slots))
    labels = set()
    for slot in slots:
        # Notice and horizon.
        assert now + rules.min_notice <= slot <= now + rules.horizon
        # What the client's page shows — their wall clock and, in the repeated hour of an autumn
        # night, which of the two it is — names this very instant and no other slot.
        shown = slot.astimezone(client_zone)
        back = shown.replace(tzinfo=None).replace(tzinfo=client_zone, fold=shown.fold)
        assert back.astimezone(UTC) == slot
        label = (shown.replace(tzinfo=None), shown.fold)
        assert label not in labels
        labels.add(label)
        # The whole session lies inside one of that day's working ranges, on the practice's clock.
        start, end = slot.astimezone(zone), (slot + rules.duration).astimezone(zone)
        assert end.date() == start.date()
        assert any(
            a <= _minutes(start) and _minutes(end) <= b
            for a, b in rules.weekly_hours.get(start.weekday(), [])
        ), (start, end)
        # Never over a session plus the buffer on either side, never in leave.
        held_until = slot + rules.duration + rules.buffer
        assert not any(a < held_until and slot < b for a, b in busy.appointments)
        assert not any(a < slot + rules.duration and slot < b for a, b in busy.leave)
        # Caps count the sessions already booked on the practice's calendar day and week.
        day = start.date()
        booked_that_day = [a for a, _ in busy.appointments if a.astimezone(zone).date() == day]
        monday = day - timedelta(days=day.weekday())
        booked_that_week = [
            a
            for a, _ in busy.appointments
            if monday <= a.astimezone(zone).date() < monday + timedelta(days=7)
        ]
        assert len(booked_that_day) < rules.daily_cap
        assert len(booked_that_week) < rules.weekly_cap


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_no_free_time_that_fits_the_rules_is_left_out(scenario):
    """An independent check on a 15-minute grid of real instants: every start that meets every
    rule is offered (in the repeated autumn hour, its first occurrence)."""
    rules, busy, now, _client = scenario
    zone = ZoneInfo(rules.timezone)
    offered = set(free_slots(rules, busy, now))
    step = int(rules.step.total_seconds() // 60)
    t = (now + rules.min_notice).replace(second=0, microsecond=0)
    t += timedelta(minutes=-t.minute % 15)
    while t <= now + rules.horizon:
        local, end = t.astimezone(zone), (t + rules.duration).astimezone(zone)
        first_occurrence = local.replace(fold=0).astimezone(UTC) == t
        fits = (
            first_occurrence
            and end.date() == local.date()
            and any(
                a <= _minutes(local)
                and (_minutes(local) - a) % step == 0
                and _minutes(end) <= b
                and _minutes(local) + rules.duration.total_seconds() / 60 <= b
                for a, b in rules.weekly_hours.get(local.weekday(), [])
            )
        )
        free = not any(
            a < t + rules.duration + rules.buffer and t < b for a, b in busy.appointments
        ) and not any(a < t + rules.duration and t < b for a, b in busy.leave)
        day, monday = local.date(), local.date() - timedelta(days=local.weekday())
        under_caps = (
            sum(a.astimezone(zone).date() == day for a, _ in busy.appointments) < rules.daily_cap
            and sum(
                monday <= a.astimezone(zone).date() < monday + timedelta(days=7)
                for a, _ in busy.appointments
            )
            < rules.weekly_cap
        )
        assert (t in offered) == (fits and free and under_caps), (t, local)
        t += timedelta(minutes=15)
