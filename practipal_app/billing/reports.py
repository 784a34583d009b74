"""What the billing pages are built from: a client's invoices and receipts, and the workspace's
outstanding, ageing, revenue by month and invoice list. Domain data only; billing/views.py shapes it
into the rows a page shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from practipal_app.billing import invoices
from practipal_app.billing import settings as billing_settings
from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import Invoice, InvoiceStatus, Payment, Role, User

#: Open invoices by age since their invoice date: (bucket, first day, last day or None).
AGEING = (("0–30 days", 0, 30), ("31–60 days", 31, 60), ("Over 60 days", 61, None))
#: Rows a list holds at most.
LIST_LIMIT = 200


def staff_scope(actor: Actor):
    """The invoices a staff member may see: the practice's (owner, assistant) or their clients'."""
    if not actor.is_staff:
        raise PermissionDenied()
    scope = Invoice.practice_id == actor.practice_id
    if not actor.sees_whole_practice:
        scope = scope & (Invoice.therapist_id == actor.user_id)
    return scope


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    return (
        dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all())
        if ids
        else {}
    )


# Portal ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientInvoices:
    """The signed-in client's issued invoices (newest first) and receipts (newest first)."""

    today: date
    client_name: str
    #: The practice's UPI ID ('' when none is set): invoices with a balance get a payment link.
    upi_id: str
    invoices: list[Invoice]
    #: Each payment with the number of the invoice it paid.
    receipts: list[tuple[Payment, str]]

    @property
    def outstanding_paise(self) -> int:
        return sum(invoices.balance(inv) for inv in self.invoices)


def for_client(session: Session, actor: Actor) -> ClientInvoices:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    rows = session.exec(
        select(Invoice)
        .where(
            Invoice.client_id == actor.user_id,
            Invoice.practice_id == actor.practice_id,
            Invoice.status != InvoiceStatus.DRAFT,
        )
        .order_by(col(Invoice.issued_at).desc())
        .limit(LIST_LIMIT)
    ).all()
    paid = session.exec(
        select(Payment, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Payment.client_id == actor.user_id, Payment.practice_id == actor.practice_id)
        .order_by(col(Payment.paid_on).desc(), col(Payment.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    return ClientInvoices(
        today=invoices.local_today(session, actor.practice_id),
        client_name=actor.name,
        upi_id=billing_settings.settings_for(session, actor.practice_id).upi_id,
        invoices=list(rows),
        receipts=[(payment, number) for payment, number in paid],
    )


def client_outstanding(session: Session, actor: Actor) -> int:
    """What the signed-in client still owes, in paise."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    return session.exec(
        select(func.coalesce(func.sum(Invoice.total_paise - Invoice.paid_paise), 0)).where(
            Invoice.client_id == actor.user_id,
            Invoice.practice_id == actor.practice_id,
            col(Invoice.status).in_(list(invoices.OPEN_STATUSES)),
        )
    ).one()


# Workspace ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthTotals:
    month: date  # the first of the month
    invoiced_paise: int
    received_paise: int


@dataclass(frozen=True)
class Overview:
    today: date
    #: (bucket, what is due on the open invoices of that age), in AGEING order.
    ageing: list[tuple[str, int]]
    #: (client id, name, what they owe), the largest first.
    owed_by: list[tuple[int, str, int]]
    #: Newest month first.
    revenue: list[MonthTotals]
    #: The listed invoices (newest first) with their client's name.
    invoices: list[tuple[Invoice, str]]

    @property
    def outstanding_paise(self) -> int:
        return sum(owed for _, _, owed in self.owed_by)


def _bucket(age_days: int) -> int:
    if age_days < 0:
        return 0
    return next(
        i
        for i, (_, first, last) in enumerate(AGEING)
        if age_days >= first and (last is None or age_days <= last)
    )


def overview(
    session: Session,
    actor: Actor,
    status: str = "",
    client_id: int | None = None,
    today: date | None = None,
) -> Overview:
    """The workspace billing page: `status` filters the list ('open', an invoice status, '' for
    all), and so does `client_id`."""
    scope = staff_scope(actor)
    today = today or invoices.local_today(session, actor.practice_id)
    open_rows = session.exec(
        select(Invoice).where(scope, col(Invoice.status).in_(list(invoices.OPEN_STATUSES)))
    ).all()
    ageing_totals = [0] * len(AGEING)
    owed_by: dict[int, int] = defaultdict(int)
    for inv in open_rows:
        ageing_totals[_bucket((today - inv.issue_date).days)] += invoices.balance(inv)
        owed_by[inv.client_id] += invoices.balance(inv)
    query = select(Invoice).where(scope)
    if status == "open":
        query = query.where(col(Invoice.status).in_(list(invoices.OPEN_STATUSES)))
    elif status:
        query = query.where(Invoice.status == status)
    if client_id:
        query = query.where(Invoice.client_id == client_id)
    listed = session.exec(query.order_by(col(Invoice.id).desc()).limit(LIST_LIMIT)).all()
    names = _names(session, set(owed_by) | {inv.client_id for inv in listed})
    return Overview(
        today=today,
        ageing=[(label, ageing_totals[i]) for i, (label, _, _) in enumerate(AGEING)],
        owed_by=[
            (cid, names.get(cid, ""), amount)
            for cid, amount in sorted(owed_by.items(), key=lambda kv: -kv[1])
        ],
        revenue=revenue_by_month(session, actor, today),
        invoices=[(inv, names.get(inv.client_id, "")) for inv in listed],
    )


def revenue_by_month(
    session: Session, actor: Actor, today: date, months: int = 12
) -> list[MonthTotals]:
    """Invoiced (issued, not void) and received, per calendar month, the last `months` months."""
    scope = staff_scope(actor)
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = date(index // 12, index % 12 + 1, 1)
    invoiced = session.exec(
        select(Invoice.issue_date, Invoice.total_paise).where(
            scope,
            Invoice.status != InvoiceStatus.VOID,
            Invoice.status != InvoiceStatus.DRAFT,
            Invoice.issue_date >= first,
        )
    ).all()
    received = session.exec(
        select(Payment.paid_on, Payment.amount_paise)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(scope, Payment.paid_on >= first)
    ).all()
    totals: dict[tuple[int, int], list[int]] = {}
    for day, amount in invoiced:
        totals.setdefault((day.year, day.month), [0, 0])[0] += amount
    for day, amount in received:
        totals.setdefault((day.year, day.month), [0, 0])[1] += amount
    return [
        MonthTotals(date(y, m, 1), a, b) for (y, m), (a, b) in sorted(totals.items(), reverse=True)
    ]
