"""Free appointment slots from weekly hours, buffers, caps, leave, notice and horizon.

`free_slots` is pure: it takes plain values and returns UTC start times, so it can be tested
and benchmarked without a database. `slots_for` gathers those values with three queries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Rules:
    """Everything that decides whether a start time can be booked."""

    timezone: str
    weekly_hours: dict[int, list[tuple[int, int]]]  # weekday -> [(start minute, end minute)]
    duration: timedelta
    buffer: timedelta
    min_notice: timedelta
    horizon: timedelta
    daily_cap: int
    weekly_cap: int
    step: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class Busy:
    """Time already taken: active appointments (start, held until) and leave periods."""

    appointments: list[Interval]
    leave: list[Interval]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals covering the same time."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_slots(rules: Rules, busy: Busy, now: datetime) -> list[datetime]:
    """Bookable start times (UTC, ascending) from now + notice up to now + horizon."""
    zone = ZoneInfo(rules.timezone)
    earliest, latest = now + rules.min_notice, now + rules.horizon
    per_day = Counter(a.astimezone(zone).date() for a, _ in busy.appointments)
    per_week: Counter[date] = Counter()
    for day, n in per_day.items():
        per_week[week_start(day)] += n

    candidates: list[datetime] = []
    day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    while day <= last_day:
        if per_day[day] < rules.daily_cap and per_week[week_start(day)] < rules.weekly_cap:
            length = int(rules.duration.total_seconds() // 60)
            step = int(rules.step.total_seconds() // 60)
            for first, last in rules.weekly_hours.get(day.weekday(), ()):
                candidates.extend(_day_starts(rules.timezone, day, first, last, length, step))
        day += timedelta(days=1)
    return _free(candidates, earliest, latest, rules, merge(busy.appointments), merge(busy.leave))


def _free(
    candidates: list[datetime],
    earliest: datetime,
    latest: datetime,
    rules: Rules,
    appts: list[Interval],
    leave: list[Interval],
) -> list[datetime]:
    """The candidates (ascending) that meet neither a session plus buffer nor leave, in one
    sweep."""
    held, duration = rules.duration + rules.buffer, rules.duration
    found, i, j = [], 0, 0
    for start in candidates:
        if start < earliest or start > latest:
            continue
        while i < len(appts) and appts[i][1] <= start:
            i += 1
        if i < len(appts) and appts[i][0] < start + held:
            continue
        while j < len(leave) and leave[j][1] <= start:
            j += 1
        if j < len(leave) and leave[j][0] < start + duration:
            continue
        found.append(start)
    return found


@lru_cache(maxsize=8192)
def _day_starts(
    tz: str, day: date, first: int, last: int, length: int, step: int
) -> tuple[datetime, ...]:
    """Starts on the step grid of one working range whose whole session fits inside it.

    Cached: the grid depends only on the weekly hours, so every client looking at the same
    therapist's week shares it.
    """
    zone = ZoneInfo(tz)
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    minutes = range(first, last - length + 1, step)
    # One conversion per day; per start only on a day whose clock changes (DST).
    if midnight.utcoffset() == (midnight + timedelta(days=1)).utcoffset():
        base = midnight.astimezone(UTC)
        return tuple(base + timedelta(minutes=m) for m in minutes)
    starts = []
    for minute in minutes:
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
        start = local.astimezone(UTC)
        # The night the clocks change, a wall-clock time may not exist (it would land an hour
        # later, even on another slot) and a session may end past the range on the real clock:
        # neither is offered.
        local_end = (start + timedelta(minutes=length)).astimezone(zone)
        if (
            start.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None)
            and local_end.date() == day
            and local_end.hour * 60 + local_end.minute <= last
        ):
            starts.append(start)
    return tuple(starts)


def nearest(slots: list[datetime], wanted: datetime, count: int = 3) -> list[datetime]:
    """The `count` free slots closest to the wanted time, in time order."""
    return sorted(sorted(slots, key=lambda s: abs(s - wanted))[:count])
