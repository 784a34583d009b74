"""Invoice and receipt PDFs (A4, fpdf2), from plain values: no database here.

The bundled DejaVu Sans fonts carry the rupee sign, which fpdf2's core fonts cannot print.
Callers build an `InvoiceDocument` or a `ReceiptDocument` and get the PDF's bytes back; the same
values always give the same bytes (the creation date is the document's own date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from practipal_app.billing.upi import qr_png
from practipal_app.core.money import amount_in_words, format_inr
from practipal_app.core.pdf import FONT, FONT_DIR
from practipal_app.core.timefmt import date_label

_ZONE = ZoneInfo("Asia/Kolkata")

_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_RULE = (206, 212, 218)
_STAMPS = {"void": ("VOID", (235, 160, 160)), "draft": ("DRAFT", (215, 215, 215))}
_STATUS_LABELS = {
    "void": ("VOID", (200, 35, 51)),
    "draft": ("DRAFT", _MUTED),
    "partly_paid": ("PARTLY PAID", (180, 110, 0)),
    "paid": ("PAID", (25, 135, 84)),
}

_LEFT_W = 105.0  # the seller / buyer column; the rest of the 180 mm line is the right column
_COLS = (8, 78, 18, 12, 32, 32)  # #, Description, SAC, Qty, Rate, Amount (mm, 180 in all)
_ALIGN = ("RIGHT", "LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT")
_QR_MM = 32.0


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""
    state: str = ""  # state name, e.g. "Maharashtra"
    gstin: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DocLine:
    description: str
    quantity: int
    unit_paise: int
    amount_paise: int
    sac: str = ""


@dataclass(frozen=True)
class InvoiceDocument:
    title: str  # "Bill of Supply" or "Tax Invoice"
    number: str  # "INV/26-27/0001" (or "Draft")
    issue_date: date
    seller: Party
    buyer: Party
    place_of_supply: str  # e.g. "Maharashtra (27)"
    lines: tuple[DocLine, ...]
    taxable_paise: int
    cgst_paise: int = 0
    sgst_paise: int = 0
    igst_paise: int = 0
    rate_bp: int = 0  # 1800 = 18%
    total_paise: int = 0
    paid_paise: int = 0
    status: str = "issued"  # draft / issued / partly_paid / paid / void
    upi_link: str = ""  # "" when the practice has no UPI ID or nothing is due
    note: str = ""  # e.g. "GST is not charged on this supply."


@dataclass(frozen=True)
class ReceiptDocument:
    number: str  # "RCT/26-27/0001"
    paid_on: date
    seller: Party
    buyer: Party
    invoice_number: str
    amount_paise: int
    method: str  # human label, e.g. "UPI"
    reference: str
    invoice_total_paise: int
    balance_paise: int  # still due on the invoice after this payment


# Small pieces ------------------------------------------------------------------------------------


def percent(bp: int | Decimal) -> str:
    """Basis points as a percentage: 900 -> '9%', 625 -> '6.25%', 50 -> '0.5%'."""
    value = (Decimal(bp) / 100).normalize()
    return f"{value:f}%"


def _inter_state(doc: InvoiceDocument) -> bool:
    """IGST applies: the invoice carries IGST, or (no tax amounts yet) supply leaves the state."""
    if doc.igst_paise or doc.cgst_paise or doc.sgst_paise:
        return bool(doc.igst_paise)
    return bool(doc.seller.state) and not doc.place_of_supply.startswith(doc.seller.state)


class _Pdf(FPDF):
    """A4 portrait with the DejaVu fonts, a footer on every page and an optional big stamp."""

    def __init__(self, heading: str, when: date, stamp: str = "", seller: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.heading, self.stamp, self.seller_name = heading, stamp, seller
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(heading)
        self.set_author(seller)
        self.set_creator("PractiPal")
        self.set_lang("en-IN")
        self.set_creation_date(datetime.combine(when, time(), tzinfo=_ZONE))
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)

    def header(self) -> None:
        if self.stamp in _STAMPS:
            self._stamp(*_STAMPS[self.stamp])
        if self.page_no() > 1:  # continuation pages say whose and which document they are
            self.set_font(FONT, "", 8)
            self.set_text_color(*_MUTED)
            self.cell(
                0,
                5,
                f"{self.seller_name} · {self.heading} (continued)",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            self.set_text_color(*_INK)
            self.ln(2)

    def _stamp(self, text: str, color: tuple[int, int, int]) -> None:
        x, y = self.get_x(), self.get_y()
        self.set_font(FONT, "B", 110)
        self.set_text_color(*color)
        width = self.get_string_width(text)
        cx, cy = self.w / 2, self.h / 2
        with self.rotation(35, x=cx, y=cy):
            self.text(cx - width / 2, cy + 14, text)
        self.set_text_color(*_INK)
        self.set_xy(x, y)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, "This is a computer-generated document.", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*_INK)

    # text helpers

    def line_text(
        self,
        text: str,
        w: float = 0,
        h: float = 4.6,
        size: float = 9,
        style: str = "",
        align: str = "L",
        color: tuple[int, int, int] = _INK,
    ) -> None:
        """One or more wrapped lines at the current x, then the next line at the same x."""
        x = self.get_x()
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(w, h, text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_text_color(*_INK)
        self.set_x(x)

    def down(self, mm: float) -> None:
        """Move down without going back to the left margin (as `ln` would)."""
        self.set_xy(self.get_x(), self.get_y() + mm)

    def rule(self, gap: float = 3) -> None:
        self.ln(gap)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(gap)


def _new_pdf(heading: str, when: date, stamp: str = "", seller: str = "") -> _Pdf:
    pdf = _Pdf(heading, when, stamp, seller)
    pdf.add_page()
    return pdf


def _party_lines(party: Party) -> list[str]:
    lines = [line.strip() for line in party.address.splitlines() if line.strip()]
    if party.state:
        lines.append(f"State: {party.state}")
    if party.gstin:
        lines.append(f"GSTIN: {party.gstin}")
    contact = "  ·  ".join(v for v in (party.email, party.phone) if v)
    if contact:
        lines.append(contact)
    return lines


# Blocks ------------------------------------------------------------------------------------------


def _seller_block(pdf: _Pdf, seller: Party) -> float:
    """The practice's name and details, top left; returns the y below them."""
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.line_text(seller.name, w=_LEFT_W, h=7, size=15, style="B")
    pdf.ln(0.5)
    for line in _party_lines(seller):
        pdf.line_text(line, w=_LEFT_W, h=4.4, size=8.5, color=_MUTED)
    return pdf.get_y()


