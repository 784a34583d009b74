"""Labelled form fields with their error shown next to them."""

from __future__ import annotations

import reflex as rx

from practipal_app.people.passwords import MAX_LENGTH as PASSWORD_MAX

#: What a field takes, by input type, when its form names no tighter limit. The server cuts or
#: refuses past its own limits too; these keep a person from typing what would be refused.
TEXT_MAX = 200
LONG_TEXT_MAX = 2000
MAX_LENGTH_BY_TYPE = {"email": 254, "password": PASSWORD_MAX, "tel": 32, "url": 1000}


def error_text(message) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, color_scheme="red", size="2", role="alert"),
    )


def field(
    label: str,
    name: str,
    *,
    error=None,
    type: str = "text",
    default_value=None,
    hint: str = "",
    required: bool = False,
    autocomplete: str | None = None,
    max_length: int | None = None,
    **props,
) -> rx.Component:
    """A visible <label> tied to its input by id, an optional hint, and the field's error."""
    input_id = f"field-{name}"
    extra = {"default_value": default_value} if default_value is not None else {}
    extra["max_length"] = max_length or MAX_LENGTH_BY_TYPE.get(type, TEXT_MAX)
    if autocomplete:
        extra["auto_complete"] = autocomplete
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"fontWeight": "500", "fontSize": "14px"}),
        rx.input(
            id=input_id,
            name=name,
            type=type,
            required=required,
            size="3",
            width="100%",
            **extra,
            **props,
        ),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray"))
        if hint
        else rx.fragment(),
        error_text(error) if error is not None else rx.fragment(),
        spacing="1",
        width="100%",
        align="stretch",
    )


def textarea_field(
    label: str,
    name: str,
    *,
    error=None,
    default_value=None,
    max_length: int = LONG_TEXT_MAX,
    **props,
) -> rx.Component:
    input_id = f"field-{name}"
    extra = {"default_value": default_value} if default_value is not None else {}
    extra["max_length"] = max_length
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"fontWeight": "500", "fontSize": "14px"}),
        rx.text_area(id=input_id, name=name, size="3", width="100%", **extra, **props),
        error_text(error) if error is not None else rx.fragment(),
        spacing="1",
        width="100%",
        align="stretch",
    )


def checkbox(label, name: str, checked=False) -> rx.Component:
    """A native checkbox inside its label, for forms that submit "on" when it is ticked."""
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=name,
            default_checked=checked,
            style={"width": "18px", "height": "18px", "flexShrink": "0"},
        ),
        rx.text(label, size="3"),
        style={"display": "flex", "gap": "10px", "alignItems": "center"},
    )


def select_field(
    label: str, name: str, options, *, error=None, default_value=None, **props
) -> rx.Component:
    """A native <select>: readable on every phone and found by its label."""
    input_id = f"field-{name}"
    extra = {"default_value": default_value} if default_value is not None else {}
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"fontWeight": "500", "fontSize": "14px"}),
        rx.el.select(
            *(options if isinstance(options, list | tuple) else [options]),
            id=input_id,
            name=name,
            style={
                "height": "40px",
                "borderRadius": "8px",
                "padding": "0 10px",
                "fontSize": "16px",
                "border": "1px solid var(--gray-7)",
                "background": "var(--color-surface)",
                "width": "100%",
            },
            **extra,
            **props,
        ),
        error_text(error) if error is not None else rx.fragment(),
        spacing="1",
        width="100%",
        align="stretch",
    )


def form_error(message) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def submit_button(label: str, busy=False, **props) -> rx.Component:
    return rx.button(label, type="submit", size="3", loading=busy, **props)
