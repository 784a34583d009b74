"""The insights dashboard's figures: SQL aggregates (queries.py) shaped into weekly and monthly
tables with pandas. Charts are drawn from these tables in charts.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from practipal_app.analytics import queries, wellbeing
from practipal_app.analytics.queries import Window
from practipal_app.boundaries import charter
from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import Role, SchedulingSettings, User
from practipal_app.models.base import utcnow
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.slots import week_start

ADOPTION_WEEKS = 8
CANCELLATION_COLUMNS = [str(status) for status in queries.CANCELLATIONS]
TEAM_COLUMNS = [
    "sessions",
    "weekly_cap",
    "hours_in_session",
    "portal_messages",
    "outside_messages",
    "incoming",
    "after_hours",
    "after_hours_share",
    "replies",
]


@dataclass(frozen=True)
class Adoption:
    day: date
    chosen: bool  # set by the therapist, not the first client's acceptance
    weeks_before: int
    weeks_after: int
    outside_before: float  # medians of weekly counts
    outside_after: float
    all_before: float
    all_after: float


@dataclass(frozen=True)
class Reclaimed:
    minutes_per_message: int
    minutes_per_interruption: int
    baseline: float  # median weekly messages outside the portal, before adoption
    outside: (
        float  # median weekly messages outside the portal, in the window's weeks since adoption
    )
    portal_in: float  # median weekly portal messages from clients, same weeks
    sittings: float  # median weekly days with portal replies, same weeks
    weekly: pd.Series  # minutes per week since adoption

    @property
    def typical_week(self) -> float:
        return formula(
            self.baseline,
            self.outside,
            self.portal_in,
            self.sittings,
            self.minutes_per_message,
            self.minutes_per_interruption,
        )


@dataclass(frozen=True)
class DaysOff:
    longest_run: int
    run_start: date | None
    run_end: date | None
    sessions: int  # held on days off
    days: int


@dataclass
class Dashboard:
    window: Window
    weekly: (
        pd.DataFrame
    )  # indexed by week (Monday): weekly_figures' columns, reclaimed_minutes, energy
    monthly: pd.DataFrame  # indexed by 'YYYY-MM', one column per cancellation kind
    settings: wellbeing.InsightInputs
    adoption: Adoption | None
    reclaimed: Reclaimed | None
    days_off: DaysOff
    working_days: tuple[int, ...]
    energy_notes: dict[date, str] = field(default_factory=dict)  # the check-ins' notes, by week


def formula(
    baseline: float,
    outside: float,
    portal_in: float,
    sittings: float,
    per_message: int,
    per_interruption: int,
) -> float:
    """Minutes a week: the drop in messages outside the portal times minutes per message, plus
    the interruptions saved by answering portal messages in sittings."""
    return (baseline - outside) * per_message + max(portal_in - sittings, 0) * per_interruption


def weeks_of(window: Window) -> pd.DatetimeIndex:
    return pd.date_range(window.start, window.end - timedelta(days=1), freq="W-MON", name="week")


def window_for(tz: str, first: date, last: date) -> Window:
    """The whole weeks holding first…last."""
    return Window(tz, week_start(first), week_start(last) + timedelta(weeks=1))


def _on_grid(rows: list[tuple], columns: list[str], grid: pd.Index, keys: list) -> pd.DataFrame:
    """Rows of (therapist_id, 'YYYY-MM-DD' week, *counts) placed on the grid, zero where none.
    `keys` names each grid row as the rows do: (therapist_id, week) or the week alone."""
    position = {key: i for i, key in enumerate(keys)}
    values = np.zeros((len(keys), len(columns)), dtype=np.int64)
    by_therapist = isinstance(keys[0], tuple) if keys else False
    for therapist_id, week, *counts in rows:
        i = position.get((therapist_id, week) if by_therapist else week)
        if i is not None:
            values[i] = counts
    return pd.DataFrame(values, index=grid, columns=columns)


def weekly_figures(
    sessions: list[tuple],
    portal: list[tuple],
    contacts: list[tuple],
    caps: dict[int, int],
    window: Window,
    by_therapist: bool = False,
) -> pd.DataFrame:
    """Every week of the window from the weekly aggregates: indexed by week for one therapist, or by
    (therapist_id, week) for each therapist in `caps`."""
    weeks = weeks_of(window)
    keys = [f"{w:%Y-%m-%d}" for w in weeks]
    grid = weeks
    if by_therapist:
        grid = pd.MultiIndex.from_product([list(caps), weeks], names=["therapist_id", "week"])
        keys = [(therapist_id, week) for therapist_id in caps for week in keys]
    frame = pd.concat(
        [
            _on_grid(sessions, ["sessions", "minutes"], grid, keys),
            _on_grid(
                portal,
                ["portal_messages", "portal_in", "portal_in_late", "portal_replies"],
                grid,
                keys,
            ),
            _on_grid(
                contacts,
                [
                    "whatsapp_imported",
                    "logged_contacts",
                    "outside_in",
                    "outside_in_late",
                    "outside_replies",
                ],
                grid,
                keys,
            ),
        ],
        axis=1,
    )
    frame["hours_in_session"] = frame.pop("minutes") / 60
    frame["outside_messages"] = frame["whatsapp_imported"] + frame["logged_contacts"]
    frame["messages"] = frame["portal_messages"] + frame["outside_messages"]
    frame["incoming"] = frame["portal_in"] + frame["outside_in"]
    frame["after_hours"] = frame["portal_in_late"] + frame["outside_in_late"]
    frame["replies"] = frame["portal_replies"] + frame["outside_replies"]
    frame["after_hours_share"] = (
        frame["after_hours"] / frame["incoming"].where(frame["incoming"] > 0)
    ).fillna(0) * 100
    frame["weekly_cap"] = (
        frame.index.get_level_values("therapist_id").map(caps)
        if by_therapist
        else next(iter(caps.values()))
    )
    return frame


def adoption_medians(weekly: pd.DataFrame, day: date, chosen: bool, today: date) -> Adoption:
    """Median weekly messages in the 8 whole weeks before the adoption week and the 8 after it
    (fewer after, while they have not all passed: the current week is not whole yet)."""
    week, this_week = pd.Timestamp(week_start(day)), pd.Timestamp(week_start(today))
    before = weekly[
        (weekly.index < week) & (weekly.index >= week - pd.Timedelta(weeks=ADOPTION_WEEKS))
    ]
    after = weekly[
        (weekly.index > week)
        & (weekly.index <= week + pd.Timedelta(weeks=ADOPTION_WEEKS))
        & (weekly.index < this_week)
    ]
    return Adoption(
        day,
        chosen,
        len(before),
        len(after),
        _median(before["outside_messages"]),
        _median(after["outside_messages"]),
        _median(before["messages"]),
        _median(after["messages"]),
    )


def _median(series: pd.Series) -> float:
    return float(series.median()) if len(series) else 0.0


def days_off(
    held: list[tuple],
    replies: list[tuple],
    leave: list[tuple[datetime, datetime]],
    working_days: tuple[int, ...],
    tz: str,
) -> DaysOff:
    """The longest run of consecutive days worked (a session held or a message answered), and the
    sessions held on days off (not a working day of the charter, or leave)."""
    held_days = {date.fromisoformat(d): n for d, n in held}
    worked = sorted(set(held_days) | {date.fromisoformat(d) for d, _, n in replies if n})
    best, start, current_start = 0, None, None
    for i, day in enumerate(worked):
        if i == 0 or day - worked[i - 1] != timedelta(days=1):
            current_start = day
        length = (day - current_start).days + 1
        if length > best:
            best, start = length, current_start
    on_leave = _leave_days(leave, ZoneInfo(tz))
    off = {d: n for d, n in held_days.items() if d.weekday() not in working_days or d in on_leave}
    return DaysOff(
        best,
        start,
        start + timedelta(days=best - 1) if start else None,
        sum(off.values()),
        len(off),
    )


def _leave_days(leave: list[tuple[datetime, datetime]], zone: ZoneInfo) -> set[date]:
    days = set()
    for begin, end in leave:
        day, last = (
            begin.astimezone(zone).date(),
            (end - timedelta(microseconds=1)).astimezone(zone).date(),
        )
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def cancellations_by_month(rows: list[tuple], window: Window) -> pd.DataFrame:
    months = pd.period_range(window.start, window.end - timedelta(days=1), freq="M").strftime(
        "%Y-%m"
    )
    frame = pd.DataFrame(rows, columns=["month", *CANCELLATION_COLUMNS]).set_index("month")
    return frame.reindex(months, fill_value=0).astype(int).rename_axis("month")


def _sittings(replies: list[tuple], weeks: pd.DatetimeIndex) -> pd.Series:
    """Days with portal replies, per week."""
    mondays = Counter(
        week_start(date.fromisoformat(d)) for d, where, n in replies if where == "portal" and n
    )
    return pd.Series([mondays.get(w.date(), 0) for w in weeks], index=weeks)


def reclaimed_figures(
    weekly: pd.DataFrame,
    replies: list[tuple],
    adoption: Adoption,
    inputs: wellbeing.InsightInputs,
    today: date,
) -> Reclaimed:
    """Minutes reclaimed in each whole week since the portal's start (the current week is not
    over)."""
    start, this_week = pd.Timestamp(week_start(adoption.day)), pd.Timestamp(week_start(today))
    since = weekly[(weekly.index >= start) & (weekly.index < this_week)]
    sittings = _sittings(replies, since.index)
    weekly_minutes = (
        adoption.outside_before - since["outside_messages"]
    ) * inputs.minutes_per_message + (since["portal_in"] - sittings).clip(
        lower=0
    ) * inputs.minutes_per_interruption
    return Reclaimed(
        inputs.minutes_per_message,
        inputs.minutes_per_interruption,
        adoption.outside_before,
        _median(since["outside_messages"]),
        _median(since["portal_in"]),
        _median(sittings),
        weekly_minutes,
    )


def _clinician(actor: Actor) -> None:
    if actor.role not in (Role.OWNER, Role.THERAPIST):
        raise PermissionDenied(
            "Insights are for therapists: they show your own sessions and messages."
        )


@dataclass
class Aggregates:
    """Every SQL result one therapist's dashboard is drawn from."""

    therapist_id: int
    window: Window
    today: date
    cap: int
    inputs: wellbeing.InsightInputs
    working_days: tuple[int, ...]
    sessions: list[tuple]
    portal: list[tuple]
    contacts: list[tuple]
    cancellations: list[tuple]
    held: list[tuple]
    replies: list[tuple]
    energy: list[tuple]
    leave: list[tuple[datetime, datetime]]
    adoption_day: date | None
    adoption_chosen: bool
    adoption_window: Window | None
    adoption_portal: list[tuple]
    adoption_contacts: list[tuple]


