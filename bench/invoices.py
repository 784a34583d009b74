"""How long an invoice PDF takes to render, next to a bare one-page PDF with the same fonts.

The Billing issue's benchmark. It builds `--count` invoice documents up front (seeded: 1–4 lines
each, one in three a tax invoice — intra-state CGST/SGST or inter-state IGST — the rest bills of
supply, some partly paid, every one with a UPI link so the QR code is drawn), then times,
interleaved (A, B, A, B, ...) after a warm-up, in the same process:

A. `invoice_pdf.render_invoice(doc)` — fonts, header, table, totals, amount in words, UPI QR
   (`upi.qr_png`), note, footer, and `output()` to bytes;
B. the floor: a bare `FPDF` with the same bundled DejaVu regular + bold added, one A4 page, a
   heading and a few lines of text, no QR, `output()` to bytes.

It prints the medians and p90s in ms, the ratio A/B (medians) and the median PDF sizes in KB.
Each invoice is checked once (untimed) with pypdf: its number and total must extract.

    .venv/bin/python bench/invoices.py [--count 500] [--warmup 5]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO

import fpdf
from fpdf import FPDF
from pypdf import PdfReader

from practipal_app.billing import upi
from practipal_app.billing.pdf import DocLine, InvoiceDocument, Party, render_invoice
from practipal_app.core.money import format_inr
from practipal_app.core.pdf import FONT, FONT_DIR

SEED = 2026
FIRST_DAY = date(2026, 4, 1)
SELLER = Party(
    "Asha Rao Counselling",
    "Flat 4B, Sea Breeze Apartments\n14 Carter Road, Bandra West\nMumbai 400050",
    "Maharashtra",
    email="asha@example.com",
    phone="+91 98200 12345",
)
GSTIN = "27ABCDE1234F1Z5"
BUYERS = (
    Party("Priya Sharma", "22 MG Road\nPune 411001", "Maharashtra", email="priya@example.com"),
    Party(
        "Rohan Mehta",
        "5th Cross, Indiranagar\nBengaluru 560038",
        "Karnataka",
        gstin="29AAAAA0000A1Z5",
        phone="+91 99000 11122",
    ),
    Party("Kavya Iyer", "Anna Nagar\nChennai 600040", "Tamil Nadu", email="kavya@example.com"),
)
STATE_CODES = {"Maharashtra": "27", "Karnataka": "29", "Tamil Nadu": "33"}
SERVICES = (
    ("Individual therapy session (50 min), video", 250000),
    (
        "Couples therapy session (80 min) including intake assessment and a written summary of the "
        "agreed treatment plan",
        450000,
    ),
    ("Psychometric assessment with report", 400000),
    ("Family session (60 min), in person", 300000),
)


# Data --------------------------------------------------------------------------------------------


def invoice(rng: random.Random, n: int) -> InvoiceDocument:
    """One invoice: 1–4 lines; a tax invoice one time in three; a UPI link for what is due."""
    buyer = rng.choice(BUYERS)
    lines = []
    for description, unit in rng.sample(SERVICES, rng.randint(1, 4)):
        quantity = rng.randint(1, 6)
        lines.append(DocLine(description, quantity, unit, unit * quantity, "999312"))
    taxable = sum(line.amount_paise for line in lines)
    number = f"INV/26-27/{n:04d}"
    doc = InvoiceDocument(
        title="Bill of Supply",
        number=number,
        issue_date=FIRST_DAY + timedelta(days=n % 300),
        seller=SELLER,
        buyer=buyer,
        place_of_supply=f"{buyer.state} ({STATE_CODES[buyer.state]})",
        lines=tuple(lines),
        taxable_paise=taxable,
        total_paise=taxable,
        note="GST is not charged on this supply.",
    )
    if n % 3 == 0:
        tax = taxable * 18 // 100
        split = (
            {"igst_paise": tax}
            if buyer.state != SELLER.state
            else {"cgst_paise": tax // 2, "sgst_paise": tax - tax // 2}
        )
        doc = replace(
            doc,
            title="Tax Invoice",
            seller=replace(SELLER, gstin=GSTIN),
            rate_bp=1800,
            total_paise=taxable + tax,
            note="",
            **split,
        )
    if rng.random() < 0.2:
        doc = replace(doc, paid_paise=doc.total_paise // 4, status="partly_paid")
    due = doc.total_paise - doc.paid_paise
    return replace(doc, upi_link=upi.payment_link("asha.rao@okhdfcbank", SELLER.name, due, number))


def baseline() -> bytes:
    """B: the same fonts on one page with a heading and a few lines — no table, no QR."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Asha Rao Counselling", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    for line in (
        "14 Carter Road, Bandra West, Mumbai 400050",
        "Session fee: ₹2,500.00",
        "Thank you for your payment.",
        "This is a computer-generated document.",
    ):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def check(doc: InvoiceDocument, pdf: bytes) -> None:
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    for expected in (doc.number, format_inr(doc.total_paise), doc.title):
        if expected not in text:
            raise SystemExit(f"{doc.number}: {expected!r} is not in the PDF's text")


