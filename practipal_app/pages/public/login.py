import reflex as rx

from practipal_app.components.forms import field, form_error, submit_button
from practipal_app.components.layout import public_card
from practipal_app.state.public import LoginState


@rx.page(route="/login", title="Sign in · PractiPal", on_load=LoginState.load)
def login_page() -> rx.Component:
    return public_card(
        "Sign in",
        rx.cond(LoginState.notice != "", rx.callout(LoginState.notice, icon="info", width="100%")),
        form_error(LoginState.error),
        rx.form(
            rx.vstack(
                field("Email", "email", type="email", required=True, autocomplete="username"),
                field(
                    "Password",
                    "password",
                    type="password",
                    required=True,
                    autocomplete="current-password",
                ),
                submit_button("Sign in", LoginState.busy, width="100%"),
                spacing="4",
                width="100%",
            ),
            on_submit=LoginState.submit,
            width="100%",
        ),
        rx.link("Forgot your password?", href="/reset", size="2"),
    )
