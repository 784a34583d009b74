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
  messages); its length, plus one for the line break, adds to that message's length.
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

from practipal_app.services.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
EXAMPLE = "'05/03/2024, 21:15 - Name: message'"
EXPECTED_HEADER = f"a line starting with a date and time, like {EXAMPLE}"
HOW_TO_EXPORT = "In WhatsApp, open the chat, then ⋮ › More › Export chat (iPhone: the name › Export Chat)."

# Direction marks, the byte-order mark and bidi embeddings WhatsApp puts around names and lines.
_MARKS = "\u200e\u200f\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SP = "[ \u00a0\u202f\u2009]"

_HEADER = re.compile(
    rf"[{_MARKS}]*"
    r"(\[)?"                                             # 1: iOS bracket
    r"(\d{1,4})([./-])(\d{1,2})\3(\d{1,4})"              # 2,4,5: date fields; 3: separator
    rf",?{_SP}+"
    r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"              # 6,7,8: hour, minute, second
    rf"(?:{_SP}*([AaPp])\.?{_SP}?[Mm]\.?)?"              # 9: a / p
    rf"(?(1)\]{_SP}?|{_SP}+[-\u2013]{_SP}+)"
    r"(.*)"                                              # 10: the rest
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
_SYSTEM_SENDER = re.compile(r"(?i)\b(changed the subject|created group|changed the group|changed this group's)\b")
_PLACEHOLDER = re.compile(
    r"(?i)<media omitted>|<[^<>]* omitted>|.{0,200}\b(image|video|audio|sticker|gif|document"
    r"|contact card|video note|voice message) omitted|<attached: [^<>]*>|.{1,200} \(file attached\)"
    r"|this message was deleted\.?|you deleted this message\.?"
    r"|missed (group )?(voice|video) call.{0,60}"
)
_MAYBE_PLACEHOLDER = re.compile("omitted|attached|deleted|[Mm]issed ")
_EDITED = "<This message was edited>"


class ExportRefused(DomainError):
    """The upload is not a WhatsApp chat export this module can read."""


class ExportUnreadable(ExportRefused):
    """A line that is not what an export has there. The message names the line and what was expected."""

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


def _date_order(headers: list) -> str:
    """dmy, mdy or (every date ISO) ymd: decided once for the whole file."""
    month_first = False
    short = False
    for h in headers:
        a = h[1]
        if len(a) == 4:
            continue
        short = True
        if len(a) == 2 and a > "12":
            return "dmy"
        if len(h[2]) == 2 and h[2] > "12":
            month_first = True
    if headers and not short:
        return "ymd"
    return "mdy" if month_first else "dmy"


def parse(text: str) -> ParsedChat:
    """Read an export's text. Raises ExportUnreadable with the line number when it cannot."""
    # headers: (line_number, a, b, c, sep, hour, minute, second, ampm, sender); lengths apart.
    headers: list[tuple] = []
    lengths: list[int] = []
    senders: dict[str, str] = {}
    system_lines = 0
    current = -1  # index of the message a continuation line adds to; -1 after a notice
    started = False
    pending_blank = 0
    header_match = _HEADER.match
    placeholder = _PLACEHOLDER.fullmatch
    maybe_placeholder = _MAYBE_PLACEHOLDER.search
    marks = _MARKS
    starts = "[" + _MARKS

    for number, line in enumerate(text.splitlines(), 1):
        first = line[:1]
        m = header_match(line) if first and (first.isdigit() or first in starts) else None
        if m is None:
            if not started:
                if not clean_name(line):
                    continue
                raise ExportUnreadable(number, EXPECTED_HEADER)
            if current >= 0:
                if line:
                    lengths[current] += pending_blank + 1 + len(line)
                    pending_blank = 0
                else:
                    pending_blank += 1
            continue
        started = True
        pending_blank = 0
        rest = m.group(10)
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
            if len(body) < 260 and maybe_placeholder(body) and placeholder(body):
                length = 0
            notice = length != 0 and bool(_SYSTEM_ALWAYS.match(body) or _SYSTEM_MARKED.match(body))
        else:
            notice = body[:1] in "MYT" and _SYSTEM_ALWAYS.match(body)
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
            if len(body) < 260 and maybe_placeholder(body) and placeholder(body):
                length = 0
            elif body.endswith(_EDITED):
                length = len(body[: -len(_EDITED)].rstrip(" " + marks))
            else:
                length = len(body)
        g = m.groups()
        headers.append((number, g[1], g[3], g[4], g[2], g[5], g[6], g[7], g[8], name))
        lengths.append(length)
        current = len(headers) - 1

    if not started:
        raise ExportUnreadable(1, EXPECTED_HEADER, "an empty file")

    order = _date_order(headers)
    dates: dict[tuple[str, str, str], tuple[int, int, int]] = {}
    messages: list[ParsedMessage] = []
    first_seen: dict[str, None] = {}
    for (number, a, b, c, sep, hh, mm, ss, ampm, name), length in zip(headers, lengths, strict=True):
        key = (a, b, c)
        ymd = dates.get(key)
        if ymd is None:
            ymd = _real_date(number, a, b, c, sep, order)
            dates[key] = ymd
        hour, minute = int(hh), int(mm)
        second = int(ss) if ss else 0
        if ampm:
            if not 1 <= hour <= 12:
                raise ExportUnreadable(number, "a real time", _time_text(hh, mm, ss, ampm))
            hour = hour % 12 + (12 if ampm in "Pp" else 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ExportUnreadable(number, "a real time", _time_text(hh, mm, ss, ampm))
        messages.append(ParsedMessage(datetime(ymd[0], ymd[1], ymd[2], hour, minute, second), name, length))
        first_seen.setdefault(name)
    return ParsedChat(messages, list(first_seen), order, system_lines)


def _time_text(hh: str, mm: str, ss: str | None, ampm: str | None) -> str:
    text = f"{hh}:{mm}" + (f":{ss}" if ss else "")
    return text + (f" {ampm.upper()}M" if ampm else "")


def _real_date(number: int, a: str, b: str, c: str, sep: str, order: str) -> tuple[int, int, int]:
    if len(a) == 4:
        year, month, day, year_text = int(a), int(b), int(c), a
    elif order == "mdy":
        month, day, year, year_text = int(a), int(b), int(c), c
    else:
        day, month, year, year_text = int(a), int(b), int(c), c
    if len(year_text) == 2:
        year += 2000
    found = sep.join((a, b, c))
    if len(year_text) not in (2, 4) or (len(a) == 4 and len(c) > 2) or len(a) == 3:
        raise ExportUnreadable(number, "a real date", found)
    try:
        datetime(year, month, day)
    except ValueError:
        raise ExportUnreadable(number, "a real date", found) from None
    return year, month, day


# Uploads -----------------------------------------------------------------------------------------


def _refuse(filename: str, why: str) -> ExportRefused:
    return ExportRefused(f"“{filename}” {why}")


def _chat_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    texts = [
        info for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".txt")
        and not info.filename.startswith("__MACOSX/") and not PurePosixPath(info.filename).name.startswith("._")
    ]
    if len(texts) <= 1:
        return texts[0] if texts else None
    named = [
        info for info in texts
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
            raise ExportUnreadable(raw[: error.start].count(b"\n") + 1, "text", "binary data") from None
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
                raise _refuse(name, "could not be opened (damaged or password-protected).") from None
            if len(raw) > MAX_BYTES:
                raise _refuse(name, "holds a chat larger than 20 MB.")
            return _decode(PurePosixPath(info.filename).name, raw)
    raise _refuse(name, "is not a WhatsApp chat export. Upload the .txt or .zip file from "
                  "WhatsApp's Export chat. " + HOW_TO_EXPORT)