def aggregates(
    session: Session, actor: Actor, first: date, last: date, now: datetime | None = None
) -> Aggregates:
    """The queries alone, for the acting therapist and the weeks holding first…last."""
    _clinician(actor)
    me = actor.user_id
    tz = scheduling.practice_timezone(session, actor.practice_id)
    window = window_for(tz, first, last)
    inputs = wellbeing.inputs(session, me)
    adoption_day, chosen = inputs.adoption_date, True
    if adoption_day is None:
        accepted = queries.first_acceptance(session, me)
        adoption_day, chosen = (
            (accepted.astimezone(ZoneInfo(tz)).date() if accepted else None),
            False,
        )
    around = None
    if adoption_day:
        week = week_start(adoption_day)
        around = Window(
            tz, week - timedelta(weeks=ADOPTION_WEEKS), week + timedelta(weeks=ADOPTION_WEEKS + 1)
        )
    return Aggregates(
        me,
        window,
        (now or utcnow()).astimezone(ZoneInfo(tz)).date(),
        scheduling.settings_for(session, me).weekly_cap,
        inputs,
        tuple(charter.current_for_therapist(session, me).settings.working_days),
        queries.sessions_by_week(session, [me], window),
        queries.portal_by_week(session, [me], window),
        queries.contacts_by_week(session, [me], window),
        queries.cancellations_by_month(session, me, window),
        queries.held_by_day(session, me, window),
        queries.replies_by_day(session, me, window),
        queries.energy(session, me, window),
        queries.leave(session, me, window),
        adoption_day,
        chosen,
        around,
        queries.portal_by_week(session, [me], around) if around else [],
        queries.contacts_by_week(session, [me], around) if around else [],
    )


