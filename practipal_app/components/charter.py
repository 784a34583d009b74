"""How the charter statement and crisis lines look wherever a client meets them."""

from __future__ import annotations

import reflex as rx

CRISIS_LINES = [
    ("Tele-MANAS (free, 24×7, many languages)", "14416"),
    ("Tele-MANAS toll-free", "1-800-891-4416"),
    ("National emergency", "112"),
]


def statement_card(statement, title: str = "How messages work") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("message-circle-heart", color=rx.color("teal", 9)),
                rx.heading(title, size="4", as_="h2"),
                align="center",
                spacing="2",
            ),
            rx.text(statement, size="3", style={"whiteSpace": "pre-wrap"}),
            spacing="2",
        ),
        width="100%",
    )


def tel_link(label, phone) -> rx.Component:
    digits = (
        phone.to(str).replace(" ", "").replace("-", "")
        if isinstance(phone, rx.Var)
        else (phone.replace(" ", "").replace("-", ""))
    )
    return rx.el.a(
        rx.hstack(
            rx.icon("phone", size=18),
            rx.vstack(
                rx.text(label, size="2", color_scheme="gray"),
                rx.text(phone, size="4", weight="bold"),
                spacing="0",
                align="start",
            ),
            align="center",
            spacing="3",
        ),
        href=rx.Var.create("tel:") + digits if isinstance(digits, rx.Var) else f"tel:{digits}",
        style={
            "display": "block",
            "width": "100%",
            "boxSizing": "border-box",
            "padding": "12px 14px",
            "borderRadius": "10px",
            "textDecoration": "none",
            "color": "var(--gray-12)",
            "background": "var(--red-3)",
            "border": "1px solid var(--red-6)",
        },
    )


def crisis_lines() -> rx.Component:
    return rx.vstack(
        *[tel_link(label, phone) for label, phone in CRISIS_LINES], spacing="2", width="100%"
    )


def crisis_card(own_contacts) -> rx.Component:
    """Shown at once when a message holds risk phrases: where to get help now, nothing else."""
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon("life-buoy", color=rx.color("red", 11)),
                rx.text("This portal is not watched around the clock.", weight="bold"),
                align="center",
            ),
            rx.text("If you are in danger, call Tele-MANAS 14416 or 112 now."),
            tel_link("Tele-MANAS (free, 24×7)", "14416"),
            tel_link("Emergency", "112"),
            rx.foreach(own_contacts, lambda c: tel_link(c.label, c.phone)),
            spacing="2",
            width="100%",
        ),
        role="alert",
        aria_label="Crisis help",
        padding="14px",
        border_radius="12px",
        background=rx.color("red", 2),
        border=f"2px solid {rx.color('red', 8)}",
        width="100%",
    )
