import reflex as rx

from practipal_app.components.layout import portal_shell
from practipal_app.components.paging import load_older
from practipal_app.components.sessions import session_card
from practipal_app.state.portal_schedule import SessionsState as S


def _actions(s) -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.confirm_id == s.id,
            rx.callout(
                rx.vstack(
                    rx.text(S.confirm_text),
                    rx.hstack(
                        rx.button("Yes, cancel it", color_scheme="red", on_click=S.cancel(s.id)),
                        rx.button("Keep the session", variant="soft", on_click=S.keep),
                        wrap="wrap",
                    ),
                    spacing="2",
                ),
                icon="triangle_alert",
                color_scheme="orange",
                width="100%",
            ),
        ),
        rx.hstack(
            rx.link(
                rx.button("Move", variant="soft", size="3"),
                href="/portal/book?move=" + s.id.to_string(),
            ),
            rx.button(
                "Cancel", variant="soft", color_scheme="red", size="3", on_click=S.cancel(s.id)
            ),
            rx.el.a(
                rx.button(
                    rx.icon("calendar-plus", size=16), "Add to calendar", variant="ghost", size="3"
                ),
                href="/api/appointments/" + s.id.to_string() + ".ics",
                reload_document=True,
            ),
            spacing="2",
            wrap="wrap",
        ),
        width="100%",
    )


def _history_row(s) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(s.day, weight="medium"),
            rx.text(s.title, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.badge(
            s.status_label,
            color_scheme=rx.match(s.status, ("completed", "green"), ("scheduled", "blue"), "gray"),
        ),
        width="100%",
        padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        align="center",
    )


@rx.page(
    route="/portal/sessions",
    title="Sessions · PractiPal",
    on_load=S.load,
)
def portal_sessions() -> rx.Component:
    return portal_shell(
        rx.hstack(
            rx.heading("Sessions", size="7", as_="h1"),
            rx.spacer(),
            rx.link(rx.button(rx.icon("plus", size=16), "Book", size="3"), href="/portal/book"),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle_alert", color_scheme="red", width="100%"),
        ),
        rx.foreach(
            S.leave_notices,
            lambda n: rx.callout(n, icon="plane", color_scheme="amber", width="100%"),
        ),
        rx.heading("Upcoming", size="4", as_="h2"),
        rx.cond(
            S.upcoming.length() > 0,
            rx.vstack(
                rx.foreach(S.upcoming, lambda s: session_card(s, _actions(s))),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                S.loaded,
                rx.card(rx.text("No sessions booked. Tap Book to choose a time."), width="100%"),
            ),
        ),
        rx.text(
            "Cancelling or moving within ",
            S.window_hours,
            " hours of a session counts as a late cancellation.",
            size="2",
            color_scheme="gray",
        ),
        rx.heading("History", size="4", as_="h2"),
        rx.cond(
            S.history.length() > 0,
            rx.card(
                rx.vstack(rx.foreach(S.history, _history_row), spacing="0", width="100%"),
                width="100%",
            ),
            rx.text("No past sessions yet.", size="2", color_scheme="gray"),
        ),
        load_older(
            S.has_older, S.load_older, "3", label="Show earlier sessions", icon="chevrons-down"
        ),
    )
