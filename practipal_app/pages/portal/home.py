import reflex as rx

from practipal_app.components.charter import statement_card
from practipal_app.components.form_fields import todo_card
from practipal_app.components.layout import portal_shell
from practipal_app.components.sessions import session_card
from practipal_app.state.portal import PortalState


def _acknowledge_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your therapist updated how messages work", size="4", as_="h2"),
            rx.text(PortalState.statement, size="3", style={"whiteSpace": "pre-wrap"}),
            rx.button("I have read this", on_click=PortalState.acknowledge, size="3", width="100%"),
            spacing="3",
        ),
        width="100%",
        style={"border": "2px solid var(--teal-8)"},
    )


def _next_session() -> rx.Component:
    return rx.cond(
        PortalState.next_session.is_not_none(),
        rx.vstack(
            rx.heading("Your next session", size="4", as_="h2"),
            session_card(
                PortalState.next_session,
                rx.link("All sessions, move or cancel", href="/portal/sessions", size="2"),
            ),
            spacing="2",
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.text("No session booked.", weight="bold"),
                rx.link(
                    rx.button("Book a session", size="3", width="100%"),
                    href="/portal/book",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
    )


def _due_card() -> rx.Component:
    return rx.cond(
        PortalState.amount_due != "",
        rx.link(
            rx.card(
                rx.hstack(
                    rx.icon("receipt-indian-rupee", color=rx.color("amber", 10)),
                    rx.vstack(
                        rx.text(PortalState.amount_due, " to pay", weight="bold"),
                        rx.text("See invoices and pay with UPI", size="2", color_scheme="gray"),
                        spacing="0",
                        align="start",
                    ),
                    rx.spacer(),
                    rx.icon("chevron-right"),
                    align="center",
                    width="100%",
                ),
                width="100%",
            ),
            href="/portal/invoices",
            underline="none",
            color="inherit",
            width="100%",
        ),
    )


def _shortcut(label: str, hint, href: str, icon: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.icon(icon, color=rx.color("teal", 9)),
                rx.text(label, weight="bold"),
                rx.text(hint, size="1", color_scheme="gray"),
                spacing="1",
            ),
            width="100%",
            height="100%",
        ),
        href=href,
        underline="none",
        color="inherit",
        width="100%",
    )


def _shortcuts() -> rx.Component:
    return rx.grid(
        _shortcut(
            "Resources",
            rx.cond(
                PortalState.new_resources > 0,
                PortalState.new_resources.to(str) + " new",
                "Worksheets and exercises",
            ),
            "/portal/resources",
            "library",
        ),
        _shortcut("Forms", "Intake and consent", "/portal/forms", "clipboard-list"),
        columns="2",
        spacing="3",
        width="100%",
    )


def _help_card() -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon("life-buoy", color=rx.color("red", 9)),
                rx.vstack(
                    rx.text("Need help right now?", weight="bold"),
                    rx.text("Crisis lines and emergency contacts", size="2", color_scheme="gray"),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                rx.icon("chevron-right"),
                align="center",
                width="100%",
            ),
            width="100%",
        ),
        href="/portal/help",
        underline="none",
        color="inherit",
        width="100%",
    )


@rx.page(
    route="/portal",
    title="Your portal · PractiPal",
    on_load=PortalState.load,
)
def portal_home() -> rx.Component:
    return portal_shell(
        rx.cond(
            PortalState.loaded,
            rx.vstack(
                rx.heading("Welcome, ", PortalState.first_name, size="7", as_="h1"),
                rx.text("Your therapist is ", PortalState.therapist_name, ".", color_scheme="gray"),
                rx.cond(PortalState.needs_ack, _acknowledge_card()),
                rx.foreach(PortalState.todo, todo_card),
                rx.foreach(
                    PortalState.leave_notices,
                    lambda n: rx.callout(n, icon="plane", color_scheme="amber", width="100%"),
                ),
                _next_session(),
                _due_card(),
                _shortcuts(),
                rx.cond(~PortalState.needs_ack, statement_card(PortalState.statement)),
                _help_card(),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
        ),
    )
