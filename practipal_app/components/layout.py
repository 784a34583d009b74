"""Page shells: the public card, the therapist workspace, the mobile-first client portal."""

from __future__ import annotations

import reflex as rx

from practipal_app.state.viewer import ViewerState

BRAND = "PractiPal"
#: A button that looks like the text around it.
_PLAIN_BUTTON = {
    "background": "none",
    "border": "none",
    "cursor": "pointer",
    "fontFamily": "inherit",
    "lineHeight": "inherit",
}

WORKSPACE_NAV = [
    ("Today", "/app", "sun"),
    ("Calendar", "/app/calendar", "calendar"),
    ("Inbox", "/app/inbox", "inbox"),
    ("Clients", "/app/clients", "users"),
    ("Resources", "/app/resources", "library"),
    ("Forms", "/app/forms", "clipboard-list"),
    ("Billing", "/app/billing", "indian-rupee"),
    ("Insights", "/app/insights", "activity"),
    ("Charter", "/app/settings/charter", "scroll-text"),
    ("Settings", "/app/settings", "settings"),
]

PORTAL_NAV = [
    ("Home", "/portal", "house"),
    ("Sessions", "/portal/sessions", "calendar"),
    ("Book", "/portal/book", "calendar-plus"),
    ("Messages", "/portal/messages", "message-circle"),
    ("Invoices", "/portal/invoices", "receipt-indian-rupee"),
]


def public_card(title, *children: rx.Component, width: str = "440px") -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("leaf", color=rx.color("teal", 9)),
                    rx.text(BRAND, weight="bold"),
                    align="center",
                    spacing="2",
                ),
                rx.heading(title, size="6", as_="h1"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width=width,
        ),
        min_height="100vh",
        padding="16px",
        background=rx.color("teal", 2),
    )


def _sign_out_form(button: rx.Component, **style: str) -> rx.Component:
    """Signing out is a POST to the HTTP route that ends the session and clears the cookie: a
    link (or another site) cannot sign anyone out. No on_submit, so the browser submits it."""
    return rx.el.form(button, method="post", action="/logout", on_submit=None, style=style)


def _nav_link(label: str, href: str, icon: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="3"), align="center", spacing="3"),
        href=href,
        underline="none",
        color=rx.color("gray", 12),
        padding="8px 12px",
        border_radius="8px",
        _hover={"background": rx.color("teal", 3)},
        width="100%",
    )


def workspace_shell(
    title: str, *children: rx.Component, actions: rx.Component | None = None
) -> rx.Component:
    sidebar = rx.vstack(
        rx.hstack(
            rx.icon("leaf", color=rx.color("teal", 9)),
            rx.text(BRAND, weight="bold", size="4"),
            align="center",
            spacing="2",
            padding="8px 12px",
        ),
        rx.text(ViewerState.practice_name, size="2", color_scheme="gray", padding_x="12px"),
        rx.el.nav(
            rx.vstack(*[_nav_link(*item) for item in WORKSPACE_NAV], spacing="1", width="100%"),
            aria_label="Workspace",
            style={"width": "100%"},
        ),
        rx.spacer(),
        rx.text(ViewerState.name, size="2", padding_x="12px", weight="medium"),
        _sign_out_form(
            rx.el.button(
                "Sign out",
                type="submit",
                style={
                    **_PLAIN_BUTTON,
                    "padding": "0 12px 12px",
                    "fontSize": "14px",
                    "color": "var(--accent-12)",
                },
            )
        ),
        height="100%",
        padding_y="16px",
    )
    header = rx.hstack(
        rx.heading(title, size="6", as_="h1"),
        rx.spacer(),
        actions or rx.fragment(),
        align="center",
        width="100%",
    )
    # Landmarks (aside, main) so a screen reader can jump between the menu and the page.
    return rx.hstack(
        rx.el.aside(
            sidebar,
            aria_label=BRAND,
            style={
                "width": "220px",
                "minWidth": "220px",
                "height": "100vh",
                "position": "sticky",
                "top": "0",
                "borderRight": f"1px solid {rx.color('gray', 5)}",
                "background": rx.color("gray", 1),
            },
        ),
        rx.el.main(
            rx.vstack(header, *children, spacing="5", width="100%", max_width="1040px"),
            style={"padding": "24px 32px", "width": "100%"},
        ),
        spacing="0",
        align="start",
        min_height="100vh",
        background=rx.color("gray", 2),
    )


