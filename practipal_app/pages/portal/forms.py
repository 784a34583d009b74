"""/portal/forms (to do and done) and /portal/forms/[response_id] (fill one, saved as you go)."""

import reflex as rx

from practipal_app.components.form_fields import question, todo_card
from practipal_app.components.forms import form_error
from practipal_app.components.layout import portal_shell
from practipal_app.state.forms import FillState, PortalFormsState

P = PortalFormsState


@rx.page(route="/portal/forms", title="Forms · PractiPal", on_load=P.load)
def portal_forms() -> rx.Component:
    return portal_shell(
        rx.heading("Forms", size="7", as_="h1"),
        rx.cond(
            P.submitted,
            rx.callout(
                "Thank you. Your answers were sent to your therapist.",
                icon="check",
                color_scheme="green",
                width="100%",
            ),
        ),
        rx.cond(
            P.todo.length() > 0,
            rx.vstack(rx.foreach(P.todo, todo_card), spacing="3", width="100%"),
            rx.cond(P.loaded, rx.text("Nothing to fill in right now.", color_scheme="gray")),
        ),
        rx.cond(
            P.done.length() > 0,
            rx.vstack(
                rx.heading("Sent", size="4", as_="h2"),
                rx.foreach(
                    P.done,
                    lambda d: rx.hstack(
                        rx.icon("circle-check", color=rx.color("green", 9), size=18),
                        rx.text(d.title),
                        rx.spacer(),
                        rx.text(d.submitted, size="2", color_scheme="gray"),
                        width="100%",
                        align="center",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
        ),
    )


F = FillState


@rx.page(
    route="/portal/forms/[response_id]",
    title="Form · PractiPal",
    on_load=F.load,
)
def portal_fill() -> rx.Component:
    return portal_shell(
        rx.cond(
            F.missing,
            rx.card(
                rx.text("This form is not available. It may have been sent to someone else."),
                width="100%",
            ),
            rx.vstack(
                rx.heading(F.title, size="6", as_="h1"),
                rx.cond(
                    F.status == "submitted",
                    rx.callout(
                        "You sent this form. Thank you.",
                        icon="check",
                        color_scheme="green",
                        width="100%",
                    ),
                    rx.text(
                        "Your answers are saved as you go; you can leave and come back.",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                rx.foreach(F.fields, lambda f: question(f)),
                form_error(F.errors.get("form", "")),
                rx.cond(
                    F.status != "submitted",
                    rx.vstack(
                        rx.button("Submit", size="3", width="100%", on_click=F.submit),
                        rx.text(F.saved_note, size="1", color_scheme="gray"),
                        width="100%",
                        align="center",
                    ),
                ),
                spacing="5",
                width="100%",
            ),
        ),
    )
