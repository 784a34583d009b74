"""What the billing pages are built from: a client's invoices and receipts, and the workspace's
outstanding, ageing, revenue by month and invoice list. Domain data only; billing/views.py shapes it
into the rows a page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from practipal_app.billing import invoices
from practipal_app.billing import settings as billing_settings
from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import Invoice, InvoiceStatus, Payment, Role, User

#: Open invoices by age since their invoice date: (bucket, first day, last day or None).
AGEING = (("0–30 days", 0, 30), ("31–60 days", 31, 60), ("Over 60 days", 61, None))
#: Invoices on one page of the workspace's list, and of the portal's.
PAGE_SIZE = 50
PORTAL_PAGE_SIZE = 20
#: The clients who owe the most, listed by name on the billing page (the rest: filter the list).
OWED_BY_LIMIT = 25


def staff_scope(actor: Actor, practice_column=Invoice.practice_id):
    """The invoices a staff member may see: the practice's (owner, assistant) or their clients'."""
    if not actor.is_staff:
        raise PermissionDenied()
    scope = practice_column == actor.practice_id
    if not actor.sees_whole_practice:
        scope = scope & (Invoice.therapist_id == actor.user_id)
    return scope


def _unindexed(column) -> sa.ColumnElement:
    """The column's value, through which no index is searched. SQLite keeps no statistics unless
    ANALYZE ran, and picks the practice's index (every invoice, row by row) over the client's, the
    open statuses' or a plain scan in id order; the practice is still checked on each row."""
    return column + 0


def _scope(actor: Actor) -> sa.ColumnElement:
    return staff_scope(actor, _unindexed(Invoice.practice_id))


def _balance() -> sa.ColumnElement:
    return Invoice.total_paise - Invoice.paid_paise


def _is_open() -> sa.ColumnElement:
    return col(Invoice.status).in_(list(invoices.OPEN_STATUSES))


@dataclass(frozen=True)
class Paging:
    """Which page of a list is shown: 0 is the newest."""

    page: int
    size: int
    count: int  # rows on every page together

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.size))


def _page_of(
    session: Session, query, count_query, page: int, size: int, order: tuple
) -> tuple[list, Paging]:
    """One page of `query` (newest first by `order`); a page past the last shows the last."""
    count = session.exec(count_query).one()
    last = Paging(0, size, count).pages - 1
    paging = Paging(min(max(page, 0), last), size, count)
    rows = session.exec(query.order_by(*order).offset(paging.page * size).limit(size)).all()
    return list(rows), paging


# Portal ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientInvoices:
    """The signed-in client's issued invoices (newest first) and receipts (newest first)."""

    today: date
    client_name: str
    #: The practice's UPI ID ('' when none is set): invoices with a balance get a payment link.
    upi_id: str
    #: One page of them (`paging`).
    invoices: list[Invoice]
    #: Each payment against the listed invoices, with the number of the invoice it paid.
    receipts: list[tuple[Payment, str]]
    paging: Paging | None = None
    #: What is owed on every invoice, listed or not; None: the listed invoices are all there are.
    owed_paise: int | None = None

    @property
    def outstanding_paise(self) -> int:
        if self.owed_paise is not None:
            return self.owed_paise
        return sum(invoices.balance(inv) for inv in self.invoices)


