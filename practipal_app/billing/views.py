"""What billing pages, PDFs and exports show: invoice lists for the portal and the workspace,
outstanding and ageing, revenue by month, documents for the PDF renderer, accountant CSVs."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from practipal_app.billing import gst, invoices, payments, upi
from practipal_app.billing import settings as billing_settings
from practipal_app.billing.pdf import DocLine, InvoiceDocument, Party, ReceiptDocument
from practipal_app.core import money
from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    Role,
    User,
)

STATUS_LABELS = {
    InvoiceStatus.DRAFT: "Draft",
    InvoiceStatus.ISSUED: "Due",
    InvoiceStatus.PARTLY_PAID: "Part paid",
    InvoiceStatus.PAID: "Paid",
    InvoiceStatus.VOID: "Void",
}
TITLES = {DocumentKind.BILL_OF_SUPPLY: "Bill of Supply", DocumentKind.TAX_INVOICE: "Tax Invoice"}
AGEING = (("0–30 days", 0, 30), ("31–60 days", 31, 60), ("Over 60 days", 61, None))


def staff_scope(actor: Actor):
    """The invoices a staff member may see: the practice's (owner, assistant) or their clients'."""
    if not actor.is_staff:
        raise PermissionDenied()
    scope = Invoice.practice_id == actor.practice_id
    if not actor.sees_whole_practice:
        scope = scope & (Invoice.therapist_id == actor.user_id)
    return scope


def _day(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def balance(inv: Invoice) -> int:
    return inv.total_paise - inv.paid_paise if inv.status in invoices.OPEN_STATUSES else 0


def payment_link(inv: Invoice, upi_id: str) -> str:
    """The UPI link for what is still due, or '' (nothing due, or no UPI ID in billing settings)."""
    due = balance(inv)
    if not upi_id or due <= 0:
        return ""
    return upi.payment_link(upi_id, inv.seller.get("name", ""), due, inv.number)


def _row(inv: Invoice, client_name: str, today: date) -> dict[str, str]:
    due = balance(inv)
    overdue = bool(due and inv.due_date and inv.due_date < today)
    return {
        "id": str(inv.id), "number": inv.number or "Draft", "client_id": str(inv.client_id), "client": client_name,
        "date": _day(inv.issue_date or inv.created_at.date()), "due_date": _day(inv.due_date),
        "total": money.format_inr(inv.total_paise), "paid": money.format_inr(inv.paid_paise),
        "balance": money.format_inr(due), "balance_rupees": money.plain_rupees(due),
        "status": "overdue" if overdue else inv.status,
        "status_label": "Overdue" if overdue else STATUS_LABELS.get(inv.status, inv.status),
        "title": TITLES.get(inv.kind, "Invoice"),
    }


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    return dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all()) if ids else {}


# Portal ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalInvoices:
    outstanding: str
    outstanding_paise: int
    invoices: list[dict[str, str]]
    receipts: list[dict[str, str]]


def for_client(session: Session, actor: Actor) -> PortalInvoices:
    """The signed-in client's issued invoices (newest first) and receipts."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    today = invoices.local_today(session, actor.practice_id)
    rows = session.exec(select(Invoice).where(
        Invoice.client_id == actor.user_id, Invoice.practice_id == actor.practice_id,
        Invoice.status != InvoiceStatus.DRAFT).order_by(col(Invoice.issued_at).desc()).limit(200)).all()
    upi_id = billing_settings.settings_for(session, actor.practice_id).upi_id
    listed = []
    for inv in rows:
        row = _row(inv, actor.name, today)
        row["upi_link"] = payment_link(inv, upi_id)
        listed.append(row)
    paid = session.exec(select(Payment, Invoice.number).join(Invoice, Invoice.id == Payment.invoice_id).where(
        Payment.client_id == actor.user_id, Payment.practice_id == actor.practice_id)
        .order_by(col(Payment.paid_on).desc(), col(Payment.id).desc()).limit(200)).all()
    receipts = [{"id": str(p.id), "number": p.receipt_number, "date": _day(p.paid_on),
                 "amount": money.format_inr(p.amount_paise), "invoice": number,
                 "method": payments.METHOD_LABELS.get(p.method, p.method)} for p, number in paid]
    owed = sum(balance(inv) for inv in rows)
    return PortalInvoices(money.format_inr(owed), owed, listed, receipts)