def _title_block(pdf: _Pdf, title: str, number: str, when: date, status: str = "") -> float:
    """Title, number, date and status, top right; returns the y below them."""
    x = pdf.l_margin + _LEFT_W
    width = pdf.epw - _LEFT_W
    pdf.set_xy(x, pdf.t_margin)
    pdf.line_text(title, w=width, h=8, size=17, style="B", align="R")
    pdf.down(1)
    pdf.line_text(f"No. {number}", w=width, h=5, size=9.5, style="B", align="R")
    pdf.line_text(f"Date: {date_label(when)}", w=width, h=5, size=9.5, align="R")
    if status in _STATUS_LABELS:
        label, color = _STATUS_LABELS[status]
        pdf.down(1)
        pdf.line_text(
            label,
            w=width,
            h=7,
            size=14 if status in _STAMPS else 10,
            style="B",
            align="R",
            color=color,
        )
    return pdf.get_y()


def _header(
    pdf: _Pdf, seller: Party, title: str, number: str, when: date, status: str = ""
) -> None:
    bottom = max(_seller_block(pdf, seller), _title_block(pdf, title, number, when, status))
    pdf.set_xy(pdf.l_margin, bottom)
    pdf.rule()


def _party_block(pdf: _Pdf, label: str, party: Party) -> float:
    """'Bill to' / 'Received from' and the client's details, left; returns the y below them."""
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin)
    pdf.line_text(label.upper(), w=_LEFT_W, h=4.5, size=7.5, style="B", color=_MUTED)
    pdf.line_text(party.name, w=_LEFT_W, h=5.5, size=10.5, style="B")
    for line in _party_lines(party):
        pdf.line_text(line, w=_LEFT_W, h=4.4, size=8.5)
    bottom = pdf.get_y()
    pdf.set_y(top)
    return bottom


