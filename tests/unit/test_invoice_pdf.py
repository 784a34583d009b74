"""Invoice and receipt PDFs: rendered with the bundled fonts, read back with pypdf."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from practipal_app.billing import upi
from practipal_app.billing.pdf import (
    DocLine,
    InvoiceDocument,
    Party,
    ReceiptDocument,
    percent,
    render_invoice,
    render_receipt,
)
from practipal_app.core.money import amount_in_words
from practipal_app.core.timefmt import date_label

SELLER = Party(
    "Asha Rao Counselling",
    "14 Carter Road, Bandra West\nMumbai 400050",
    "Maharashtra",
    email="asha@example.com",
    phone="+91 98200 12345",
)
BUYER = Party("Rohan Mehta", "22 MG Road\nPune 411001", "Maharashtra", email="rohan@example.com")
LINK = upi.payment_link("asha.rao@okhdfcbank", SELLER.name, 12000000, "INV/26-27/0001")
BILL = InvoiceDocument(
    title="Bill of Supply",
    number="INV/26-27/0001",
    issue_date=date(2026, 11, 29),
    seller=SELLER,
    buyer=BUYER,
    place_of_supply="Maharashtra (27)",
    lines=(
        DocLine("Individual therapy session (50 min)", 40, 250000, 10000000, "999312"),
        DocLine(
            "Psychometric assessment with a written report for the referring psychiatrist",
            1,
            2000000,
            2000000,
            "999312",
        ),
    ),
    taxable_paise=12000000,
    total_paise=12000000,
    upi_link=LINK,
    note="GST is not charged on this supply.",
)
GSTIN_SELLER = replace(SELLER, gstin="27ABCDE1234F1Z5")
TAX = replace(
    BILL,
    title="Tax Invoice",
    seller=GSTIN_SELLER,
    taxable_paise=10000000,
    cgst_paise=900000,
    sgst_paise=900000,
    rate_bp=1800,
    total_paise=11800000,
    note="",
)


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def test_bill_of_supply_holds_what_the_client_reads() -> None:
    text = pages(render_invoice(BILL))
    assert len(text) == 1
    first = text[0]
    for expected in (
        "Bill of Supply",
        "INV/26-27/0001",
        "Rohan Mehta",
        "Asha Rao Counselling",
        "Maharashtra (27)",
        "29 Nov 2026",
        "1,20,000.00",
        "₹1,20,000.00",
        "Rupees One Lakh Twenty Thousand only",
        LINK,
        "Scan with any UPI app to pay ₹1,20,000.00",
        "GST is not charged on this supply.",
        "This is a computer-generated document.",
    ):
        assert expected in first, expected
    assert "Taxable value" not in first and "GST @" not in first
    assert "VOID" not in first and "DRAFT" not in first


def test_metadata_and_bytes_are_deterministic() -> None:
    pdf = render_invoice(BILL)
    assert pdf == render_invoice(BILL)
    meta = PdfReader(BytesIO(pdf)).metadata
    assert meta.title == "Bill of Supply INV/26-27/0001"
    assert meta.creation_date.date() == date(2026, 11, 29)


def test_intra_state_tax_invoice_splits_cgst_and_sgst() -> None:
    text = pages(render_invoice(TAX))[0]
    assert "Tax Invoice" in text and "GSTIN: 27ABCDE1234F1Z5" in text
    assert "CGST @ 9%" in text and "SGST @ 9%" in text and "IGST" not in text
    assert "Taxable value" in text and "₹9,000.00" in text and "₹1,18,000.00" in text
    assert amount_in_words(11800000) in text


def test_inter_state_tax_invoice_shows_igst() -> None:
    doc = replace(
        TAX,
        buyer=replace(BUYER, state="Karnataka"),
        place_of_supply="Karnataka (29)",
        cgst_paise=0,
        sgst_paise=0,
        igst_paise=1800000,
    )
    text = pages(render_invoice(doc))[0]
    assert "IGST @ 18%" in text and "₹18,000.00" in text
    assert "CGST" not in text and "SGST" not in text


def test_fractional_rates_print_as_percentages() -> None:
    assert percent(1800) == "18%" and percent(900) == "9%" and percent(625) == "6.25%"
    doc = replace(TAX, rate_bp=1250, cgst_paise=625000, sgst_paise=625000, total_paise=11250000)
    assert "CGST @ 6.25%" in pages(render_invoice(doc))[0]


def test_paid_and_balance_due_appear_once_something_is_paid() -> None:
    doc = replace(BILL, paid_paise=2000000, status="partly_paid")
    text = pages(render_invoice(doc))[0]
    assert "Paid" in text and "Balance due" in text and "₹1,00,000.00" in text
    assert "Scan with any UPI app to pay ₹1,00,000.00" in text
    assert "Balance due" not in pages(render_invoice(BILL))[0]


def test_void_and_draft_are_stamped() -> None:
    void = pages(render_invoice(replace(BILL, status="void")))[0]
    assert "VOID" in void
    assert LINK not in void  # no way to pay a void invoice
    assert "DRAFT" in pages(render_invoice(replace(BILL, number="Draft", status="draft")))[0]


def test_no_qr_without_a_link() -> None:
    text = pages(render_invoice(replace(BILL, upi_link="")))[0]
    assert "upi://" not in text and "Scan with any UPI app" not in text


def test_sixty_lines_flow_onto_more_pages_with_the_headings_repeated() -> None:
    lines = tuple(
        DocLine(
            f"Session {n} — individual therapy, 50 minutes, by video call",
            1,
            250000,
            250000,
            "999312",
        )
        for n in range(1, 61)
    )
    doc = replace(BILL, lines=lines, taxable_paise=15000000, total_paise=15000000, upi_link="")
    text = pages(render_invoice(doc))
    assert len(text) >= 2
    assert all("Description" in page and "Amount" in page for page in text)
    assert "Session 1 —" in text[0] and "Session 60 —" in text[-1]
    assert "₹1,50,000.00" in text[-1] and "Page 1 of" in text[0]


def test_receipt_holds_number_invoice_amount_and_method() -> None:
    receipt = ReceiptDocument(
        number="RCT/26-27/0007",
        paid_on=date(2026, 12, 2),
        seller=SELLER,
        buyer=BUYER,
        invoice_number="INV/26-27/0001",
        amount_paise=5000000,
        method="UPI",
        reference="UTR 412345678901",
        invoice_total_paise=12000000,
        balance_paise=7000000,
    )
    text = pages(render_receipt(receipt))
    assert len(text) == 1
    for expected in (
        "Payment Receipt",
        "RCT/26-27/0007",
        "2 Dec 2026",
        "Rohan Mehta",
        "INV/26-27/0001",
        "₹50,000.00",
        "Rupees Fifty Thousand only",
        "UPI",
        "UTR 412345678901",
        "(total ₹1,20,000.00); balance due ₹70,000.00",
    ):
        assert expected in text[0], expected


def test_documents_are_dated_like_every_page() -> None:
    assert date_label(date(2026, 11, 29)) == "29 Nov 2026"
    assert date_label(date(2027, 1, 5)) == "5 Jan 2027"
