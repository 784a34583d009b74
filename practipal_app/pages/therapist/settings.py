import reflex as rx

from practipal_app.components.layout import workspace_shell
from practipal_app.notifications.views import OutboxRow
from practipal_app.state.backups import BackupStatusState
from practipal_app.state.settings import OutboxState, ProfileState
from practipal_app.state.viewer import ViewerState

SECTIONS = [
    ("Profile and sign-in", "Sign out of every device.", "/app/settings/profile", "user-round"),
    (
        "Availability and booking",
        "Weekly hours, session types, caps, leave, calendar subscription.",
        "/app/settings/availability",
        "calendar-clock",
    ),
    (
        "Communication charter",
        "What each channel is for, and when you reply.",
        "/app/settings/charter",
        "scroll-text",
    ),
    (
        "Billing",
        "Invoice details, GST, UPI ID, automatic invoices (owner only).",
        "/app/settings/billing",
        "indian-rupee",
    ),
    (
        "Email outbox",
        "Email the practice has sent or is holding (owner only).",
        "/app/settings/outbox",
        "mail",
    ),
]


def _fact(label: str, value: rx.Var | rx.Component) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _backup_card() -> rx.Component:
    """The last backup: owner only. It loads when it appears, so no one else's page asks for it
    (the handler would send them away from Settings)."""
    row = BackupStatusState.backup
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("archive"), rx.heading("Backups", size="4", as_="h2"), align="center"
            ),
            rx.cond(
                row.known,
                rx.data_list.root(
                    _fact("Last backup", row.when),
                    _fact(
                        "Result",
                        rx.badge(row.result, color_scheme=rx.cond(row.ok, "green", "red")),
                    ),
                    rx.cond(row.ok, _fact("Size", row.size)),
                    rx.cond(row.ok, _fact("File", rx.code(row.file))),
                ),
            ),
            rx.cond(
                row.warning != "",
                rx.callout(row.warning, icon="triangle-alert", color_scheme="orange", width="100%"),
            ),
            rx.text(
                "PractiPal backs up the database and uploaded files once a day into the backups "
                "folder of its data dir, keeping 7 daily and 4 weekly copies.",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
            align="start",
        ),
        width="100%",
        on_mount=BackupStatusState.load,
    )


@rx.page(route="/app/settings", title="Settings · PractiPal", on_load=ViewerState.guard_staff)
def settings_page() -> rx.Component:
    return workspace_shell(
        "Settings",
        rx.vstack(
            *[
                rx.link(
                    rx.card(
                        rx.hstack(
                            rx.icon(icon),
                            rx.vstack(
                                rx.text(t, weight="bold"),
                                rx.text(d, size="2", color_scheme="gray"),
                                spacing="0",
                                align="start",
                            ),
                            align="center",
                            spacing="3",
                        ),
                        width="100%",
                    ),
                    href=href,
                    underline="none",
                    color="inherit",
                    width="100%",
                )
                for t, d, href, icon in SECTIONS
            ],
            rx.cond(ViewerState.role == "owner", _backup_card()),
            spacing="3",
            width="100%",
        ),
    )


@rx.page(
    route="/app/settings/profile",
    title="Profile · PractiPal",
    on_load=ProfileState.load,
)
def profile_page() -> rx.Component:
    return workspace_shell(
        "Profile and sign-in",
        rx.card(
            rx.vstack(
                rx.text("Signed in as ", rx.text.strong(ViewerState.name), "."),
                rx.heading("Sign out everywhere", size="4", as_="h2"),
                rx.text(
                    "Ends every session of your account, on this and every other device. Use it if "
                    "you signed in on a shared computer or lost a phone.",
                    color_scheme="gray",
                ),
                rx.button(
                    "Log out everywhere",
                    color_scheme="red",
                    variant="soft",
                    size="3",
                    on_click=ProfileState.sign_out_everywhere,
                ),
                spacing="3",
                align="start",
            ),
            width="100%",
        ),
    )


def _outbox_row(row: rx.Var[OutboxRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.created),
        rx.table.cell(row.kind),
        rx.table.cell(row.recipient),
        rx.table.cell(
            rx.el.a(
                row.subject,
                href="/api/outbox/" + row.id.to_string(),
                reload_document=True,
                style={"color": "var(--accent-12)"},
            )
        ),
        rx.table.cell(
            rx.badge(row.status, high_contrast=True),
            rx.cond(row.error != "", rx.text(row.error, size="1")),
        ),
    )


@rx.page(
    route="/app/settings/outbox",
    title="Email outbox · PractiPal",
    on_load=OutboxState.load,
)
def outbox_page() -> rx.Component:
    return workspace_shell(
        "Email outbox",
        rx.cond(
            OutboxState.smtp_configured,
            rx.text(
                "Email is sent by the outbox worker. Failed email shows its reason here.",
                color_scheme="gray",
            ),
            rx.callout(
                "No mail server is configured, so email is held here. Open a client's invite to "
                "copy its link and send it yourself. Password-reset emails are listed but never "
                "opened here: their link is for the person they are addressed to.",
                icon="info",
                high_contrast=True,
                width="100%",
            ),
        ),
        rx.cond(
            OutboxState.total > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Created", "Kind", "To", "Subject", "Status")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(OutboxState.rows, _outbox_row)),
                width="100%",
                variant="surface",
            ),
            rx.card(rx.text("No email yet."), width="100%"),
        ),
    )
