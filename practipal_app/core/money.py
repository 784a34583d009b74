"""Money is integer paise; these turn it into text people read and back."""

from __future__ import annotations

import re
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency

#: Parsed once: babel parses a locale given by name on every call.
_EN_IN = Locale.parse("en_IN")
_AMOUNT_HINT = "Enter the amount in rupees, like 2000 or 1500.50."
_TYPED = re.compile(r"(?:₹|rs\.?|inr)?\s*([0-9]+(?:,[0-9]+)*)(?:\.([0-9]{1,2}))?", re.IGNORECASE)

_ONES = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen "
    "Fifteen Sixteen Seventeen Eighteen Nineteen"
).split()
_TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()


def parse_rupees(text: str) -> int:
    """'₹ 1,500.50' -> 150050 paise; blank is 0. Raises ValueError for anything else."""
    cleaned = text.strip()
    if not cleaned:
        return 0
    match = _TYPED.fullmatch(cleaned)
    if match is None:
        raise ValueError(_AMOUNT_HINT)
    rupees = int(match.group(1).replace(",", ""))
    paise = int((match.group(2) or "0").ljust(2, "0"))
    return rupees * 100 + paise


def format_inr(paise: int) -> str:
    """12000000 -> '₹1,20,000.00' (Indian grouping)."""
    return format_currency(Decimal(paise).scaleb(-2), "INR", locale=_EN_IN)


def plain_rupees(paise: int) -> str:
    """12000000 -> '120000.00': no grouping, for CSV files and UPI links."""
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    return f"{sign}{rupees}.{rest:02d}"


def _below_hundred(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    tens, ones = divmod(n, 10)
    return [_TENS[tens]] + ([_ONES[ones]] if ones else [])


def _words(n: int) -> list[str]:
    """Words for n > 0 in the Indian system; crores recurse."""
    crores, rest = divmod(n, 10_000_000)
    lakhs, rest = divmod(rest, 100_000)
    thousands, rest = divmod(rest, 1000)
    hundreds, rest = divmod(rest, 100)
    out: list[str] = []
    if crores:
        out += _words(crores) + ["Crore"]
    for count, unit in ((lakhs, "Lakh"), (thousands, "Thousand"), (hundreds, "Hundred")):
        if count:
            out += _below_hundred(count) + [unit]
    if rest:
        out += _below_hundred(rest)
    return out


def amount_in_words(paise: int) -> str:
    """12000000 -> 'Rupees One Lakh Twenty Thousand only', in the Indian system."""
    if paise < 0:
        raise ValueError("An amount in words cannot be negative.")
    rupees, rest = divmod(paise, 100)
    text = "Rupees " + (" ".join(_words(rupees)) if rupees else "Zero")
    if rest:
        text += " and " + " ".join(_below_hundred(rest)) + (" Paisa" if rest == 1 else " Paise")
    return text + " only"
