"""One form question as a client sees it, by type; the builder's phone preview uses the same
pieces."""

from __future__ import annotations

import reflex as rx

from practipal_app.components.forms import error_text
from practipal_app.content.forms import TEXT_LIMITS, TICKED
from practipal_app.state.forms import FillState

F = FillState
LABEL_STYLE = {"fontWeight": "500", "fontSize": "15px"}


def _label(f, input_id) -> rx.Component:
    return rx.el.label(
        f.label,
        rx.cond(f.required, rx.text.span(" *", color=rx.color("red", 10), aria_hidden="true")),
        html_for=input_id,
        style=LABEL_STYLE,
    )


def _text_input(f, input_id, live: bool, kind: str = "text") -> rx.Component:
    props = {"on_blur": lambda v: F.set_value(f.key, v)} if live else {"disabled": True}
    return rx.input(
        id=input_id,
        type=kind,
        max_length=TEXT_LIMITS["short_text"],
        default_value=F.values[f.key].to(str) if live else "",
        size="3",
        width="100%",
        **props,
    )


def _long_input(f, input_id, live: bool) -> rx.Component:
    props = {"on_blur": lambda v: F.set_value(f.key, v)} if live else {"disabled": True}
    return rx.text_area(
        id=input_id,
        default_value=F.values[f.key].to(str) if live else "",
        max_length=TEXT_LIMITS["long_text"],
        rows="4",
        size="3",
        width="100%",
        **props,
    )


def _radio(f, options, live: bool) -> rx.Component:
    props = (
        {"on_change": lambda v: F.set_value(f.key, v), "value": F.values[f.key].to(str)}
        if live
        else {"disabled": True}
    )
    return rx.radio_group.root(
        rx.flex(
            rx.foreach(
                options,
                lambda o: rx.el.label(
                    rx.radio_group.item(value=o),
                    rx.text(o),
                    style={
                        "display": "flex",
                        "gap": "8px",
                        "alignItems": "center",
                        "padding": "6px 0",
                    },
                ),
            ),
            direction="column",
        ),
        aria_label=f.label,
        **props,
    )


def _yes_no(f, live: bool) -> rx.Component:
    props = (
        {"on_change": lambda v: F.set_value(f.key, v), "value": F.values[f.key].to(str)}
        if live
        else {"disabled": True}
    )
    return rx.radio_group.root(
        rx.flex(
            *[
                rx.el.label(
                    rx.radio_group.item(value=value),
                    rx.text(label),
                    style={
                        "display": "flex",
                        "gap": "8px",
                        "alignItems": "center",
                        "padding": "6px 0",
                    },
                )
                for value, label in (("yes", "Yes"), ("no", "No"))
            ],
            gap="24px",
        ),
        aria_label=f.label,
        **props,
    )


def _checks(f, live: bool) -> rx.Component:
    def option(o) -> rx.Component:
        props = (
            {
                "on_change": lambda ticked: F.toggle_option(f.key, o, ticked),
                "checked": F.values[f.key].to(str).split("\n").contains(o),
            }
            if live
            else {"disabled": True}
        )
        return rx.el.label(
            rx.checkbox(**props),
            rx.text(o),
            style={"display": "flex", "gap": "8px", "alignItems": "center", "padding": "6px 0"},
        )

    return rx.flex(
        rx.foreach(f.options, option), direction="column", role="group", aria_label=f.label
    )


def _tick(f, live: bool) -> rx.Component:
    """A checkbox named by the question itself: "I agree to …"."""
    props = (
        {"on_change": lambda v: F.set_value(f.key, v), "checked": F.values[f.key].to(str) == TICKED}
        if live
        else {"disabled": True}
    )
    return rx.el.label(
        rx.checkbox(size="3", **props),
        rx.text(
            f.label,
            rx.cond(f.required, rx.text.span(" *", color=rx.color("red", 10), aria_hidden="true")),
            size="3",
            weight="medium",
        ),
        style={"display": "flex", "gap": "10px", "alignItems": "flex-start"},
    )


