"""/app/insights: the therapist's load against their caps, messages before and after the portal,
after-hours share, time reclaimed, cancellations, days off and energy; the owner's team view."""

import reflex as rx

from practipal_app.analytics.views import WEEKLY_TABLE
from practipal_app.components.charts import chart
from practipal_app.components.forms import field, form_error
from practipal_app.components.layout import workspace_shell
from practipal_app.state.insights import InsightsState as S

RANGE_CHOICES = [
    ("4w", "Last 4 weeks"),
    ("quarter", "Quarter"),
    ("year", "Year"),
    ("custom", "Custom"),
]
TABLE_HEADINGS = [("week", "Week of"), *[(header, heading) for _, header, heading in WEEKLY_TABLE]]
TEAM_HEADINGS = [
    ("name", "Therapist"),
    ("sessions", "Sessions a week"),
    ("over_cap", "Weeks over cap"),
    ("hours", "Hours a week"),
    ("portal", "Portal messages a week"),
    ("outside", "Outside the portal a week"),
    ("after_hours", "After hours"),
    ("replies", "Replies a week"),
]


def _section(title: str, figure, text, *extra: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.text(text, size="2", color_scheme="gray"),
            chart(figure, title),
            *extra,
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _range_picker() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.segmented_control.root(
                *[rx.segmented_control.item(label, value=key) for key, label in RANGE_CHOICES],
                value=S.range_key,
                on_change=S.choose_range,
                aria_label="Date range",
            ),
            rx.text(S.range_label, size="2", color_scheme="gray"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            S.range_key == "custom",
            rx.form(
                rx.hstack(
                    rx.box(
                        field(
                            "From",
                            "first",
                            type="date",
                            default_value=S.first,
                            error=S.range_errors.get("first", "").to(str),
                        ),
                        width="180px",
                    ),
                    rx.box(
                        field(
                            "To",
                            "last",
                            type="date",
                            default_value=S.last,
                            error=S.range_errors.get("last", "").to(str),
                        ),
                        width="180px",
                    ),
                    rx.button("Show", type="submit", size="3"),
                    align="end",
                    spacing="3",
                    wrap="wrap",
                ),
                on_submit=S.apply_custom,
                key=S.first + S.last,
            ),
        ),
        spacing="2",
        width="100%",
    )


def _inputs_form() -> rx.Component:
    values, errors = S.inputs, S.input_errors
    return rx.form(
        rx.vstack(
            rx.text("Change the inputs", weight="medium", size="2"),
            rx.grid(
                field(
                    "Minutes per message outside the portal",
                    "minutes_per_message",
                    type="number",
                    default_value=values.minutes_per_message,
                    error=errors.get("minutes_per_message", "").to(str),
                ),
                field(
                    "Minutes per interruption",
                    "minutes_per_interruption",
                    type="number",
                    default_value=values.minutes_per_interruption,
                    error=errors.get("minutes_per_interruption", "").to(str),
                ),
                field(
                    "Minutes per reply",
                    "minutes_per_reply",
                    type="number",
                    default_value=values.minutes_per_reply,
                    error=errors.get("minutes_per_reply", "").to(str),
                ),
                field(
                    "Portal start (empty: first client to accept)",
                    "adoption_date",
                    type="date",
                    default_value=values.adoption_date,
                    error=errors.get("adoption_date", "").to(str),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button("Save inputs", type="submit", size="2"),
                rx.cond(
                    S.notice != "", rx.text(S.notice, size="2", color_scheme="green", role="status")
                ),
                align="center",
                spacing="3",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.save_inputs,
        key=values.to_string(),
        width="100%",
    )


def _table(rows, headings) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(label) for _, label in headings])
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda r: rx.table.row(
                        *[rx.table.cell(getattr(r, key)) for key, _ in headings]
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _csv_link(path: str) -> rx.Component:
    return rx.el.a(
        rx.button(rx.icon("download", size=16), "Download CSV", variant="soft", size="2"),
        href=path + "?" + S.csv_query,
        download=True,
        reload_document=True,
    )


def _mine() -> rx.Component:
    texts = S.texts
    return rx.vstack(
        _section("Sessions a week", S.load_fig, texts.load_text),
        _section("Messages a week, by channel", S.messages_fig, texts.adoption_text),
        _section("Messages that arrive after hours", S.after_hours_fig, texts.after_hours_text),
        _section("Replies and time on messages", S.replies_fig, texts.replies_text),
        _section(
            "Time reclaimed",
            S.reclaimed_fig,
            texts.formula_numbers,
            rx.text(texts.formula_words, size="2", style={"fontStyle": "italic"}),
            _inputs_form(),
        ),
        _section(
            "Cancellations and no-shows a month", S.cancellations_fig, texts.cancellations_text
        ),
        rx.card(
            rx.vstack(
                rx.heading("Days off", size="4", as_="h2"),
                rx.text(texts.days_off_text),
                spacing="2",
            ),
            width="100%",
        ),
        _section("Energy and load", S.energy_fig, texts.energy_text),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Week by week", size="4", as_="h2"),
                    rx.spacer(),
                    _csv_link("/api/insights/weekly.csv"),
                    width="100%",
                    align="center",
                ),
                _table(S.rows, TABLE_HEADINGS),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _team() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Counts per therapist only: no client of anyone's is named here.",
            size="2",
            color_scheme="gray",
        ),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Averages over the range", size="4", as_="h2"),
                    rx.spacer(),
                    _csv_link("/api/insights/team.csv"),
                    width="100%",
                    align="center",
                ),
                _table(S.team_summary, TEAM_HEADINGS),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Sessions a week", size="4", as_="h2"),
                chart(S.team_sessions_fig, "Sessions a week"),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Portal messages a week", size="4", as_="h2"),
                chart(S.team_messages_fig, "Portal messages a week"),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Messages outside the portal a week", size="4", as_="h2"),
                chart(S.team_outside_fig, "Messages outside the portal a week"),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@rx.page(route="/app/insights", title="Insights · PractiPal", on_load=S.load)
def insights_page() -> rx.Component:
    return workspace_shell(
        "Insights",
        rx.text("Your load, week by week: see it before it becomes burnout.", color_scheme="gray"),
        rx.cond(
            S.is_owner,
            rx.segmented_control.root(
                rx.segmented_control.item("My figures", value="me"),
                rx.segmented_control.item("Team", value="team"),
                value=S.view,
                on_change=S.show_view,
                aria_label="Whose figures",
            ),
        ),
        _range_picker(),
        form_error(S.error),
        rx.cond(
            S.loaded,
            rx.cond(S.view == "team", _team(), _mine()),
            rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
        ),
    )
