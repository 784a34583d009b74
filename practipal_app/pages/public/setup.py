import reflex as rx

from practipal_app.components.forms import field, form_error, select_field, submit_button
from practipal_app.components.layout import public_card
from practipal_app.state.public import TIMEZONES, SetupState


@rx.page(route="/setup", title="Set up your practice · PractiPal", on_load=SetupState.load)
def setup_page() -> rx.Component:
    return public_card(
        "Set up your practice",
        rx.text(
            "This creates your practice and your own account as its owner. It is done once.",
            color_scheme="gray",
        ),
        form_error(SetupState.form_error),
        rx.form(
            rx.vstack(
                field(
                    "Practice name",
                    "practice_name",
                    error=SetupState.errors.get("practice_name", ""),
                    required=True,
                    placeholder="e.g. Sukoon Counselling",
                ),
                select_field(
                    "Timezone",
                    "timezone",
                    [rx.el.option(tz, value=tz) for tz in TIMEZONES],
                    error=SetupState.errors.get("timezone", ""),
                    default_value="Asia/Kolkata",
                ),
                field(
                    "Your name",
                    "owner_name",
                    error=SetupState.errors.get("owner_name", ""),
                    required=True,
                    autocomplete="name",
                ),
                field(
                    "Email",
                    "email",
                    type="email",
                    error=SetupState.errors.get("email", ""),
                    required=True,
                    autocomplete="email",
                ),
                field(
                    "Password",
                    "password",
                    type="password",
                    error=SetupState.errors.get("password", ""),
                    required=True,
                    autocomplete="new-password",
                    hint="At least 10 characters. A few unrelated words work well.",
                ),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        name="starter_library",
                        default_checked=True,
                        style={"width": "18px", "height": "18px", "marginTop": "2px"},
                    ),
                    rx.text(
                        "Add six starter resources to share with clients: grounding, box "
                        "breathing, a thought record, values prompts, sleep hygiene and “Between "
                        "sessions”.",
                        size="2",
                    ),
                    style={"display": "flex", "gap": "10px", "alignItems": "flex-start"},
                ),
                submit_button("Create practice", SetupState.busy, width="100%"),
                spacing="4",
                width="100%",
            ),
            on_submit=SetupState.submit,
            width="100%",
        ),
        width="480px",
    )
