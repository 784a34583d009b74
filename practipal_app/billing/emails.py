"""Emails about invoices and payments: a portal link, no attachment (the PDF stays behind
sign-in)."""

from __future__ import annotations

from sqlmodel import Session

from practipal_app.core import money
from practipal_app.core.timefmt import date_label
from practipal_app.models import ClientProfile, Invoice, Payment, User
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email


def _client(session: Session, client_id: int) -> tuple[str, str]:
    user, profile = session.get(User, client_id), session.get(ClientProfile, client_id)
    return (profile.preferred_name if profile and profile.preferred_name else user.name), user.email


def invoice_issued(session: Session, invoice: Invoice, base_url: str) -> None:
    name, email = _client(session, invoice.client_id)
    body = (
        f"Hello {name},\n\n"
        f"Invoice {invoice.number} for {money.format_inr(invoice.total_paise)} is ready"
        f"{f', due by {date_label(invoice.due_date)}' if invoice.due_date else ''}.\n\n"
        f"View it, download the PDF or pay with UPI in your portal: {base_url}/portal/invoices\n"
    )
    outbox.enqueue(
        session,
        practice_id=invoice.practice_id,
        kind="invoice_issued",
        to=email,
        email=Email(f"Invoice {invoice.number}: {money.format_inr(invoice.total_paise)}", body),
        key=f"invoice_issued:{invoice.id}",
    )


def payment_recorded(session: Session, payment: Payment, invoice: Invoice, base_url: str) -> None:
    name, email = _client(session, invoice.client_id)
    balance = invoice.total_paise - invoice.paid_paise
    owing = (
        f"{money.format_inr(balance)} is still due on it." if balance else "It is now paid in full."
    )
    body = (
        f"Hello {name},\n\n"
        f"Thank you: {money.format_inr(payment.amount_paise)} was received on "
        f"{date_label(payment.paid_on)} against invoice {invoice.number}. {owing}\n\n"
        f"Your receipt {payment.receipt_number} is in your portal: {base_url}/portal/invoices\n"
    )
    outbox.enqueue(
        session,
        practice_id=invoice.practice_id,
        kind="payment_receipt",
        to=email,
        email=Email(f"Payment received: receipt {payment.receipt_number}", body),
        key=f"payment:{payment.id}",
    )
