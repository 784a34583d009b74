"""/portal/invoices: what is due, paying by UPI (the app on a phone, a QR code on a computer), PDFs,
receipts."""

import reflex as rx

from practipal_app.components.layout import portal_shell
from practipal_app.components.paging import newer_older
from practipal_app.state.billing import PortalInvoicesState as S

STATUS_COLOURS = (("paid", "green"), ("overdue", "red"), ("void", "gray"), "amber")


def _download(label: str, href) -> rx.Component:
    return rx.el.a(
        rx.button(rx.icon("download", size=16), label, variant="soft", size="3"),
        href=href,
        reload_document=True,
    )


def _qr(inv) -> rx.Component:
    return rx.vstack(
        rx.image(
            src="/api/invoices/" + inv.id.to_string() + "/upi.svg",
            alt="UPI QR code for " + inv.number,
            width="180px",
            height="180px",
        ),
        rx.text(
            "Scan with any UPI app (Google Pay, PhonePe, Paytm, BHIM) to pay ",
            inv.balance,
            ".",
            size="2",
            color_scheme="gray",
        ),
        spacing="1",
        align="start",
    )


def _pay(inv) -> rx.Component:
    pay_button = rx.el.a(
        rx.button(
            rx.icon("smartphone", size=16), "Pay ", inv.balance, " with UPI", size="3", width="100%"
        ),
        href=inv.upi_link,
        style={"width": "100%"},
    )
    return rx.cond(
        inv.upi_link != "",
        rx.vstack(
            rx.mobile_only(
                rx.vstack(
                    pay_button,
                    rx.button(
                        rx.cond(S.qr_for == inv.id, "Hide QR code", "Show QR code"),
                        variant="ghost",
                        size="2",
                        on_click=S.toggle_qr(inv.id),
                    ),
                    rx.cond(S.qr_for == inv.id, _qr(inv)),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
            ),
            rx.tablet_and_desktop(_qr(inv)),
            width="100%",
        ),
    )


def _invoice_card(inv) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(inv.number, weight="bold", size="4"),
                    rx.text(inv.title, " · ", inv.issued_on, size="2", color_scheme="gray"),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                rx.badge(
                    inv.status_label, size="2", color_scheme=rx.match(inv.status, *STATUS_COLOURS)
                ),
                width="100%",
                align="start",
            ),
            rx.hstack(
                rx.text("Total ", rx.text.strong(inv.total)),
                rx.cond(inv.has_balance, rx.text("Due ", rx.text.strong(inv.balance))),
                spacing="4",
                wrap="wrap",
            ),
            rx.cond(
                inv.due_by != "",
                rx.cond(
                    inv.has_balance, rx.text("Due by ", inv.due_by, size="2", color_scheme="gray")
                ),
            ),
            _pay(inv),
            _download("Invoice PDF", "/api/invoices/" + inv.id.to_string() + ".pdf?download=1"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _receipt_row(r) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(r.number, weight="medium"),
            rx.text(
                r.paid_on, " · ", r.method, " · for ", r.invoice, size="1", color_scheme="gray"
            ),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.text(r.amount, weight="medium"),
        rx.el.a(
            rx.icon("download", size=18),
            href="/api/receipts/" + r.id.to_string() + ".pdf?download=1",
            reload_document=True,
            aria_label="Download receipt " + r.number,
            style={"padding": "8px", "color": "var(--accent-11)"},
        ),
        width="100%",
        align="center",
        padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


@rx.page(
    route="/portal/invoices",
    title="Invoices · PractiPal",
    on_load=S.load,
)
def portal_invoices() -> rx.Component:
    return portal_shell(
        rx.heading("Invoices", size="7", as_="h1"),
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.card(
                    rx.cond(
                        S.has_outstanding,
                        rx.vstack(
                            rx.text("To pay", size="2", color_scheme="gray"),
                            rx.text(S.outstanding, size="7", weight="bold"),
                            spacing="0",
                        ),
                        rx.hstack(
                            rx.icon("circle-check", color=rx.color("green", 9)),
                            rx.text("All paid up. Thank you!", weight="medium"),
                            align="center",
                        ),
                    ),
                    width="100%",
                ),
                rx.cond(
                    S.invoices.length() > 0,
                    rx.vstack(rx.foreach(S.invoices, _invoice_card), spacing="3", width="100%"),
                    rx.text("No invoices yet.", color_scheme="gray"),
                ),
                newer_older(S.paging, S.turn_page),
                rx.heading("Receipts", size="4", as_="h2"),
                rx.cond(
                    S.receipts.length() > 0,
                    rx.card(
                        rx.vstack(rx.foreach(S.receipts, _receipt_row), spacing="0", width="100%"),
                        width="100%",
                    ),
                    rx.text(
                        "Receipts for your payments appear here.", size="2", color_scheme="gray"
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
        ),
    )
