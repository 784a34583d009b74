"""Rupee amounts as people type them, and as invoices print them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practipal_app.core.money import amount_in_words, format_inr, parse_rupees, plain_rupees


@pytest.mark.parametrize(
    ("paise", "words"),
    [
        (0, "Rupees Zero only"),
        (100, "Rupees One only"),
        (9900, "Rupees Ninety Nine only"),
        (10_000_000, "Rupees One Lakh only"),
        (12_000_000, "Rupees One Lakh Twenty Thousand only"),
        (
            12_34_56_789_00,
            "Rupees Twelve Crore Thirty Four Lakh Fifty Six Thousand"
            " Seven Hundred Eighty Nine only",
        ),
        (1250, "Rupees Twelve and Fifty Paise only"),
        (50, "Rupees Zero and Fifty Paise only"),
        (1, "Rupees Zero and One Paisa only"),
        (20_00_000_00, "Rupees Twenty Lakh only"),
        (1_00_00_000_00, "Rupees One Crore only"),
        (100_00_00_000_00, "Rupees One Hundred Crore only"),
        (1_01_000_00, "Rupees One Lakh One Thousand only"),
        (11_519_05, "Rupees Eleven Thousand Five Hundred Nineteen and Five Paise only"),
    ],
)
def test_amount_in_words_uses_lakh_and_crore(paise, words):
    assert amount_in_words(paise) == words


def test_amount_in_words_refuses_negative():
    with pytest.raises(ValueError):
        amount_in_words(-100)


@given(st.integers(min_value=0, max_value=10**16))
def test_words_have_no_hyphens_and_no_inner_and(paise):
    words = amount_in_words(paise)
    assert "-" not in words
    rupee_part = words.split(" and ")[0]
    assert " and " not in rupee_part.removeprefix("Rupees ")
    assert words.startswith("Rupees ") and words.endswith(" only")


@pytest.mark.parametrize(
    ("paise", "text"),
    [
        (12_000_000, "₹1,20,000.00"),
        (5, "₹0.05"),
        (0, "₹0.00"),
        (-100_000, "-₹1,000.00"),
        (99_999, "₹999.99"),
        (12_34_56_789_00, "₹12,34,56,789.00"),
    ],
)
def test_format_inr_uses_indian_grouping(paise, text):
    assert format_inr(paise) == text


def _indian_grouping(rupees: int) -> str:
    digits = str(rupees)
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail])


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_inr_matches_integer_grouping(paise):
    rupees, rest = divmod(abs(paise), 100)
    sign = "-" if paise < 0 else ""
    assert format_inr(paise) == f"{sign}₹{_indian_grouping(rupees)}.{rest:02d}"


@pytest.mark.parametrize(
    ("paise", "text"),
    [(12_000_000, "120000.00"), (5, "0.05"), (0, "0.00"), (150_050, "1500.50"), (-250, "-2.50")],
)
def test_plain_rupees_has_no_grouping(paise, text):
    assert plain_rupees(paise) == text


@pytest.mark.parametrize(
    ("typed", "paise"),
    [
        ("2000", 200_000),
        ("1,500.50", 150_050),
        ("₹ 2,000", 200_000),
        ("₹2,000.5", 200_050),
        ("  1,20,000  ", 12_000_000),
        ("Rs. 750", 75_000),
        ("0.05", 5),
        ("", 0),
        ("  ", 0),
    ],
)
def test_parse_rupees_accepts_what_people_type(typed, paise):
    assert parse_rupees(typed) == paise


@pytest.mark.parametrize(
    "typed",
    ["-500", "abc", "12abc", "1.234", "1.", ".5", "1,,000", ",100", "100,", "₹", "1 000", "٣٠"],
)
def test_parse_rupees_refuses_anything_else(typed):
    with pytest.raises(ValueError, match=r"^Enter the amount in rupees, like 2000 or 1500\.50\.$"):
        parse_rupees(typed)


@given(st.integers(min_value=0, max_value=10**15))
def test_plain_rupees_round_trips(paise):
    assert parse_rupees(plain_rupees(paise)) == paise
