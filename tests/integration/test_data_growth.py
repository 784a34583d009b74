"""Lists and totals that stay right as the data grows: every invoice reachable page by page (the
workspace's and the portal's), the billing totals summed in SQL agreeing with the invoices, and
the calendar's day and week queries bounded below on the start time without losing a session
that began the evening before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from scheduling_helpers import actor, ist, session_type_id
from tabs import open_page

from practipal_app import db
from practipal_app.billing import invoices, reports
from practipal_app.core import money
from practipal_app.models import Appointment, AppointmentStatus, Invoice, InvoiceStatus, Payment
from practipal_app.scheduling import workspace_views

# At import, not inside a test: Reflex registers states in the context that imports them.
from practipal_app.state.billing import BillingState, PortalInvoicesState

TODAY = date(2026, 3, 20)
STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID, InvoiceStatus.PAID)


def _many_invoices(owner, client_id: int, count: int) -> list[int]:
    """`count` issued invoices for one client, one a day back from TODAY, the oldest first."""
    rows = []
    for i in range(count):
        day = TODAY - timedelta(days=count - i)
        status = STATUSES[i % 3]
        total = 100_000 + 100 * i
        paid = {InvoiceStatus.PAID: total, InvoiceStatus.PARTLY_PAID: 40_000}.get(status, 0)
        rows.append(
            {
                "practice_id": owner.practice_id,
                "client_id": client_id,
                "therapist_id": owner.id,
                "number": f"T/{client_id}/{i:04d}",
                "status": status,
                "kind": "bill_of_supply",
                "issue_date": day,
                "due_date": day + timedelta(days=7),
                "seller": {},
                "buyer": {},
                "total_paise": total,
                "paid_paise": paid,
                "created_at": ist(1, 1, 9),
                "issued_at": ist(1, 1, 9) + timedelta(minutes=i),
            }
        )
    with db.get_engine().begin() as conn:
        conn.execute(sa.insert(Invoice.__table__), rows)
    return db.call(
        lambda s: list(
            s.exec(sa.select(Invoice.id).where(Invoice.client_id == client_id).order_by(Invoice.id))
            .scalars()
            .all()
        )
    )


async def _every_page(page) -> list[list[int]]:
    """The ids on each page, newest page first, moving with the Older button."""
    pages = [[row.id for row in page.invoices]]
    while page.paging.has_older:
        await page.event_handlers["turn_page"].fn(page, 1)
        pages.append([row.id for row in page.invoices])
        assert len(pages) < 20, "the pages never end"
    return pages


async def test_every_invoice_is_reachable_on_the_workspace_page(owner, owner_actor, riya):
    ids = _many_invoices(owner, riya, 2 * reports.PAGE_SIZE + 7)
    page = open_page(BillingState, owner, "/app/billing")
    await page.event_handlers["load"].fn(page)
    assert len(page.invoices) == reports.PAGE_SIZE
    assert page.paging.label == f"Invoices 1–{reports.PAGE_SIZE} of {len(ids)}"
    assert (page.paging.has_newer, page.paging.has_older) == (False, True)
    pages = await _every_page(page)
    assert [len(p) for p in pages] == [reports.PAGE_SIZE, reports.PAGE_SIZE, 7]
    assert sorted(i for p in pages for i in p) == ids  # each once, the oldest included
    assert pages[-1][-1] == ids[0]
    # The last page's invoices can be acted on: a payment form opens for the oldest.
    await page.event_handlers["start_payment"].fn(page, ids[0])
    assert page.paying.id == ids[0]
    await page.event_handlers["turn_page"].fn(page, 1)  # past the last page: stays there
    assert [row.id for row in page.invoices] == pages[-1] and not page.paging.has_older
    await page.event_handlers["turn_page"].fn(page, -1)
    assert [row.id for row in page.invoices] == pages[1]
    await page.event_handlers["filter_status"].fn(page, "paid")  # a filter starts at page one
    assert page.paging.page == 0
    assert {row.status for row in page.invoices} == {"paid"}


async def test_every_invoice_is_reachable_in_the_portal_and_the_total_counts_them_all(owner, riya):
    ids = _many_invoices(owner, riya, 2 * reports.PORTAL_PAGE_SIZE + 3)
    owed = db.call(
        lambda s: s.exec(
            sa.select(sa.func.sum(Invoice.total_paise - Invoice.paid_paise)).where(
                Invoice.status.in_([InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID])
            )
        ).scalar_one()
    )
    with db.get_engine().begin() as conn:  # a receipt for the oldest invoice
        conn.execute(
            sa.insert(Payment.__table__),
            {
                "practice_id": owner.practice_id,
                "invoice_id": ids[0],
                "client_id": riya,
                "amount_paise": 100,
                "paid_on": TODAY,
                "method": "cash",
                "reference": "",
                "receipt_number": "R/OLDEST",
                "created_at": ist(1, 1, 9),
            },
        )
    page = open_page(PortalInvoicesState, riya, "/portal/invoices")
    await page.event_handlers["load"].fn(page)
    assert len(page.invoices) == reports.PORTAL_PAGE_SIZE
    assert page.receipts == []  # none against the newest invoices
    assert page.outstanding == money.format_inr(owed)  # every invoice, not the page's
    first_page = [row.id for row in page.invoices]
    pages = await _every_page(page)
    assert sorted(i for p in pages for i in p) == ids
    assert pages[0] == first_page and pages[0][0] == ids[-1]  # newest first
    assert [r.number for r in page.receipts] == ["R/OLDEST"]  # with its invoice, on the last page
    assert page.outstanding == money.format_inr(owed)


def _expected_ageing(rows: list[Invoice]) -> list[int]:
    buckets = [0, 0, 0]
    for inv in rows:
        if inv.status in invoices.OPEN_STATUSES:
            age = (TODAY - inv.issue_date).days
            buckets[0 if age <= 30 else 1 if age <= 60 else 2] += inv.total_paise - inv.paid_paise
    return buckets


def test_billing_totals_summed_in_sql_agree_with_every_invoice(
    owner, owner_actor, riya, add_client
):
    karan = add_client(owner_actor, "Karan Mehta", "karan@example.com")
    _many_invoices(owner, riya, 150)
    _many_invoices(owner, karan, 40)
    every = db.call(lambda s: list(s.exec(sa.select(Invoice)).scalars().all()))
    paid = [inv for inv in every if inv.paid_paise]
    with db.get_engine().begin() as conn:
        conn.execute(
            sa.insert(Payment.__table__),
            [
                {
                    "practice_id": owner.practice_id,
                    "invoice_id": inv.id,
                    "client_id": inv.client_id,
                    "amount_paise": inv.paid_paise,
                    "paid_on": inv.issue_date + timedelta(days=2),
                    "method": "upi",
                    "reference": "",
                    "receipt_number": f"R/{inv.id}",
                    "recorded_by": owner.id,
                    "created_at": ist(1, 1, 9),
                }
                for inv in paid
            ],
        )
    overview = db.call(reports.overview, owner_actor, today=TODAY)
    assert [amount for _, amount in overview.ageing] == _expected_ageing(every)
    owed = {riya: 0, karan: 0}
    for inv in every:
        owed[inv.client_id] += invoices.balance(inv)
    assert [(cid, amount) for cid, _, amount in overview.owed_by] == sorted(
        owed.items(), key=lambda kv: -kv[1]
    )
    assert overview.outstanding_paise == sum(owed.values())
    invoiced: dict[date, int] = {}
    received: dict[date, int] = {}
    for inv in every:
        invoiced[inv.issue_date.replace(day=1)] = (
            invoiced.get(inv.issue_date.replace(day=1), 0) + inv.total_paise
        )
    for inv in paid:
        month = (inv.issue_date + timedelta(days=2)).replace(day=1)
        received[month] = received.get(month, 0) + inv.paid_paise
    assert {m.month: (m.invoiced_paise, m.received_paise) for m in overview.revenue} == {
        month: (invoiced.get(month, 0), received.get(month, 0))
        for month in invoiced.keys() | received.keys()
        if month <= TODAY
    }
    assert overview.paging.count == len(every) and len(overview.invoices) == reports.PAGE_SIZE


# Calendar ----------------------------------------------------------------------------------------


def _insert_session(owner, client_id: int, start, minutes: int) -> int:
    end, kind = start + timedelta(minutes=minutes), session_type_id(owner.id)
    with db.get_engine().begin() as conn:
        return conn.execute(
            sa.insert(Appointment.__table__).returning(Appointment.__table__.c.id),
            {
                "practice_id": owner.practice_id,
                "therapist_id": owner.id,
                "client_id": client_id,
                "session_type_id": kind,
                "title": "Therapy session",
                "starts_at": start,
                "ends_at": end,
                "blocked_until": end,
                "status": AppointmentStatus.SCHEDULED,
                "mode": "video",
                "created_at": ist(1, 1, 9),
            },
        ).scalar_one()


def test_a_day_shows_a_session_begun_the_evening_before_and_none_older(owner, riya):
    # 23:00 on 9 March for four hours: still on in the small hours of the 10th.
    late = _insert_session(owner, riya, ist(3, 9, 23), 240)
    _insert_session(owner, riya, ist(3, 9, 10), 50)  # over before the 10th began
    _insert_session(owner, riya, ist(3, 11, 10), 50)  # the day after
    days = db.call(workspace_views.days, actor(owner.id), date(2026, 3, 10), 1)
    assert [view.id for view in days.views] == [late]


def test_the_calendar_query_reads_a_bounded_index_range(engine, owner, riya):
    if engine.dialect.name != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    statements: list[tuple[str, tuple]] = []

    def keep(_conn, _cursor, statement, parameters, *_args) -> None:
        if "FROM appointment" in statement and "appointment.therapist_id" in statement:
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        db.call(workspace_views.days, actor(owner.id), date(2026, 3, 10), 7)
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = statements
    with engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        )
    assert "ix_appointment_therapist_start (therapist_id=? AND starts_at>? AND starts_at<?)" in plan
