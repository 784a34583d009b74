"""/app/billing (outstanding, ageing, revenue, invoices, payments) and /app/settings/billing
(owner)."""

import reflex as rx

from practipal_app.billing.invoices import FORM_LINES
from practipal_app.billing.views import METHOD_OPTIONS, STATE_OPTIONS
from practipal_app.components.forms import (
    checkbox,
    error_text,
    field,
    form_error,
    select_field,
    textarea_field,
)
from practipal_app.components.layout import workspace_shell
from practipal_app.components.paging import newer_older
from practipal_app.state.billing import BillingSettingsState, BillingState

S = BillingState
STATUS_FILTERS = [
    ("all", "All"),
    ("open", "Unpaid"),
    ("draft", "Drafts"),
    ("paid", "Paid"),
    ("void", "Void"),
]
STATUS_COLOURS = (
    ("paid", "green"),
    ("overdue", "red"),
    ("issued", "amber"),
    ("partly_paid", "amber"),
    ("draft", "gray"),
    "gray",
)


def _figure(label: str, value, hint: str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.text(value, size="6", weight="bold"),
            rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
            spacing="1",
        ),
        flex="1",
        min_width="160px",
    )


def _summary() -> rx.Component:
    return rx.hstack(
        _figure("Outstanding", S.outstanding, "Issued and not yet paid"),
        rx.foreach(S.ageing, lambda a: _figure(a.label, a.amount, "by invoice date")),
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def _money_table(title: str, headers: list[str], rows, cells) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.cond(
                rows.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(h) for h in headers])
                    ),
                    rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*cells(r)))),
                    size="1",
                    width="100%",
                ),
                rx.text("Nothing yet.", size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        flex="1",
        min_width="300px",
    )


def _reports() -> rx.Component:
    return rx.hstack(
        _money_table(
            "Outstanding by client, largest first",
            ["Client", "Owes"],
            S.by_client,
            lambda r: [
                rx.table.cell(
                    rx.link(r.client, href="/app/billing?client=" + r.client_id.to_string())
                ),
                rx.table.cell(r.amount),
            ],
        ),
        _money_table(
            "Revenue by month",
            ["Month", "Invoiced", "Received"],
            S.revenue,
            lambda r: [
                rx.table.cell(r.month),
                rx.table.cell(r.invoiced),
                rx.table.cell(r.received),
            ],
        ),
        spacing="3",
        width="100%",
        wrap="wrap",
        align="start",
    )


def _payment_panel() -> rx.Component:
    p = S.paying
    return rx.cond(
        p.id > 0,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Record a payment for ", p.number, size="4", as_="h2"),
                    rx.text(p.client, " · balance ", p.balance, color_scheme="gray"),
                    rx.hstack(
                        field(
                            "Amount (₹)",
                            "amount",
                            default_value=p.balance_rupees,
                            error=S.pay_errors.get("amount", ""),
                            input_mode="decimal",
                        ),
                        field(
                            "Date received",
                            "paid_on",
                            type="date",
                            default_value=S.today,
                            error=S.pay_errors.get("paid_on", ""),
                        ),
                        select_field(
                            "Method",
                            "method",
                            [rx.el.option(o.label, value=o.value) for o in METHOD_OPTIONS],
                            default_value="upi",
                            error=S.pay_errors.get("method", ""),
                        ),
                        field("Reference", "reference", hint="UPI transaction ID, cheque number…"),
                        spacing="3",
                        width="100%",
                        align="start",
                    ),
                    error_text(S.pay_errors.get("form", "")),
                    rx.hstack(
                        rx.button("Record payment", type="submit", size="3"),
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            size="3",
                            on_click=S.cancel_payment,
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.record_payment,
                reset_on_submit=False,
                key=p.id.to_string(),
            ),
            width="100%",
        ),
    )


def _void_panel() -> rx.Component:
    v = S.voiding
    return rx.cond(
        v.id > 0,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Void ", v.number, size="4", as_="h2"),
                    rx.text(
                        "A void invoice keeps its number and stays on record; its sessions can be "
                        "billed again.",
                        color_scheme="gray",
                    ),
                    field("Reason", "reason", error=S.void_error),
                    rx.hstack(
                        rx.button("Void invoice", type="submit", color_scheme="red", size="3"),
                        rx.button(
                            "Keep it",
                            type="button",
                            variant="soft",
                            size="3",
                            on_click=S.cancel_void,
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.void,
                reset_on_submit=False,
            ),
            width="100%",
        ),
    )


def _client_select(name: str) -> rx.Component:
    return select_field(
        "Client",
        name,
        [
            rx.el.option("Choose a client", value=""),
            rx.foreach(S.client_options, lambda c: rx.el.option(c.label, value=c.value)),
        ],
        default_value=S.client_filter,
    )


