"""Payments against invoices, each with its own receipt number; the invoice's balance and status
follow."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from practipal_app.billing import emails as billing_emails
from practipal_app.billing import invoices
from practipal_app.config import get_settings
from practipal_app.core import audit, money
from practipal_app.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import Invoice, InvoiceStatus, Payment, PaymentMethod, Role
from practipal_app.models.base import utcnow

RECEIPT_PREFIX = "RCT"
METHOD_LABELS = {
    PaymentMethod.UPI: "UPI",
    PaymentMethod.CASH: "Cash",
    PaymentMethod.BANK_TRANSFER: "Bank transfer",
    PaymentMethod.CARD: "Card",
    PaymentMethod.OTHER: "Other",
}


def status_after(invoice: Invoice) -> str:
    if invoice.paid_paise >= invoice.total_paise:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTLY_PAID if invoice.paid_paise else InvoiceStatus.ISSUED


def _day(value: date | str) -> date | None:
    """A date as given, or as typed in ISO form ('2026-03-05'); None when it is not one."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def record(
    session: Session,
    actor: Actor,
    invoice_id: int,
    *,
    amount: str,
    paid_on: date | str,
    method: str,
    reference: str = "",
    now: datetime | None = None,
) -> int:
    """Record money received against an issued invoice; returns the payment id (its receipt)."""
    if not actor.is_staff:
        raise PermissionDenied()
    invoice = invoices.invoice_for(session, actor, invoice_id)
    session.refresh(
        invoice, with_for_update=True
    )  # PostgreSQL: two payments at once cannot overpay
    if invoice.status not in invoices.OPEN_STATUSES:
        raise DomainError("Payments can be recorded only against an issued invoice with a balance.")
    today = invoices.local_today(session, invoice.practice_id, now)
    errors: dict[str, str] = {}
    balance = invoice.total_paise - invoice.paid_paise
    try:
        amount_paise = money.parse_rupees(amount)
    except ValueError as exc:
        errors["amount"], amount_paise = str(exc), 0
    else:
        if amount_paise <= 0:
            errors["amount"] = "Enter the amount received."
        elif amount_paise > balance:
            errors["amount"] = f"That is more than the balance of {money.format_inr(balance)}."
    day = _day(paid_on)
    if day is None:
        errors["paid_on"], day = "Choose the date the money arrived.", today
    elif day > today:
        errors["paid_on"] = "The payment date cannot be in the future."
    if method not in METHOD_LABELS:
        errors["method"] = "Choose how it was paid."
    if errors:
        raise InvalidInput(errors)
    number, _fy, _seq = invoices.document_number(
        session, invoice.practice_id, "receipt", RECEIPT_PREFIX, day
    )
    payment = Payment(
        practice_id=invoice.practice_id,
        invoice_id=invoice.id,
        client_id=invoice.client_id,
        amount_paise=amount_paise,
        paid_on=day,
        method=method,
        reference=reference.strip()[:100],
        receipt_number=number,
        recorded_by=actor.user_id,
        created_at=now or utcnow(),
    )
    invoice.paid_paise += amount_paise
    invoice.status = status_after(invoice)
    session.add(payment)
    session.add(invoice)
    session.flush()
    billing_emails.payment_recorded(session, payment, invoice, get_settings().base_url)
    audit.record(
        session,
        "payment.recorded",
        practice_id=invoice.practice_id,
        actor_id=actor.user_id,
        subject_type="invoice",
        subject_id=invoice.id,
        receipt=number,
    )
    return payment.id


def payment_for(session: Session, actor: Actor, payment_id: int) -> Payment:
    """A payment its client, the invoice's therapist, or the owner/assistant may see."""
    payment = session.get(Payment, payment_id)
    if payment is None or payment.practice_id != actor.practice_id:
        raise NotFound("No such receipt.")
    if actor.role == Role.CLIENT and payment.client_id != actor.user_id:
        raise NotFound("No such receipt.")
    invoices.invoice_for(session, actor, payment.invoice_id)
    return payment
