"""Free appointment slots from weekly hours, buffers, caps, leave, notice and horizon.

`free_slots` is pure: it takes plain values and returns UTC start times, so it can be tested
and benchmarked without a database. `slots_for` gathers those values with three queries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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


def _overlaps(merged: list[Interval], starts: list[datetime], start: datetime, end: datetime) -> bool:
    """Whether [start, end) meets any of `merged` (whose starts are `starts`)."""
    i = bisect_left(starts, end)  # the intervals before i start before `end`
    return i > 0 and merged[i - 1][1] > start


def free_slots(rules: Rules, busy: Busy, now: datetime) -> list[datetime]:
    """Bookable start times (UTC, ascending) from now + notice up to now + horizon."""
    zone = ZoneInfo(rules.timezone)
    earliest, latest = now + rules.min_notice, now + rules.horizon
    appts, leave = merge(busy.appointments), merge(busy.leave)
    appt_starts, leave_starts = [a for a, _ in appts], [a for a, _ in leave]
    per_day = Counter(a.astimezone(zone).date() for a, _ in busy.appointments)
    per_week = Counter(week_start(d) for d in per_day.elements())

    found: list[datetime] = []
    day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    while day <= last_day:
        if per_day[day] < rules.daily_cap and per_week[week_start(day)] < rules.weekly_cap:
            for first, last in rules.weekly_hours.get(day.weekday(), ()):
                found.extend(_day_slots(rules, zone, day, first, last, earliest, latest,
                                        appts, appt_starts, leave, leave_starts))
        day += timedelta(days=1)
    return found


def _day_slots(rules: Rules, zone: ZoneInfo, day: date, first: int, last: int, earliest: datetime,
               latest: datetime, appts: list[Interval], appt_starts: list[datetime],
               leave: list[Interval], leave_starts: list[datetime]) -> list[datetime]:
    slots = []
    minute = first
    while minute + rules.duration.total_seconds() / 60 <= last:
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
        start = local.astimezone(UTC)
        minute += int(rules.step.total_seconds() // 60)
        if start < earliest or start > latest:
            continue
        end = start + rules.duration
        if _overlaps(appts, appt_starts, start, end + rules.buffer) or _overlaps(leave, leave_starts, start, end):
            continue
        slots.append(start)
    return slots


def nearest(slots: list[datetime], wanted: datetime, count: int = 3) -> list[datetime]:
    """The `count` free slots closest to the wanted time, in time order."""
    return sorted(sorted(slots, key=lambda s: abs(s - wanted))[:count])
