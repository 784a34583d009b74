"""GSTINs, CGST/SGST/IGST splits, financial years and invoice numbers."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practipal_app.billing.gst import (
    STATES,
    Taxes,
    compute_taxes,
    document_number,
    financial_year,
    fy_label,
    gstin_check_char,
    gstin_problem,
    gstin_state,
    normalize_gstin,
    prefix_problem,
)

BAD_SHAPE = "A GSTIN has 15 characters, like 27ABCDE1234F1Z5."
BAD_STATE = "This GSTIN's state code is not known."
BAD_CHECK = "This GSTIN's check character is wrong — please check for a typo."
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_state_list_is_current():
    assert STATES["27"] == "Maharashtra"
    assert STATES["29"] == "Karnataka"
    assert STATES["07"] == "Delhi"
    assert STATES["33"] == "Tamil Nadu"
    assert STATES["36"] == "Telangana"
    assert STATES["37"] == "Andhra Pradesh"
    assert STATES["26"] == "Dadra and Nagar Haveli and Daman and Diu"
    assert STATES["01"] == "Jammu and Kashmir"
    assert STATES["38"] == "Ladakh"
    assert STATES["97"] == "Other Territory"
    assert all(len(code) == 2 and code.isdigit() for code in STATES)


@pytest.mark.parametrize("gstin", ["27AAPFU0939F1ZV", "29AAGCB7383J1Z4", "27AAACR5055K1Z7"])
def test_published_gstins_are_valid(gstin):
    assert gstin_problem(gstin) == ""


def test_gstin_is_normalised_before_checking():
    assert normalize_gstin("  27aapfu0939f1zv\n") == "27AAPFU0939F1ZV"
    assert gstin_problem(" 27aapfu0939f1zv ") == ""
    assert gstin_state(" 29aagcb7383j1z4") == "29"


@pytest.mark.parametrize(
    ("gstin", "problem"),
    [
        ("", BAD_SHAPE),
        ("27AAPFU0939F1Z", BAD_SHAPE),
        ("27AAPFU0939F1ZVX", BAD_SHAPE),
        ("27AAPFU0939F1YV", BAD_SHAPE),
        ("27AAPFU0939F0ZV", BAD_SHAPE),
        ("2AAAPFU0939F1ZV", BAD_SHAPE),
        ("27AAPF10939F1ZV", BAD_SHAPE),
        ("27AAPFU09391FZV", BAD_SHAPE),
        ("27AAPFU-939F1ZV", BAD_SHAPE),
        ("27AAPFU0939F1ZW", BAD_CHECK),
        ("27AAPFU0939F1ZV"[:14] + "0", BAD_CHECK),
        ("28AAPFU0939F1ZV", BAD_STATE),
        ("00AAPFU0939F1ZV", BAD_STATE),
        ("99AAPFU0939F1ZV", BAD_STATE),
    ],
)
def test_bad_gstins_say_what_is_wrong(gstin, problem):
    assert gstin_problem(gstin) == problem


def test_single_typo_is_caught():
    valid = "29AAGCB7383J1Z4"
    assert gstin_problem(valid.replace("7383", "7388")) == BAD_CHECK


gstin_bodies = st.builds(
    lambda state, pan_letters, pan_digits, pan_last, entity: (
        f"{state}{pan_letters}{pan_digits}{pan_last}{entity}Z"
    ),
    st.sampled_from(sorted(STATES)),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=5, max_size=5),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    st.sampled_from("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
)


@given(gstin_bodies, st.sampled_from(ALNUM))
def test_only_the_computed_check_char_validates(body, other):
    check = gstin_check_char(body)
    assert check in ALNUM
    assert gstin_problem(body + check) == ""
    if other != check:
        assert gstin_problem(body + other) == BAD_CHECK


def test_taxes_total():
    assert Taxes().total == 0
    assert Taxes(cgst=9000, sgst=9000).total == 18000
    assert Taxes(igst=18000).total == 18000


@pytest.mark.parametrize(
    ("taxable", "rate", "intra", "expected"),
    [
        (100_000, 1800, True, Taxes(cgst=9000, sgst=9000)),
        (100_000, 1800, False, Taxes(igst=18000)),
        (100_000, 0, True, Taxes()),
        (100_000, 0, False, Taxes()),
        (1, 1800, True, Taxes()),
        (3, 1800, False, Taxes(igst=1)),
        (25, 2000, False, Taxes(igst=5)),
        (5, 1000, False, Taxes(igst=1)),
        (5, 2000, True, Taxes(cgst=1, sgst=1)),
        (4, 2500, True, Taxes(cgst=1, sgst=1)),
        (1_000_01, 500, True, Taxes(cgst=2500, sgst=2500)),
    ],
)
def test_compute_taxes_examples(taxable, rate, intra, expected):
    assert compute_taxes(taxable, rate, intra) == expected


def test_compute_taxes_refuses_negatives():
    with pytest.raises(ValueError):
        compute_taxes(-1, 1800, True)
    with pytest.raises(ValueError):
        compute_taxes(100, -1, False)


rates = st.one_of(st.sampled_from([0, 500, 1200, 1800, 2800]), st.integers(0, 2800))
taxables = st.integers(min_value=0, max_value=10**12)


@given(taxables, rates)
def test_intra_state_split_is_equal_and_within_a_paisa(taxable, rate):
    taxes = compute_taxes(taxable, rate, intra_state=True)
    assert taxes.igst == 0
    assert taxes.cgst == taxes.sgst
    assert abs(taxes.total - Fraction(taxable * rate, 10_000)) <= 1
    exact_half = Fraction(taxable * rate, 20_000)
    assert exact_half - Fraction(1, 2) < taxes.cgst <= exact_half + Fraction(1, 2)


@given(taxables, rates)
def test_inter_state_is_half_up_igst(taxable, rate):
    taxes = compute_taxes(taxable, rate, intra_state=False)
    assert taxes.cgst == taxes.sgst == 0
    exact = Fraction(taxable * rate, 10_000)
    assert exact - Fraction(1, 2) < taxes.igst <= exact + Fraction(1, 2)
    assert isinstance(taxes.igst, int)


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=30), rates, st.booleans())
def test_document_total_is_exact(lines, rate, intra):
    taxable = sum(lines)
    taxes = compute_taxes(taxable, rate, intra)
    total = taxable + taxes.total
    assert isinstance(total, int)
    assert total - taxes.cgst - taxes.sgst - taxes.igst == sum(lines)
    assert abs(Fraction(total) - Fraction(taxable * (10_000 + rate), 10_000)) <= 1


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2027, 3, 31), 2026),
        (date(2027, 4, 1), 2027),
        (date(2026, 4, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
    ],
)
def test_financial_year_turns_on_1_april(day, start):
    assert financial_year(day) == start


@pytest.mark.parametrize(("start", "label"), [(2026, "26-27"), (2099, "99-00"), (2009, "09-10")])
def test_fy_label(start, label):
    assert fy_label(start) == label


@pytest.mark.parametrize("prefix", ["INV", "A", "RCPT", "CN1", "2026"])
def test_good_prefixes(prefix):
    assert prefix_problem(prefix) == ""


@pytest.mark.parametrize("prefix", ["", "INVOI", "IN V", "IN/", "inv", "IN-V", "₹"])
def test_bad_prefixes_have_a_message(prefix):
    assert "1 to 4" in prefix_problem(prefix)


def test_document_number_format():
    assert document_number("INV", 2026, 1) == "INV/26-27/0001"
    assert document_number("RCPT", 2099, 12345) == "RCPT/99-00/12345"


def test_document_number_stays_within_16_characters():
    assert len(document_number("RCPT", 2026, 99_999)) == 16
    with pytest.raises(ValueError, match="16 characters"):
        document_number("RCPT", 2026, 100_000)
    assert document_number("INV", 2026, 100_000) == "INV/26-27/100000"


def test_document_number_refuses_bad_input():
    with pytest.raises(ValueError):
        document_number("INVOICE", 2026, 1)
    with pytest.raises(ValueError):
        document_number("INV", 2026, 0)
