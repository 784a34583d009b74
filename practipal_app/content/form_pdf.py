"""A submitted form as an A4 PDF (fpdf2, the bundled DejaVu fonts), from `forms.response_detail`,
shown as its page shows it (`views.response_view`): no database here. Long answers wrap and run onto
further pages."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from practipal_app.content.forms import ResponseDetail
from practipal_app.content.views import AnswerRow, ResponseView, response_view
from practipal_app.core.pdf import FONT, FONT_DIR

_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_RULE = (206, 212, 218)


class _Pdf(FPDF):
    """A4 portrait with the DejaVu fonts, the form's title on continuation pages and page
    numbers."""

    def __init__(self, heading: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.heading = heading
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(heading)
        self.set_creator("PractiPal")
        self.set_lang("en-IN")
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)

    def header(self) -> None:
        if self.page_no() > 1:
            self.text_block(f"{self.heading} (continued)", size=8, color=_MUTED)
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, "Confidential: a client's own answers.", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*_INK)

    def text_block(
        self,
        text: str,
        size: float = 10,
        style: str = "",
        h: float = 5,
        color: tuple[int, int, int] = _INK,
    ) -> None:
        """Wrapped text across the page width, then the next line at the left margin."""
        self.set_x(self.l_margin)
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(0, h, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*_INK)

    def rule(self, gap: float = 3) -> None:
        self.ln(gap)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(gap)


def _heading(pdf: _Pdf, view: ResponseView) -> None:
    pdf.text_block(view.title, size=17, style="B", h=8)
    pdf.ln(1)
    pdf.text_block(f"Client: {view.client}", size=10.5, style="B", h=5.5)
    pdf.text_block(
        f"Form version {view.version} · submitted {view.submitted}", size=9, color=_MUTED
    )
    pdf.rule()


def _item(pdf: _Pdf, item: AnswerRow) -> None:
    if pdf.will_page_break(
        24 if item.is_heading else 14
    ):  # keep a heading or question with what follows
        pdf.add_page()
    if item.is_heading:
        pdf.ln(2)
        pdf.text_block(item.label, size=12, style="B", h=6)
        pdf.ln(1)
        return
    pdf.text_block(item.label, size=9, style="B", h=4.6, color=_MUTED)
    pdf.text_block(item.answer, size=10.5, h=5.4)
    pdf.ln(2.5)


def _closing(pdf: _Pdf, view: ResponseView) -> None:
    pdf.rule()
    if view.charter_version:
        pdf.text_block(
            f"Communication charter acknowledged: version {view.charter_version}.", size=9.5
        )


def render_response(detail: ResponseDetail) -> bytes:
    """The submitted form as A4 PDF bytes."""
    view = response_view(detail)
    pdf = _Pdf(view.title)
    pdf.add_page()
    _heading(pdf, view)
    for item in view.answers:
        _item(pdf, item)
    _closing(pdf, view)
    return bytes(pdf.output())
