"""Phone numbers in, E.164 out."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "IN"


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number as people type it; ValueError with a plain reason otherwise."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("Enter a phone number.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("This does not look like a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            "This phone number is not valid. Include the country code if it is not Indian."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
