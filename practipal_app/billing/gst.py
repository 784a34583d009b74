"""GST rules for invoices in India: GSTINs, tax splits, financial years, document numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

STATES: dict[str, str] = {
    "01": "Jammu and Kashmir",
    "02": "Himachal Pradesh",
    "03": "Punjab",
    "04": "Chandigarh",
    "05": "Uttarakhand",
    "06": "Haryana",
    "07": "Delhi",
    "08": "Rajasthan",
    "09": "Uttar Pradesh",
    "10": "Bihar",
    "11": "Sikkim",
    "12": "Arunachal Pradesh",
    "13": "Nagaland",
    "14": "Manipur",
    "15": "Mizoram",
    "16": "Tripura",
    "17": "Meghalaya",
    "18": "Assam",
    "19": "West Bengal",
    "20": "Jharkhand",
    "21": "Odisha",
    "22": "Chhattisgarh",
    "23": "Madhya Pradesh",
    "24": "Gujarat",
    "26": "Dadra and Nagar Haveli and Daman and Diu",
    "27": "Maharashtra",
    "29": "Karnataka",
    "30": "Goa",
    "31": "Lakshadweep",
    "32": "Kerala",
    "33": "Tamil Nadu",
    "34": "Puducherry",
    "35": "Andaman and Nicobar Islands",
    "36": "Telangana",
    "37": "Andhra Pradesh",
    "38": "Ladakh",
    "97": "Other Territory",
}

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GSTIN = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]")
_PREFIX = re.compile(r"[A-Z0-9]{1,4}")
_DOCUMENT_NUMBER_MAX = 16


def normalize_gstin(gstin: str) -> str:
    """' 27aapfu0939f1zv ' -> '27AAPFU0939F1ZV'."""
    return gstin.strip().upper()


def gstin_state(gstin: str) -> str:
    """The two-digit state code a GSTIN starts with."""
    return normalize_gstin(gstin)[:2]


def gstin_check_char(body: str) -> str:
    """The check character for the first 14 characters of a GSTIN (mod-36 checksum)."""
    total = 0
    for position, char in enumerate(body.upper()):
        quotient, remainder = divmod(_ALPHABET.index(char) * (1 if position % 2 == 0 else 2), 36)
        total += quotient + remainder
    return _ALPHABET[(36 - total % 36) % 36]


def gstin_problem(gstin: str) -> str:
    """'' for a valid GSTIN, else what is wrong with it, in plain words."""
    value = normalize_gstin(gstin)
    if not _GSTIN.fullmatch(value):
        return "A GSTIN has 15 characters, like 27ABCDE1234F1Z5."
    if value[:2] not in STATES:
        return "This GSTIN's state code is not known."
    if gstin_check_char(value[:14]) != value[14]:
        return "This GSTIN's check character is wrong — please check for a typo."
    return ""


@dataclass(frozen=True)
class Taxes:
    """GST on one document, in paise."""

    cgst: int = 0
    sgst: int = 0
    igst: int = 0

    @property
    def total(self) -> int:
        return self.cgst + self.sgst + self.igst


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def compute_taxes(taxable_paise: int, rate_bp: int, intra_state: bool) -> Taxes:
    """Split GST at rate_bp basis points (1800 = 18%): CGST + SGST within a state, else IGST."""
    if taxable_paise < 0 or rate_bp < 0:
        raise ValueError("Taxable value and GST rate cannot be negative.")
    if intra_state:
        half = _round_half_up(taxable_paise * rate_bp, 20_000)
        return Taxes(cgst=half, sgst=half)
    return Taxes(igst=_round_half_up(taxable_paise * rate_bp, 10_000))


def financial_year(d: date) -> int:
    """The year India's April–March financial year containing d starts in."""
    return d.year if d.month >= 4 else d.year - 1


def fy_label(start_year: int) -> str:
    """2026 -> '26-27'."""
    return f"{start_year % 100:02d}-{(start_year + 1) % 100:02d}"


def prefix_problem(prefix: str) -> str:
    """'' for a usable document-number prefix, else what is wrong with it."""
    if _PREFIX.fullmatch(prefix):
        return ""
    return "Use 1 to 4 capital letters or digits for the prefix, like INV."


def document_number(prefix: str, fy_start: int, seq: int) -> str:
    """'INV/26-27/0001'; GST allows at most 16 characters."""
    problem = prefix_problem(prefix)
    if problem:
        raise ValueError(problem)
    if seq < 1:
        raise ValueError("Document numbers start at 1.")
    number = f"{prefix}/{fy_label(fy_start)}/{seq:04d}"
    if len(number) > _DOCUMENT_NUMBER_MAX:
        raise ValueError(f"{number} is longer than the 16 characters GST allows.")
    return number