def shape(a: Aggregates) -> Dashboard:
    """The aggregates as weekly and monthly tables, with the adoption, time-reclaimed and days-off
    figures."""
    me = a.therapist_id
    weekly = weekly_figures(a.sessions, a.portal, a.contacts, {me: a.cap}, a.window)
    weekly["minutes_on_messages"] = weekly["replies"] * a.inputs.minutes_per_reply
    weekly["energy"] = pd.Series(
        {pd.Timestamp(w): level for w, level, _ in a.energy}, dtype="float64"
    )
    adoption = None
    if a.adoption_day:
        around = weekly_figures(
            [], a.adoption_portal, a.adoption_contacts, {me: 0}, a.adoption_window
        )
        adoption = adoption_medians(around, a.adoption_day, a.adoption_chosen, a.today)
    reclaimed = (
        reclaimed_figures(weekly, a.replies, adoption, a.inputs, a.today) if adoption else None
    )
    weekly["reclaimed_minutes"] = reclaimed.weekly if reclaimed else float("nan")
    off = days_off(a.held, a.replies, a.leave, a.working_days, a.window.tz)
    return Dashboard(
        a.window,
        weekly,
        cancellations_by_month(a.cancellations, a.window),
        a.inputs,
        adoption,
        reclaimed,
        off,
        a.working_days,
        {w: note for w, _, note in a.energy if note},
    )


