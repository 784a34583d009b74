"""CSV that a spreadsheet opens as data: no cell of it runs as a formula.

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula, so a client named `=HYPERLINK(...)` would become a live
link in the accountant's sheet. Such a cell is written with a leading `'`, which keeps it text.

A cell that is only a number (`-500.00`, `+91`) is left as it is: it cannot run anything, and the
app's own negative amounts stay numbers a spreadsheet can add up.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def cell(value: object) -> str:
    """One cell's text, made safe to open in a spreadsheet."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV file: the header row, then the rows, every cell through `cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()
