import reflex as rx

from practipal_app.components.layout import workspace_shell
from practipal_app.state.session import ViewerState
from practipal_app.state.workspace import TodayState


def _stat(label: str, value) -> rx.Component:
    return rx.card(rx.vstack(rx.text(label, size="2", color_scheme="gray"), rx.heading(value, size="7"),
                             spacing="1"), width="100%")


def _tile(title: str, text, href: str, icon: str, button: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon, color=rx.color("teal", 9)), rx.text(title, weight="bold"), align="center"),
            rx.text(text, size="2", color_scheme="gray"),
            rx.link(rx.button(button, variant="soft"), href=href),
            spacing="2", align="start",
        ),
        width="100%",
    )


def _session_row(s) -> rx.Component:
    return rx.hstack(
        rx.text(s["time"], weight="bold", min_width="150px"),
        rx.link(s["client"], href="/app/clients/" + s["client_id"]),
        rx.badge(s["mode"]),
        rx.badge(s["status_label"], color_scheme="gray"),
        rx.spacer(),
        rx.cond(s["link"] != "", rx.el.a(rx.button(rx.icon("video", size=16), "Join", size="2"), href=s["link"],
                                         target="_blank", rel="noopener noreferrer")),
        width="100%", align="center", padding_y="6px", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


@rx.page(route="/app", title="Today · PractiPal", on_load=[ViewerState.guard_staff, TodayState.load])
def today_page() -> rx.Component:
    return workspace_shell(
        "Today",
        rx.text("Hello, ", ViewerState.name, ".", size="4"),
        rx.cond(
            TodayState.is_clinician,
            rx.card(
                rx.vstack(
                    rx.heading("Today's sessions", size="4", as_="h2"),
                    rx.cond(
                        TodayState.sessions.length() > 0,
                        rx.vstack(rx.foreach(TodayState.sessions, _session_row), spacing="2", width="100%"),
                        rx.text("No sessions today.", color_scheme="gray"),
                    ),
                    rx.link("Open the calendar", href="/app/calendar", size="2"),
                    spacing="3", width="100%",
                ),
                width="100%",
            ),
        ),
        rx.grid(
            _stat("Active clients", TodayState.clients),
            _stat("Using the portal", TodayState.on_portal),
            _stat("Invited, not joined yet", TodayState.invited),
            columns="3", spacing="4", width="100%",
        ),
        rx.grid(
            rx.cond(
                TodayState.is_clinician,
                _tile("Communication charter",
                      rx.cond(TodayState.charter_version > 0,
                              "Version " + TodayState.charter_version.to_string()
                              + " is shown to your clients. Review it when your hours change.",
                              "Not saved yet: clients see the defaults. Say once what WhatsApp is for and "
                              "when you reply."),
                      "/app/settings/charter", "scroll-text", "Open charter"),
            ),
            _tile("Clients", "Add a client and invite them to the portal, so sessions and messages have a "
                  "home outside WhatsApp.", "/app/clients", "users", "Open clients"),
            columns="2", spacing="4", width="100%",
        ),
    )
