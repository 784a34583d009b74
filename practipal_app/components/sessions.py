"""How a session looks in the portal: a card with its time, place and actions."""

from __future__ import annotations

import reflex as rx


def join_button(url) -> rx.Component:
    return rx.el.a(
        rx.button(
            rx.icon("video", size=20), "Join session", size="4", width="100%", color_scheme="teal"
        ),
        href=url,
        target="_blank",
        rel="noopener noreferrer",
        style={"display": "block", "width": "100%"},
    )


def session_card(s, actions: rx.Component | None = None) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(s.day, weight="bold", size="4"),
                    rx.text(s.time, size="3"),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                rx.badge(s.mode, size="2"),
                width="100%",
                align="start",
            ),
            rx.text(s.title, " with ", s.therapist, size="2", color_scheme="gray"),
            rx.cond(s.join_url != "", join_button(s.join_url)),
            rx.cond(
                s.location != "",
                rx.hstack(
                    rx.icon("map-pin", size=16),
                    rx.text(s.location, size="2"),
                    rx.cond(
                        s.map_url != "", rx.link("Map", href=s.map_url, is_external=True, size="2")
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
            ),
            rx.cond(s.agenda != "", rx.text("Agenda: ", s.agenda, size="2")),
            actions or rx.fragment(),
            spacing="2",
            width="100%",
        ),
        width="100%",
        role="group",
        aria_label="Session on " + s.day + " at " + s.time,
    )
