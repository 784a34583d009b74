"""What billing pages show, shaped from the services' data into typed rows. Pure: no database, no
reflex.

Amounts are pre-formatted (₹1,500.00); ids are ints; what a page decides on (can this invoice be
paid, voided, issued?) is a bool worked out here, not by comparing display text in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from practipal_app.billing import gst, invoices, payments
from practipal_app.billing.reports import ClientInvoices, Overview, Paging
from practipal_app.billing.settings import FeeRow
from practipal_app.core import money
from practipal_app.core.timefmt import date_label, month_label
from practipal_app.core.views import Option
from practipal_app.models import (
    BillingSettings,
    DocumentKind,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)

STATUS_LABELS = {
    InvoiceStatus.DRAFT: "Draft",
    InvoiceStatus.ISSUED: "Due",
    InvoiceStatus.PARTLY_PAID: "Part paid",
    InvoiceStatus.PAID: "Paid",
    InvoiceStatus.VOID: "Void",
}
TITLES = {DocumentKind.BILL_OF_SUPPLY: "Bill of Supply", DocumentKind.TAX_INVOICE: "Tax Invoice"}
#: An open invoice past its due date shows this status (it is not stored).
OVERDUE = "overdue"

#: The GST states for a select, by name, after "Not set".
STATE_OPTIONS = [
    Option("", "Not set"),
    *[
        Option(code, f"{name} ({code})")
        for code, name in sorted(gst.STATES.items(), key=lambda kv: kv[1])
    ],
]
#: How a payment was made, for a select.
METHOD_OPTIONS = [Option(method.value, payments.METHOD_LABELS[method]) for method in PaymentMethod]


# Invoices ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceRow:
    """One invoice in a list. `InvoiceRow()` is the blank row of a panel that is closed."""

    id: int = 0
    number: str = ""
    client_id: int = 0
    client: str = ""
    title: str = ""  # "Bill of Supply" / "Tax Invoice"
    issued_on: str = ""  # "3 Mar 2026" (a draft: the day it was made)
    due_by: str = ""  # "" when it has no due date
    total: str = ""
    balance: str = ""  # "₹0.00" when nothing is due
    balance_rupees: str = ""  # "1500.00": what the payment form starts from
    status: str = ""  # the stored status, or "overdue": picks the badge colour
    status_label: str = ""
    upi_link: str = ""  # the portal's pay link; "" when nothing is due or there is no UPI ID
    has_balance: bool = False
    can_pay: bool = False  # issued or part paid: a payment can be recorded
    can_issue: bool = False  # a draft: it can be issued or discarded
    can_void: bool = False  # issued with nothing paid yet


def invoice_row(inv: Invoice, client_name: str, today: date, upi_id: str = "") -> InvoiceRow:
    due = invoices.balance(inv)
    overdue = bool(due and inv.due_date and inv.due_date < today)
    return InvoiceRow(
        id=inv.id,
        number=inv.number or "Draft",
        client_id=inv.client_id,
        client=client_name,
        title=TITLES.get(inv.kind, "Invoice"),
        issued_on=date_label(inv.issue_date or inv.created_at.date()),
        due_by=date_label(inv.due_date),
        total=money.format_inr(inv.total_paise),
        balance=money.format_inr(due),
        balance_rupees=money.plain_rupees(due),
        status=OVERDUE if overdue else inv.status,
        status_label="Overdue" if overdue else STATUS_LABELS.get(inv.status, inv.status),
        upi_link=invoices.payment_link(inv, upi_id),
        has_balance=due > 0,
        can_pay=inv.status in invoices.OPEN_STATUSES,
        can_issue=inv.status == InvoiceStatus.DRAFT,
        can_void=inv.status == InvoiceStatus.ISSUED and inv.paid_paise == 0,
    )


@dataclass(frozen=True)
class PageRow:
    """Where a paged list stands: 'Invoices 51–100 of 230', and which ways it can move."""

    page: int = 0  # 0: the newest
    label: str = ""  # "" when everything fits on one page
    has_newer: bool = False
    has_older: bool = False


def page_row(paging: Paging | None, shown: int, noun: str = "Invoices") -> PageRow:
    if paging is None or paging.pages == 1:
        return PageRow()
    first = paging.page * paging.size + 1
    return PageRow(
        page=paging.page,
        label=f"{noun} {first:,}–{first + shown - 1:,} of {paging.count:,}",
        has_newer=paging.page > 0,
        has_older=paging.page < paging.pages - 1,
    )


def find(rows: list[InvoiceRow], invoice_id: int) -> InvoiceRow:
    """The listed invoice with this id, or the blank row when it is not listed."""
    return next((row for row in rows if row.id == invoice_id), InvoiceRow())


# Portal ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptRow:
    id: int
    number: str
    paid_on: str
    amount: str
    invoice: str  # the invoice's number
    method: str


@dataclass(frozen=True)
class PortalInvoices:
    outstanding: str
    has_outstanding: bool
    invoices: list[InvoiceRow]
    receipts: list[ReceiptRow]
    paging: PageRow = PageRow()


def receipt_row(payment: Payment, invoice_number: str) -> ReceiptRow:
    return ReceiptRow(
        id=payment.id,
        number=payment.receipt_number,
        paid_on=date_label(payment.paid_on),
        amount=money.format_inr(payment.amount_paise),
        invoice=invoice_number,
        method=payments.METHOD_LABELS.get(payment.method, payment.method),
    )


def portal_invoices(data: ClientInvoices) -> PortalInvoices:
    owed = data.outstanding_paise
    return PortalInvoices(
        outstanding=money.format_inr(owed),
        has_outstanding=owed > 0,
        invoices=[
            invoice_row(inv, data.client_name, data.today, data.upi_id) for inv in data.invoices
        ],
        receipts=[receipt_row(payment, number) for payment, number in data.receipts],
        paging=page_row(data.paging, len(data.invoices)),
    )


def amount_due(paise: int) -> str:
    """What the portal's home says the client owes: '' when nothing is."""
    return money.format_inr(paise) if paise else ""