_TAB = {"padding": "8px 0", "textAlign": "center", "color": "var(--gray-12)"}


def _tab_face(label: str, icon: str) -> rx.Component:
    return rx.vstack(rx.icon(icon, size=22), rx.text(label, size="1"), align="center", spacing="1")


def _bottom_tab(label: str, href: str, icon: str) -> rx.Component:
    return rx.link(
        _tab_face(label, icon),
        href=href,
        style={**_TAB, "flex": "1", "textDecoration": "none"},
    )


def _sign_out_tab() -> rx.Component:
    button = rx.el.button(
        _tab_face("Sign out", "log-out"),
        type="submit",
        style={**_PLAIN_BUTTON, **_TAB, "width": "100%"},
    )
    return _sign_out_form(button, flex="1", display="flex")


def portal_shell(*children: rx.Component) -> rx.Component:
    """Mobile first: a header with Help always visible, content, bottom navigation."""
    header = rx.hstack(
        rx.hstack(
            rx.icon("leaf", color=rx.color("teal", 9)),
            rx.text(ViewerState.practice_name, weight="bold", size="3"),
            align="center",
            spacing="2",
        ),
        rx.spacer(),
        rx.link(
            rx.button(
                rx.icon("life-buoy", size=16), "Help", color_scheme="red", variant="soft", size="2"
            ),
            href="/portal/help",
        ),
        align="center",
        width="100%",
        padding="12px 16px",
    )
    nav = rx.el.nav(
        rx.hstack(
            *[_bottom_tab(*item) for item in PORTAL_NAV],
            _sign_out_tab(),
            width="100%",
            spacing="0",
            max_width="640px",
            margin="0 auto",
        ),
        aria_label="Portal",
        style={
            "position": "fixed",
            "bottom": "0",
            "left": "0",
            "right": "0",
            "background": "var(--gray-1)",
            "borderTop": "1px solid var(--gray-5)",
            "zIndex": "10",
            "paddingBottom": "env(safe-area-inset-bottom)",
        },
    )
    return rx.box(
        rx.el.header(
            header,
            style={
                "position": "sticky",
                "top": "0",
                "zIndex": "10",
                "background": rx.color("gray", 1),
                "borderBottom": f"1px solid {rx.color('gray', 5)}",
            },
        ),
        rx.el.main(
            rx.vstack(*children, spacing="4", width="100%"),
            style={"padding": "16px 16px 96px", "maxWidth": "640px", "margin": "0 auto"},
        ),
        nav,
        min_height="100vh",
        background=rx.color("teal", 2),
    )


# Sanitized HTML of a text resource: readable headings, paragraphs, lists and tables.
PROSE = {
    "lineHeight": "1.6",
    "fontSize": "16px",
    "& h1, & h2, & h3, & h4": {"fontWeight": "700", "margin": "1em 0 0.4em", "lineHeight": "1.3"},
    "& h1": {"fontSize": "22px"},
    "& h2": {"fontSize": "19px"},
    "& h3, & h4": {"fontSize": "17px"},
    "& p": {"margin": "0 0 0.8em"},
    "& ul, & ol": {"margin": "0 0 0.8em", "paddingLeft": "1.4em"},
    "& ul": {"listStyle": "disc"},
    "& ol": {"listStyle": "decimal"},
    "& li": {"margin": "0.2em 0"},
    "& blockquote": {
        "borderLeft": "3px solid var(--teal-7)",
        "paddingLeft": "12px",
        "color": "var(--gray-11)",
    },
    "& table": {
        "borderCollapse": "collapse",
        "width": "100%",
        "margin": "0 0 0.8em",
        "fontSize": "14px",
    },
    "& th, & td": {
        "border": "1px solid var(--gray-6)",
        "padding": "6px 8px",
        "textAlign": "left",
        "verticalAlign": "top",
    },
    "& a": {"color": "var(--accent-11)", "textDecoration": "underline"},
}