def for_client(session: Session, actor: Actor, page: int = 0) -> ClientInvoices:
    """The signed-in client's issued invoices, `page` of them (0: the newest), and the receipts
    of those invoices."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    mine = (
        Invoice.client_id == actor.user_id,
        _unindexed(Invoice.practice_id) == actor.practice_id,
        Invoice.status != InvoiceStatus.DRAFT,
    )
    rows, paging = _page_of(
        session,
        select(Invoice).where(*mine),
        select(func.count()).select_from(Invoice).where(*mine),
        page,
        PORTAL_PAGE_SIZE,
        (col(Invoice.issued_at).desc(), col(Invoice.id).desc()),
    )
    # The receipts of the invoices on this page: every receipt is reached with its invoice.
    paid = session.exec(
        select(Payment, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(
            col(Payment.invoice_id).in_([inv.id for inv in rows]),
            Payment.client_id == actor.user_id,
            _unindexed(Payment.practice_id) == actor.practice_id,
        )
        .order_by(col(Payment.paid_on).desc(), col(Payment.id).desc())
    ).all()
    return ClientInvoices(
        today=invoices.local_today(session, actor.practice_id),
        client_name=actor.name,
        upi_id=billing_settings.settings_for(session, actor.practice_id).upi_id,
        invoices=rows,
        receipts=[(payment, number) for payment, number in paid],
        paging=paging,
        owed_paise=client_outstanding(session, actor),
    )


def client_outstanding(session: Session, actor: Actor) -> int:
    """What the signed-in client still owes, in paise."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    return session.exec(
        select(func.coalesce(func.sum(Invoice.total_paise - Invoice.paid_paise), 0)).where(
            Invoice.client_id == actor.user_id,
            _unindexed(Invoice.practice_id) == actor.practice_id,
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
    #: (client id, name, what they owe), the largest first, OWED_BY_LIMIT of them.
    owed_by: list[tuple[int, str, int]]
    #: Newest month first.
    revenue: list[MonthTotals]
    #: One page of the listed invoices (newest first) with their client's name.
    invoices: list[tuple[Invoice, str]]
    paging: Paging | None = None
    #: What every client owes together; None: `owed_by` lists them all.
    owed_paise: int | None = None

    @property
    def outstanding_paise(self) -> int:
        if self.owed_paise is not None:
            return self.owed_paise
        return sum(owed for _, _, owed in self.owed_by)


def _ageing(session: Session, scope, today: date) -> list[tuple[str, int]]:
    """What is due on open invoices, summed per AGEING bucket by their invoice date."""
    sums = []
    for _, first, last in AGEING:
        # An invoice dated after today counts as new (the first bucket has no upper bound).
        aged = [Invoice.issue_date <= today - timedelta(days=first)] if first else []
        if last is not None:
            aged.append(Invoice.issue_date >= today - timedelta(days=last))
        sums.append(func.coalesce(func.sum(sa.case((sa.and_(*aged), _balance()), else_=0)), 0))
    totals = session.exec(select(*sums).where(scope, _is_open())).one()
    return [(label, int(totals[i])) for i, (label, _, _) in enumerate(AGEING)]


def _owed_by(session: Session, scope) -> list[tuple[int, str, int]]:
    owed = func.sum(_balance())
    rows = session.exec(
        select(Invoice.client_id, User.name, owed)
        .join(User, User.id == Invoice.client_id)
        .where(scope, _is_open())
        .group_by(Invoice.client_id, User.name)
        .order_by(owed.desc(), Invoice.client_id)
        .limit(OWED_BY_LIMIT)
    ).all()
    return [(client_id, name, int(amount)) for client_id, name, amount in rows]


def invoice_page(
    session: Session, scope, status: str = "", client_id: int | None = None, page: int = 0
) -> tuple[list[tuple[Invoice, str]], Paging]:
    """`page` of the invoices in `scope` (0: the newest), filtered like the workspace's list."""
    where = [scope]
    if status == "open":
        where.append(_is_open())
    elif status:
        where.append(Invoice.status == status)
    if client_id:
        where.append(Invoice.client_id == client_id)
    rows, paging = _page_of(
        session,
        select(Invoice, User.name).join(User, User.id == Invoice.client_id).where(*where),
        select(func.count()).select_from(Invoice).where(*where),
        page,
        PAGE_SIZE,
        (col(Invoice.id).desc(),),
    )
    return [(inv, name) for inv, name in rows], paging


def overview(
    session: Session,
    actor: Actor,
    status: str = "",
    client_id: int | None = None,
    today: date | None = None,
    page: int = 0,
) -> Overview:
    """The workspace billing page: `status` filters the list ('open', an invoice status, '' for
    all), and so does `client_id`; `page` picks a page of it. Totals are summed in SQL."""
    scope = _scope(actor)
    today = today or invoices.local_today(session, actor.practice_id)
    listed, paging = invoice_page(session, scope, status, client_id, page)
    ageing = _ageing(session, scope, today)
    return Overview(
        today=today,
        ageing=ageing,
        owed_by=_owed_by(session, scope),
        revenue=revenue_by_month(session, actor, today),
        invoices=listed,
        paging=paging,
        owed_paise=sum(amount for _, amount in ageing),  # every open invoice is in one bucket
    )


def _month_sums(session: Session, day_column, amount_column, where: list) -> dict:
    """{(year, month): total}. Summed per day in SQL (a plain column groups cheaper than a
    computed month on every row), then per month here: at most a few hundred days."""
    rows = session.exec(
        select(day_column, func.sum(amount_column)).where(*where).group_by(day_column)
    ).all()
    totals: dict[tuple[int, int], int] = {}
    for day, total in rows:
        totals[(day.year, day.month)] = totals.get((day.year, day.month), 0) + int(total)
    return totals


def revenue_by_month(
    session: Session, actor: Actor, today: date, months: int = 12
) -> list[MonthTotals]:
    """Invoiced (issued, not void) and received, per calendar month, the last `months` months."""
    scope = _scope(actor)
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = date(index // 12, index % 12 + 1, 1)
    invoiced = _month_sums(
        session,
        Invoice.issue_date,
        Invoice.total_paise,
        [
            scope,
            Invoice.status != InvoiceStatus.VOID,
            Invoice.status != InvoiceStatus.DRAFT,
            Invoice.issue_date >= first,
        ],
    )
    paid_to = (
        [_unindexed(Payment.practice_id) == actor.practice_id]
        if actor.sees_whole_practice
        else [scope, Payment.invoice_id == Invoice.id]
    )
    received = _month_sums(
        session, Payment.paid_on, Payment.amount_paise, [*paid_to, Payment.paid_on >= first]
    )
    return [
        MonthTotals(date(y, m, 1), invoiced.get((y, m), 0), received.get((y, m), 0))
        for y, m in sorted(invoiced.keys() | received.keys(), reverse=True)
    ]
