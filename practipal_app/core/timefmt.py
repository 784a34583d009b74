"""Times are stored in UTC and shown in a named zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def format_local(dt: datetime | None, tz_name: str) -> str:
    """'29 Nov 2026, 10:52 am' in the given zone; '' for no time."""
    if dt is None:
        return ""
    local = dt.astimezone(ZoneInfo(tz_name))
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%b %Y}, {hour}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def local(dt: datetime, tz_name: str) -> datetime:
    return dt.astimezone(ZoneInfo(tz_name))


def clock(dt: datetime, tz_name: str) -> str:
    """'10:30 am'."""
    t = local(dt, tz_name)
    return f"{t.hour % 12 or 12}:{t:%M} {'am' if t.hour < 12 else 'pm'}"


def day_label(dt: datetime, tz_name: str) -> str:
    """'Mon 30 Nov'."""
    t = local(dt, tz_name)
    return f"{t:%a} {t.day} {t:%b}"


def zone_label(tz_name: str) -> str:
    """'Asia/Kolkata' -> 'Kolkata time'."""
    return tz_name.rsplit("/", 1)[-1].replace("_", " ") + " time"
