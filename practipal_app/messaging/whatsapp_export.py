"""Reading WhatsApp's "Export chat" files: when each message was sent, by whom, and how long it was.

Pure functions, no database. The message text is read only to measure it: nothing here keeps it.

What WhatsApp writes, and what this module reads:

* Android: ``05/03/2024, 21:15 - Name: text`` (also ``3/5/24, 9:15 PM - ...``, ``9:15 pm``
  with a narrow no-break space ``\\u202f`` before ``pm``, ``2024-03-05, 21:15 - ...``,
  ``05.03.24, 21.15 - ...``); system lines have no ``Name:`` (``... - Messages and calls are
  end-to-end encrypted. ...``, ``... - Asha created group "Family"``).
* iOS: ``[05/03/24, 9:15:32 PM] Name: text``, often with a left-to-right mark ``\\u200e`` before
  the ``[`` and before placeholders (``\\u200eimage omitted``); system lines carry the chat's name
  as the sender (``[...] Asha: \\u200eMessages and calls are end-to-end encrypted...``).
* Dates are day-first or month-first, decided once per file: any first field over 12 means
  day-first, else any second field over 12 means month-first, else day-first (India). A first
  field of four digits is an ISO date (year-month-day). Two-digit years are 20xx.
* A line that does not start with a date and time continues the message before it (multi-line
  messages); its length, plus one for the line break, adds to that message's length (blank lines
  just before the next message are spacing and do not count).
* Refused with the line number (`ExportUnreadable`): a first non-blank line that is not a message
  or notice, and any date or time (a notice's too) that does not exist, e.g. 31/02/2024 or 25:10.
* Placeholders — ``<Media omitted>``, ``image omitted``, ``<attached: ...>``, ``... (file
  attached)``, ``This message was deleted``, ``You deleted this message`` (with a sender),
  missed calls — are messages (something was sent) of **length 0**: their text is WhatsApp's,
  not the sender's, and the original length is unknown. A trailing ``<This message was edited>``
  is not counted in the length.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import PurePosixPath
from typing import NamedTuple

from practipal_app.core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
EXAMPLE = "'05/03/2024, 21:15 - Name: message'"
EXPECTED_HEADER = f"a line starting with a date and time, like {EXAMPLE}"
HOW_TO_EXPORT = (
    "In WhatsApp, open the chat, then ⋮ › More › Export chat (iPhone: the name › Export Chat)."
)

# Direction marks, the byte-order mark and bidi embeddings WhatsApp puts around names and lines.
_MARKS = "\u200e\u200f\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SP = "[ \u00a0\u202f\u2009]"

_HEADER = re.compile(
    rf"^[{_MARKS}]*"
    r"(\[)?"  # 1: iOS bracket
    r"(\d{1,4})([./-])(\d{1,2})\3(\d{1,4})"  # 2,4,5: date fields; 3: separator
    rf",?{_SP}+"
    r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"  # 6,7,8: hour, minute, second
    rf"(?:{_SP}*([AaPp])\.?{_SP}?[Mm]\.?)?"  # 9: a / p
    rf"(?(1)\]{_SP}?|{_SP}+[-\u2013]{_SP}+)"
    r"(.*)",  # 10: the rest
    re.MULTILINE,
)

# Lines that are WhatsApp's own, even when (iOS) they carry the chat's name as a sender.
_SYSTEM_ALWAYS = re.compile(
    r"(?i)(messages and calls are (now )?(end-to-end encrypted|secured)"
    r"|messages (you send )?to this (group|chat).*end-to-end encryption"
    r"|your security code with .* changed"
    r"|this chat is with a business account)"
)
# With a leading direction mark (how iOS marks its notices), these are notices, not messages.
_SYSTEM_MARKED = re.compile(
    r"(?i).*\b(created (the )?group|changed the subject|changed this group's|changed the group"
    r"|added|removed|left|joined using|changed their phone number|changed to|now an admin"
    r"|no longer an admin|disappearing messages|deleted this group's icon|reset this group's"
    r"|pinned a message|changed the settings|blocked this contact|unblocked this contact)\b"
)
# A would-be sender that is really the start of a notice: 'X changed the subject from "A: B"'.
_SYSTEM_SENDER = re.compile(
    r"(?i)\b(changed the subject|created group|changed the group|changed this group's)\b"
)
_PLACEHOLDER = re.compile(
    r"(?i)<media omitted>|<[^<>]* omitted>|.{0,200}\b(image|video|audio|sticker|gif|document"
    r"|contact card|video note|voice message) omitted|<attached: [^<>]*>|.{1,200} \(file attached\)"
    r"|this message was deleted\.?|you deleted this message\.?"
    r"|missed (group )?(voice|video) call.{0,60}"
)
_EDITED = "<This message was edited>"


class ExportRefused(DomainError):
    """The upload is not a WhatsApp chat export this module can read."""


class ExportUnreadable(ExportRefused):
    """A line that is not what an export has there. The message names the line and what was
    expected."""

    def __init__(self, line_number: int, expected: str, found: str = ""):
        tail = f", but found {found}." if found else "."
        super().__init__(f"Line {line_number}: expected {expected}{tail}")
        self.line_number = line_number
        self.expected = expected
        self.found = found


class ParsedMessage(NamedTuple):
    timestamp: datetime  # naive, the phone's local time
    sender: str
    length: int


class ParsedChat(NamedTuple):
    messages: list[ParsedMessage]
    senders: list[str]  # by first appearance
    date_order: str  # "dmy", "mdy" or "ymd" (only when every date in the file is ISO)
    system_lines: int


def clean_name(text: str) -> str:
    """A sender's name without the direction marks and spaces WhatsApp wraps around some names."""
    return text.strip(_MARKS + " \t\u00a0\u202f")


