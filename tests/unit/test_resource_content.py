"""What the resource vault lets in and lets out: file types read from the bytes (never the name),
and Markdown rendered to HTML that holds no script, event handler or dangerous link."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from fpdf import FPDF
from PIL import Image

from practipal_app.content.resources import ALLOWED_TYPES, render_markdown, sniff


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Grounding exercise")
    return bytes(pdf.output())


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 120, 40)).save(out, kind)
    return out.getvalue()


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: one silent frame is 417 bytes.
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)
ID3_TAG = b"ID3\x04\x00\x00\x00\x00\x00\x00"


def _m4a(brand: bytes = b"M4A ") -> bytes:
    ftyp = brand + struct.pack(">I", 0) + brand + b"mp42isom"
    return struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp + struct.pack(">I", 8) + b"mdat"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("worksheet.pdf", "%PDF-1.4 pretending")
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
PE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(52) + b"\x80\x00\x00\x00" + bytes(64) + b"PE\x00\x00"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_pdf(), "application/pdf"),
        (_image("PNG"), "image/png"),
        (_image("JPEG"), "image/jpeg"),
        (ID3_TAG + MP3_FRAME, "audio/mpeg"),
        (MP3_FRAME * 3, "audio/mpeg"),
        (_m4a(), "audio/mp4"),
        (_m4a(b"M4B "), "audio/mp4"),
    ],
    ids=["pdf", "png", "jpeg", "mp3-id3", "mp3-frames", "m4a", "m4b"],
)
def test_sniff_recognises_each_allowed_type_from_its_bytes(data, expected):
    assert sniff(data) == expected
    assert expected in ALLOWED_TYPES


@pytest.mark.parametrize(
    "data",
    [
        ELF,
        PE,
        _zip(),
        b"Breathe in for four, hold for four.\n",
        "नमस्ते, कैसे हैं?".encode(),
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        struct.pack(">I", 20) + b"ftypavc1" + bytes(8),  # a video, not audio
        b"\xff\xfe" + "a UTF-16 text".encode("utf-16-le"),
        b"",
    ],
    ids=["elf", "pe", "zip", "text", "hindi-text", "html", "svg", "mp4-video", "utf16", "empty"],
)
def test_sniff_refuses_everything_else(data):
    assert sniff(data) is None


def test_the_name_plays_no_part():
    """sniff only ever sees bytes: an executable is not a PDF, whatever it is called."""
    assert sniff(ELF) is None
    assert sniff(_pdf()[:5]) == "application/pdf"


# Markdown ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "dangerous"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("Hello <img src=x onerror=alert(1)> there", "<img"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ("[x](JaVaScRiPt:alert(1))", "href="),
        ("<javascript:alert(1)>", "href="),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "href="),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<a href="https://example.in" onclick="steal()">hi</a>', "<a "),
        ("<style>body{display:none}</style>", "<style"),
        ("![tracker](https://evil.example/pixel.png)", "<img"),
    ],
    ids=[
        "script",
        "img-onerror",
        "javascript-link",
        "mixed-case",
        "autolink",
        "data-link",
        "iframe",
        "raw-anchor",
        "style",
        "image",
    ],
)
def test_dangerous_markdown_never_becomes_live_html(markdown, dangerous):
    html = render_markdown(markdown)
    assert dangerous not in html.lower()
    assert "<script" not in html.lower() and "<iframe" not in html.lower()


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown("<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_ordinary_markdown_renders():
    html = render_markdown(
        "# Box breathing\n\n## Steps\n\n1. Breathe **in** for four\n2. Hold for *four*\n\n"
        "- a calm place\n- a chair\n\n> Go gently.\n\n"
        "| Situation | Thought |\n|---|---|\n| Exam | I will fail |\n\n"
        "Read more at [Tele-MANAS](https://telemanas.mohfw.gov.in) or write to "
        "[me](mailto:asha@example.com).\n"
    )
    for expected in (
        "<h1>Box breathing</h1>",
        "<h2>Steps</h2>",
        "<ol>",
        "<li>Breathe <strong>in</strong>",
        "<em>four</em>",
        "<ul>",
        "<blockquote>",
        "<table>",
        "<th>Situation</th>",
        "<td>Exam</td>",
        '<a href="https://telemanas.mohfw.gov.in" rel="noopener noreferrer">Tele-MANAS</a>',
        '<a href="mailto:asha@example.com" rel="noopener noreferrer">me</a>',
    ):
        assert expected in html, expected


def test_relative_links_stay_plain_text():
    html = render_markdown("[the portal](/portal/messages) and [a file](file:///etc/passwd)")
    assert "<a" not in html
    assert "the portal" in html
