"""What the insights page shows, in words and rows: the weekly table (also the CSV), the sentences
under each chart, the time-reclaimed formula with its numbers. Typed rows for the state, shaped
from `dashboard.dashboard` / `dashboard.team`. Pure: no database, no reflex."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from practipal_app.analytics import charts
from practipal_app.analytics.dashboard import Dashboard, Team
from practipal_app.analytics.wellbeing import InsightInputs
from practipal_app.boundaries.charter import format_days
from practipal_app.core.csv_cells import csv_text
from practipal_app.core.errors import InvalidInput
from practipal_app.core.timefmt import date_label
from practipal_app.scheduling.slots import week_start

MAX_DAYS = 105 * 7  # the longest range the page and the CSVs offer: about two years
PRESET_WEEKS = {"4w": 4, "quarter": 13, "year": 52}
# (column in the weekly frame, CSV header, table heading)
WEEKLY_TABLE = [
    ("sessions", "sessions", "Sessions"),
    ("weekly_cap", "weekly_cap", "Cap"),
    ("hours_in_session", "hours_in_session", "Hours"),
    ("portal_messages", "portal_messages", "Portal"),
    ("whatsapp_imported", "whatsapp_imported", "WhatsApp"),
    ("logged_contacts", "logged_calls_and_chats", "Logged"),
    ("after_hours_share", "after_hours_percent", "After hours"),
    ("replies", "replies", "Replies"),
    ("minutes_on_messages", "minutes_on_messages", "Minutes"),
    ("reclaimed_minutes", "minutes_reclaimed", "Reclaimed"),
    ("energy", "energy", "Energy"),
]
TEAM_TABLE = [
    ("sessions", "sessions"),
    ("weekly_cap", "weekly_cap"),
    ("hours_in_session", "hours_in_session"),
    ("portal_messages", "portal_messages"),
    ("outside_messages", "messages_outside_portal"),
    ("after_hours_share", "after_hours_percent"),
    ("replies", "replies"),
]


@dataclass(frozen=True)
class WeekRow:
    """One week of the table under the charts; the CSV's row in the same words (field: header)."""

    week: str  # the week's Monday, YYYY-MM-DD
    sessions: str
    weekly_cap: str
    hours_in_session: str
    portal_messages: str
    whatsapp_imported: str
    logged_calls_and_chats: str
    after_hours_percent: str  # "25%"; "" when no client wrote that week
    replies: str
    minutes_on_messages: str
    minutes_reclaimed: str
    energy: str


@dataclass(frozen=True)
class TeamSummaryRow:
    """One therapist over the range in the owner's team view: weekly averages, weeks over cap."""

    name: str
    sessions: str
    over_cap: str  # "2 of 13"
    hours: str
    portal: str
    outside: str
    after_hours: str  # "12%"
    replies: str


@dataclass(frozen=True)
class InsightTexts:
    """The sentences beside the charts."""

    load_text: str = ""
    adoption_text: str = ""
    after_hours_text: str = ""
    replies_text: str = ""
    formula_words: str = ""
    formula_numbers: str = ""
    cancellations_text: str = ""
    days_off_text: str = ""
    energy_text: str = ""


@dataclass(frozen=True)
class InputValues:
    """The time-reclaimed inputs as the form shows them (what was typed, when it was refused)."""

    minutes_per_reply: str = ""
    minutes_per_message: str = ""
    minutes_per_interruption: str = ""
    adoption_date: str = ""  # YYYY-MM-DD; "" for automatic


@dataclass(frozen=True)
class MyPage:
    figures: dict[str, go.Figure]
    rows: list[WeekRow]
    texts: InsightTexts


@dataclass(frozen=True)
class TeamPage:
    figures: dict[str, go.Figure]
    summary: list[TeamSummaryRow]


def preset_range(key: str, today: date) -> tuple[date, date]:
    """The last 4, 13 or 52 weeks, this one included."""
    return week_start(today) - timedelta(weeks=PRESET_WEEKS[key] - 1), today


def checked_range(first: str, last: str, today: date) -> tuple[date, date]:
    """Dates typed or sent as YYYY-MM-DD, refused in words (InvalidInput) unless they make a range
    of at most two years that starts by today."""
    errors, days = {}, {}
    for name, text in (("first", first), ("last", last)):
        try:
            days[name] = date.fromisoformat(text.strip())
        except ValueError:
            errors[name] = "Enter a date."
    if not errors and days["first"] > days["last"]:
        errors["last"] = "The end comes before the start."
    elif not errors and (days["last"] - days["first"]).days > MAX_DAYS:
        errors["last"] = "Choose at most two years."
    elif not errors and days["first"] > today:
        errors["first"] = "Start on or before today."
    if errors:
        raise InvalidInput(errors)
    return days["first"], days["last"]


