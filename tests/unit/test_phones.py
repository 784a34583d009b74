"""Phone numbers as people in India type them, stored as E.164."""

from __future__ import annotations

import pytest

from practipal_app.core.phones import display_phone, parse_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("98765 43210", "+919876543210"),
        ("+91 98765-43210", "+919876543210"),
        ("09876543210", "+919876543210"),
        ("  +91 (98765) 43210 ", "+919876543210"),
        ("+44 7911 123456", "+447911123456"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_typed_numbers_become_e164(typed, stored):
    assert parse_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Enter a phone number."),
        ("   ", "Enter a phone number."),
        ("call me maybe", "This does not look like a phone number."),
        ("12345", "This phone number is not valid."),
        ("98765 4321", "This phone number is not valid."),
        ("+44 12", "This phone number is not valid."),
    ],
)
def test_junk_is_refused_with_a_plain_reason(typed, reason):
    with pytest.raises(ValueError) as caught:
        parse_phone(typed)
    assert str(caught.value).startswith(reason)


def test_display_form_is_readable_and_round_trips():
    assert display_phone("+919876543210") == "+91 98765 43210"
    assert parse_phone(display_phone("+447911123456")) == "+447911123456"
    assert display_phone("") == ""
