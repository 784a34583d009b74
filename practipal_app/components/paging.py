"""Moving through a list longer than one page: "Load older" above a conversation or below a
history, and Newer / Older under a list paged by number."""

from __future__ import annotations

import reflex as rx


def load_older(
    has_older,
    on_click,
    size: str = "2",
    label: str = "Load older messages",
    icon: str = "chevrons-up",
) -> rx.Component:
    """The button that fetches the page before the oldest item shown: above a conversation, or
    (label and icon given) below a history."""
    return rx.cond(
        has_older,
        rx.button(
            rx.icon(icon, size=16),
            label,
            variant="soft",
            high_contrast=True,  # the accent on soft teal is below 4.5:1
            size=size,
            on_click=on_click,
            align_self="center",
        ),
    )


def newer_older(paging, turn_page) -> rx.Component:
    """Newer / older pages of a list (`paging`: a billing.views.PageRow var), shown only when the
    list does not fit on one page; `turn_page(step)` moves by one."""
    return rx.cond(
        paging.label != "",
        rx.hstack(
            rx.button(
                "Newer",
                variant="soft",
                high_contrast=True,
                disabled=~paging.has_newer,
                on_click=turn_page(-1),
            ),
            rx.text(paging.label, size="2", color_scheme="gray"),
            rx.button(
                "Older",
                variant="soft",
                high_contrast=True,
                disabled=~paging.has_older,
                on_click=turn_page(1),
            ),
            align="center",
            justify="between",
            width="100%",
        ),
    )