def range_label(first: date, last: date) -> str:
    """'2 Mar 2026 to 22 Mar 2026'."""
    return f"{date_label(first)} to {date_label(last)}"


def input_values(found: InsightInputs) -> InputValues:
    return InputValues(
        str(found.minutes_per_reply),
        str(found.minutes_per_message),
        str(found.minutes_per_interruption),
        found.adoption_date.isoformat() if found.adoption_date else "",
    )


def typed_input_values(form: dict) -> InputValues:
    """The inputs form as it was sent, to show it again next to its errors."""
    return InputValues(**{f.name: str(form.get(f.name, "")) for f in fields(InputValues)})


def _number(value, digits: int = 0) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:.{digits}f}" if digits else str(int(round(float(value))))


def _cell(column: str, value) -> str:
    if column == "hours_in_session":
        return _number(value, 1)
    if column == "after_hours_share":
        return _number(value) + "%" if not pd.isna(value) else ""
    return _number(value)


def weekly_rows(d: Dashboard) -> list[WeekRow]:
    """The table under the charts: one row per week, the CSV's rows in the same words."""
    return [
        WeekRow(
            week=f"{week:%Y-%m-%d}",
            **{header: _cell(column, values[column]) for column, header, _ in WEEKLY_TABLE},
        )
        for week, values in d.weekly.iterrows()
    ]


def _csv(rows: list[dict[str, str]]) -> str:
    if not rows:
        return ""
    return csv_text(rows[0], ([v.removesuffix("%") for v in row.values()] for row in rows))


def weekly_csv(d: Dashboard) -> str:
    return _csv([asdict(row) for row in weekly_rows(d)])


def team_rows(t: Team) -> list[dict[str, str]]:
    """One row per therapist and week: counts only."""
    return [
        {
            "therapist": t.names[therapist_id],
            "week": f"{week:%Y-%m-%d}",
            **{header: _cell(column, values[column]) for column, header in TEAM_TABLE},
        }
        for (therapist_id, week), values in t.weekly.iterrows()
    ]


def team_csv(t: Team) -> str:
    return _csv(team_rows(t))


def team_summary(t: Team) -> list[TeamSummaryRow]:
    """Per therapist, over the range: weekly averages and weeks over the cap."""
    rows = []
    for therapist_id, name in t.names.items():
        mine = t.weeks_of(therapist_id)
        incoming = int(mine["incoming"].sum())
        rows.append(
            TeamSummaryRow(
                name=name,
                sessions=_number(mine["sessions"].mean(), 1),
                over_cap=f"{int((mine['sessions'] > mine['weekly_cap']).sum())} of {len(mine)}",
                hours=_number(mine["hours_in_session"].mean(), 1),
                portal=_number(mine["portal_messages"].mean(), 1),
                outside=_number(mine["outside_messages"].mean(), 1),
                after_hours=_number(100 * mine["after_hours"].sum() / incoming if incoming else 0)
                + "%",
                replies=_number(mine["replies"].mean(), 1),
            )
        )
    return rows


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _duration(minutes: float) -> str:
    minutes = int(round(minutes))
    sign, minutes = ("−" if minutes < 0 else ""), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return sign + (f"{hours} h {rest} min" if hours else f"{rest} min")


def load_text(d: Dashboard) -> str:
    w = d.weekly
    over = int((w["sessions"] > w["weekly_cap"]).sum())
    return (
        f"{w['sessions'].mean():.1f} sessions a week on average, "
        f"{w['hours_in_session'].mean():.1f} hours in session. Above your weekly cap in {over} of "
        f"{_plural(len(w), 'week')}."
    )


def adoption_text(d: Dashboard) -> str:
    a = d.adoption
    if a is None:
        return (
            "No portal start yet: it is marked when your first client accepts an invite, or on a "
            "date you set under Time reclaimed."
        )
    source = "the date you set" if a.chosen else "your first client accepted an invite"
    text = f"Portal in use since {date_label(a.day)} ({source}). "
    if a.weeks_after == 0:
        return text + "The weeks after it have not passed yet, so there is no change to show."
    return text + (
        f"Messages outside the portal: a median of {_number(a.outside_before)} a week in the "
        f"{a.weeks_before} weeks before, {_number(a.outside_after)} in the {a.weeks_after} weeks "
        f"after. All messages: {_number(a.all_before)} a week before, {_number(a.all_after)} after."
    )


