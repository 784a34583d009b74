import reflex as rx

from practipal_app.components.forms import field, form_error, submit_button
from practipal_app.components.layout import public_card
from practipal_app.state.public import ResetRequestState, ResetState


@rx.page(route="/reset", title="Reset your password · PractiPal", on_load=ResetRequestState.load)
def reset_request_page() -> rx.Component:
    return public_card(
        "Reset your password",
        rx.cond(
            ResetRequestState.sent,
            rx.callout("If an account uses that email, a reset link is on its way. It works for one hour.",
                       icon="mail-check", color_scheme="teal", width="100%"),
            rx.form(
                rx.vstack(
                    rx.text("Enter the email you sign in with. We will send you a link.", color_scheme="gray"),
                    field("Email", "email", type="email", required=True, error=ResetRequestState.error,
                          autocomplete="email"),
                    submit_button("Send reset link", width="100%"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ResetRequestState.submit,
                width="100%",
            ),
        ),
        rx.link("Back to sign in", href="/login", size="2"),
    )


@rx.page(route="/reset/[token]", title="Choose a new password · PractiPal", on_load=ResetState.load)
def reset_page() -> rx.Component:
    return public_card(
        "Choose a new password",
        rx.cond(
            ResetState.invalid != "",
            rx.vstack(rx.callout(ResetState.invalid, icon="link-2-off", color_scheme="orange", width="100%"),
                      rx.link("Ask for a new link", href="/reset")),
            rx.form(
                rx.vstack(
                    rx.text("Hello ", ResetState.name, ". Choose a new password. This signs you out everywhere else."),
                    form_error(""),
                    field("New password", "password", type="password", required=True, error=ResetState.error,
                          autocomplete="new-password", hint="At least 10 characters."),
                    submit_button("Save password", ResetState.busy, width="100%"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ResetState.submit,
                width="100%",
            ),
        ),
    )
