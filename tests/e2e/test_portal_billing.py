"""Billing through the browser: the therapist marks a session completed and its invoice is issued;
on a phone the client sees it with the right `upi://pay` link; the therapist records the UPI
payment; the client downloads the receipt and it is the right PDF.

The therapist, the client (as if they had accepted an invite) and a session that began five minutes
ago are written into the running server's database through the services.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from browsing import ensure_practice, seed, sign_in
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from practipal_app import db
from practipal_app.billing import settings as billing_settings
from practipal_app.billing import upi
from practipal_app.core.timefmt import clock
from practipal_app.models import ClientProfile, Invoice, Role, User
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients, passwords
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling

pytestmark = pytest.mark.e2e

THERAPIST = ("Dr. Meena Pillai", "meena@example.com", "Saffron-Delta-Compass-31")
CLIENT = ("Rohan Das", "rohan.das@example.com", "Lotus-Harbor-Pencil-57")
UPI_ID = "meena.pillai@okaxis"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
TZ = "Asia/Kolkata"


@dataclass
class People:
    client_id: int
    session_time: str  # as the calendar labels it


def _seed(session) -> People:
    ensure_practice(session)
    the_practice = practice.the_practice(session)
    owner = session.exec(
        select(User).where(User.practice_id == the_practice.id, User.role == Role.OWNER)
    ).first()
    billing_settings.save(
        session, auth.actor_for(owner), {"upi_id": UPI_ID, "legal_name": "Sukoon Counselling"}
    )
    therapist = practice.add_staff(
        session, the_practice.id, THERAPIST[0], THERAPIST[1], Role.THERAPIST, THERAPIST[2]
    )
    actor = auth.actor_for(therapist)
    client_id = clients.add_client(
        session, actor, clients.ClientForm(name=CLIENT[0], email=CLIENT[1])
    )
    session.get(User, client_id).password_hash = passwords.hash_password(CLIENT[2])
    session.get(ClientProfile, client_id).accepted_at = utcnow()
    kind = scheduling.session_types(session, therapist.id)[0].id
    began = (utcnow() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    appointments.book(
        session, actor, client_id=client_id, session_type_id=kind, starts_at=began, confirmed=True
    )
    end = began + timedelta(minutes=50)
    return People(client_id, f"{clock(began, TZ)}–{clock(end, TZ)}")


@pytest.fixture(scope="module")
def people(server) -> Iterator[People]:
    yield from seed(server, _seed)


def _invoice_of(client_id: int) -> Invoice:
    return db.call(lambda s: s.exec(select(Invoice).where(Invoice.client_id == client_id)).one())


def test_session_to_invoice_to_upi_payment_to_receipt(
    server, browser, people: People, shot
) -> None:
    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")

    # The therapist marks the session completed on the calendar; the invoice is issued.
    desk.goto("/app/calendar")
    desk.get_by_role("button", name=f"Session with {CLIENT[0]} at {people.session_time}").click()
    desk.get_by_role("button", name="Completed").click()
    expect(desk.get_by_text("Saved.")).to_be_visible()
    invoice = _invoice_of(people.client_id)
    assert invoice.status == "issued" and invoice.total_paise == 200000

    desk.get_by_role("link", name="Billing").click()
    row = desk.get_by_role("row").filter(has_text=invoice.number)
    expect(row).to_contain_text("₹2,000.00")
    expect(row).to_contain_text("Due")
    shot(desk, "billing-invoice-issued")

    # On a phone, the client sees it with a UPI link for the amount, to the therapist's UPI ID.
    phone = browser.new_context(
        viewport=PHONE,
        base_url=server.base_url,
        has_touch=True,
        is_mobile=True,
        accept_downloads=True,
    ).new_page()
    sign_in(phone, CLIENT[1], CLIENT[2], "/portal")
    expect(
        phone.get_by_role("link", name="₹2,000.00 to pay See invoices")
    ).to_be_visible()  # the home has loaded
    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Invoices").click()
    expect(phone.get_by_text(invoice.number)).to_be_visible()
    pay = phone.get_by_role("link", name="Pay ₹2,000.00 with UPI")
    expect(pay).to_be_visible()
    expected = upi.payment_link(UPI_ID, "Sukoon Counselling", 200000, invoice.number)
    assert pay.get_attribute("href") == expected
    assert "tn=" + invoice.number.replace("/", "%2F") in expected and "am=2000.00" in expected
    shot(phone, "portal-invoice-to-pay")

    # The therapist records the UPI payment.
    row.get_by_role("button", name="Record payment").click()
    panel = desk.locator("form").filter(has_text="Record a payment for")
    expect(panel.get_by_label("Amount (₹)")).to_have_value("2000.00")
    panel.get_by_label("Method").select_option("upi")
    panel.get_by_label("Reference").fill("UPI 433912345678")
    panel.get_by_role("button", name="Record payment").click()
    expect(desk.get_by_text(f"Payment recorded against {invoice.number}")).to_be_visible()
    expect(row).to_contain_text("Paid")

    # The client sees it paid and downloads the receipt.
    phone.reload()
    expect(phone.get_by_text("All paid up. Thank you!")).to_be_visible()
    receipt_link = phone.get_by_role("link", name=re.compile("Download receipt RCT"))
    expect(receipt_link).to_be_visible()
    shot(phone, "portal-receipt")
    with phone.expect_download() as download_info:
        receipt_link.click()
    download = download_info.value
    with open(download.path(), "rb") as f:
        text = PdfReader(io.BytesIO(f.read())).pages[0].extract_text()
    assert "Payment Receipt" in text and invoice.number in text and "2,000.00" in text
    assert "UPI 433912345678" in text