def _date_order(dates: dict) -> str:
    """dmy, mdy or (every date ISO) ymd: decided once for the whole file, from its distinct
    dates."""
    month_first = False
    short = False
    for a, _sep, b, _c in dates:
        if len(a) == 4:
            continue
        short = True
        if len(a) == 2 and a > "12":
            return "dmy"
        if len(b) == 2 and b > "12":
            month_first = True
    if dates and not short:
        return "ymd"
    return "mdy" if month_first else "dmy"


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _first_content_line(text: str, end: int) -> int | None:
    """The number of the first line before `end` holding more than spaces and marks, if any."""
    for number, line in enumerate(text[:end].split("\n"), 1):
        if clean_name(line):
            return number
    return None


def parse(text: str) -> ParsedChat:
    """Read an export's text. Raises ExportUnreadable with the line number when it cannot.

    One pass of the header pattern over the whole text; a message's continuation lines are the
    text between its header line and the next header line.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    dates: list[tuple[str, str, str, str]] = []
    clocks: list[tuple[str, str, str | None, str | None]] = []
    names: list[str] = []
    lengths: list[int] = []
    # Every distinct date and time (notices' too), with where it first appears, to check them once.
    first_dates: dict[tuple[str, str, str, str], int] = {}
    first_clocks: dict[tuple[str, str, str | None, str | None], int] = {}
    senders: dict[str, str] = {}
    system_lines = 0
    current = -1  # index of the message continuation lines add to; -1 after a notice
    previous_end = -1
    placeholder = _PLACEHOLDER.fullmatch
    marks = _MARKS

    for m in _HEADER.finditer(text):
        start = m.start()
        if previous_end < 0:
            junk = _first_content_line(text, start)
            if junk is not None:
                raise ExportUnreadable(junk, EXPECTED_HEADER)
        elif start - previous_end > 1 and current >= 0:
            # Continuation lines: each adds its length plus one for its line break; blank lines
            # at the end (before the next header) are spacing and do not count.
            lengths[current] += len(text[previous_end:start].rstrip("\n"))
        previous_end = m.end()
        _bracket, a, sep, b, c, hh, mm, ss, ampm, rest = m.groups()
        date = (a, sep, b, c)
        clock = (hh, mm, ss, ampm)
        first_dates.setdefault(date, start)
        first_clocks.setdefault(clock, start)
        split = rest.find(": ")
        if split < 0 and rest.endswith(":"):
            split = len(rest) - 1
        if split < 0:
            system_lines += 1
            current = -1
            continue
        sender = rest[:split]
        body = rest[split + 2 :]
        length = -1
        if body[:1] in marks:
            body = body.lstrip(marks)
            if len(body) < 260 and placeholder(body):
                length = 0
            notice = length != 0 and bool(_SYSTEM_ALWAYS.match(body) or _SYSTEM_MARKED.match(body))
        else:
            notice = body[:1] in "MYT" and _SYSTEM_ALWAYS.match(body) is not None
        name = senders.get(sender)
        if name is None and not notice:
            name = clean_name(sender)
            if not name or _SYSTEM_SENDER.search(name):
                name = ""
            senders[sender] = name
        if notice or not name:
            system_lines += 1
            current = -1
            continue
        if length < 0:
            if (
                len(body) < 260
                and (
                    "omitted" in body or "attached" in body or "deleted" in body or "issed " in body
                )
                and placeholder(body)
            ):
                length = 0
            elif body.endswith(_EDITED):
                length = len(body[: -len(_EDITED)].rstrip(" " + marks))
            else:
                length = len(body)
        current = len(lengths)
        dates.append(date)
        clocks.append(clock)
        names.append(name)
        lengths.append(length)

    if previous_end < 0:
        junk = _first_content_line(text, len(text))
        if junk is None:
            raise ExportUnreadable(1, EXPECTED_HEADER, "an empty file")
        raise ExportUnreadable(junk, EXPECTED_HEADER)
    if current >= 0:
        lengths[current] += len(text[previous_end:].rstrip("\n"))

    order = _date_order(first_dates)
    problems: list[
        tuple[int, str, str]
    ] = []  # (position, expected, found): the earliest is reported
    real_dates = {}
    for (a, sep, b, c), position in first_dates.items():
        try:
            real_dates[a, sep, b, c] = _real_date(a, sep, b, c, order)
        except ValueError:
            problems.append((position, "a real date", f"{a}{sep}{b}{sep}{c}"))
            break
    real_clocks = {}
    for clock, position in first_clocks.items():
        try:
            real_clocks[clock] = _real_time(*clock)
        except ValueError:
            problems.append((position, "a real time", _time_text(*clock)))
            break
    if problems:
        position, expected, found = min(problems)
        raise ExportUnreadable(_line_at(text, position), expected, found)
    messages = [
        ParsedMessage(datetime(*real_dates[date], *real_clocks[clock]), name, length)
        for date, clock, name, length in zip(dates, clocks, names, lengths, strict=True)
    ]
    return ParsedChat(messages, list(dict.fromkeys(names)), order, system_lines)


def _real_time(hh: str, mm: str, ss: str | None, ampm: str | None) -> tuple[int, int, int]:
    """(hour, minute, second) on a 24-hour clock; ValueError when it is no time of day."""
    hour, minute = int(hh), int(mm)
    second = int(ss) if ss else 0
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(hh)
        hour = hour % 12 + (12 if ampm in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(hh)
    return hour, minute, second


def _time_text(hh: str, mm: str, ss: str | None, ampm: str | None) -> str:
    text = f"{hh}:{mm}" + (f":{ss}" if ss else "")
    return text + (f" {ampm.upper()}M" if ampm else "")


def _real_date(a: str, sep: str, b: str, c: str, order: str) -> tuple[int, int, int]:
    """(year, month, day) read in the file's order; ValueError when it is no date."""
    if len(a) == 4:
        year, month, day, year_text = int(a), int(b), int(c), a
        if len(c) > 2:
            raise ValueError(c)
    elif order == "mdy":
        month, day, year, year_text = int(a), int(b), int(c), c
    else:
        day, month, year, year_text = int(a), int(b), int(c), c
    if len(a) == 3 or len(year_text) not in (2, 4):
        raise ValueError(year_text)
    if len(year_text) == 2:
        year += 2000
    datetime(year, month, day)
    return year, month, day


