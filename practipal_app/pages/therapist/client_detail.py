import reflex as rx

from practipal_app.components.billing import billing_card
from practipal_app.components.contacts import outside_portal_card
from practipal_app.components.forms import form_error, submit_button
from practipal_app.components.layout import workspace_shell
from practipal_app.pages.therapist.clients import client_fields
from practipal_app.state.billing import ClientBillingState
from practipal_app.state.clients import ClientDetailState as S
from practipal_app.state.contacts import ContactsState
from practipal_app.state.forms import ClientFormsState


def _item(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(rx.cond(value != "", value, "—"), size="3"),
        spacing="0",
        align="start",
    )


def _forms_card() -> rx.Component:
    C = ClientFormsState
    return rx.card(
        rx.vstack(
            rx.heading("Forms", size="4", as_="h2"),
            rx.cond(
                C.responses.length() > 0,
                rx.foreach(
                    C.responses,
                    lambda r: rx.hstack(
                        rx.cond(
                            r.status == "submitted",
                            rx.link(
                                r.title,
                                href="/app/forms/responses/" + r.id.to_string(),
                                weight="medium",
                            ),
                            rx.text(r.title, weight="medium"),
                        ),
                        rx.badge(
                            rx.match(
                                r.status, ("submitted", "Answered"), ("draft", "Started"), "Sent"
                            ),
                            color_scheme=rx.match(
                                r.status, ("submitted", "green"), ("draft", "amber"), "gray"
                            ),
                        ),
                        rx.text(
                            rx.cond(r.status == "submitted", r.submitted, r.sent),
                            size="2",
                            color_scheme="gray",
                        ),
                        align="center",
                        spacing="3",
                    ),
                ),
                rx.text("No forms sent yet.", size="2", color_scheme="gray"),
            ),
            rx.form(
                rx.hstack(
                    rx.el.select(
                        rx.foreach(C.form_options, lambda f: rx.el.option(f.label, value=f.value)),
                        name="form_id",
                        aria_label="Form to send",
                        style={"height": "32px", "borderRadius": "6px", "padding": "0 8px"},
                    ),
                    rx.button("Send form", type="submit", size="2", variant="soft"),
                    rx.cond(C.notice != "", rx.text(C.notice, size="2")),
                    spacing="2",
                    align="center",
                ),
                on_submit=C.send,
                reset_on_submit=False,
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _profile() -> rx.Component:
    c = S.client
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.heading("Profile", size="4", as_="h2"),
                rx.grid(
                    _item("Preferred name", c.preferred_name),
                    _item("Email", c.email),
                    _item("Phone", c.phone_display),
                    _item("Timezone", c.timezone),
                    _item("Status", c.status),
                    _item("Therapist", c.therapist_name),
                    columns="3",
                    spacing="4",
                    width="100%",
                ),
                rx.button("Edit details", variant="soft", on_click=S.set_editing(True)),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Emergency contact", size="4", as_="h2"),
                rx.grid(
                    _item("Name", c.emergency_contact_name),
                    _item("Relation", c.emergency_contact_relation),
                    _item("Phone", c.emergency_contact_phone_display),
                    columns="3",
                    spacing="4",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Upcoming sessions", size="4", as_="h2"),
                    rx.spacer(),
                    rx.link(
                        rx.button(rx.icon("calendar-plus", size=16), "Book a session", size="2"),
                        href="/app/calendar?client=" + c.id.to_string(),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    S.sessions.length() > 0,
                    rx.foreach(
                        S.sessions,
                        lambda s: rx.hstack(
                            rx.text(s.day, ", ", s.time, weight="medium"),
                            rx.badge(s.mode),
                            rx.text(s.title, size="2"),
                            align="center",
                            spacing="3",
                        ),
                    ),
                    rx.text("None booked.", size="2", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        _forms_card(),
        billing_card(),
        outside_portal_card(),
        rx.card(
            rx.vstack(
                rx.heading("Portal", size="4", as_="h2"),
                rx.hstack(
                    rx.badge(c.portal, size="2"),
                    rx.cond(
                        c.accepted_at != "",
                        rx.text("Joined ", c.accepted_at, size="2"),
                        rx.cond(c.invited_at != "", rx.text("Invited ", c.invited_at, size="2")),
                    ),
                    align="center",
                    spacing="3",
                ),
                rx.cond(
                    ~c.on_portal,
                    rx.button(
                        rx.icon("send", size=16),
                        rx.cond(c.invited, "Resend invite", "Invite to portal"),
                        on_click=S.invite,
                        size="3",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _edit() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Edit details", size="4", as_="h2"),
                *client_fields(S, S.client),
                rx.el.label(
                    "Status",
                    html_for="field-status",
                    style={"fontWeight": "500", "fontSize": "14px"},
                ),
                rx.el.select(
                    rx.el.option("Active", value="active"),
                    rx.el.option("Paused", value="paused"),
                    rx.el.option("Discharged", value="discharged"),
                    id="field-status",
                    name="status",
                    default_value=S.client.status,
                    style={"height": "40px", "width": "200px"},
                ),
                rx.hstack(
                    submit_button("Save changes"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        size="3",
                        on_click=S.set_editing(False),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=S.save,
            width="100%",
        ),
        width="100%",
    )


@rx.page(
    route="/app/clients/[client_id]",
    title="Client · PractiPal",
    on_load=[
        S.load,
        ContactsState.load,
        ClientBillingState.load,
        ClientFormsState.load,
    ],
)
def client_detail_page() -> rx.Component:
    return workspace_shell(
        rx.cond(S.missing, "Client not found", S.client.name),
        rx.link("← All clients", href="/app/clients", size="2"),
        rx.cond(
            S.missing,
            rx.card(rx.text("This client does not exist, or is not one of yours."), width="100%"),
            rx.vstack(
                rx.cond(
                    S.notice != "",
                    rx.callout(S.notice, icon="check", color_scheme="green", width="100%"),
                ),
                form_error(S.action_error),
                rx.cond(S.editing, _edit(), _profile()),
                spacing="4",
                width="100%",
            ),
        ),
    )
