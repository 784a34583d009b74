"""The insights dashboard's figures: SQL aggregates (queries.py) shaped into weekly and monthly
tables with pandas. Charts are drawn from these tables in charts.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlmodel import Session, col, select

from practipal_app.analytics import queries
from practipal_app.analytics.queries import Window
from practipal_app.models import ACTIVE_STATUSES, AppointmentStatus, Role, SchedulingSettings, User
from practipal_app.models.base import utcnow
from practipal_app.services import charter, scheduling, wellbeing
from practipal_app.services.errors import PermissionDenied
from practipal_app.services.identity import Actor

ADOPTION_WEEKS = 8
LOG_CHANNELS = ("whatsapp_logged", "phone_logged")
CANCELLATIONS = {  # status -> column, in the order the chart shows them
    AppointmentStatus.CANCELLED_BY_CLIENT: "cancelled_by_client",
    AppointmentStatus.LATE_CANCELLED: "late_cancelled",
    AppointmentStatus.NO_SHOW: "no_show",
    AppointmentStatus.CANCELLED_BY_THERAPIST: "cancelled_by_therapist",
}
WEEKLY_COLUMNS = [
    "sessions", "weekly_cap", "hours_in_session", "portal_messages", "whatsapp_imported", "logged_contacts",
    "messages", "incoming", "after_hours", "after_hours_share", "replies", "minutes_on_messages",
]
TEAM_COLUMNS = ["sessions", "weekly_cap", "hours_in_session", "portal_messages", "outside_messages",
                "after_hours_share", "replies"]


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
    outside: float  # median weekly messages outside the portal, in the window's weeks since adoption
    portal_in: float  # median weekly portal messages from clients, same weeks
    sittings: float  # median weekly days with portal replies, same weeks
    weekly: pd.Series  # minutes per week since adoption

    @property
    def typical_week(self) -> float:
        return formula(self.baseline, self.outside, self.portal_in, self.sittings,
                       self.minutes_per_message, self.minutes_per_interruption)


@dataclass(frozen=True)
class DaysOff:
    longest_run: int
    run_start: date | None
    run_end: date | None
    sessions: int  # held on days off
    days: int


@dataclass
class Dashboard:
    therapist_id: int
    window: Window
    weekly: pd.DataFrame  # indexed by week (Monday), WEEKLY_COLUMNS + reclaimed_minutes + energy
    monthly: pd.DataFrame  # indexed by 'YYYY-MM', one column per cancellation kind
    settings: wellbeing.InsightInputs
    adoption: Adoption | None
    reclaimed: Reclaimed | None
    days_off: DaysOff
    working_days: tuple[int, ...]
    energy_notes: dict[date, str] = field(default_factory=dict)


def formula(baseline: float, outside: float, portal_in: float, sittings: float,
            per_message: int, per_interruption: int) -> float:
    """Minutes a week: the drop in messages outside the portal times minutes per message, plus
    the interruptions saved by answering portal messages in sittings."""
    return (baseline - outside) * per_message + max(portal_in - sittings, 0) * per_interruption


def weeks_of(window: Window) -> pd.DatetimeIndex:
    return pd.date_range(window.start, window.end - timedelta(days=1), freq="W-MON", name="week")


def window_for(tz: str, first: date, last: date) -> Window:
    """The whole weeks holding first…last."""
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=7 - last.weekday())
    return Window(tz, start, end)


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    if "week" in frame:
        frame["week"] = pd.to_datetime(frame["week"])
    return frame


def _sum_by(frame: pd.DataFrame, mask, keys: list[str], value: str) -> pd.Series:
    return frame[mask].groupby(keys)[value].sum()


def weekly_figures(sessions: list[tuple], portal: list[tuple], contacts: list[tuple],
                   caps: dict[int, int]) -> pd.DataFrame:
    """One row per (therapist_id, week) that had anything: WEEKLY_COLUMNS, zero-filled."""
    keys = ["therapist_id", "week"]
    s = _frame(sessions, [*keys, "status", "n", "minutes"])
    p = _frame(portal, [*keys, "kind", "late", "n"])
    c = _frame(contacts, [*keys, "channel", "direction", "late", "n"])
    held = s["status"].isin([str(x) for x in ACTIVE_STATUSES])
    parts = {
        "sessions": _sum_by(s, held, keys, "n"),
        "hours_in_session": _sum_by(s, held, keys, "minutes") / 60,
        "portal_messages": p.groupby(keys)["n"].sum(),
        "whatsapp_imported": _sum_by(c, c["channel"] == "whatsapp_import", keys, "n"),
        "logged_contacts": _sum_by(c, c["channel"].isin(LOG_CHANNELS), keys, "n"),
        "portal_in": _sum_by(p, p["kind"] == "client", keys, "n"),
        "incoming": pd.concat([_sum_by(p, p["kind"] == "client", keys, "n"),
                               _sum_by(c, c["direction"] == "in", keys, "n")]).groupby(level=keys).sum(),
        "after_hours": pd.concat([_sum_by(p, (p["kind"] == "client") & p["late"].astype(bool), keys, "n"),
                                  _sum_by(c, (c["direction"] == "in") & c["late"].astype(bool), keys, "n")]
                                 ).groupby(level=keys).sum(),
        "replies": pd.concat([_sum_by(p, p["kind"] == "therapist", keys, "n"),
                              _sum_by(c, c["direction"] == "out", keys, "n")]).groupby(level=keys).sum(),
    }
    frame = pd.DataFrame(parts).fillna(0)
    for name in ("sessions", "portal_messages", "whatsapp_imported", "logged_contacts", "portal_in", "incoming",
                 "after_hours", "replies"):
        frame[name] = frame[name].astype(int)
    frame["outside_messages"] = frame["whatsapp_imported"] + frame["logged_contacts"]
    frame["messages"] = frame["portal_messages"] + frame["outside_messages"]
    frame["after_hours_share"] = (frame["after_hours"] / frame["incoming"].where(frame["incoming"] > 0)).fillna(0) * 100
    frame["weekly_cap"] = frame.index.get_level_values("therapist_id").map(caps).astype(int)
    return frame


def _one_therapist(frame: pd.DataFrame, therapist_id: int, window: Window, cap: int) -> pd.DataFrame:
    weeks = weeks_of(window)
    if frame.empty:
        mine = pd.DataFrame(0, index=weeks, columns=[*WEEKLY_COLUMNS, "portal_in", "outside_messages"])
    else:
        mine = frame.xs(therapist_id, level="therapist_id").reindex(weeks, fill_value=0)
    mine.index.name = "week"
    mine["weekly_cap"] = cap
    return mine


def adoption_figures(session: Session, therapist_id: int, tz: str, day: date, chosen: bool, today: date) -> Adoption:
    week = day - timedelta(days=day.weekday())
    window = Window(tz, week - timedelta(weeks=ADOPTION_WEEKS), week + timedelta(weeks=ADOPTION_WEEKS + 1))
    frame = weekly_figures([], queries.portal_by_week(session, [therapist_id], window),
                           queries.contacts_by_week(session, [therapist_id], window), {therapist_id: 0})
    return adoption_medians(_one_therapist(frame, therapist_id, window, 0), day, chosen, today)


def adoption_medians(weekly: pd.DataFrame, day: date, chosen: bool, today: date) -> Adoption:
    """Median weekly messages in the 8 whole weeks before the adoption week and the 8 after it
    (fewer after, while they have not all passed: the current week is not whole yet)."""
    week = pd.Timestamp(day - timedelta(days=day.weekday()))
    this_week = pd.Timestamp(today - timedelta(days=today.weekday()))
    before = weekly[(weekly.index < week) & (weekly.index >= week - pd.Timedelta(weeks=ADOPTION_WEEKS))]
    after = weekly[(weekly.index > week) & (weekly.index <= week + pd.Timedelta(weeks=ADOPTION_WEEKS))
                   & (weekly.index < this_week)]
    return Adoption(day, chosen, len(before), len(after),
                    _median(before["outside_messages"]), _median(after["outside_messages"]),
                    _median(before["messages"]), _median(after["messages"]))


def _median(series: pd.Series) -> float:
    return float(series.median()) if len(series) else 0.0


def days_off(held: list[tuple], replies: list[tuple], leave: list[tuple[datetime, datetime]],
             working_days: tuple[int, ...], tz: str) -> DaysOff:
    """The longest run of consecutive days worked (a session held or a message answered), and the
    sessions held on days off (not a working day of the charter, or leave)."""
    held_days = {pd.Timestamp(d).date(): n for d, n in held}
    worked = sorted(set(held_days) | {pd.Timestamp(d).date() for d, _, n in replies if n})
    best, start, current_start = 0, None, None
    for i, day in enumerate(worked):
        if i == 0 or day - worked[i - 1] != timedelta(days=1):
            current_start = day
        length = (day - current_start).days + 1
        if length > best:
            best, start = length, current_start
    on_leave = _leave_days(leave, ZoneInfo(tz))
    off = {d: n for d, n in held_days.items() if d.weekday() not in working_days or d in on_leave}
    return DaysOff(best, start, start + timedelta(days=best - 1) if start else None, sum(off.values()), len(off))


def _leave_days(leave: list[tuple[datetime, datetime]], zone: ZoneInfo) -> set[date]:
    days = set()
    for begin, end in leave:
        day, last = begin.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def cancellations_by_month(rows: list[tuple], window: Window) -> pd.DataFrame:
    months = pd.period_range(window.start, window.end - timedelta(days=1), freq="M").strftime("%Y-%m")
    frame = pd.DataFrame(rows, columns=["month", "status", "n"])
    frame = frame[frame["status"].isin([str(s) for s in CANCELLATIONS])]
    table = frame.pivot_table(index="month", columns="status", values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(index=months, columns=[str(s) for s in CANCELLATIONS], fill_value=0)
    table.columns = list(CANCELLATIONS.values())
    table.index.name = "month"
    return table.astype(int)


def _sittings(replies: list[tuple], weeks: pd.DatetimeIndex) -> pd.Series:
    """Days with portal replies, per week."""
    days = pd.to_datetime(pd.Series([d for d, where, n in replies if where == "portal" and n], dtype="object"))
    if days.empty:
        return pd.Series(0, index=weeks)
    return (days - pd.to_timedelta(days.dt.weekday, unit="D")).value_counts().reindex(weeks, fill_value=0)


def reclaimed_figures(weekly: pd.DataFrame, replies: list[tuple], adoption: Adoption,
                      inputs: wellbeing.InsightInputs) -> Reclaimed:
    since = weekly[weekly.index >= pd.Timestamp(adoption.day - timedelta(days=adoption.day.weekday()))]
    sittings = _sittings(replies, since.index)
    weekly_minutes = ((adoption.outside_before - since["outside_messages"]) * inputs.minutes_per_message
                      + (since["portal_in"] - sittings).clip(lower=0) * inputs.minutes_per_interruption)
    return Reclaimed(inputs.minutes_per_message, inputs.minutes_per_interruption, adoption.outside_before,
                     _median(since["outside_messages"]), _median(since["portal_in"]), _median(sittings),
                     weekly_minutes)


def _clinician(session: Session, actor: Actor) -> None:
    if actor.role not in (Role.OWNER, Role.THERAPIST):
        raise PermissionDenied("Insights are for therapists: they show your own sessions and messages.")


def dashboard(session: Session, actor: Actor, first: date, last: date, now: datetime | None = None) -> Dashboard:
    """The acting therapist's own figures for the weeks holding first…last."""
    _clinician(session, actor)
    me = actor.user_id
    tz = scheduling.practice_timezone(session, actor.practice_id)
    window = window_for(tz, first, last)
    inputs = wellbeing.inputs(session, me)
    cap = scheduling.settings_for(session, me).weekly_cap
    replies = queries.replies_by_day(session, me, window)
    frame = weekly_figures(queries.sessions_by_week(session, [me], window), queries.portal_by_week(session, [me], window),
                           queries.contacts_by_week(session, [me], window), {me: cap})
    weekly = _one_therapist(frame, me, window, cap)
    weekly["minutes_on_messages"] = weekly["replies"] * inputs.minutes_per_reply
    checkins = queries.energy(session, me, window)
    weekly["energy"] = pd.Series({pd.Timestamp(w): level for w, level, _ in checkins}, dtype="float64")
    today = (now or utcnow()).astimezone(ZoneInfo(tz)).date()
    adoption_day, chosen = inputs.adoption_date, True
    if adoption_day is None:
        accepted = queries.first_acceptance(session, me)
        adoption_day, chosen = (accepted.astimezone(ZoneInfo(tz)).date() if accepted else None), False
    adoption = adoption_figures(session, me, tz, adoption_day, chosen, today) if adoption_day else None
    reclaimed = reclaimed_figures(weekly, replies, adoption, inputs) if adoption else None
    weekly["reclaimed_minutes"] = reclaimed.weekly if reclaimed else float("nan")
    working_days = tuple(charter.current_for_therapist(session, me).settings.working_days)
    off = days_off(queries.held_by_day(session, me, window), replies, queries.leave(session, me, window),
                   working_days, tz)
    return Dashboard(me, window, weekly, cancellations_by_month(queries.statuses_by_month(session, me, window), window),
                     inputs, adoption, reclaimed, off, working_days, {w: note for w, _, note in checkins if note})