def client_outstanding(session: Session, actor: Actor) -> int:
    """What the signed-in client still owes, in paise."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    return session.exec(select(func.coalesce(func.sum(Invoice.total_paise - Invoice.paid_paise), 0)).where(
        Invoice.client_id == actor.user_id, Invoice.practice_id == actor.practice_id,
        col(Invoice.status).in_(list(invoices.OPEN_STATUSES)))).one()


# Workspace ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    outstanding: str
    ageing: list[dict[str, str]]
    by_client: list[dict[str, str]]
    revenue: list[dict[str, str]]
    invoices: list[dict[str, str]]


def overview(session: Session, actor: Actor, status: str = "", client_id: int | None = None,
             today: date | None = None) -> Overview:
    scope = staff_scope(actor)
    today = today or invoices.local_today(session, actor.practice_id)
    open_rows = session.exec(select(Invoice).where(scope, col(Invoice.status).in_(list(invoices.OPEN_STATUSES)))).all()
    ageing_totals = [0] * len(AGEING)
    owed_by: dict[int, int] = defaultdict(int)
    for inv in open_rows:
        age = (today - inv.issue_date).days
        ageing_totals[next(i for i, (_, lo, hi) in enumerate(AGEING) if age >= lo and (hi is None or age <= hi))
                      if age >= 0 else 0] += balance(inv)
        owed_by[inv.client_id] += balance(inv)
    query = select(Invoice).where(scope)
    if status == "open":
        query = query.where(col(Invoice.status).in_(list(invoices.OPEN_STATUSES)))
    elif status:
        query = query.where(Invoice.status == status)
    if client_id:
        query = query.where(Invoice.client_id == client_id)
    listed = session.exec(query.order_by(col(Invoice.id).desc()).limit(200)).all()
    names = _names(session, set(owed_by) | {inv.client_id for inv in listed})
    return Overview(
        outstanding=money.format_inr(sum(owed_by.values())),
        ageing=[{"label": label, "amount": money.format_inr(ageing_totals[i])} for i, (label, _, _) in enumerate(AGEING)],
        by_client=[{"client_id": str(cid), "client": names.get(cid, ""), "amount": money.format_inr(amount)}
                   for cid, amount in sorted(owed_by.items(), key=lambda kv: -kv[1])],
        revenue=revenue_by_month(session, actor, today),
        invoices=[_row(inv, names.get(inv.client_id, ""), today) for inv in listed],
    )


def revenue_by_month(session: Session, actor: Actor, today: date, months: int = 12) -> list[dict[str, str]]:
    """Invoiced (issued, not void) and received, per calendar month, the last `months` months."""
    scope = staff_scope(actor)
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = date(index // 12, index % 12 + 1, 1)
    invoiced = session.exec(select(Invoice.issue_date, Invoice.total_paise).where(
        scope, Invoice.status != InvoiceStatus.VOID, Invoice.status != InvoiceStatus.DRAFT,
        Invoice.issue_date >= first)).all()
    received = session.exec(select(Payment.paid_on, Payment.amount_paise).join(
        Invoice, Invoice.id == Payment.invoice_id).where(scope, Payment.paid_on >= first)).all()
    totals: dict[tuple[int, int], list[int]] = {}
    for day, amount in invoiced:
        totals.setdefault((day.year, day.month), [0, 0])[0] += amount
    for day, amount in received:
        totals.setdefault((day.year, day.month), [0, 0])[1] += amount
    return [{"month": f"{date(y, m, 1):%b %Y}", "invoiced": money.format_inr(a), "received": money.format_inr(b)}
            for (y, m), (a, b) in sorted(totals.items(), reverse=True)]


# Documents ---------------------------------------------------------------------------------------


def _party(snapshot: dict) -> Party:
    code = snapshot.get("state_code", "")
    return Party(name=snapshot.get("name", ""), address=snapshot.get("address", ""),
                 state=gst.STATES.get(code, ""), gstin=snapshot.get("gstin", ""),
                 email=snapshot.get("email", ""), phone=snapshot.get("phone", ""))


def invoice_document(session: Session, actor: Actor, invoice_id: int) -> InvoiceDocument:
    inv = invoices.invoice_for(session, actor, invoice_id)
    if inv.status == InvoiceStatus.DRAFT:  # not issued yet: show the parties as they are now
        settings = billing_settings.settings_for(session, inv.practice_id)
        seller, buyer = invoices.seller_details(settings), invoices.buyer_details(session, inv.client_id)
    else:
        seller, buyer = inv.seller, inv.buyer
    place = inv.place_of_supply
    note = ("GST is not charged on this supply." if inv.kind == DocumentKind.BILL_OF_SUPPLY else "")
    if inv.note:
        note = f"{inv.note} {note}".strip()
    if inv.status == InvoiceStatus.VOID:
        note = f"Void: {inv.void_reason}"
    return InvoiceDocument(
        title=TITLES.get(inv.kind, "Invoice"), number=inv.number or "Draft",
        issue_date=inv.issue_date or inv.created_at.date(), seller=_party(seller), buyer=_party(buyer),
        place_of_supply=f"{gst.STATES[place]} ({place})" if place in gst.STATES else "",
        lines=tuple(DocLine(line.description, line.quantity, line.unit_paise, line.amount_paise, line.sac)
                    for line in invoices.lines_of(session, inv.id)),
        taxable_paise=inv.taxable_paise, cgst_paise=inv.cgst_paise, sgst_paise=inv.sgst_paise,
        igst_paise=inv.igst_paise, rate_bp=inv.tax_rate_bp, total_paise=inv.total_paise, paid_paise=inv.paid_paise,
        status=inv.status, upi_link=payment_link(inv, billing_settings.settings_for(session, inv.practice_id).upi_id), note=note,
    )


def receipt_document(session: Session, actor: Actor, payment_id: int) -> ReceiptDocument:
    payment = payments.payment_for(session, actor, payment_id)
    inv = session.get(Invoice, payment.invoice_id)
    paid_until_then = session.exec(select(func.coalesce(func.sum(Payment.amount_paise), 0)).where(
        Payment.invoice_id == inv.id, Payment.id <= payment.id)).one()
    return ReceiptDocument(
        number=payment.receipt_number, paid_on=payment.paid_on, seller=_party(inv.seller), buyer=_party(inv.buyer),
        invoice_number=inv.number, amount_paise=payment.amount_paise,
        method=payments.METHOD_LABELS.get(payment.method, payment.method), reference=payment.reference,
        invoice_total_paise=inv.total_paise, balance_paise=inv.total_paise - paid_until_then,
    )


# Exports -----------------------------------------------------------------------------------------

INVOICE_COLUMNS = ["Invoice number", "Invoice date", "Client", "Client GST state", "Place of supply", "Document",
                   "SAC", "Taxable value", "CGST", "SGST", "IGST", "Total", "Paid", "Balance", "Status"]
PAYMENT_COLUMNS = ["Receipt number", "Date", "Invoice number", "Client", "Method", "Reference", "Amount"]


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def invoices_csv(session: Session, actor: Actor) -> str:
    """Every issued invoice (void ones too, marked), in number order, amounts in rupees."""
    rows = session.exec(select(Invoice).where(staff_scope(actor), Invoice.status != InvoiceStatus.DRAFT)
                        .order_by(Invoice.fy_start, Invoice.sequence)).all()
    sacs = dict(session.exec(select(InvoiceLine.invoice_id, func.min(InvoiceLine.sac)).where(
        col(InvoiceLine.invoice_id).in_([inv.id for inv in rows])).group_by(InvoiceLine.invoice_id)).all()) if rows else {}
    out = []
    for inv in rows:
        plain = money.plain_rupees
        state = inv.buyer.get("state_code", "")
        out.append([inv.number, inv.issue_date.isoformat(), inv.buyer.get("name", ""), gst.STATES.get(state, ""),
                    gst.STATES.get(inv.place_of_supply, ""), TITLES.get(inv.kind, ""), sacs.get(inv.id, ""),
                    plain(inv.taxable_paise), plain(inv.cgst_paise), plain(inv.sgst_paise), plain(inv.igst_paise),
                    plain(inv.total_paise), plain(inv.paid_paise), plain(balance(inv)),
                    STATUS_LABELS.get(inv.status, inv.status)])
    return _csv(INVOICE_COLUMNS, out)


def payments_csv(session: Session, actor: Actor) -> str:
    rows = session.exec(select(Payment, Invoice).join(Invoice, Invoice.id == Payment.invoice_id)
                        .where(staff_scope(actor)).order_by(Payment.paid_on, Payment.id)).all()
    return _csv(PAYMENT_COLUMNS, [
        [p.receipt_number, p.paid_on.isoformat(), inv.number, inv.buyer.get("name", ""),
         payments.METHOD_LABELS.get(p.method, p.method), p.reference, money.plain_rupees(p.amount_paise)]
        for p, inv in rows
    ])
