import reflex as rx

from practipal_app.components.forms import field, select_field, textarea_field
from practipal_app.components.layout import workspace_shell
from practipal_app.state.calendar import CalendarState as S

STATUS_COLORS = (
    ("scheduled", "blue"),
    ("completed", "green"),
    ("no_show", "red"),
    ("late_cancelled", "orange"),
)


def _session_chip(s) -> rx.Component:
    return rx.box(
        rx.text(s.time, size="1", weight="bold"),
        rx.text(s.client, size="2", trim="both"),
        rx.badge(s.status_label, size="1", color_scheme=rx.match(s.status, *STATUS_COLORS, "gray")),
        on_click=S.select(s.id),
        role="button",
        aria_label="Session with " + s.client + " at " + s.time,
        tab_index=0,
        padding="6px 8px",
        border_radius="8px",
        background=rx.cond(s.status == "scheduled", rx.color("teal", 3), rx.color("gray", 3)),
        cursor="pointer",
        width="100%",
        _hover={"background": rx.color("teal", 4)},
    )


def _day_column(day) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(
                day.label,
                on_click=S.open_day(day.iso),
                weight=rx.cond(day.today, "bold", "medium"),
                size="2",
                href="#",
            ),
            rx.cond(day.leave, rx.badge("Leave", color_scheme="amber", size="1")),
            align="center",
            spacing="1",
        ),
        rx.text(day.hours, size="1", color_scheme="gray"),
        rx.foreach(day.sessions, _session_chip),
        spacing="2",
        padding="8px",
        min_height="320px",
        border_radius="10px",
        background=rx.cond(
            day.leave,
            rx.color("amber", 2),
            rx.cond(day.today, rx.color("teal", 2), rx.color("gray", 1)),
        ),
        border=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        role="group",
        aria_label=day.label,
    )


def _detail() -> rx.Component:
    s = S.selected
    return rx.cond(
        S.selected.is_not_none(),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(s.client, size="4", as_="h2"),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16),
                        variant="ghost",
                        aria_label="Close",
                        on_click=S.close_detail,
                    ),
                    width="100%",
                ),
                rx.text(s.title, " · ", s.time, " · ", s.mode),
                rx.badge(s.status_label),
                rx.cond(s.link != "", rx.link("Video room link", href=s.link, is_external=True)),
                rx.cond(s.agenda != "", rx.text("Agenda: ", s.agenda, size="2")),
                rx.link("Client page", href="/app/clients/" + s.client_id.to_string(), size="2"),
                rx.cond(
                    s.status == "scheduled",
                    rx.flex(
                        rx.cond(
                            s.past,
                            rx.fragment(
                                rx.button(
                                    "Completed",
                                    on_click=S.mark(s.id, "completed"),
                                    color_scheme="green",
                                ),
                                rx.button(
                                    "No-show",
                                    on_click=S.mark(s.id, "no_show"),
                                    variant="soft",
                                    color_scheme="red",
                                ),
                            ),
                        ),
                        rx.button(
                            "Late cancellation",
                            on_click=S.mark(s.id, "late_cancelled"),
                            variant="soft",
                            color_scheme="orange",
                        ),
                        rx.button(
                            "Cancel session",
                            on_click=S.mark(s.id, "cancelled_by_therapist"),
                            variant="soft",
                            color_scheme="gray",
                        ),
                        gap="8px",
                        wrap="wrap",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
    )


def _book_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Book a session", size="4", as_="h2"),
                rx.grid(
                    select_field(
                        "Client",
                        "client_id",
                        rx.foreach(S.clients, lambda c: rx.el.option(c.label, value=c.value)),
                        default_value=S.preset_client,
                    ),
                    select_field(
                        "Session type",
                        "session_type_id",
                        rx.foreach(S.types, lambda t: rx.el.option(t.label, value=t.value)),
                    ),
                    field("Date", "date", type="date", required=True),
                    field("Start time", "time", type="time", required=True),
                    select_field(
                        "Repeat",
                        "repeat",
                        [
                            rx.el.option("Does not repeat", value="none"),
                            rx.el.option("Every week", value="1"),
                            rx.el.option("Every two weeks", value="2"),
                        ],
                    ),
                    field(
                        "Number of sessions (when repeating)",
                        "count",
                        type="number",
                        default_value="6",
                        min="1",
                        max="52",
                    ),
                    field("Or repeat until (date)", "until", type="date"),
                    columns="3",
                    spacing="3",
                    width="100%",
                ),
                textarea_field("Agenda (visible to the client)", "agenda"),
                rx.hstack(
                    rx.button("Book", type="submit", size="3"),
                    rx.button(
                        "Close",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        size="3",
                        on_click=S.toggle_form,
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.book,
            key=S.form_key,
            width="100%",
        ),
        width="100%",
    )


def _messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        rx.cond(
            S.error != "",
            rx.callout(
                rx.vstack(
                    rx.text(S.error),
                    rx.cond(
                        S.alternatives.length() > 0,
                        rx.text("Free nearby: ", S.alternatives.join(" · "), size="2"),
                    ),
                    spacing="1",
                ),
                icon="triangle_alert",
                color_scheme="red",
                width="100%",
                role="alert",
            ),
        ),
        rx.cond(
            S.warnings.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.text(
                        rx.cond(S.series_conflicts, "Some dates conflict:", "Please confirm:"),
                        weight="bold",
                    ),
                    rx.foreach(S.warnings, lambda w: rx.text("• ", w, size="2")),
                    rx.button(
                        rx.cond(S.series_conflicts, "Book the free dates only", "Book anyway"),
                        on_click=S.book_anyway,
                        color_scheme="orange",
                    ),
                    spacing="1",
                ),
                icon="triangle_alert",
                color_scheme="orange",
                width="100%",
            ),
        ),
    )


@rx.page(route="/app/calendar", title="Calendar · PractiPal", on_load=S.load)
def calendar_page() -> rx.Component:
    return workspace_shell(
        "Calendar",
        rx.hstack(
            rx.button("Previous", variant="soft", on_click=S.move(-1)),
            rx.button("Today", variant="soft", on_click=S.move(0)),
            rx.button("Next", variant="soft", on_click=S.move(1)),
            rx.segmented_control.root(
                rx.segmented_control.item("Week", value="week"),
                rx.segmented_control.item("Day", value="day"),
                value=S.view,
                on_change=S.set_view,
            ),
            spacing="2",
            align="center",
        ),
        _messages(),
        rx.cond(S.show_form, _book_form()),
        _detail(),
        rx.cond(
            S.view == "week",
            rx.grid(rx.foreach(S.days, _day_column), columns="7", spacing="2", width="100%"),
            rx.box(rx.foreach(S.days, _day_column), width="100%", max_width="520px"),
        ),
        actions=rx.button(
            rx.icon("calendar-plus", size=16), "Book a session", on_click=S.toggle_form, size="3"
        ),
    )