def _supply_block(pdf: _Pdf, place: str) -> float:
    """'Place of supply', right of the buyer; returns the y below it."""
    width = pdf.epw - _LEFT_W
    pdf.set_x(pdf.l_margin + _LEFT_W)
    pdf.line_text("PLACE OF SUPPLY", w=width, h=4.5, size=7.5, style="B", align="R", color=_MUTED)
    pdf.line_text(place or "-", w=width, h=5.5, size=10, align="R")
    return pdf.get_y()


def _lines_table(pdf: _Pdf, lines: tuple[DocLine, ...]) -> None:
    """The supply lines; long descriptions wrap, and the headings repeat on every page."""
    pdf.set_font(FONT, "", 9)
    pdf.set_draw_color(*_RULE)
    heading = FontFace(emphasis="BOLD", color=_INK, fill_color=(241, 243, 245))
    with pdf.table(
        col_widths=_COLS,
        text_align=_ALIGN,
        borders_layout="HORIZONTAL_LINES",
        headings_style=heading,
        line_height=4.6,
        padding=(1.6, 1.5),
        repeat_headings=1,
    ) as table:
        table.row(("#", "Description", "SAC", "Qty", "Rate", "Amount"))
        for n, line in enumerate(lines, start=1):
            table.row(
                (
                    str(n),
                    line.description,
                    line.sac,
                    str(line.quantity),
                    format_inr(line.unit_paise),
                    format_inr(line.amount_paise),
                )
            )


def _totals_rows(doc: InvoiceDocument) -> list[tuple[str, int, bool]]:
    """(label, paise, bold) for the totals block."""
    rows: list[tuple[str, int, bool]] = []
    if doc.rate_bp:
        rows.append(("Taxable value", doc.taxable_paise, False))
        if _inter_state(doc):
            rows.append((f"IGST @ {percent(doc.rate_bp)}", doc.igst_paise, False))
        else:
            half = percent(Decimal(doc.rate_bp) / 2)
            rows += [
                (f"CGST @ {half}", doc.cgst_paise, False),
                (f"SGST @ {half}", doc.sgst_paise, False),
            ]
    rows.append(("Total", doc.total_paise, True))
    if doc.paid_paise > 0:
        rows += [
            ("Paid", doc.paid_paise, False),
            ("Balance due", doc.total_paise - doc.paid_paise, True),
        ]
    return rows


