"""Charts: plotly's small `basic` bundle (bar and scatter), loaded only by pages that draw one."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

# A light look that matches the workspace; given to every chart so figures in the state need none.
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1f2937"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {"gridcolor": "#e5e7eb", "linecolor": "#d1d5db", "automargin": True},
        "yaxis": {
            "gridcolor": "#e5e7eb",
            "linecolor": "#d1d5db",
            "automargin": True,
            "zerolinecolor": "#d1d5db",
        },
        "hoverlabel": {"align": "left"},
    }
)
CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}


def chart(figure, label: str) -> rx.Component:
    """A chart with a name for screen readers; the sentence beside it says what it shows."""
    return rx.box(
        rx.plotly.basic(data=figure, template=TEMPLATE, config=CONFIG, width="100%"),
        role="img",
        aria_label=label,
        width="100%",
    )