def after_hours_text(d: Dashboard) -> str:
    incoming, late = int(d.weekly["incoming"].sum()), int(d.weekly["after_hours"].sum())
    if not incoming:
        return "No messages from clients in these weeks."
    return (
        f"{late / incoming:.0%} of the {incoming} messages clients sent arrived outside your "
        f"working hours ({format_days(list(d.working_days))}, your weekly hours), in the "
        "practice's time zone."
    )


def replies_text(d: Dashboard) -> str:
    replies = int(d.weekly["replies"].sum())
    return (
        f"{replies} {'reply' if replies == 1 else 'replies'} sent in these weeks: about "
        f"{_duration(d.weekly['minutes_on_messages'].sum())} at {d.settings.minutes_per_reply} min "
        "a reply."
    )


def reclaimed_formula(d: Dashboard) -> tuple[str, str]:
    """(the formula in words, the formula with this range's numbers)."""
    words = (
        "Time reclaimed a week = (messages outside the portal a week before the portal − in a week "
        "since) × minutes per message + (portal messages from clients − days you answered them) × "
        "minutes per interruption"
    )
    r = d.reclaimed
    if r is None:
        return words, "Nothing to count yet: there is no portal start date."
    weeks = int(d.weekly["reclaimed_minutes"].notna().sum())
    numbers = (
        f"Typical week (medians): ({_number(r.baseline)} − {_number(r.outside)}) × "
        f"{r.minutes_per_message} min + ({_number(r.portal_in)} − {_number(r.sittings)}) × "
        f"{r.minutes_per_interruption} min = {_duration(r.typical_week)}."
    )
    if weeks:
        numbers += (
            f" In the {_plural(weeks, 'week')} of this range since the portal started: "
            f"{_duration(d.weekly['reclaimed_minutes'].sum())} in all."
        )
    return words, numbers


def cancellations_text(d: Dashboard) -> str:
    totals = d.monthly.sum()
    return (
        f"In these months: {totals['cancelled_by_client']} cancelled by clients, "
        f"{totals['late_cancelled']} late cancellations, "
        f"{_plural(int(totals['no_show']), 'no-show')}, {totals['cancelled_by_therapist']} "
        "cancelled by you."
    )


def days_off_text(d: Dashboard) -> str:
    off = d.days_off
    if not off.longest_run:
        return "No sessions held and no messages answered in these weeks."
    run = (
        "Longest run of days with client work (a session held or a message answered) and no day "
        f"off: {_plural(off.longest_run, 'day')} ({date_label(off.run_start)} to "
        f"{date_label(off.run_end)}). "
    )
    if not off.sessions:
        return run + "No sessions on your days off."
    return run + (
        f"{_plural(off.sessions, 'session')} held on days off (outside your charter's working days "
        f"or on leave), on {_plural(off.days, 'day')}."
    )


def _link(r: float, load: str) -> str:
    """How energy moved with one measure of load, from their correlation r."""
    if pd.isna(r):
        return f"could not be compared with {load}, which did not change"
    if abs(r) < 0.3:
        return f"showed no clear link with {load} (r = {r:.2f})"
    direction = "lower" if r < 0 else "higher"
    strength = "was clearly" if abs(r) >= 0.6 else "tended to be"
    return f"{strength} {direction} in weeks with more {load} (r = {r:.2f})"


def energy_text(weekly: pd.DataFrame) -> str:
    rated = weekly.dropna(subset=["energy"])
    if len(rated) < 4:
        return (
            f"You checked in on {_plural(len(rated), 'week')} of this range. After four check-ins "
            "this says how your energy moves with your sessions and messages."
        )
    with_sessions = rated["energy"].corr(rated["sessions"].astype(float))
    with_messages = rated["energy"].corr(rated["messages"].astype(float))
    return (
        f"Over the {len(rated)} weeks you checked in, your energy "
        f"{_link(with_sessions, 'sessions')}, and {_link(with_messages, 'messages')}. Average "
        f"energy: {rated['energy'].mean():.1f} of 5."
    )


def dashboard_view(d: Dashboard) -> MyPage:
    """Everything the page's state holds for one dashboard."""
    words, numbers = reclaimed_formula(d)
    texts = InsightTexts(
        load_text=load_text(d),
        adoption_text=adoption_text(d),
        after_hours_text=after_hours_text(d),
        replies_text=replies_text(d),
        formula_words=words,
        formula_numbers=numbers,
        cancellations_text=cancellations_text(d),
        days_off_text=days_off_text(d),
        energy_text=energy_text(d.weekly),
    )
    return MyPage(charts.dashboard_figures(d), weekly_rows(d), texts)


def team_view(t: Team) -> TeamPage:
    return TeamPage(charts.team_figures(t), team_summary(t))
