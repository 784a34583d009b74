"""Plotly figures drawn from the dashboard's tables. Only bar and scatter traces, so the pages can
use the small `plotly.js-basic` bundle. Figures carry no template (the page supplies one) and
dates travel as short strings, which keeps the state sent to the browser small."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from practipal_app.analytics.dashboard import Dashboard, Team
from practipal_app.core.timefmt import month_label

TEAL, AMBER, SLATE, ROSE, VIOLET = "#0d9488", "#d97706", "#64748b", "#e11d48", "#7c3aed"
PALETTE = [TEAL, AMBER, VIOLET, ROSE, SLATE, "#2563eb", "#65a30d", "#db2777", "#0891b2", "#a16207"]
CANCELLATION_LABELS = {
    "cancelled_by_client": ("Cancelled by client", SLATE),
    "late_cancelled": ("Late cancellation", AMBER),
    "no_show": ("No-show", ROSE),
    "cancelled_by_therapist": ("Cancelled by you", VIOLET),
}


def _days(index) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in index]


def _round(values, digits: int = 1) -> list:
    return [None if pd.isna(v) else round(float(v), digits) for v in values]


def _figure(traces: list[dict], y_title: str, y2_title: str = "", **layout) -> go.Figure:
    base = {
        "height": 280,
        "margin": {"l": 48, "r": 48 if y2_title else 16, "t": 8, "b": 40},
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
        "hovermode": "x unified",
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "xaxis": {"type": "date"},
        "barmode": "stack",
        "template": {},
    }
    if y2_title:
        base["yaxis2"] = {
            "title": {"text": y2_title},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        }
    base.update(layout)
    # Built without validation: the traces are written here, not taken from input, and plotly's
    # validation costs more than every query of the dashboard together.
    return go.Figure({"data": traces, "layout": base}, skip_invalid=True, _validate=False)


def _week_line(day: date, label: str) -> dict:
    return {
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": f"{day:%Y-%m-%d}",
                "x1": f"{day:%Y-%m-%d}",
                "y0": 0,
                "y1": 1,
                "line": {"color": ROSE, "dash": "dot"},
            }
        ],
        "annotations": [
            {
                "x": f"{day:%Y-%m-%d}",
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": label,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"color": ROSE, "size": 12},
            }
        ],
    }


def load(d: Dashboard) -> go.Figure:
    x = _days(d.weekly.index)
    return _figure(
        [
            {
                "type": "bar",
                "x": x,
                "y": d.weekly["sessions"].tolist(),
                "name": "Sessions",
                "marker": {"color": TEAL},
            },
            {
                "type": "scatter",
                "x": x,
                "y": d.weekly["weekly_cap"].tolist(),
                "name": "Weekly cap",
                "mode": "lines",
                "line": {"color": ROSE, "dash": "dash"},
            },
            {
                "type": "scatter",
                "x": x,
                "y": _round(d.weekly["hours_in_session"]),
                "name": "Hours in session",
                "mode": "lines+markers",
                "line": {"color": AMBER},
            },
        ],
        "Sessions and hours",
    )


def messages(d: Dashboard) -> go.Figure:
    x = _days(d.weekly.index)
    extra = {}
    if d.adoption and d.window.start <= d.adoption.day < d.window.end:
        extra = _week_line(d.adoption.day, "Portal starts")
    return _figure(
        [
            {
                "type": "bar",
                "x": x,
                "y": d.weekly["portal_messages"].tolist(),
                "name": "Portal",
                "marker": {"color": TEAL},
            },
            {
                "type": "bar",
                "x": x,
                "y": d.weekly["whatsapp_imported"].tolist(),
                "name": "WhatsApp (imported)",
                "marker": {"color": AMBER},
            },
            {
                "type": "bar",
                "x": x,
                "y": d.weekly["logged_contacts"].tolist(),
                "name": "Logged calls and chats",
                "marker": {"color": SLATE},
            },
        ],
        "Messages",
        **extra,
    )


def after_hours(d: Dashboard) -> go.Figure:
    return _figure(
        [
            {
                "type": "scatter",
                "x": _days(d.weekly.index),
                "y": _round(d.weekly["after_hours_share"]),
                "name": "Arrived after hours",
                "mode": "lines+markers",
                "line": {"color": VIOLET},
                "hovertemplate": "%{y}%",
            },
        ],
        "% of incoming messages",
        yaxis={"title": {"text": "% of incoming messages"}, "range": [0, 100]},
        showlegend=False,
    )


def replies(d: Dashboard) -> go.Figure:
    x = _days(d.weekly.index)
    return _figure(
        [
            {
                "type": "bar",
                "x": x,
                "y": d.weekly["replies"].tolist(),
                "name": "Replies sent",
                "marker": {"color": TEAL},
            },
            {
                "type": "scatter",
                "x": x,
                "y": d.weekly["minutes_on_messages"].tolist(),
                "name": "Minutes on messages",
                "mode": "lines+markers",
                "yaxis": "y2",
                "line": {"color": AMBER},
            },
        ],
        "Replies",
        "Minutes",
    )


def reclaimed(d: Dashboard) -> go.Figure:
    minutes = d.weekly["reclaimed_minutes"]
    return _figure(
        [
            {
                "type": "bar",
                "x": _days(d.weekly.index),
                "y": _round(minutes, 0),
                "name": "Minutes reclaimed",
                "marker": {"color": [TEAL if (v or 0) >= 0 else ROSE for v in minutes.fillna(0)]},
            },
        ],
        "Minutes",
        showlegend=False,
    )


def cancellations(d: Dashboard) -> go.Figure:
    x = [month_label(date.fromisoformat(month + "-01")) for month in d.monthly.index]
    traces = [
        {
            "type": "bar",
            "x": x,
            "y": d.monthly[name].tolist(),
            "name": label,
            "marker": {"color": color},
        }
        for name, (label, color) in CANCELLATION_LABELS.items()
    ]
    return _figure(traces, "Sessions", barmode="group", xaxis={"type": "category"})


def energy(d: Dashboard) -> go.Figure:
    """Energy on top; sessions (left axis) and messages (right axis) below, on the same weeks."""
    x = _days(d.weekly.index)
    return _figure(
        [
            {
                "type": "scatter",
                "x": x,
                "y": _round(d.weekly["energy"], 0),
                "name": "Energy (1–5)",
                "text": [d.energy_notes.get(week.date(), "") for week in d.weekly.index],
                "hovertemplate": "%{y} %{text}",
                "mode": "lines+markers",
                "connectgaps": True,
                "line": {"color": ROSE, "width": 3},
            },
            {
                "type": "bar",
                "x": x,
                "y": d.weekly["sessions"].tolist(),
                "name": "Sessions",
                "yaxis": "y2",
                "marker": {"color": TEAL, "opacity": 0.6},
            },
            {
                "type": "scatter",
                "x": x,
                "y": d.weekly["messages"].tolist(),
                "name": "Messages",
                "mode": "lines",
                "yaxis": "y3",
                "line": {"color": SLATE},
            },
        ],
        "Energy",
        height=380,
        xaxis={"type": "date", "anchor": "y2"},
        yaxis={"title": {"text": "Energy"}, "domain": [0.56, 1], "range": [0.5, 5.5], "dtick": 1},
        yaxis2={"title": {"text": "Sessions"}, "domain": [0, 0.44], "rangemode": "tozero"},
        yaxis3={
            "title": {"text": "Messages"},
            "overlaying": "y2",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        },
        margin={"l": 48, "r": 56, "t": 8, "b": 40},
    )


def team_lines(t: Team, column: str, title: str) -> go.Figure:
    traces = []
    weeks = {therapist_id: t.weeks_of(therapist_id) for therapist_id in t.names}
    days = _days(next(iter(weeks.values())).index) if weeks else []
    for i, (therapist_id, name) in enumerate(t.names.items()):
        rows = weeks[therapist_id]
        traces.append(
            {
                "type": "scatter",
                "x": days if len(rows) == len(days) else _days(rows.index),
                "y": _round(rows[column].to_numpy()),
                "name": name,
                "mode": "lines",
                "line": {"color": PALETTE[i % len(PALETTE)]},
            }
        )
    return _figure(traces, title, legend={"orientation": "h", "y": -0.25, "x": 0}, height=320)


def dashboard_figures(d: Dashboard) -> dict[str, go.Figure]:
    return {
        "load": load(d),
        "messages": messages(d),
        "after_hours": after_hours(d),
        "replies": replies(d),
        "reclaimed": reclaimed(d),
        "cancellations": cancellations(d),
        "energy": energy(d),
    }


def team_figures(t: Team) -> dict[str, go.Figure]:
    return {
        "sessions": team_lines(t, "sessions", "Sessions"),
        "messages": team_lines(t, "portal_messages", "Messages"),
        "outside": team_lines(t, "outside_messages", "Messages"),
    }