def _totals_block(pdf: _Pdf, doc: InvoiceDocument, top: float) -> float:
    """Label / amount pairs, right-aligned under the table; returns the y below them."""
    x, label_w, value_w = pdf.l_margin + 95, 50.0, pdf.epw - 95 - 50
    pdf.set_y(top)
    for label, paise, bold in _totals_rows(doc):
        if bold:
            pdf.line(x, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_x(x)
        pdf.set_font(FONT, "B" if bold else "", 10 if bold else 9)
        pdf.cell(label_w, 6.2 if bold else 5.4, label, align="R")
        pdf.cell(
            value_w,
            6.2 if bold else 5.4,
            format_inr(paise),
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    return pdf.get_y()


def _words_block(pdf: _Pdf, paise: int, top: float, width: float = 88) -> float:
    """'Amount in words: Rupees … only', left of the totals; returns the y below it."""
    pdf.set_xy(pdf.l_margin, top + 1)
    pdf.line_text("Amount in words:", w=width, h=4.6, size=8.5, style="B")
    pdf.line_text(amount_in_words(paise), w=width, h=4.6, size=8.5)
    return pdf.get_y()


def _fitted_size(pdf: _Pdf, text: str, width: float, size: float, smallest: float = 5) -> float:
    """The largest font size up to `size` at which `text` fits on one line of `width` mm."""
    pdf.set_font(FONT, "", size)
    while size > smallest and pdf.get_string_width(text) > width:
        size -= 0.25
        pdf.set_font(FONT, "", size)
    return size


def _qr_block(pdf: _Pdf, link: str, due_paise: int) -> None:
    """The UPI QR code with its caption, and the link itself as plain text beneath."""
    if pdf.will_page_break(_QR_MM + 14):
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(BytesIO(qr_png(link)), x=pdf.l_margin, y=top, w=_QR_MM, h=_QR_MM)
    pdf.set_xy(pdf.l_margin + _QR_MM + 4, top + 8)
    pdf.line_text(
        f"Scan with any UPI app to pay {format_inr(due_paise)}",
        w=pdf.epw - _QR_MM - 4,
        h=5.5,
        size=10.5,
        style="B",
    )
    pdf.line_text(
        "Google Pay, PhonePe, Paytm, BHIM or your bank's app.",
        w=pdf.epw - _QR_MM - 4,
        h=4.6,
        size=8.5,
        color=_MUTED,
    )
    pdf.set_xy(pdf.l_margin, top + _QR_MM + 1)
    pdf.set_text_color(*_MUTED)
    size = _fitted_size(pdf, link, pdf.epw, 7.5)
    pdf.cell(0, size * 0.5, link, link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)


def _note_block(pdf: _Pdf, note: str) -> None:
    pdf.ln(4)
    pdf.set_x(pdf.l_margin)
    pdf.line_text(note, w=pdf.epw, h=4.6, size=8.5, color=_MUTED)


# Documents ---------------------------------------------------------------------------------------


def render_invoice(doc: InvoiceDocument) -> bytes:
    """The invoice (bill of supply or tax invoice) as A4 PDF bytes."""
    heading = f"{doc.title} {doc.number}"
    pdf = _new_pdf(heading, doc.issue_date, doc.status, doc.seller.name)
    _header(pdf, doc.seller, doc.title, doc.number, doc.issue_date, doc.status)
    bottom = max(_party_block(pdf, "Bill to", doc.buyer), _supply_block(pdf, doc.place_of_supply))
    pdf.set_y(bottom + 4)
    _lines_table(pdf, doc.lines)
    if pdf.will_page_break(38):  # keep the totals and the words together
        pdf.add_page()
    top = pdf.get_y() + 2
    pdf.set_y(max(_totals_block(pdf, doc, top), _words_block(pdf, doc.total_paise, top)) + 5)
    if doc.upi_link and doc.status != "void":  # nobody should pay a void invoice
        _qr_block(pdf, doc.upi_link, max(doc.total_paise - doc.paid_paise, 0))
    if doc.note:
        _note_block(pdf, doc.note)
    return bytes(pdf.output())


def _amount_panel(pdf: _Pdf, paise: int) -> None:
    """The amount received, large, with the amount in words, on a light panel."""
    top = pdf.get_y()
    pdf.set_fill_color(241, 243, 245)
    pdf.rect(pdf.l_margin, top, pdf.epw, 24, style="F")
    pdf.set_xy(pdf.l_margin + 4, top + 3)
    pdf.line_text("AMOUNT RECEIVED", h=4.5, size=7.5, style="B", color=_MUTED)
    pdf.line_text(format_inr(paise), h=8, size=18, style="B")
    pdf.line_text(amount_in_words(paise), w=pdf.epw - 8, h=4.6, size=9)
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + 24) + 5)


def _detail_rows(pdf: _Pdf, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        pdf.set_x(pdf.l_margin)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(40, 6, label)
        pdf.set_font(FONT, "", 9.5)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_receipt(doc: ReceiptDocument) -> bytes:
    """The payment receipt as A4 PDF bytes."""
    title = "Payment Receipt"
    pdf = _new_pdf(f"{title} {doc.number}", doc.paid_on, seller=doc.seller.name)
    _header(pdf, doc.seller, title, doc.number, doc.paid_on)
    pdf.set_y(_party_block(pdf, "Received from", doc.buyer) + 5)
    _amount_panel(pdf, doc.amount_paise)
    _detail_rows(pdf, [("Payment method", doc.method), ("Reference", doc.reference or "-")])
    pdf.ln(3)
    pdf.line_text(
        f"Received against invoice {doc.invoice_number} (total "
        f"{format_inr(doc.invoice_total_paise)}); balance due "
        f"{format_inr(doc.balance_paise)}.",
        w=pdf.epw,
        size=9.5,
    )
    pdf.ln(10)
    pdf.line_text(f"For {doc.seller.name}", w=pdf.epw, h=5, size=9.5, style="B", align="R")
    return bytes(pdf.output())
