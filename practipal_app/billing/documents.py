"""Invoice and receipt documents for the PDF renderer, and the accountant's CSV exports. Each checks
that the actor may see what it reads."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from practipal_app.billing import gst, invoices, payments
from practipal_app.billing import settings as billing_settings
from practipal_app.billing.pdf import DocLine, InvoiceDocument, Party, ReceiptDocument
from practipal_app.billing.reports import staff_scope
from practipal_app.billing.views import STATUS_LABELS, TITLES
from practipal_app.core import money
from practipal_app.core.csv_cells import csv_text
from practipal_app.core.identity import Actor
from practipal_app.models import DocumentKind, Invoice, InvoiceLine, InvoiceStatus, Payment

# Documents ---------------------------------------------------------------------------------------


def _party(snapshot: dict) -> Party:
    code = snapshot.get("state_code", "")
    return Party(
        name=snapshot.get("name", ""),
        address=snapshot.get("address", ""),
        state=gst.STATES.get(code, ""),
        gstin=snapshot.get("gstin", ""),
        email=snapshot.get("email", ""),
        phone=snapshot.get("phone", ""),
    )


def invoice_document(session: Session, actor: Actor, invoice_id: int) -> InvoiceDocument:
    inv = invoices.invoice_for(session, actor, invoice_id)
    settings = billing_settings.settings_for(session, inv.practice_id)
    if inv.status == InvoiceStatus.DRAFT:  # not issued yet: show the parties as they are now
        seller, buyer = (
            invoices.seller_details(settings),
            invoices.buyer_details(session, inv.client_id),
        )
    else:
        seller, buyer = inv.seller, inv.buyer
    place = inv.place_of_supply
    note = "GST is not charged on this supply." if inv.kind == DocumentKind.BILL_OF_SUPPLY else ""
    if inv.note:
        note = f"{inv.note} {note}".strip()
    if inv.status == InvoiceStatus.VOID:
        note = f"Void: {inv.void_reason}"
    return InvoiceDocument(
        title=TITLES.get(inv.kind, "Invoice"),
        number=inv.number or "Draft",
        issue_date=inv.issue_date or inv.created_at.date(),
        seller=_party(seller),
        buyer=_party(buyer),
        place_of_supply=f"{gst.STATES[place]} ({place})" if place in gst.STATES else "",
        lines=tuple(
            DocLine(line.description, line.quantity, line.unit_paise, line.amount_paise, line.sac)
            for line in invoices.lines_of(session, inv.id)
        ),
        taxable_paise=inv.taxable_paise,
        cgst_paise=inv.cgst_paise,
        sgst_paise=inv.sgst_paise,
        igst_paise=inv.igst_paise,
        rate_bp=inv.tax_rate_bp,
        total_paise=inv.total_paise,
        paid_paise=inv.paid_paise,
        status=inv.status,
        upi_link=invoices.payment_link(inv, settings.upi_id),
        note=note,
    )


def receipt_document(session: Session, actor: Actor, payment_id: int) -> ReceiptDocument:
    payment = payments.payment_for(session, actor, payment_id)
    inv = session.get(Invoice, payment.invoice_id)
    paid_until_then = session.exec(
        select(func.coalesce(func.sum(Payment.amount_paise), 0)).where(
            Payment.invoice_id == inv.id, Payment.id <= payment.id
        )
    ).one()
    return ReceiptDocument(
        number=payment.receipt_number,
        paid_on=payment.paid_on,
        seller=_party(inv.seller),
        buyer=_party(inv.buyer),
        invoice_number=inv.number,
        amount_paise=payment.amount_paise,
        method=payments.METHOD_LABELS.get(payment.method, payment.method),
        reference=payment.reference,
        invoice_total_paise=inv.total_paise,
        balance_paise=inv.total_paise - paid_until_then,
    )


# Exports -----------------------------------------------------------------------------------------

INVOICE_COLUMNS = [
    "Invoice number",
    "Invoice date",
    "Client",
    "Client GST state",
    "Place of supply",
    "Document",
    "SAC",
    "Taxable value",
    "CGST",
    "SGST",
    "IGST",
    "Total",
    "Paid",
    "Balance",
    "Status",
]
PAYMENT_COLUMNS = [
    "Receipt number",
    "Date",
    "Invoice number",
    "Client",
    "Method",
    "Reference",
    "Amount",
]


def invoices_csv(session: Session, actor: Actor) -> str:
    """Every issued invoice (void ones too, marked), in number order, amounts in rupees."""
    rows = session.exec(
        select(Invoice)
        .where(staff_scope(actor), Invoice.status != InvoiceStatus.DRAFT)
        .order_by(Invoice.fy_start, Invoice.sequence)
    ).all()
    sacs = (
        dict(
            session.exec(
                select(InvoiceLine.invoice_id, func.min(InvoiceLine.sac))
                .where(col(InvoiceLine.invoice_id).in_([inv.id for inv in rows]))
                .group_by(InvoiceLine.invoice_id)
            ).all()
        )
        if rows
        else {}
    )
    plain = money.plain_rupees
    out = []
    for inv in rows:
        state = inv.buyer.get("state_code", "")
        out.append(
            [
                inv.number,
                inv.issue_date.isoformat(),
                inv.buyer.get("name", ""),
                gst.STATES.get(state, ""),
                gst.STATES.get(inv.place_of_supply, ""),
                TITLES.get(inv.kind, ""),
                sacs.get(inv.id, ""),
                plain(inv.taxable_paise),
                plain(inv.cgst_paise),
                plain(inv.sgst_paise),
                plain(inv.igst_paise),
                plain(inv.total_paise),
                plain(inv.paid_paise),
                plain(invoices.balance(inv)),
                STATUS_LABELS.get(inv.status, inv.status),
            ]
        )
    return csv_text(INVOICE_COLUMNS, out)


def payments_csv(session: Session, actor: Actor) -> str:
    rows = session.exec(
        select(Payment, Invoice)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(staff_scope(actor))
        .order_by(Payment.paid_on, Payment.id)
    ).all()
    return csv_text(
        PAYMENT_COLUMNS,
        [
            [
                p.receipt_number,
                p.paid_on.isoformat(),
                inv.number,
                inv.buyer.get("name", ""),
                payments.METHOD_LABELS.get(p.method, p.method),
                p.reference,
                money.plain_rupees(p.amount_paise),
            ]
            for p, inv in rows
        ],
    )