def _line_row(i: int) -> rx.Component:
    return rx.cond(
        S.line_count > i,
        rx.hstack(
            rx.box(
                field(
                    f"Line {i + 1}: description",
                    f"description_{i}",
                    placeholder="e.g. Assessment report",
                ),
                flex="3",
            ),
            rx.box(
                field("Qty", f"quantity_{i}", default_value="1", input_mode="numeric"), width="80px"
            ),
            rx.box(field("Rate (₹)", f"rate_{i}", input_mode="decimal"), flex="1"),
            spacing="3",
            width="100%",
            align="start",
        ),
    )


def _new_invoice() -> rx.Component:
    free_lines = rx.form(
        rx.vstack(
            rx.heading("New invoice", size="4", as_="h2"),
            rx.box(_client_select("client_id"), max_width="360px", width="100%"),
            *[_line_row(i) for i in range(FORM_LINES)],
            rx.cond(
                S.line_count < FORM_LINES,
                rx.button(
                    rx.icon("plus", size=14),
                    "Add a line",
                    type="button",
                    variant="ghost",
                    on_click=S.add_line,
                ),
            ),
            textarea_field("Note on the invoice (optional)", "note", rows="2"),
            error_text(S.new_errors.get("lines", "")),
            error_text(S.new_errors.get("form", "")),
            rx.hstack(
                rx.button("Issue invoice", type="submit", name="action", value="issue", size="3"),
                rx.button(
                    "Save as draft",
                    type="submit",
                    name="action",
                    value="draft",
                    variant="soft",
                    size="3",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.create,
        reset_on_submit=False,
    )
    monthly = rx.form(
        rx.vstack(
            rx.heading("Monthly invoice", size="4", as_="h2"),
            rx.text(
                "One invoice for every completed or late-cancelled session of the month that is "
                "not billed yet.",
                size="2",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.box(_client_select("client_id"), flex="1"),
                rx.box(
                    field("Month", "month", type="month", default_value=S.last_month), width="200px"
                ),
                spacing="3",
                width="100%",
                align="end",
            ),
            error_text(S.new_errors.get("monthly", "")),
            rx.button("Issue monthly invoice", type="submit", size="3"),
            spacing="3",
            width="100%",
        ),
        on_submit=S.create_monthly,
        reset_on_submit=False,
    )
    return rx.cond(
        S.show_new,
        rx.card(rx.vstack(free_lines, rx.separator(size="4"), monthly, spacing="5"), width="100%"),
    )


def _actions(r) -> rx.Component:
    return rx.hstack(
        rx.el.a(
            rx.button(rx.icon("file-text", size=14), "PDF", variant="ghost", size="1"),
            href="/api/invoices/" + r.id.to_string() + ".pdf",
            target="_blank",
            reload_document=True,
            aria_label="PDF of " + r.number,
        ),
        rx.cond(r.can_pay, rx.button("Record payment", size="1", on_click=S.start_payment(r.id))),
        rx.cond(
            r.can_issue,
            rx.hstack(
                rx.button("Issue", size="1", on_click=S.issue(r.id)),
                rx.button(
                    "Discard",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.discard(r.id),
                ),
                spacing="2",
            ),
        ),
        rx.cond(
            r.can_void,
            rx.button(
                "Void", size="1", variant="soft", color_scheme="red", on_click=S.start_void(r.id)
            ),
        ),
        spacing="2",
        align="center",
    )


def _invoice_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(r.number, weight="medium"), rx.text(r.title, size="1", color_scheme="gray")
        ),
        rx.table.cell(r.issued_on),
        rx.table.cell(r.client),
        rx.table.cell(r.total),
        rx.table.cell(r.balance),
        rx.table.cell(rx.badge(r.status_label, color_scheme=rx.match(r.status, *STATUS_COLOURS))),
        rx.table.cell(_actions(r)),
        align="center",
    )


def _invoice_list() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Invoices", size="4", as_="h2"),
                rx.spacer(),
                rx.el.select(
                    rx.el.option("All clients", value="all"),
                    rx.foreach(S.client_options, lambda c: rx.el.option(c.label, value=c.value)),
                    value=rx.cond(S.client_filter == "", "all", S.client_filter),
                    on_change=S.filter_client,
                    aria_label="Client",
                    style={"height": "32px", "borderRadius": "6px", "padding": "0 8px"},
                ),
                rx.segmented_control.root(
                    *[
                        rx.segmented_control.item(label, value=value)
                        for value, label in STATUS_FILTERS
                    ],
                    value=rx.cond(S.status_filter == "", "all", S.status_filter),
                    on_change=S.filter_status,
                ),
                width="100%",
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                S.invoices.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in [
                                    "Number",
                                    "Date",
                                    "Client",
                                    "Total",
                                    "Balance",
                                    "Status",
                                    "Actions",
                                ]
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.invoices, _invoice_row)),
                    width="100%",
                    size="2",
                ),
                rx.cond(
                    S.loaded,
                    rx.text(
                        "No invoices here yet. Invoices are issued when you mark a session "
                        "completed, or with New invoice.",
                        color_scheme="gray",
                    ),
                ),
            ),
            newer_older(S.paging, S.turn_page),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _exports() -> rx.Component:
    return rx.hstack(
        rx.text("For your accountant:", size="2", color_scheme="gray"),
        rx.el.a(
            rx.button(rx.icon("download", size=14), "Invoices CSV", variant="soft", size="2"),
            href="/api/billing/invoices.csv",
            reload_document=True,
        ),
        rx.el.a(
            rx.button(rx.icon("download", size=14), "Payments CSV", variant="soft", size="2"),
            href="/api/billing/payments.csv",
            reload_document=True,
        ),
        spacing="3",
        align="center",
    )


