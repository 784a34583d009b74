import reflex as rx

from practipal_app.analytics.wellbeing import ENERGY_LEVELS
from practipal_app.components.forms import error_text, textarea_field
from practipal_app.components.layout import workspace_shell
from practipal_app.state.insights import EnergyState
from practipal_app.state.today import TodayState
from practipal_app.state.viewer import ViewerState


def _stat(label: str, value) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"), rx.heading(value, size="7"), spacing="1"
        ),
        width="100%",
    )


def _tile(title: str, text, href: str, icon: str, button: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, color=rx.color("teal", 9)),
                rx.text(title, weight="bold"),
                align="center",
            ),
            rx.text(text, size="2", color_scheme="gray"),
            rx.link(rx.button(button, variant="soft"), href=href),
            spacing="2",
            align="start",
        ),
        width="100%",
    )


def _session_row(s) -> rx.Component:
    return rx.hstack(
        rx.text(s.time, weight="bold", min_width="150px"),
        rx.link(s.client, href="/app/clients/" + s.client_id.to_string()),
        rx.badge(s.mode),
        rx.badge(s.status_label, color_scheme="gray"),
        rx.spacer(),
        rx.cond(
            s.link != "",
            rx.el.a(
                rx.button(rx.icon("video", size=16), "Join", size="2"),
                href=s.link,
                target="_blank",
                rel="noopener noreferrer",
            ),
        ),
        width="100%",
        align="center",
        padding_y="6px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _energy_button(level: int, label: str) -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.text(str(level), size="5", weight="bold"),
            rx.text(label, size="1"),
            spacing="0",
            align="center",
        ),
        on_click=EnergyState.answer(level),
        aria_label=f"{level} of 5, {label}",
        variant=rx.cond(EnergyState.level == level, "solid", "soft"),
        height="64px",
        flex="1",
        min_width="88px",
    )


def _energy_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("How is your energy this week?", size="4", as_="h2"),
            rx.hstack(
                *[_energy_button(level, label) for level, label in ENERGY_LEVELS.items()],
                spacing="2",
                width="100%",
                wrap="wrap",
                role="group",
                aria_label="Energy this week",
            ),
            error_text(EnergyState.error),
            rx.cond(
                EnergyState.level > 0,
                rx.vstack(
                    rx.text(
                        "Saved: ",
                        EnergyState.level.to_string(),
                        " of 5, ",
                        EnergyState.level_label,
                        ". Only you see this; Insights plots it against your load.",
                        size="2",
                        role="status",
                    ),
                    rx.form(
                        rx.vstack(
                            textarea_field(
                                "A note for yourself (optional)",
                                "note",
                                default_value=EnergyState.note,
                                rows="2",
                                max_length=500,
                            ),
                            rx.hstack(
                                rx.button("Save note", type="submit", size="2", variant="soft"),
                                rx.cond(
                                    EnergyState.note_saved,
                                    rx.text("Note saved.", size="2", role="status"),
                                ),
                                rx.link("Open insights", href="/app/insights", size="2"),
                                align="center",
                                spacing="3",
                            ),
                            spacing="2",
                            width="100%",
                        ),
                        on_submit=EnergyState.save_note,
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@rx.page(
    route="/app",
    title="Today · PractiPal",
    on_load=[TodayState.load, EnergyState.load],
)
def today_page() -> rx.Component:
    return workspace_shell(
        "Today",
        rx.text("Hello, ", ViewerState.name, ".", size="4"),
        rx.cond(EnergyState.asked, _energy_card()),
        rx.cond(
            TodayState.is_clinician,
            rx.card(
                rx.vstack(
                    rx.heading("Today's sessions", size="4", as_="h2"),
                    rx.cond(
                        TodayState.sessions.length() > 0,
                        rx.vstack(
                            rx.foreach(TodayState.sessions, _session_row), spacing="2", width="100%"
                        ),
                        rx.text("No sessions today.", color_scheme="gray"),
                    ),
                    rx.link("Open the calendar", href="/app/calendar", size="2"),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        rx.grid(
            _stat("Active clients", TodayState.clients),
            _stat("Using the portal", TodayState.on_portal),
            _stat("Invited, not joined yet", TodayState.invited),
            columns="3",
            spacing="4",
            width="100%",
        ),
        rx.grid(
            rx.cond(
                TodayState.is_clinician,
                _tile(
                    "Communication charter",
                    rx.cond(
                        TodayState.charter_version > 0,
                        "Version "
                        + TodayState.charter_version.to_string()
                        + " is shown to your clients. Review it when your hours change.",
                        "Not saved yet: clients see the defaults. Say once what WhatsApp is for "
                        "and when you reply.",
                    ),
                    "/app/settings/charter",
                    "scroll-text",
                    "Open charter",
                ),
            ),
            _tile(
                "Clients",
                "Add a client and invite them to the portal, so sessions and messages have a "
                "home outside WhatsApp.",
                "/app/clients",
                "users",
                "Open clients",
            ),
            columns="2",
            spacing="4",
            width="100%",
        ),
    )
