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


@rx.page(route="/app", title="Today · PractiPal", on_load=[ViewerState.guard_staff, TodayState.load])
def today_page() -> rx.Component:
    return workspace_shell(
        "Today",
        rx.text("Hello, ", ViewerState.name, ".", size="4"),
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
