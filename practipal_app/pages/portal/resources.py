"""/portal/resources: what the therapist shared, newest first; new ones marked; opening is
recorded."""

import reflex as rx

from practipal_app.components.layout import PROSE, portal_shell
from practipal_app.state.resources import PortalResourcesState as S


def _opened(item) -> rx.Component:
    o = S.opened
    return rx.cond(
        o.is_not_none() & (o.id == item.id),
        rx.vstack(
            rx.cond(
                o.html != "", rx.box(rx.html(o.html), style=PROSE, width="100%", overflow_x="auto")
            ),
            rx.cond(
                o.url != "",
                rx.el.a(
                    rx.button(
                        rx.icon("external-link", size=16), "Open the link", size="3", width="100%"
                    ),
                    href=o.url,
                    target="_blank",
                    rel="noopener noreferrer",
                    style={"width": "100%"},
                ),
            ),
            rx.cond(
                o.file_url != "",
                rx.el.a(
                    rx.button(
                        rx.icon("file-down", size=16),
                        "Open ",
                        item.file_name,
                        size="3",
                        width="100%",
                    ),
                    href=o.file_url,
                    target="_blank",
                    reload_document=True,
                    style={"width": "100%"},
                ),
            ),
            rx.button("Close", variant="ghost", size="2", on_click=S.close),
            spacing="3",
            width="100%",
        ),
        rx.button(
            "Open",
            size="3",
            width="100%",
            on_click=S.open(item.id.to_string()),
            aria_label="Open " + item.title,
        ),
    )


def _card(item) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(item.title, weight="bold", size="4"),
                    rx.text(
                        item.category_label,
                        " · shared ",
                        item.shared,
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                rx.cond(item.is_new, rx.badge("New", color_scheme="teal", size="2")),
                width="100%",
                align="start",
            ),
            rx.cond(
                item.note != "",
                rx.text("“", item.note, "”", size="2", style={"fontStyle": "italic"}),
            ),
            _opened(item),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@rx.page(
    route="/portal/resources",
    title="Resources · PractiPal",
    on_load=S.load,
)
def portal_resources() -> rx.Component:
    return portal_shell(
        rx.heading("Resources", size="7", as_="h1"),
        rx.text(
            "Worksheets, exercises and reading your therapist shared with you.", color_scheme="gray"
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle_alert", color_scheme="red", width="100%"),
        ),
        rx.cond(
            S.items.length() > 0,
            rx.vstack(rx.foreach(S.items, _card), spacing="3", width="100%"),
            rx.cond(
                S.loaded,
                rx.card(
                    rx.text(
                        "Nothing shared yet. When your therapist shares a worksheet or an "
                        "exercise, it appears here."
                    ),
                    width="100%",
                ),
            ),
        ),
    )
