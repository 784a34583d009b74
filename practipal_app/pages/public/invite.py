import reflex as rx

from practipal_app.components.charter import statement_card
from practipal_app.components.forms import error_text, field, submit_button
from practipal_app.components.layout import public_card
from practipal_app.state.public import InviteState


def _accept_form() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Hello ",
            InviteState.client_name,
            ". ",
            InviteState.therapist_name,
            " has invited you to the ",
            InviteState.practice_name,
            " client portal.",
        ),
        statement_card(InviteState.statement, title="How we will stay in touch"),
        rx.form(
            rx.vstack(
                rx.el.label(
                    rx.hstack(
                        rx.el.input(
                            type="checkbox",
                            name="acknowledged",
                            id="field-acknowledged",
                            style={"width": "20px", "height": "20px", "marginTop": "2px"},
                        ),
                        rx.text(
                            "I have read how messages and WhatsApp will be used, and where to get "
                            "help in a crisis.",
                            size="3",
                        ),
                        align="start",
                        spacing="2",
                    ),
                    html_for="field-acknowledged",
                ),
                error_text(InviteState.errors.get("acknowledged", "")),
                field(
                    "Choose a password",
                    "password",
                    type="password",
                    required=True,
                    error=InviteState.errors.get("password", ""),
                    autocomplete="new-password",
                    hint="At least 10 characters. A few unrelated words work well.",
                ),
                submit_button("Join the portal", InviteState.busy, width="100%"),
                spacing="4",
                width="100%",
            ),
            on_submit=InviteState.submit,
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@rx.page(route="/invite", title="Your invitation · PractiPal", on_load=InviteState.load)
def invite_page() -> rx.Component:
    return public_card(
        "Welcome",
        rx.cond(
            ~InviteState.loaded,
            rx.center(rx.spinner(size="3"), width="100%", padding="24px"),
            rx.cond(
                InviteState.invalid != "",
                rx.callout(
                    InviteState.invalid, icon="link-2-off", color_scheme="orange", width="100%"
                ),
                _accept_form(),
            ),
        ),
        width="520px",
    )
