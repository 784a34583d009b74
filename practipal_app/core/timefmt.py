"""Times are stored in UTC and shown in a named zone. Every date or time a person reads is written
by one of these: "3 Dec 2026", "Thu 3 Dec", "Fri 4 Dec, 11:00 am", "3 Dec 2026, 10:52 am"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local(dt: datetime, tz_name: str) -> datetime:
    return dt.astimezone(ZoneInfo(tz_name))


def date_label(day: date | None) -> str:
    """'3 Dec 2026'; '' for no date."""
    return f"{day.day} {day:%b %Y}" if day else ""


def weekday_label(day: date) -> str:
    """'Thu 3 Dec'."""
    return f"{day:%a} {day.day} {day:%b}"


def month_label(day: date) -> str:
    """'Dec 2026'."""
    return f"{day:%b %Y}"


def long_date(day: date) -> str:
    """'Thursday 3 December 2026', for emails."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(dt: datetime, tz_name: str) -> str:
    """'10:30 am'."""
    t = local(dt, tz_name)
    return f"{t.hour % 12 or 12}:{t:%M} {'am' if t.hour < 12 else 'pm'}"


def day_label(dt: datetime, tz_name: str) -> str:
    """'Mon 30 Nov', the day of a moment in the given zone."""
    return weekday_label(local(dt, tz_name).date())


def session_label(dt: datetime, tz_name: str) -> str:
    """'Fri 4 Dec, 11:00 am'."""
    return f"{day_label(dt, tz_name)}, {clock(dt, tz_name)}"


def long_label(dt: datetime, tz_name: str) -> str:
    """'Friday 4 December 2026, 11:00 am', for emails."""
    return f"{long_date(local(dt, tz_name).date())}, {clock(dt, tz_name)}"


def format_local(dt: datetime | None, tz_name: str) -> str:
    """'29 Nov 2026, 10:52 am' in the given zone; '' for no time."""
    if dt is None:
        return ""
    return f"{date_label(local(dt, tz_name).date())}, {clock(dt, tz_name)}"


def zone_label(tz_name: str) -> str:
    """'Asia/Kolkata' -> 'Kolkata time'."""
    return tz_name.rsplit("/", 1)[-1].replace("_", " ") + " time"