def _scale(f, live: bool) -> rx.Component:
    props = (
        {"on_change": lambda v: F.set_value(f.key, v), "value": F.values[f.key].to(str)}
        if live
        else {"disabled": True}
    )
    return rx.radio_group.root(
        rx.flex(
            *[
                rx.el.label(
                    rx.radio_group.item(value=str(n)),
                    rx.text(str(n), size="2"),
                    style={"display": "flex", "flexDirection": "column", "alignItems": "center"},
                )
                for n in range(11)
            ],
            gap="6px",
            wrap="wrap",
        ),
        aria_label=f.label,
        **props,
    )


def _crisis(live: bool) -> rx.Component:
    if not live:
        return rx.fragment()
    return rx.cond(
        F.crisis_lines.length() > 0,
        rx.callout(
            rx.vstack(
                rx.text(
                    "You do not have to go through this alone. If you might act on these thoughts, "
                    "call now:",
                    weight="medium",
                ),
                rx.foreach(
                    F.crisis_lines, lambda c: rx.link(c.label, ": ", c.phone, href="tel:" + c.phone)
                ),
                spacing="1",
            ),
            icon="life-buoy",
            color_scheme="red",
            width="100%",
        ),
    )


def question(f, live: bool = True) -> rx.Component:
    """A question by its type. `live` binds it to the client's draft; otherwise it is a preview."""
    input_id = "q-" + f.key
    body = rx.match(
        f.type,
        ("long_text", _long_input(f, input_id, live)),
        ("single_choice", _radio(f, f.options, live)),
        (
            "yes_no",
            rx.vstack(
                _yes_no(f, live),
                rx.cond((f.risk) & (F.values[f.key].to(str) == "yes"), _crisis(live)),
                width="100%",
            ),
        ),
        ("multiple_choice", _checks(f, live)),
        ("date", _text_input(f, input_id, live, "date")),
        ("phone", _text_input(f, input_id, live, "tel")),
        ("email", _text_input(f, input_id, live, "email")),
        ("scale", _scale(f, live)),
        (
            "signature",
            rx.vstack(
                _text_input(f, input_id, live),
                rx.text(
                    "Typing your full name here signs this form, dated today.",
                    size="1",
                    color_scheme="gray",
                ),
                width="100%",
                spacing="1",
            ),
        ),
        _text_input(f, input_id, live),
    )
    error = error_text(F.errors.get(f.key, "")) if live else rx.fragment()
    statement = rx.cond(f.type == "charter", rx.cond(live, F.charter_statement, f.text), f.text)
    return rx.match(
        f.type,
        (
            "info",
            rx.vstack(
                rx.cond(f.label != "", rx.heading(f.label, size="4", as_="h2")),
                rx.text(f.text, size="2", style={"whiteSpace": "pre-wrap"}),
                spacing="1",
                width="100%",
            ),
        ),
        (
            "consent",
            "charter",
            rx.vstack(
                rx.cond(
                    statement != "",
                    rx.card(
                        rx.text(statement, size="2", style={"whiteSpace": "pre-wrap"}), width="100%"
                    ),
                ),
                _tick(f, live),
                error,
                spacing="2",
                width="100%",
            ),
        ),
        rx.vstack(
            _label(f, input_id),
            rx.cond(f.help != "", rx.text(f.help, size="1", color_scheme="gray")),
            body,
            error,
            spacing="2",
            width="100%",
        ),
    )


def todo_card(item) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon("clipboard-list", color=rx.color("teal", 9)),
                rx.vstack(
                    rx.text("To do: ", item.title, weight="bold"),
                    rx.text(
                        rx.cond(
                            item.started,
                            "Started — carry on where you left off",
                            "Sent " + item.sent,
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                rx.icon("chevron-right"),
                align="center",
                width="100%",
            ),
            width="100%",
            style={"border": "2px solid var(--teal-7)"},
        ),
        href="/portal/forms/" + item.id.to_string(),
        underline="none",
        color="inherit",
        width="100%",
        aria_label="Fill in " + item.title,
    )
