import reflex as rx

from practipal_app.components.contacts import bulk_import_card
from practipal_app.components.forms import field, form_error, select_field, submit_button
from practipal_app.components.layout import workspace_shell
from practipal_app.state.clients import ClientsState
from practipal_app.state.public import TIMEZONES

STATUS_OPTIONS = [
    ("", "All statuses"),
    ("active", "Active"),
    ("paused", "Paused"),
    ("discharged", "Discharged"),
]


def client_fields(state, values=None) -> list[rx.Component]:
    """The add/edit fields. `values` (a ClientCard var) holds current values when editing."""

    def v(key: str, default=None):
        return default if values is None else getattr(values, key)

    err = state.errors
    return [
        rx.grid(
            field(
                "Full name",
                "name",
                error=err.get("name", ""),
                required=True,
                default_value=v("name"),
            ),
            field("Preferred name", "preferred_name", default_value=v("preferred_name")),
            field(
                "Email",
                "email",
                type="email",
                error=err.get("email", ""),
                required=True,
                default_value=v("email"),
            ),
            field(
                "Phone",
                "phone",
                type="tel",
                error=err.get("phone", ""),
                default_value=v("phone"),
                hint="Indian numbers need no +91.",
            ),
            select_field(
                "Timezone",
                "timezone",
                [rx.el.option(tz, value=tz) for tz in TIMEZONES],
                error=err.get("timezone", ""),
                default_value=v("timezone", "Asia/Kolkata"),
            ),
            select_field(
                "Therapist",
                "therapist_id",
                rx.foreach(state.therapist_options, lambda o: rx.el.option(o.label, value=o.value)),
                error=err.get("therapist_id", ""),
                default_value=None if values is None else values.therapist_id.to_string(),
            ),
            columns="2",
            spacing="4",
            width="100%",
        ),
        rx.heading("Emergency contact", size="3", as_="h3"),
        rx.grid(
            field(
                "Contact name", "emergency_contact_name", default_value=v("emergency_contact_name")
            ),
            field(
                "Relation",
                "emergency_contact_relation",
                default_value=v("emergency_contact_relation"),
            ),
            field(
                "Contact phone",
                "emergency_contact_phone",
                type="tel",
                error=err.get("emergency_contact_phone", ""),
                default_value=v("emergency_contact_phone"),
            ),
            columns="3",
            spacing="4",
            width="100%",
        ),
    ]


def _add_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add a client", size="4", as_="h2"),
                form_error(ClientsState.form_error),
                *client_fields(ClientsState),
                rx.hstack(
                    submit_button("Save client"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        size="3",
                        on_click=ClientsState.toggle_form,
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=ClientsState.add,
            key=ClientsState.form_key,
            width="100%",
        ),
        width="100%",
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(row.name, href="/app/clients/" + row.id.to_string(), weight="medium")
        ),
        rx.table.cell(row.email),
        rx.table.cell(row.phone),
        rx.table.cell(rx.badge(row.status, color_scheme="gray")),
        rx.table.cell(
            rx.badge(
                row.portal,
                color_scheme=rx.match(
                    row.portal, ("Active", "green"), ("Invited", "amber"), "gray"
                ),
                high_contrast=True,  # green 11 on green 3 is 4.2:1, below AA
            )
        ),
        rx.table.cell(row.therapist_name),
    )


def _search() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(field("Search clients", "query", placeholder="Name, email or phone"), flex="1"),
            rx.box(
                select_field(
                    "Status",
                    "status",
                    [rx.el.option(label, value=v) for v, label in STATUS_OPTIONS],
                ),
                width="180px",
            ),
            rx.button("Search", type="submit", size="3", variant="soft"),
            align="end",
            spacing="3",
            width="100%",
        ),
        on_submit=ClientsState.search,
        width="100%",
    )


@rx.page(
    route="/app/clients",
    title="Clients · PractiPal",
    on_load=ClientsState.load,
)
def clients_page() -> rx.Component:
    return workspace_shell(
        "Clients",
        rx.cond(ClientsState.show_form, _add_form()),
        _search(),
        rx.cond(
            ClientsState.total > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Name", "Email", "Phone", "Status", "Portal", "Therapist")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(ClientsState.rows, _row)),
                width="100%",
                variant="surface",
            ),
            rx.card(
                rx.text("No clients match. Add your first client to invite them to the portal."),
                width="100%",
            ),
        ),
        rx.hstack(
            rx.text(ClientsState.page_label, size="2", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                "Previous",
                variant="soft",
                disabled=ClientsState.page == 0,
                on_click=ClientsState.go_to_page(ClientsState.page - 1),
            ),
            rx.button(
                "Next",
                variant="soft",
                disabled=~ClientsState.has_next,
                on_click=ClientsState.go_to_page(ClientsState.page + 1),
            ),
            width="100%",
            align="center",
        ),
        rx.card(bulk_import_card(), width="100%"),
        actions=rx.button(
            rx.icon("user-plus", size=16), "Add client", on_click=ClientsState.toggle_form, size="3"
        ),
    )
