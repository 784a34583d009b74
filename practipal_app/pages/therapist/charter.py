import reflex as rx

from practipal_app.boundaries.charter import DAY_NAMES, WHATSAPP_FOR, WHATSAPP_NOT_FOR
from practipal_app.components.forms import error_text, field
from practipal_app.components.layout import workspace_shell
from practipal_app.state.charter import CharterState as S
from practipal_app.state.charter import WhatsAppKitState as K

LABEL = {"fontWeight": "500", "fontSize": "14px"}


def _check(label: str, field: str, key: str, checked) -> rx.Component:
    return rx.checkbox(
        label, checked=checked, on_change=lambda _v: S.toggle_list(field, key), size="2"
    )


def _channels() -> rx.Component:
    return rx.grid(
        rx.vstack(
            rx.heading("WhatsApp is for", size="3", as_="h3"),
            *[
                _check(text, "whatsapp_for", key, S.whatsapp_for.contains(key))
                for key, text in WHATSAPP_FOR.items()
            ],
            spacing="2",
        ),
        rx.vstack(
            rx.heading("WhatsApp is not for", size="3", as_="h3"),
            *[
                _check(text, "whatsapp_not_for", key, S.whatsapp_not_for.contains(key))
                for key, text in WHATSAPP_NOT_FOR.items()
            ],
            spacing="2",
        ),
        columns="2",
        spacing="5",
        width="100%",
    )


def _hours() -> rx.Component:
    return rx.vstack(
        rx.heading("When you read portal messages", size="3", as_="h3"),
        rx.el.fieldset(
            rx.el.legend("Working days", style=LABEL),
            rx.hstack(
                *[
                    rx.checkbox(
                        name,
                        checked=S.working_days.contains(i),
                        on_change=lambda _v, i=i: S.toggle_day(i),
                    )
                    for i, name in enumerate(DAY_NAMES)
                ],
                spacing="4",
                wrap="wrap",
            ),
            style={"border": "none", "padding": "0", "margin": "0"},
        ),
        error_text(S.errors.get("working_days", "")),
        rx.hstack(
            rx.vstack(
                rx.el.label(
                    "I check messages once daily around", html_for="field-check_time", style=LABEL
                ),
                rx.input(
                    id="field-check_time",
                    type="time",
                    value=S.check_time,
                    on_change=S.set_check_time,
                    size="3",
                ),
                error_text(S.errors.get("check_time", "")),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label("I reply within", html_for="field-response_days", style=LABEL),
                rx.el.select(
                    *[
                        rx.el.option(f"{n} working day{'s' if n > 1 else ''}", value=str(n))
                        for n in range(1, 6)
                    ],
                    id="field-response_days",
                    value=S.response_days.to_string(),
                    on_change=S.set_response_days,
                    style={"height": "40px", "fontSize": "16px"},
                ),
                error_text(S.errors.get("response_days", "")),
                spacing="1",
            ),
            spacing="6",
            align="start",
        ),
        spacing="3",
        width="100%",
    )


def _contact_row(contact, index) -> rx.Component:
    return rx.hstack(
        rx.input(
            value=contact.label,
            placeholder="Who (e.g. Local psychiatric emergency)",
            aria_label="Contact name",
            on_change=lambda v: S.set_contact(index, "label", v),
            flex="2",
        ),
        rx.input(
            value=contact.phone,
            placeholder="Phone",
            aria_label="Contact phone",
            type="tel",
            on_change=lambda v: S.set_contact(index, "phone", v),
            flex="1",
        ),
        rx.icon_button(
            rx.icon("x", size=16),
            aria_label="Remove contact",
            variant="soft",
            color_scheme="gray",
            on_click=S.remove_contact(index),
        ),
        width="100%",
    )


def _contacts() -> rx.Component:
    return rx.vstack(
        rx.heading("Crisis and emergency contacts", size="3", as_="h3"),
        rx.text(
            "Tele-MANAS 14416 / 1-800-891-4416 and emergency 112 are always shown to clients. "
            "Add your own local contacts here.",
            size="2",
            color_scheme="gray",
        ),
        rx.foreach(S.contacts, _contact_row),
        error_text(S.errors.get("crisis_contacts", "")),
        rx.button(
            rx.icon("plus", size=16), "Add a contact", variant="soft", on_click=S.add_contact
        ),
        spacing="2",
        width="100%",
    )