def dashboard(
    session: Session, actor: Actor, first: date, last: date, now: datetime | None = None
) -> Dashboard:
    """The acting therapist's own figures for the weeks holding first…last."""
    return shape(aggregates(session, actor, first, last, now))


@dataclass
class Team:
    window: Window
    names: dict[int, str]
    weekly: pd.DataFrame  # indexed by (therapist_id, week): TEAM_COLUMNS

    def weeks_of(self, therapist_id: int) -> pd.DataFrame:
        """One therapist's weeks, indexed by week. A slice of the block the grid keeps for each
        therapist, which costs far less than selecting by label (`xs`)."""
        level = self.weekly.index.get_level_values("therapist_id")
        rows = np.flatnonzero(level == therapist_id)
        if not len(rows):
            return self.weekly.iloc[0:0].droplevel("therapist_id")
        return self.weekly.iloc[rows[0] : rows[-1] + 1].droplevel("therapist_id")


@dataclass
class TeamAggregates:
    window: Window
    names: dict[int, str]
    caps: dict[int, int]
    sessions: list[tuple]
    portal: list[tuple]
    contacts: list[tuple]


def team_aggregates(session: Session, actor: Actor, first: date, last: date) -> TeamAggregates:
    """The queries alone for the team view: the owner's, over every active clinician."""
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only the practice owner sees the team's figures.")
    window = window_for(scheduling.practice_timezone(session, actor.practice_id), first, last)
    people = session.exec(
        select(User.id, User.name, SchedulingSettings.weekly_cap)
        .join(SchedulingSettings, SchedulingSettings.therapist_id == User.id, isouter=True)
        .where(
            User.practice_id == actor.practice_id,
            col(User.role).in_([Role.OWNER, Role.THERAPIST]),
            User.active,
        )
        .order_by(User.name)
    ).all()
    ids = [uid for uid, _, _ in people]
    return TeamAggregates(
        window,
        {uid: name for uid, name, _ in people},
        {uid: cap or SchedulingSettings().weekly_cap for uid, _, cap in people},
        queries.sessions_by_week(session, ids, window),
        queries.portal_by_week(session, ids, window),
        queries.contacts_by_week(session, ids, window),
    )


def shape_team(a: TeamAggregates) -> Team:
    return Team(
        a.window,
        a.names,
        weekly_figures(a.sessions, a.portal, a.contacts, a.caps, a.window, by_therapist=True)[
            TEAM_COLUMNS
        ],
    )


def team(session: Session, actor: Actor, first: date, last: date) -> Team:
    """Every clinician's weekly figures, for the owner: counts only, no client of anyone's."""
    return shape_team(team_aggregates(session, actor, first, last))
