"""UPI links a client's phone can open, and the QR codes that carry them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practipal_app.billing.upi import payment_link, qr_png, qr_svg, upi_id_problem

UPI_HINT = "A UPI ID looks like name@bank, e.g. asha.rao@okhdfcbank."


@pytest.mark.parametrize(
    "vpa",
    ["asha.rao@okhdfcbank", "9876543210@ybl", "dr_mehta-clinic@oksbi", "ab@upi", " asha@paytm "],
)
def test_good_upi_ids(vpa):
    assert upi_id_problem(vpa) == ""


@pytest.mark.parametrize(
    "vpa",
    [
        "",
        "asha",
        "asha@",
        "@okhdfcbank",
        "a@okhdfcbank",
        "asha@1bank",
        "asha rao@okhdfcbank",
        "asha@ok hdfc",
        "asha@@okhdfcbank",
        "asha@b",
        "asha@ok_hdfc",
    ],
)
def test_bad_upi_ids_get_a_hint(vpa):
    assert upi_id_problem(vpa) == UPI_HINT


def test_link_text_for_a_known_example():
    link = payment_link("asha.rao@okhdfcbank", "Asha Rao & Associates", 120_000, "INV/26-27/0001")
    assert link == (
        "upi://pay?pa=asha.rao@okhdfcbank&pn=Asha%20Rao%20%26%20Associates&am=1200.00&cu=INR"
        "&tn=INV%2F26-27%2F0001&tr=INV%2F26-27%2F0001"
    )


def test_link_amount_keeps_paise():
    link = payment_link("asha@ybl", "Asha", 5, "R1")
    assert "&am=0.05&" in link


def test_payee_name_is_trimmed_to_50_characters():
    link = payment_link("asha@ybl", "  " + "A" * 60 + "  ", 100, "R1")
    assert parse_qs(urlsplit(link).query)["pn"] == ["A" * 50]


def test_link_refuses_bad_upi_id_and_amount():
    with pytest.raises(ValueError, match="name@bank"):
        payment_link("asha", "Asha", 100, "R1")
    with pytest.raises(ValueError):
        payment_link("asha@ybl", "Asha", 0, "R1")


printable = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)
vpas = st.from_regex(r"[A-Za-z0-9._-]{2,20}@[A-Za-z][A-Za-z0-9.-]{1,20}", fullmatch=True)


@given(vpas, printable, st.integers(min_value=1, max_value=10**12), printable)
def test_link_parses_back_to_the_original_values(vpa, name, paise, reference):
    link = payment_link(vpa, name, paise, reference)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("upi", "pay")
    assert [pair.split("=")[0] for pair in parts.query.split("&")] == [
        "pa",
        "pn",
        "am",
        "cu",
        "tn",
        "tr",
    ]
    assert parse_qs(parts.query, keep_blank_values=True, strict_parsing=True) == {
        "pa": [vpa],
        "pn": [name.strip()[:50]],
        "am": [f"{paise // 100}.{paise % 100:02d}"],
        "cu": ["INR"],
        "tn": [reference],
        "tr": [reference],
    }


def test_qr_svg_is_a_standalone_svg():
    svg = qr_svg(payment_link("asha@ybl", "Asha", 100, "R1"))
    assert svg.startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<title>" in svg
    assert svg.rstrip().endswith("</svg>")


def test_qr_png_is_a_png():
    link = payment_link("asha@ybl", "Asha", 100, "R1")
    small, large = qr_png(link, scale=2), qr_png(link)
    assert small.startswith(b"\x89PNG\r\n\x1a\n")
    assert large.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(large[16:20], "big")
    assert width == 3 * int.from_bytes(small[16:20], "big")
