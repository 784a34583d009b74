"""billing/views.py: the rows billing pages show, from invoices, payments and settings in memory."""

from __future__ import annotations

from datetime import UTC, date, datetime

from practipal_app.billing import views
from practipal_app.billing.reports import ClientInvoices, MonthTotals, Overview
from practipal_app.billing.settings import FeeRow
from practipal_app.core.views import Option, options
from practipal_app.models import BillingSettings, DocumentKind, Invoice, InvoiceStatus, Payment

TODAY = date(2026, 3, 20)
SELLER = {"name": "Sunrise Counselling"}


def _invoice(
    status: str, total: int = 200000, paid: int = 0, due: date | None = date(2026, 3, 10), **extra
) -> Invoice:
    issued = status != InvoiceStatus.DRAFT
    return Invoice(
        id=7,
        practice_id=1,
        client_id=3,
        therapist_id=2,
        created_by=2,
        status=status,
        number="INV/25-26/0007" if issued else None,
        kind=DocumentKind.BILL_OF_SUPPLY,
        issue_date=date(2026, 3, 3) if issued else None,
        due_date=due if issued else None,
        total_paise=total,
        paid_paise=paid,
        seller=SELLER,
        created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        **extra,
    )


def test_an_unpaid_invoice_past_its_due_date_is_overdue_and_can_be_paid_or_voided():
    row = views.invoice_row(_invoice(InvoiceStatus.ISSUED), "Riya Sharma", TODAY)
    assert (row.id, row.client_id, row.number, row.client, row.title) == (
        7,
        3,
        "INV/25-26/0007",
        "Riya Sharma",
        "Bill of Supply",
    )
    assert (row.issued_on, row.due_by, row.total, row.balance, row.balance_rupees) == (
        "3 Mar 2026",
        "10 Mar 2026",
        "₹2,000.00",
        "₹2,000.00",
        "2000.00",
    )
    assert (row.status, row.status_label) == ("overdue", "Overdue")
    assert (row.has_balance, row.can_pay, row.can_issue, row.can_void) == (True, True, False, True)
    assert row.upi_link == ""  # no UPI ID given


def test_a_part_paid_invoice_can_take_payments_but_not_be_voided():
    row = views.invoice_row(
        _invoice(InvoiceStatus.PARTLY_PAID, paid=50000, due=date(2026, 3, 30)),
        "Riya Sharma",
        TODAY,
        upi_id="asha.rao@okhdfcbank",
    )
    assert (row.status, row.status_label, row.balance) == ("partly_paid", "Part paid", "₹1,500.00")
    assert (row.has_balance, row.can_pay, row.can_issue, row.can_void) == (True, True, False, False)
    assert (
        row.upi_link.startswith("upi://pay?pa=asha.rao@okhdfcbank&")
        and "am=1500.00" in row.upi_link
    )


def test_drafts_paid_and_void_invoices_owe_nothing():
    draft = views.invoice_row(_invoice(InvoiceStatus.DRAFT), "Riya Sharma", TODAY, upi_id="a@ybl")
    assert (draft.number, draft.issued_on, draft.due_by, draft.status_label) == (
        "Draft",
        "2 Mar 2026",
        "",
        "Draft",
    )
    assert (draft.can_issue, draft.can_pay, draft.can_void, draft.has_balance) == (
        True,
        False,
        False,
        False,
    )
    paid = views.invoice_row(
        _invoice(InvoiceStatus.PAID, paid=200000), "Riya Sharma", TODAY, "a@ybl"
    )
    assert (paid.status, paid.status_label, paid.balance, paid.upi_link) == (
        "paid",
        "Paid",
        "₹0.00",
        "",
    )
    assert (paid.can_pay, paid.can_void, paid.has_balance) == (False, False, False)
    void = views.invoice_row(_invoice(InvoiceStatus.VOID), "Riya Sharma", TODAY)
    assert (void.status, void.status_label, void.can_pay, void.can_void) == (
        "void",
        "Void",
        False,
        False,
    )


def test_a_listed_invoice_is_found_by_its_id_and_any_other_id_finds_the_blank_row():
    rows = [views.invoice_row(_invoice(InvoiceStatus.ISSUED), "Riya Sharma", TODAY)]
    assert views.find(rows, 7) is rows[0]
    assert views.find(rows, 8) == views.InvoiceRow() and views.find(rows, 8).id == 0