def _statement() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("What clients will read", size="4", as_="h2"),
            rx.cond(
                S.use_custom,
                rx.vstack(
                    rx.el.label("Your wording", html_for="field-statement", style=LABEL),
                    rx.text_area(
                        id="field-statement",
                        value=S.custom_statement,
                        on_change=S.set_custom_statement,
                        rows="8",
                        width="100%",
                    ),
                    error_text(S.errors.get("statement", "")),
                    width="100%",
                ),
                rx.text(S.preview, size="3", style={"whiteSpace": "pre-wrap"}, aria_live="polite"),
            ),
            rx.checkbox(
                "Write it in my own words", checked=S.use_custom, on_change=S.set_use_custom
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        style={"background": "var(--teal-2)"},
    )


@rx.page(
    route="/app/settings/charter",
    title="Communication charter · PractiPal",
    on_load=[S.load, K.load],
)
def charter_page() -> rx.Component:
    return workspace_shell(
        "Communication charter",
        rx.text(
            "Say once what each channel is for and when you reply. PractiPal shows it wherever "
            "your clients meet you: the invite, the portal and its help page.",
            color_scheme="gray",
        ),
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        rx.grid(
            rx.card(
                rx.vstack(
                    _channels(),
                    rx.divider(),
                    _hours(),
                    rx.divider(),
                    _contacts(),
                    rx.vstack(
                        rx.el.label(
                            "Anything else (optional)", html_for="field-extra_text", style=LABEL
                        ),
                        rx.text_area(
                            id="field-extra_text",
                            value=S.extra_text,
                            on_change=S.set_extra_text,
                            width="100%",
                        ),
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
                width="100%",
            ),
            rx.vstack(
                _statement(),
                rx.hstack(
                    rx.button("Save charter", on_click=S.save, size="3"),
                    rx.text(
                        rx.cond(
                            S.version > 0,
                            "Version " + S.version.to_string(),
                            "Not saved yet — clients see these defaults",
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    align="center",
                ),
                spacing="3",
                width="100%",
                position="sticky",
                top="16px",
            ),
            columns="2",
            spacing="5",
            width="100%",
            align="start",
        ),
        whatsapp_kit(),
    )


def _kit_text(title: str, text) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(title, weight="bold", size="2"),
            rx.spacer(),
            rx.button(
                rx.icon("copy", size=14),
                "Copy",
                size="1",
                variant="soft",
                on_click=K.copy(text),
                aria_label="Copy " + title,
            ),
            width="100%",
            align="center",
        ),
        rx.text(text, size="2", style={"whiteSpace": "pre-wrap"}),
        spacing="1",
        width="100%",
        padding="10px",
        border_radius="8px",
        background=rx.color("gray", 2),
    )


def whatsapp_kit() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("WhatsApp Business kit", size="4", as_="h2"),
            rx.text(
                "Paste these into WhatsApp Business (Settings → Business tools). They point "
                "clients to the portal, so WhatsApp stays for scheduling and tech problems.",
                size="2",
                color_scheme="gray",
            ),
            _kit_text("Away message", K.away),
            _kit_text("Greeting message", K.greeting),
            rx.foreach(K.quick, lambda q: _kit_text("Quick reply " + q.shortcut, q.text)),
            rx.divider(),
            rx.form(
                rx.hstack(
                    rx.box(
                        field(
                            "Your WhatsApp number",
                            "whatsapp_number",
                            default_value=K.number,
                            type="tel",
                            error=K.error,
                        ),
                        flex="1",
                    ),
                    rx.el.label(
                        rx.hstack(
                            rx.el.input(
                                type="checkbox",
                                name="click_to_chat",
                                id="field-click_to_chat",
                                default_checked=K.click_to_chat,
                            ),
                            rx.text(
                                "Show clients a “WhatsApp — scheduling or tech only” link", size="2"
                            ),
                            spacing="2",
                            align="center",
                        ),
                        html_for="field-click_to_chat",
                    ),
                    rx.button("Save", type="submit"),
                    align="end",
                    spacing="3",
                    width="100%",
                ),
                on_submit=K.save,
                key=K.form_key,
                width="100%",
            ),
            rx.cond(K.notice != "", rx.text(K.notice, size="2", color_scheme="green")),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