# Workspace ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeingRow:
    label: str
    amount: str


@dataclass(frozen=True)
class OwedRow:
    client_id: int
    client: str
    amount: str


@dataclass(frozen=True)
class RevenueRow:
    month: str  # "Mar 2026"
    invoiced: str
    received: str


@dataclass(frozen=True)
class WorkspaceBilling:
    outstanding: str
    ageing: list[AgeingRow]
    by_client: list[OwedRow]
    revenue: list[RevenueRow]
    invoices: list[InvoiceRow]
    today: str  # ISO: the payment form's date
    last_month: str  # "2026-02": the monthly invoice's month
    paging: PageRow = PageRow()


def previous_month_value(day: date) -> str:
    """The month before `day` as <input type=month> wants it ('2026-02'): the usual month to
    bill."""
    first = day.replace(day=1)
    return f"{first.year - (first.month == 1)}-{(first.month - 2) % 12 + 1:02d}"


def workspace_billing(data: Overview) -> WorkspaceBilling:
    return WorkspaceBilling(
        outstanding=money.format_inr(data.outstanding_paise),
        ageing=[AgeingRow(label, money.format_inr(paise)) for label, paise in data.ageing],
        by_client=[
            OwedRow(client_id, name, money.format_inr(paise))
            for client_id, name, paise in data.owed_by
        ],
        revenue=[
            RevenueRow(
                month_label(m.month),
                money.format_inr(m.invoiced_paise),
                money.format_inr(m.received_paise),
            )
            for m in data.revenue
        ],
        invoices=[invoice_row(inv, name, data.today) for inv, name in data.invoices],
        today=data.today.isoformat(),
        last_month=previous_month_value(data.today),
        paging=page_row(data.paging, len(data.invoices)),
    )


# Settings ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsValues:
    """The billing settings form as it starts: the saved values, as typed."""

    legal_name: str = ""
    address: str = ""
    state_code: str = ""
    gstin: str = ""
    upi_id: str = ""
    invoice_prefix: str = ""
    sac_code: str = ""
    taxable: bool = False
    tax_rate: str = ""  # "18", "12.5"
    invoice_on_completed: bool = False
    invoice_on_late_cancel: bool = False
    payment_terms_days: str = ""


def percent_text(bp: int) -> str:
    """Basis points as typed in the form: 1800 -> '18', 1250 -> '12.50'."""
    return f"{bp // 100}" + (f".{bp % 100:02d}" if bp % 100 else "")


def settings_values(row: BillingSettings) -> SettingsValues:
    return SettingsValues(
        legal_name=row.legal_name,
        address=row.address,
        state_code=row.state_code,
        gstin=row.gstin,
        upi_id=row.upi_id,
        invoice_prefix=row.invoice_prefix,
        sac_code=row.sac_code,
        taxable=bool(row.taxable),
        tax_rate=percent_text(row.tax_rate_bp),
        invoice_on_completed=bool(row.invoice_on_completed),
        invoice_on_late_cancel=bool(row.invoice_on_late_cancel),
        payment_terms_days=str(row.payment_terms_days),
    )


@dataclass(frozen=True)
class FeeFormRow:
    """A session type on a client's billing card, with the client's own fee as typed ('' =
    standard)."""

    type_id: int
    name: str
    standard: str
    own: str


def fee_rows(rows: list[FeeRow]) -> list[FeeFormRow]:
    return [
        FeeFormRow(
            r.session_type_id,
            r.name,
            money.format_inr(r.standard_paise),
            "" if r.client_paise is None else money.plain_rupees(r.client_paise),
        )
        for r in rows
    ]
