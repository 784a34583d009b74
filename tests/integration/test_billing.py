"""Billing on a real database: settings, automatic and manual invoices, number series, voids,
payments and receipts, who may fetch which document, and the accountant's CSV.

PDFs are fetched over the app's HTTP routes with a signed-in person's cookie and read back with
pypdf.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

import pytest
from pypdf import PdfReader
from scheduling_helpers import T0, actor, ist
from sqlmodel import select
from tabs import open_page

from practipal_app import db
from practipal_app.billing import documents, invoices, payments, reports
from practipal_app.billing import settings as billing_settings
from practipal_app.billing import views as billing_views
from practipal_app.billing.invoices import LineInput
from practipal_app.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from practipal_app.core.views import Option
from practipal_app.models import (
    Appointment,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    OutboxEmail,
    Payment,
    User,
)
from practipal_app.scheduling import appointments

# At import, not inside a test: Reflex registers states in the context that imports them.
from practipal_app.state.billing import (
    BillingSettingsState,
    BillingState,
    ClientBillingState,
    PortalInvoicesState,
)

GSTIN_MH = "27AAPFU0939F1ZV"  # a Maharashtra GSTIN with a valid check character
TUE_11 = ist(3, 3, 11)
AFTER = ist(3, 3, 12)


def _book(who, client_id: int, kind: int, start) -> int:
    return db.call(
        appointments.book,
        who,
        client_id=client_id,
        session_type_id=kind,
        starts_at=start,
        confirmed=True,
        now=T0,
    )


def _invoice(invoice_id: int) -> Invoice:
    return db.call(lambda s: s.get(Invoice, invoice_id))


def _invoices_of(client_id: int) -> list[Invoice]:
    return db.call(
        lambda s: list(
            s.exec(select(Invoice).where(Invoice.client_id == client_id).order_by(Invoice.id)).all()
        )
    )


def _lines(invoice_id: int) -> list[InvoiceLine]:
    return db.call(invoices.lines_of, invoice_id)


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def _manual(who, client_id: int, rupees: int = 2000, now=AFTER) -> int:
    return db.call(
        invoices.create,
        who,
        client_id,
        [LineInput("Therapy session", 1, rupees * 100)],
        issue_now=True,
        now=now,
    )


def _taxable(owner_actor, state_code: str = "27") -> None:
    db.call(
        billing_settings.save,
        owner_actor,
        {
            "legal_name": "Sunrise Counselling LLP",
            "state_code": state_code,
            "gstin": GSTIN_MH,
            "taxable": True,
            "tax_rate": "18",
        },
    )


# Settings ----------------------------------------------------------------------------------------


def test_billing_settings_are_checked_field_by_field_and_kept_only_when_all_are_right(
    owner_actor, therapist_actor
):
    with pytest.raises(InvalidInput) as refused:
        db.call(
            billing_settings.save,
            owner_actor,
            {
                "gstin": "27AAPFU0939F1ZX",
                "upi_id": "asha at bank",
                "invoice_prefix": "INVOICE",
                "tax_rate": "abc",
            },
        )
    assert set(refused.value.errors) == {"gstin", "upi_id", "invoice_prefix", "tax_rate"}
    assert "check character" in refused.value.errors["gstin"]
    assert db.call(billing_settings.read, owner_actor).upi_id == ""  # nothing half-saved
    with pytest.raises(InvalidInput) as no_gstin:
        db.call(billing_settings.save, owner_actor, {"taxable": True, "state_code": "27"})
    assert "GSTIN" in no_gstin.value.errors["gstin"]
    with pytest.raises(InvalidInput) as wrong_state:
        db.call(billing_settings.save, owner_actor, {"gstin": GSTIN_MH, "state_code": "29"})
    assert "another state" in wrong_state.value.errors["gstin"]
    db.call(
        billing_settings.save,
        owner_actor,
        {
            "upi_id": "asha.rao@okhdfcbank",
            "invoice_prefix": "sc",
            "gstin": GSTIN_MH.lower(),
            "state_code": "27",
        },
    )
    saved = db.call(billing_settings.read, owner_actor)
    assert (saved.upi_id, saved.invoice_prefix, saved.gstin, saved.taxable) == (
        "asha.rao@okhdfcbank",
        "SC",
        GSTIN_MH,
        False,
    )
    with pytest.raises(PermissionDenied):
        db.call(billing_settings.save, therapist_actor, {"upi_id": "thief@ybl"})


# Automatic invoices ------------------------------------------------------------------------------


def test_marking_a_session_completed_issues_its_invoice_once_and_emails_the_client(
    owner_actor, riya, therapy
):
    appt = _book(owner_actor, riya, therapy, TUE_11)
    db.call(appointments.mark, owner_actor, appt, "completed", now=AFTER)
    [inv] = _invoices_of(riya)
    assert (inv.number, inv.status, inv.kind, inv.total_paise) == (
        "INV/25-26/0001",
        "issued",
        "bill_of_supply",
        200000,
    )
    assert inv.issue_date == date(2026, 3, 3) and inv.due_date == date(2026, 3, 10)
    [line] = _lines(inv.id)
    assert line.appointment_id == appt and line.description.startswith(
        "Therapy session — 3 Mar 2026, 11:00 am"
    )
    db.call(
        appointments.mark, owner_actor, appt, "completed", now=AFTER
    )  # marked again: not billed twice
    assert len(_invoices_of(riya)) == 1
    [email] = db.call(
        lambda s: s.exec(select(OutboxEmail).where(OutboxEmail.kind == "invoice_issued")).all()
    )
    assert email.to_address == "riya@example.com" and "INV/25-26/0001" in email.subject
    assert "/portal/invoices" in email.body_text and not email.attachments


def test_a_late_cancellation_by_the_client_is_billed_and_each_kind_can_be_switched_off(
    owner_actor, riya, therapy
):
    late = _book(owner_actor, riya, therapy, TUE_11)
    db.call(appointments.cancel, actor(riya), late, confirmed_late=True, now=ist(3, 3, 9))
    [inv] = _invoices_of(riya)
    assert _lines(inv.id)[0].description.startswith("Late cancellation: Therapy session")
    db.call(billing_settings.save, owner_actor, {"invoice_on_completed": False})
    done = _book(owner_actor, riya, therapy, ist(3, 4, 11))
    db.call(appointments.mark, owner_actor, done, "completed", now=ist(3, 4, 12))
    assert len(_invoices_of(riya)) == 1


def test_a_clients_own_fee_is_what_their_invoice_charges(owner_actor, riya, therapy):
    db.call(billing_settings.set_client_fee, owner_actor, riya, therapy, "1,200")
    [fee] = db.call(billing_settings.client_fees, owner_actor, riya)
    assert (fee.standard_paise, fee.client_paise) == (200000, 120000)
    appt = _book(owner_actor, riya, therapy, TUE_11)
    db.call(appointments.mark, owner_actor, appt, "completed", now=AFTER)
    assert _invoices_of(riya)[0].total_paise == 120000
    with pytest.raises(InvalidInput):
        db.call(billing_settings.set_client_fee, owner_actor, riya, therapy, "twelve hundred")
    db.call(billing_settings.set_client_fee, owner_actor, riya, therapy, "")
    assert db.call(billing_settings.client_fees, owner_actor, riya)[0].client_paise is None


def test_a_monthly_invoice_gathers_the_months_unbilled_sessions(owner_actor, riya, therapy):
    db.call(billing_settings.save, owner_actor, {"invoice_on_completed": False})
    for day in (3, 10, 17):
        appt = _book(owner_actor, riya, therapy, ist(3, day, 11))
        db.call(appointments.mark, owner_actor, appt, "completed", now=ist(3, day, 12))
    invoice_id = db.call(invoices.monthly, owner_actor, riya, 2026, 3, now=ist(3, 31, 18))
    inv = _invoice(invoice_id)
    assert (len(_lines(invoice_id)), inv.total_paise, inv.note) == (
        3,
        600000,
        "Sessions in March 2026.",
    )
    with pytest.raises(DomainError, match="No unbilled sessions"):
        db.call(invoices.monthly, owner_actor, riya, 2026, 3, now=ist(3, 31, 18))
    with pytest.raises(DomainError, match="No unbilled sessions for this client in March 2026."):
        db.call(
            invoices.monthly_from_form, owner_actor, {"client_id": str(riya), "month": "2026-03"}
        )
    for month in ("March", "2026-13", "2026-03-01", ""):
        with pytest.raises(InvalidInput) as refused:
            db.call(
                invoices.monthly_from_form, owner_actor, {"client_id": str(riya), "month": month}
            )
        assert refused.value.message == "Choose a client and a month."
    with pytest.raises(DomainError, match="Choose a client."):
        db.call(invoices.monthly_from_form, owner_actor, {"client_id": "", "month": "2026-03"})


def test_the_new_invoice_form_is_read_by_the_service(owner_actor, riya):
    form = {
        "client_id": str(riya),
        "description_0": "Assessment report",
        "quantity_0": "2",
        "rate_0": "1,750",
        "description_1": "",
        "quantity_1": "1",
        "rate_1": "",
        "description_2": "Letter",
        "rate_2": "500.50",
        "note": "With thanks",
        "action": "draft",
    }
    created = db.call(invoices.create_from_form, owner_actor, form, now=AFTER)
    assert (created.client_id, created.issue_now, created.note) == (riya, False, "With thanks")
    [draft] = _invoices_of(riya)
    assert (draft.status, draft.number, draft.total_paise) == ("draft", None, 2 * 175000 + 50050)
    assert [(line.description, line.quantity, line.unit_paise) for line in _lines(draft.id)] == [
        ("Assessment report", 2, 175000),
        ("Letter", 1, 50050),
    ]
    issued = db.call(invoices.create_from_form, owner_actor, {**form, "action": "issue"}, now=AFTER)
    assert issued.issue_now and _invoices_of(riya)[-1].number == "INV/25-26/0001"
    refusals = [
        ({**form, "client_id": "Riya"}, DomainError, "Choose a client."),
        ({**form, "quantity_0": "two"}, InvalidInput, "Quantities are whole numbers."),
        (
            {**form, "rate_0": "lots"},
            InvalidInput,
            "Enter the amount in rupees, like 2000 or 1500.50.",
        ),
        ({"client_id": str(riya)}, InvalidInput, "Add at least one line."),
    ]
    for wrong, error, message in refusals:
        with pytest.raises(error) as refused:
            db.call(invoices.create_from_form, owner_actor, wrong, now=AFTER)
        assert refused.value.message == message
    assert len(_invoices_of(riya)) == 2


def test_a_clients_billing_card_is_saved_from_its_form(owner_actor, riya, therapy):
    db.call(
        billing_settings.save_client_billing_form,
        owner_actor,
        riya,
        {"address": " 22 MG Road, Pune ", "state_code": "27", f"fee_{therapy}": "1,200"},
    )
    assert db.call(billing_settings.client_billing, owner_actor, riya) == ("22 MG Road, Pune", "27")
    assert db.call(billing_settings.client_fees, owner_actor, riya)[0].client_paise == 120000
    with pytest.raises(InvalidInput) as refused:
        db.call(
            billing_settings.save_client_billing_form,
            owner_actor,
            riya,
            {"address": "", "state_code": "99", f"fee_{therapy}": "a lot"},
        )
    assert set(refused.value.errors) == {"state_code", f"fee_{therapy}"}
    with pytest.raises(NotFound):
        db.call(
            billing_settings.save_client_billing_form,
            owner_actor,
            riya,
            {"address": "", "state_code": "27", "fee_987654": "100"},
        )
    db.call(
        billing_settings.save_client_billing_form,
        owner_actor,
        riya,
        {"address": "22 MG Road, Pune", "state_code": "27", f"fee_{therapy}": ""},
    )
    assert db.call(billing_settings.client_fees, owner_actor, riya)[0].client_paise is None


def test_billing_emails_write_their_dates_like_every_page(owner_actor, riya):
    inv = _manual(owner_actor, riya)
    db.call(
        payments.record,
        owner_actor,
        inv,
        amount="500",
        paid_on="2026-03-03",
        method="upi",
        now=AFTER,
    )
    bodies = dict(db.call(lambda s: s.exec(select(OutboxEmail.kind, OutboxEmail.body_text)).all()))
    assert (
        "Invoice INV/25-26/0001 for ₹2,000.00 is ready, due by 10 Mar 2026."
        in bodies["invoice_issued"]
    )
    assert (
        "₹500.00 was received on 3 Mar 2026 against invoice INV/25-26/0001."
        in bodies["payment_receipt"]
    )


# Numbers -----------------------------------------------------------------------------------------


def test_twenty_invoices_issued_at_once_get_twenty_consecutive_numbers(owner_actor, add_client):
    clients = [add_client(owner_actor, f"Client {i}", f"c{i}@example.com") for i in range(20)]
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def issue(client_id: int) -> None:
        try:
            start.wait()
            _manual(owner_actor, client_id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(db.call(lambda s: list(s.exec(select(Invoice.number)).all())))
    assert numbers == [f"INV/25-26/{n:04d}" for n in range(1, 21)]


def test_the_series_restarts_on_1_april_and_a_void_keeps_its_number(owner_actor, riya, therapy):
    first = _manual(owner_actor, riya, now=ist(3, 31, 18))
    db.call(invoices.void, owner_actor, first, "Wrong fee", now=ist(3, 31, 19))
    second = _manual(owner_actor, riya, now=ist(3, 31, 20))
    april = _manual(owner_actor, riya, now=ist(4, 1, 9))
    assert [_invoice(i).number for i in (first, second, april)] == [
        "INV/25-26/0001",
        "INV/25-26/0002",
        "INV/26-27/0001",
    ]
    voided = _invoice(first)
    assert (voided.status, voided.void_reason) == ("void", "Wrong fee")
    with pytest.raises(InvalidInput):
        db.call(invoices.void, owner_actor, second, "  ")


def test_a_voided_sessions_invoice_frees_the_session_to_be_billed_again(owner_actor, riya, therapy):
    appt = _book(owner_actor, riya, therapy, TUE_11)
    db.call(appointments.mark, owner_actor, appt, "completed", now=AFTER)
    [inv] = _invoices_of(riya)
    db.call(invoices.void, owner_actor, inv.id, "Billed under the wrong fee")
    again = db.call(invoices.monthly, owner_actor, riya, 2026, 3, now=ist(3, 31, 18))
    assert _lines(again)[0].appointment_id == appt and _invoice(again).number == "INV/25-26/0002"


def test_a_draft_has_no_number_until_issued_and_can_be_discarded(owner_actor, riya):
    draft = db.call(
        invoices.create,
        owner_actor,
        riya,
        [LineInput("Assessment report", 1, 350000)],
        issue_now=False,
    )
    assert (_invoice(draft).number, _invoice(draft).status) == (None, "draft")
    with pytest.raises(NotFound):  # the client never sees drafts
        db.call(invoices.invoice_for, actor(riya), draft)
    assert db.call(invoices.issue, owner_actor, draft, now=AFTER) == "INV/25-26/0001"
    other = db.call(
        invoices.create, owner_actor, riya, [LineInput("Letter", 1, 50000)], issue_now=False
    )
    db.call(invoices.discard_draft, owner_actor, other)
    assert [i.id for i in _invoices_of(riya)] == [draft]
    with pytest.raises(InvalidInput):
        db.call(invoices.create, owner_actor, riya, [LineInput("", 1, 100)], issue_now=True)


# Taxes -------------------------------------------------------------------------------------------


def test_a_tax_invoice_splits_cgst_and_sgst_in_state_and_charges_igst_across_states(
    owner_actor, riya, add_client, engine
):
    _taxable(owner_actor)
    same = _invoice(_manual(owner_actor, riya))
    assert (same.kind, same.cgst_paise, same.sgst_paise, same.igst_paise, same.total_paise) == (
        "tax_invoice",
        18000,
        18000,
        0,
        236000,
    )
    karan = add_client(owner_actor, "Karan Mehta", "karan@example.com")
    db.call(lambda s: _set_state(s, karan, "29"))
    other = _invoice(_manual(owner_actor, karan))
    assert (other.cgst_paise, other.sgst_paise, other.igst_paise, other.place_of_supply) == (
        0,
        0,
        36000,
        "29",
    )


def _set_state(session, client_id: int, code: str) -> None:
    from practipal_app.models import ClientProfile

    profile = session.get(ClientProfile, client_id)
    profile.state_code = code
    session.add(profile)


# Payments ----------------------------------------------------------------------------------------


def test_partial_payments_carry_the_balance_and_each_gets_a_receipt(owner_actor, riya):
    inv = _manual(owner_actor, riya)
    first = db.call(
        payments.record,
        owner_actor,
        inv,
        amount="500",
        paid_on="2026-03-03",
        method="upi",
        reference="UPI 412345678901",
        now=AFTER,
    )
    assert (_invoice(inv).status, _invoice(inv).paid_paise) == ("partly_paid", 50000)
    with pytest.raises(InvalidInput) as over:
        db.call(
            payments.record,
            owner_actor,
            inv,
            amount="1600",
            paid_on="2026-03-03",
            method="cash",
            now=AFTER,
        )
    assert over.value.errors["amount"] == "That is more than the balance of ₹1,500.00."
    with pytest.raises(InvalidInput) as future:
        db.call(
            payments.record,
            owner_actor,
            inv,
            amount="100",
            paid_on="2026-03-09",
            method="cash",
            now=AFTER,
        )
    assert "future" in future.value.errors["paid_on"]
    second = db.call(
        payments.record,
        owner_actor,
        inv,
        amount="1,500",
        paid_on=date(2026, 3, 3),
        method="cash",
        now=AFTER,
    )
    assert _invoice(inv).status == InvoiceStatus.PAID
    receipts = db.call(lambda s: [s.get(Payment, i).receipt_number for i in (first, second)])
    assert receipts == ["RCT/25-26/0001", "RCT/25-26/0002"]
    with pytest.raises(DomainError, match="payments"):
        db.call(invoices.void, owner_actor, inv, "Changed my mind")
    assert [
        e.subject
        for e in db.call(
            lambda s: s.exec(select(OutboxEmail).where(OutboxEmail.kind == "payment_receipt")).all()
        )
    ] == ["Payment received: receipt RCT/25-26/0001", "Payment received: receipt RCT/25-26/0002"]


# Who sees what -----------------------------------------------------------------------------------


def test_pdfs_go_only_to_the_invoices_client_and_its_practice(
    owner, owner_actor, therapist, therapist_actor, riya, add_client, browser
):
    inv = _manual(owner_actor, riya)
    pay = db.call(
        payments.record,
        owner_actor,
        inv,
        amount="2000",
        paid_on="2026-03-03",
        method="upi",
        now=AFTER,
    )
    neha = add_client(owner_actor, "Neha Iyer", "neha@example.com")
    vikrams = add_client(therapist_actor, "Dev Kumar", "dev@example.com")
    text = _pdf_text(browser(riya).get(f"/api/invoices/{inv}.pdf"))
    assert "INV/25-26/0001" in text and "Bill of Supply" in text and "2,000.00" in text
    receipt = _pdf_text(browser(riya).get(f"/api/receipts/{pay}.pdf?download=1"))
    assert "RCT/25-26/0001" in receipt and "INV/25-26/0001" in receipt
    for stranger in (neha, therapist.id, None):
        assert browser(stranger).get(f"/api/invoices/{inv}.pdf").status_code == 404
        assert browser(stranger).get(f"/api/receipts/{pay}.pdf").status_code == 404
    assert browser(owner.id).get(f"/api/invoices/{inv}.pdf").status_code == 200
    theirs = _manual(therapist_actor, vikrams)
    assert browser(riya).get(f"/api/invoices/{theirs}.pdf").status_code == 404
    assert browser(therapist.id).get(f"/api/invoices/{theirs}.pdf").status_code == 200
    with pytest.raises(NotFound):
        db.call(
            payments.record,
            therapist_actor,
            inv,
            amount="1",
            paid_on="2026-03-03",
            method="cash",
            now=AFTER,
        )
    assert browser(riya).get("/api/billing/invoices.csv").status_code == 404
    assert browser(riya).get("/api/invoices/abc.pdf").status_code == 404


def test_the_pdf_says_tax_invoice_when_the_practice_is_registered(owner_actor, riya, browser):
    _taxable(owner_actor)
    inv = _manual(owner_actor, riya)
    text = _pdf_text(browser(riya).get(f"/api/invoices/{inv}.pdf"))
    assert "Tax Invoice" in text and "Bill of Supply" not in text
    assert "CGST" in text and "SGST" in text and "2,360.00" in text and GSTIN_MH in text


def test_the_portal_shows_the_upi_link_for_what_is_due(owner_actor, riya, browser):
    db.call(billing_settings.save, owner_actor, {"upi_id": "asha.rao@okhdfcbank"})
    inv = _manual(owner_actor, riya)
    db.call(
        payments.record,
        owner_actor,
        inv,
        amount="500",
        paid_on="2026-03-03",
        method="cash",
        now=AFTER,
    )
    page = billing_views.portal_invoices(db.call(reports.for_client, actor(riya)))
    [row] = page.invoices
    assert page.outstanding == "₹1,500.00" and page.has_outstanding
    assert (row.id, row.balance, row.has_balance, row.can_pay, row.can_void) == (
        inv,
        "₹1,500.00",
        True,
        True,
        False,
    )
    assert (row.status, row.status_label) == ("overdue", "Overdue")  # due 10 Mar 2026, read later
    assert db.call(reports.client_outstanding, actor(riya)) == 150000
    assert row.upi_link == (
        "upi://pay?pa=asha.rao@okhdfcbank&pn=Sunrise%20Counselling&am=1500.00&cu=INR"
        "&tn=INV%2F25-26%2F0001&tr=INV%2F25-26%2F0001"
    )
    assert [(r.number, r.amount, r.method, r.invoice) for r in page.receipts] == [
        ("RCT/25-26/0001", "₹500.00", "Cash", "INV/25-26/0001")
    ]
    qr = browser(riya).get(f"/api/invoices/{inv}/upi.svg")
    assert qr.status_code == 200 and "<svg" in qr.text
    with pytest.raises(PermissionDenied):
        db.call(reports.for_client, owner_actor)


# Reports -----------------------------------------------------------------------------------------


def test_outstanding_ageing_and_the_csv_agree_with_the_invoices(
    owner_actor, riya, add_client, browser, owner
):
    karan = add_client(owner_actor, "Karan Mehta", "karan@example.com")
    old = _manual(owner_actor, riya, 1000, now=ist(1, 5, 12))
    _manual(owner_actor, riya, 2000, now=ist(3, 1, 12))
    paid = _manual(owner_actor, karan, 1500, now=ist(3, 2, 12))
    db.call(
        payments.record,
        owner_actor,
        paid,
        amount="1500",
        paid_on="2026-03-02",
        method="bank_transfer",
        reference="NEFT 88",
        now=ist(3, 2, 13),
    )
    view = billing_views.workspace_billing(
        db.call(reports.overview, owner_actor, today=date(2026, 3, 10))
    )
    assert view.outstanding == "₹3,000.00"
    assert [(a.label, a.amount) for a in view.ageing] == [
        ("0–30 days", "₹2,000.00"),
        ("31–60 days", "₹0.00"),
        ("Over 60 days", "₹1,000.00"),
    ]
    assert view.by_client == [billing_views.OwedRow(riya, "Riya Sharma", "₹3,000.00")]
    assert {r.month: r.received for r in view.revenue}["Mar 2026"] == "₹1,500.00"
    assert (view.today, view.last_month) == ("2026-03-10", "2026-02")
    assert _invoice(old).number == "INV/25-26/0001"
    response = browser(owner.id).get("/api/billing/invoices.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == documents.INVOICE_COLUMNS
    assert [
        (r["Invoice number"], r["Client"], r["Taxable value"], r["Total"], r["Status"])
        for r in rows
    ] == [
        ("INV/25-26/0001", "Riya Sharma", "1000.00", "1000.00", "Due"),
        ("INV/25-26/0002", "Riya Sharma", "2000.00", "2000.00", "Due"),
        ("INV/25-26/0003", "Karan Mehta", "1500.00", "1500.00", "Paid"),
    ]
    payments_rows = list(
        csv.DictReader(io.StringIO(browser(owner.id).get("/api/billing/payments.csv").text))
    )
    assert [
        (r["Receipt number"], r["Method"], r["Reference"], r["Amount"]) for r in payments_rows
    ] == [("RCT/25-26/0001", "Bank transfer", "NEFT 88", "1500.00")]


def test_a_therapist_sees_only_their_own_clients_invoices(
    owner_actor, therapist_actor, riya, add_client
):
    dev = add_client(therapist_actor, "Dev Kumar", "dev@example.com")
    _manual(owner_actor, riya)
    _manual(therapist_actor, dev)
    assert [name for _, name in db.call(reports.overview, therapist_actor).invoices] == [
        "Dev Kumar"
    ]
    assert sorted(name for _, name in db.call(reports.overview, owner_actor).invoices) == [
        "Dev Kumar",
        "Riya Sharma",
    ]
    with pytest.raises(NotFound):
        _manual(therapist_actor, riya)
    with pytest.raises(PermissionDenied):
        db.call(reports.overview, actor(riya))


def test_an_appointment_row_is_untouched_by_billing(owner_actor, riya, therapy):
    appt = _book(owner_actor, riya, therapy, TUE_11)
    db.call(appointments.mark, owner_actor, appt, "completed", now=AFTER)
    assert db.call(lambda s: s.get(Appointment, appt)).fee_paise == 200000


# The pages' states -------------------------------------------------------------------------------


def _tab(person, state_class, path: str, params: dict | None = None):
    return open_page(state_class, person, path, params)


async def test_the_billing_page_bills_takes_a_payment_and_voids_by_invoice_id(owner, riya):
    page = _tab(owner, BillingState, "/app/billing")
    run = page.event_handlers
    await run["load"].fn(page)
    assert page.client_options == [Option(str(riya), "Riya Sharma")] and page.invoices == []
    await run["create"].fn(
        page, {"client_id": str(riya), "description_0": "Therapy session", "rate_0": "2000"}
    )
    assert page.notice == "Invoice issued. The client has been emailed."
    await run["create"].fn(
        page,
        {"client_id": str(riya), "description_0": "Letter", "rate_0": "500", "action": "draft"},
    )
    assert page.notice == "Draft saved. Issue it when it is ready."
    draft, issued = page.invoices
    assert (draft.can_issue, issued.can_pay, issued.can_void, issued.client) == (
        True,
        True,
        True,
        "Riya Sharma",
    )
    await run["create"].fn(
        page, {"client_id": str(riya), "description_0": "x", "quantity_0": "two", "rate_0": "1"}
    )
    assert page.new_errors == {"lines": "Quantities are whole numbers."}
    await run["create_monthly"].fn(page, {"client_id": str(riya), "month": "soon"})
    assert page.new_errors == {"monthly": "Choose a client and a month."}

    await run["start_payment"].fn(page, 987654)  # not listed: no panel, and nothing to pay against
    assert page.paying.id == 0
    await run["record_payment"].fn(page, {"amount": "1", "paid_on": page.today, "method": "cash"})
    assert page.pay_errors == {"form": "No such invoice."}
    await run["start_payment"].fn(page, str(issued.id))
    assert (page.paying.number, page.paying.balance_rupees) == (issued.number, "2000.00")
    await run["record_payment"].fn(
        page, {"amount": "2001", "paid_on": page.today, "method": "cash"}
    )
    assert page.pay_errors == {"amount": "That is more than the balance of ₹2,000.00."}
    await run["record_payment"].fn(page, {"amount": "500", "paid_on": page.today, "method": "upi"})
    assert page.notice == (
        f"Payment recorded against {issued.number}. The client has been emailed a receipt."
    )
    assert (
        page.paying.id == 0
        and page.invoices[1].balance == "₹1,500.00"
        and not page.invoices[1].can_void
    )

    await run["start_void"].fn(page, issued.id)
    await run["void"].fn(page, {"reason": "Wrong fee"})
    assert (
        page.void_error == "This invoice has payments recorded against it, so it cannot be voided."
    )
    await run["issue"].fn(page, draft.id)
    assert page.notice == "Issued. The client has been emailed." and page.invoices[
        0
    ].number.endswith("/0002")
    await run["discard"].fn(page, page.invoices[0].id)
    assert page.error == "Only a draft can be discarded; an issued invoice can be voided."
    await run["filter_status"].fn(page, "paid")
    assert page.invoices == []
    await run["filter_status"].fn(page, "all")
    await run["filter_client"].fn(page, "abc")
    assert len(page.invoices) == 2


async def test_the_settings_card_and_portal_states_read_and_save_typed_values(
    owner, owner_actor, riya, therapy
):
    settings = _tab(owner, BillingSettingsState, "/app/settings/billing")
    await settings.event_handlers["load"].fn(settings)
    assert (settings.values.taxable, settings.values.invoice_on_completed) == (False, True)
    await settings.event_handlers["save"].fn(
        settings,
        {
            "legal_name": "Sunrise Counselling",
            "upi_id": "asha@ybl",
            "invoice_prefix": "INV",
            "sac_code": "999312",
            "tax_rate": "18",
            "payment_terms_days": "7",
            "invoice_on_late_cancel": "on",
        },
    )
    assert settings.errors == {} and settings.notice.startswith("Billing settings saved.")
    assert (
        settings.values.upi_id,
        settings.values.invoice_on_completed,
        settings.values.invoice_on_late_cancel,
    ) == ("asha@ybl", False, True)
    await settings.event_handlers["save"].fn(settings, {"legal_name": "", "taxable": "on"})
    assert set(settings.errors) >= {"legal_name", "gstin"}

    card = _tab(owner, ClientBillingState, f"/app/clients/{riya}", {"client_id": str(riya)})
    await card.event_handlers["load"].fn(card)
    [fee] = card.fees
    assert (fee.type_id, fee.standard, fee.own) == (therapy, "₹2,000.00", "")
    await card.event_handlers["save"].fn(
        card, {"address": "Pune", "state_code": "27", f"fee_{therapy}": "1500"}
    )
    assert card.notice == "Billing details saved." and card.fees[0].own == "1500.00"

    _manual(owner_actor, riya)
    client = db.call(lambda s: s.get(User, riya))
    portal = _tab(client, PortalInvoicesState, "/portal/invoices")
    await portal.event_handlers["load"].fn(portal)
    [row] = portal.invoices
    assert (portal.outstanding, portal.has_outstanding, row.has_balance) == (
        "₹2,000.00",
        True,
        True,
    )
    assert row.upi_link.startswith("upi://pay?pa=asha@ybl&")
    await portal.event_handlers["toggle_qr"].fn(portal, row.id)
    assert portal.qr_for == row.id
    await portal.event_handlers["toggle_qr"].fn(portal, str(row.id))
    assert portal.qr_for == 0