@rx.page(route="/app/billing", title="Billing · PractiPal", on_load=S.load)
def billing_page() -> rx.Component:
    return workspace_shell(
        "Billing",
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle_alert", color_scheme="red", width="100%"),
        ),
        _summary(),
        _payment_panel(),
        _void_panel(),
        _new_invoice(),
        _invoice_list(),
        _reports(),
        _exports(),
        actions=rx.hstack(
            rx.link(
                rx.button(
                    rx.icon("settings", size=16), "Billing settings", variant="soft", size="3"
                ),
                href="/app/settings/billing",
            ),
            rx.button(rx.icon("plus", size=16), "New invoice", size="3", on_click=S.toggle_new),
            spacing="2",
        ),
    )


# Settings ----------------------------------------------------------------------------------------

B = BillingSettingsState


def _settings_form() -> rx.Component:
    v, e = B.values, B.errors
    return rx.form(
        rx.vstack(
            rx.heading("On every invoice", size="4", as_="h2"),
            field(
                "Legal name",
                "legal_name",
                default_value=v.legal_name,
                error=e.get("legal_name", ""),
            ),
            textarea_field("Address", "address", default_value=v.address, rows="3"),
            select_field(
                "State",
                "state_code",
                [rx.el.option(o.label, value=o.value) for o in STATE_OPTIONS],
                default_value=v.state_code,
                error=e.get("state_code", ""),
            ),
            field(
                "UPI ID",
                "upi_id",
                default_value=v.upi_id,
                error=e.get("upi_id", ""),
                hint="Clients pay with a link or QR code to this ID, e.g. asha.rao@okhdfcbank.",
            ),
            rx.hstack(
                field(
                    "Invoice prefix",
                    "invoice_prefix",
                    default_value=v.invoice_prefix,
                    error=e.get("invoice_prefix", ""),
                    hint="Numbers look like INV/26-27/0001.",
                ),
                field(
                    "Payment due after (days)",
                    "payment_terms_days",
                    default_value=v.payment_terms_days,
                    error=e.get("payment_terms_days", ""),
                    input_mode="numeric",
                ),
                spacing="4",
                width="100%",
                align="start",
            ),
            rx.heading("GST", size="4", as_="h2"),
            rx.text(
                "Most therapy is exempt from GST: invoices are then a Bill of Supply. If you are "
                "registered and charge GST, tick the box: invoices become Tax Invoices with CGST "
                "and SGST for clients in your state and IGST for others.",
                size="2",
                color_scheme="gray",
            ),
            checkbox("I charge GST (Tax Invoice)", "taxable", v.taxable),
            rx.hstack(
                field(
                    "GSTIN",
                    "gstin",
                    default_value=v.gstin,
                    error=e.get("gstin", ""),
                    hint="15 characters, e.g. 27ABCDE1234F1Z5.",
                ),
                field(
                    "GST rate (%)",
                    "tax_rate",
                    default_value=v.tax_rate,
                    error=e.get("tax_rate", ""),
                    input_mode="decimal",
                ),
                field(
                    "SAC code",
                    "sac_code",
                    default_value=v.sac_code,
                    error=e.get("sac_code", ""),
                    input_mode="numeric",
                ),
                spacing="4",
                width="100%",
                align="start",
            ),
            rx.heading("Automatic invoices", size="4", as_="h2"),
            checkbox(
                "Issue an invoice when I mark a session completed",
                "invoice_on_completed",
                v.invoice_on_completed,
            ),
            checkbox(
                "Issue an invoice for a late cancellation",
                "invoice_on_late_cancel",
                v.invoice_on_late_cancel,
            ),
            form_error(e.get("form", "")),
            rx.cond(
                B.notice != "",
                rx.callout(B.notice, icon="check", color_scheme="green", width="100%"),
            ),
            rx.button("Save billing settings", type="submit", size="3"),
            spacing="4",
            width="100%",
            max_width="720px",
        ),
        on_submit=B.save,
        reset_on_submit=False,
    )


@rx.page(
    route="/app/settings/billing",
    title="Billing settings · PractiPal",
    on_load=B.load,
)
def billing_settings_page() -> rx.Component:
    return workspace_shell(
        "Billing settings",
        rx.cond(
            B.loaded,
            rx.card(rx.box(_settings_form(), key=B.values.legal_name), width="100%"),
            rx.text("Only the practice owner can change billing settings.", color_scheme="gray"),
        ),
    )