# Timing ------------------------------------------------------------------------------------------


def interleaved(
    docs: list[InvoiceDocument], warmup: int
) -> tuple[list[float], list[float], list[int], list[int]]:
    for doc in docs[:warmup]:
        render_invoice(doc)
        baseline()
    times_a: list[float] = []
    times_b: list[float] = []
    sizes_a: list[int] = []
    sizes_b: list[int] = []
    for doc in docs:
        for fn, times, sizes in (
            (lambda d=doc: render_invoice(d), times_a, sizes_a),
            (baseline, times_b, sizes_b),
        ):
            started = time.perf_counter_ns()
            pdf = fn()
            times.append((time.perf_counter_ns() - started) / 1e6)
            sizes.append(len(pdf))
        if len(times_a) % 50 == 1:
            check(doc, render_invoice(doc))
    return times_a, times_b, sizes_a, sizes_b


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def row(label: str, times: list[float], sizes: list[int]) -> str:
    return (
        f"{label:44}{statistics.median(times):>7.1f} ms{p90(times):>7.1f} ms"
        f"{statistics.median(sizes) / 1024:>8.1f} KB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count", type=int, default=500, help="PDFs of each kind to render and time"
    )
    parser.add_argument("--warmup", type=int, default=5, help="untimed renders of each first")
    args = parser.parse_args()
    if args.count < 2:
        parser.error("--count must be at least 2")

    rng = random.Random(SEED)
    docs = [invoice(rng, n) for n in range(1, args.count + 1)]
    taxed = sum(1 for d in docs if d.rate_bp)
    igst = sum(1 for d in docs if d.igst_paise)
    lines = statistics.mean(len(d.lines) for d in docs)
    print(
        f"PractiPal invoice PDF benchmark — fpdf2 {fpdf.__version__}, "
        f"Python {platform.python_version()} on {platform.machine()}"
    )
    print(
        f"{args.count} invoices: {taxed} tax invoices ({igst} IGST), {args.count - taxed} bills "
        f"of supply, {lines:.1f} lines on average, all with a UPI QR code"
    )
    print(f"interleaved A/B, after {args.warmup} warm-up each\n")
    started = time.perf_counter()
    times_a, times_b, sizes_a, sizes_b = interleaved(docs, args.warmup)
    elapsed = time.perf_counter() - started
    med_a, med_b = statistics.median(times_a), statistics.median(times_b)
    print(f"{'':44}{'median':>10}{'p90':>10}{'size':>11}")
    print(row("A  render_invoice (with QR)", times_a, sizes_a))
    print(row("B  bare one-page FPDF, same fonts", times_b, sizes_b))
    print(f"{'ratio A/B (medians)':44}{med_a / med_b:>10.2f}\n")
    print(f"total {elapsed:.1f} s")


if __name__ == "__main__":
    main()
