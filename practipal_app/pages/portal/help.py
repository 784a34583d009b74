import reflex as rx

from practipal_app.components.charter import crisis_lines, statement_card, tel_link
from practipal_app.components.layout import portal_shell
from practipal_app.state.portal import PortalState


@rx.page(
    route="/portal/help",
    title="Help · PractiPal",
    on_load=PortalState.load,
)
def portal_help() -> rx.Component:
    return portal_shell(
        rx.heading("Help", size="7", as_="h1"),
        rx.callout(
            "This portal is not watched around the clock. If you are in danger or thinking of "
            "harming yourself, call one of these numbers now.",
            icon="triangle_alert",
            color_scheme="red",
            high_contrast=True,  # red 11 on red 3 is 4.4:1, below AA
            width="100%",
        ),
        crisis_lines(),
        rx.cond(
            PortalState.own_contacts.length() > 0,
            rx.vstack(
                rx.heading("Contacts from your therapist", size="4", as_="h2"),
                rx.foreach(PortalState.own_contacts, lambda c: tel_link(c.label, c.phone)),
                spacing="2",
                width="100%",
            ),
        ),
        rx.cond(
            PortalState.whatsapp_link != "",
            rx.el.a(
                rx.button(
                    rx.icon("message-circle", size=16),
                    "WhatsApp — scheduling or tech only",
                    size="3",
                    variant="outline",
                    width="100%",
                ),
                href=PortalState.whatsapp_link,
                target="_blank",
                rel="noopener noreferrer",
                style={"display": "block", "width": "100%"},
            ),
        ),
        rx.link(
            rx.button(
                rx.icon("message-square", size=16),
                "Message your therapist in the portal",
                size="3",
                variant="soft",
                width="100%",
            ),
            href="/portal/messages",
            width="100%",
        ),
        statement_card(PortalState.statement, title="How messages work"),
    )
