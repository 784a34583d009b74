"""Pure rules of the charter in time: when a reply can be expected, what counts as after hours,
and which words mean a client may be at risk. No database here."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from practipal_app.boundaries.charter import CharterSettings, format_clock, format_days
from practipal_app.core.timefmt import zone_label

DEFAULT_DAY = [(9 * 60, 19 * 60)]  # working hours when the therapist has set none for a working day
RISK_FILE = Path(__file__).resolve().parent.parent / "data" / "risk_phrases.txt"
_WORD = r"[\w\u0900-\u097F]"  # letters, digits, and Devanagari (its vowel signs are not \w)


def _check_at(day: date, settings: CharterSettings, zone: ZoneInfo) -> datetime:
    hour, minute = (int(p) for p in settings.check_time.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _on_leave(moment: datetime, leave: list[tuple[datetime, datetime]]) -> bool:
    return any(start <= moment < end for start, end in leave)


def expected_reply(
    settings: CharterSettings,
    tz: str,
    sent_at: datetime,
    leave: list[tuple[datetime, datetime]] | None = None,
) -> datetime:
    """When the therapist will have replied: their `response_days`-th check time after `sent_at`,
    counting only working days that are not leave."""
    zone = ZoneInfo(tz)
    leave = leave or []
    day = sent_at.astimezone(zone).date()
    checks = 0
    for _ in range(400):
        check = _check_at(day, settings, zone)
        if (
            day.weekday() in settings.working_days
            and check > sent_at
            and not _on_leave(check, leave)
        ):
            checks += 1
            if checks == max(settings.response_days, 1):
                return check.astimezone(UTC)
        day += timedelta(days=1)
    raise ValueError("no working day found within a year")


def describe_expected(
    settings: CharterSettings, tz: str, reply_by: datetime, viewer_tz: str | None = None
) -> str:
    """'Your therapist checks messages on working days around 6 pm. You can expect a reply by
    Tuesday, 6 pm.'"""
    viewer_tz = viewer_tz or tz
    local = reply_by.astimezone(ZoneInfo(viewer_tz))
    clock = format_clock(f"{local:%H:%M}")
    check = format_clock(settings.check_time)
    if viewer_tz != tz:  # a client abroad: say whose clock each time is on
        check, clock = f"{check} {zone_label(tz)}", f"{clock} {zone_label(viewer_tz)}"
    days = format_days(settings.working_days)
    when = "every day" if days == "every day" else f"on working days ({days})"
    return (
        f"Your therapist checks messages {when} around {check}. "
        f"You can expect a reply by {local:%A}, {clock}."
    )


def after_hours(
    settings: CharterSettings,
    tz: str,
    at: datetime,
    weekly_hours: dict[int, list[tuple[int, int]]] | None = None,
) -> bool:
    """Outside the charter's working days, or outside that day's working hours."""
    local = at.astimezone(ZoneInfo(tz))
    if local.weekday() not in settings.working_days:
        return True
    minute = local.hour * 60 + local.minute
    ranges = (weekly_hours or {}).get(local.weekday()) or DEFAULT_DAY
    return not any(start <= minute < end for start, end in ranges)


@lru_cache(maxsize=1)
def _risk_pattern() -> re.Pattern[str]:
    phrases = [
        unicodedata.normalize("NFC", line.strip().lower())
        for line in RISK_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    alternatives = "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"(?<!{_WORD})(?:{alternatives})(?!{_WORD})", re.IGNORECASE)


def mentions_risk(text: str) -> bool:
    """Whether the text holds one of the risk phrases (see data/risk_phrases.txt)."""
    # NFC also spells ज़, ख़ … as letter + nukta whichever way the keyboard typed them.
    normalized = (
        unicodedata.normalize("NFC", text)
        .replace("’", "'")
        .replace("\u200d", "")
        .replace("\u200c", "")
    )
    return bool(_risk_pattern().search(normalized))