def test_the_portal_page_totals_what_is_due_and_lists_receipts():
    payment = Payment(
        id=4,
        practice_id=1,
        invoice_id=7,
        client_id=3,
        amount_paise=50000,
        paid_on=date(2026, 3, 5),
        method="bank_transfer",
        reference="",
        receipt_number="RCT/25-26/0004",
        recorded_by=2,
    )
    data = ClientInvoices(
        today=TODAY,
        client_name="Riya Sharma",
        upi_id="",
        invoices=[
            _invoice(InvoiceStatus.PARTLY_PAID, paid=50000),
            _invoice(InvoiceStatus.PAID, paid=200000),
        ],
        receipts=[(payment, "INV/25-26/0007")],
    )
    page = views.portal_invoices(data)
    assert (page.outstanding, page.has_outstanding) == ("₹1,500.00", True)
    assert [row.status_label for row in page.invoices] == ["Overdue", "Paid"]
    assert page.receipts == [
        views.ReceiptRow(
            4, "RCT/25-26/0004", "5 Mar 2026", "₹500.00", "INV/25-26/0007", "Bank transfer"
        )
    ]
    nothing_due = views.portal_invoices(ClientInvoices(TODAY, "Riya Sharma", "", [], []))
    assert (nothing_due.outstanding, nothing_due.has_outstanding) == ("₹0.00", False)
    assert (views.amount_due(0), views.amount_due(150000)) == ("", "₹1,500.00")


def test_the_workspace_page_formats_its_reports():
    data = Overview(
        today=TODAY,
        ageing=[("0–30 days", 150000), ("31–60 days", 0), ("Over 60 days", 0)],
        owed_by=[(3, "Riya Sharma", 150000)],
        revenue=[MonthTotals(date(2026, 3, 1), 200000, 50000)],
        invoices=[(_invoice(InvoiceStatus.PARTLY_PAID, paid=50000), "Riya Sharma")],
    )
    page = views.workspace_billing(data)
    assert page.outstanding == "₹1,500.00"
    assert page.ageing[0] == views.AgeingRow("0–30 days", "₹1,500.00")
    assert page.by_client == [views.OwedRow(3, "Riya Sharma", "₹1,500.00")]
    assert page.revenue == [views.RevenueRow("Mar 2026", "₹2,000.00", "₹500.00")]
    assert [row.client for row in page.invoices] == ["Riya Sharma"]
    assert (page.today, page.last_month) == ("2026-03-20", "2026-02")


def test_the_month_to_bill_is_the_one_before():
    assert views.previous_month_value(date(2026, 3, 20)) == "2026-02"
    assert views.previous_month_value(date(2026, 1, 1)) == "2025-12"
    assert views.previous_month_value(date(2026, 12, 31)) == "2026-11"


def test_the_settings_form_starts_from_the_saved_values():
    row = BillingSettings(
        practice_id=1,
        legal_name="Sunrise Counselling",
        upi_id="a@ybl",
        taxable=True,
        tax_rate_bp=1250,
        invoice_on_completed=False,
        invoice_on_late_cancel=True,
        payment_terms_days=7,
    )
    values = views.settings_values(row)
    assert (values.legal_name, values.upi_id, values.tax_rate, values.payment_terms_days) == (
        "Sunrise Counselling",
        "a@ybl",
        "12.50",
        "7",
    )
    assert (values.taxable, values.invoice_on_completed, values.invoice_on_late_cancel) == (
        True,
        False,
        True,
    )
    assert (views.percent_text(1800), views.percent_text(5)) == ("18", "0.05")


def test_fee_rows_show_the_standard_fee_and_the_clients_own_as_typed():
    rows = views.fee_rows(
        [FeeRow(5, "Therapy session", 200000, None), FeeRow(6, "Couples", 300000, 250050)]
    )
    assert rows == [
        views.FeeFormRow(5, "Therapy session", "₹2,000.00", ""),
        views.FeeFormRow(6, "Couples", "₹3,000.00", "2500.50"),
    ]


def test_select_options():
    assert views.STATE_OPTIONS[0] == views.Option("", "Not set")
    assert views.Option("27", "Maharashtra (27)") in views.STATE_OPTIONS
    assert [o.value for o in views.METHOD_OPTIONS] == [
        "upi",
        "cash",
        "bank_transfer",
        "card",
        "other",
    ]
    assert options([(3, "Riya Sharma")]) == [Option("3", "Riya Sharma")]
