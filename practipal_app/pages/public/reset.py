import reflex as rx

from practipal_app.components.forms import field, submit_button
from practipal_app.components.layout import public_card
from practipal_app.state.public import ResetState


def _request_form() -> rx.Component:
    return rx.cond(
        ResetState.sent,
        rx.callout(
            "If an account uses that email, a reset link is on its way. It works for one hour.",
            icon="mail-check",
            color_scheme="teal",
            width="100%",
        ),
        rx.form(
            rx.vstack(
                rx.text(
                    "Enter the email you sign in with. We will send you a link.",
                    color_scheme="gray",
                ),
                field(
                    "Email",
                    "email",
                    type="email",
                    required=True,
                    error=ResetState.error,
                    autocomplete="email",
                ),
                submit_button("Send reset link", width="100%"),
                spacing="4",
                width="100%",
            ),
            on_submit=ResetState.request_link,
            width="100%",
        ),
    )


def _choose_form() -> rx.Component:
    return rx.cond(
        ResetState.invalid != "",
        rx.vstack(
            rx.callout(ResetState.invalid, icon="link-2-off", color_scheme="orange", width="100%"),
            rx.link("Ask for a new link", href="/reset"),
        ),
        rx.form(
            rx.vstack(
                rx.text(
                    "Hello ",
                    ResetState.name,
                    ". Choose a new password. This signs you out everywhere else.",
                ),
                field(
                    "New password",
                    "password",
                    type="password",
                    required=True,
                    error=ResetState.error,
                    autocomplete="new-password",
                    hint="At least 10 characters.",
                ),
                submit_button("Save password", ResetState.busy, width="100%"),
                spacing="4",
                width="100%",
            ),
            on_submit=ResetState.choose_password,
            width="100%",
        ),
    )


@rx.page(route="/reset", title="Reset your password · PractiPal", on_load=ResetState.load)
def reset_page() -> rx.Component:
    return public_card(
        rx.cond(ResetState.choosing, "Choose a new password", "Reset your password"),
        rx.cond(ResetState.choosing, _choose_form(), _request_form()),
        rx.link("Back to sign in", href="/login", size="2"),
    )
