import reflex as rx

from practipal_app.components.layout import workspace_shell
from practipal_app.state.session import ViewerState


def _tile(title: str, text: str, href: str, icon: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(rx.icon(icon, color=rx.color("teal", 9)),
                      rx.vstack(rx.text(title, weight="bold"), rx.text(text, size="2", color_scheme="gray"),
                                spacing="1", align="start"),
                      align="start", spacing="3"),
            width="100%",
        ),
        href=href, underline="none", color="inherit", width="100%",
    )


@rx.page(route="/app", title="Today · PractiPal", on_load=ViewerState.guard_staff)
def today_page() -> rx.Component:
    return workspace_shell(
        "Today",
        rx.text("Hello, ", ViewerState.name, ".", size="4"),
        rx.grid(
            _tile("Clients", "Add clients and invite them to the portal.", "/app/clients", "users"),
            _tile("Communication charter", "Say once what each channel is for and when you reply.",
                  "/app/settings/charter", "scroll-text"),
            _tile("Settings", "Your profile, sign-in sessions and the email outbox.", "/app/settings", "settings"),
            columns="3",
            spacing="4",
            width="100%",
        ),
    )