# Uploads -----------------------------------------------------------------------------------------


def _refuse(filename: str, why: str) -> ExportRefused:
    return ExportRefused(f"“{filename}” {why}")


def _chat_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    texts = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(".txt")
        and not info.filename.startswith("__MACOSX/")
        and not PurePosixPath(info.filename).name.startswith("._")
    ]
    if len(texts) <= 1:
        return texts[0] if texts else None
    named = [
        info
        for info in texts
        if PurePosixPath(info.filename).name.lower() == "_chat.txt"
        or PurePosixPath(info.filename).name.lower().startswith("whatsapp chat")
    ]
    return named[0] if len(named) == 1 else None


def _decode(filename: str, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as error:
            line = raw[: error.start].decode("utf-16", errors="ignore").count("\n") + 1
            raise ExportUnreadable(line, "text", "binary data") from None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ExportUnreadable(
                raw[: error.start].count(b"\n") + 1, "text", "binary data"
            ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise ExportUnreadable(text.count("\n", 0, nul) + 1, "text", "binary data")
    if not text.strip(_MARKS + " \t\r\n\u00a0\u202f"):
        raise _refuse(filename, "is empty. " + HOW_TO_EXPORT)
    return text


def read_upload(filename: str, data: bytes) -> str:
    """The chat's text from an uploaded ``.txt`` export or the ``.zip`` WhatsApp makes around it.

    Refuses other files, empty ones, zips without a chat and anything over 20 MB, with a message
    for the person who uploaded it.
    """
    name = PurePosixPath((filename or "").replace("\\", "/")).name or "The file"
    lower = name.lower()
    if len(data) > MAX_BYTES:
        raise _refuse(name, "is larger than 20 MB. Export the chat without media and upload that.")
    if lower.endswith(".txt"):
        if not data:
            raise _refuse(name, "is empty. " + HOW_TO_EXPORT)
        return _decode(name, data)
    if lower.endswith(".zip"):
        if not data:
            raise _refuse(name, "is empty. " + HOW_TO_EXPORT)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError):
            raise _refuse(name, "is not a readable zip file. " + HOW_TO_EXPORT) from None
        with archive:
            info = _chat_member(archive)
            if info is None:
                raise _refuse(name, "holds no WhatsApp chat (.txt file). " + HOW_TO_EXPORT)
            if info.file_size > MAX_BYTES:
                raise _refuse(name, "holds a chat larger than 20 MB.")
            try:
                with archive.open(info) as member:
                    raw = member.read(MAX_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError):
                # RuntimeError: encrypted; the rest: damaged or unsupported compression.
                raise _refuse(
                    name, "could not be opened (damaged or password-protected)."
                ) from None
            if len(raw) > MAX_BYTES:
                raise _refuse(name, "holds a chat larger than 20 MB.")
            return _decode(PurePosixPath(info.filename).name, raw)
    raise _refuse(
        name,
        "is not a WhatsApp chat export. Upload the .txt or .zip file from "
        "WhatsApp's Export chat. " + HOW_TO_EXPORT,
    )