@dataclass
class Team:
    window: Window
    names: dict[int, str]
    weekly: pd.DataFrame  # indexed by (therapist_id, week): TEAM_COLUMNS


def team(session: Session, actor: Actor, first: date, last: date) -> Team:
    """Every clinician's weekly figures, for the owner: counts only, no client of anyone's."""
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only the practice owner sees the team's figures.")
    tz = scheduling.practice_timezone(session, actor.practice_id)
    window = window_for(tz, first, last)
    people = session.exec(
        select(User.id, User.name, SchedulingSettings.weekly_cap)
        .join(SchedulingSettings, SchedulingSettings.therapist_id == User.id, isouter=True)
        .where(User.practice_id == actor.practice_id, col(User.role).in_([Role.OWNER, Role.THERAPIST]),
               User.active)
        .order_by(User.name)
    ).all()
    names = {uid: name for uid, name, _ in people}
    caps = {uid: cap or SchedulingSettings().weekly_cap for uid, _, cap in people}
    ids = list(names)
    frame = weekly_figures(queries.sessions_by_week(session, ids, window), queries.portal_by_week(session, ids, window),
                           queries.contacts_by_week(session, ids, window), caps)
    full = pd.MultiIndex.from_product([ids, weeks_of(window)], names=["therapist_id", "week"])
    weekly = frame.reindex(full, fill_value=0)[TEAM_COLUMNS] if not frame.empty else pd.DataFrame(
        0, index=full, columns=TEAM_COLUMNS)
    weekly["weekly_cap"] = weekly.index.get_level_values("therapist_id").map(caps).astype(int)
    return Team(window, names, weekly)
