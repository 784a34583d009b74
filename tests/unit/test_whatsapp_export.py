"""Reading WhatsApp "Export chat" files as Android and iOS write them.

The fixtures in tests/fixtures/whatsapp are byte-exact samples of each variant (narrow no-break
spaces, direction marks, a BOM, CRLF line ends). For each one the test checks what the import
stores: how many messages, who sent them, when, and how long they were.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practipal_app.messaging.whatsapp_export import (
    ExportRefused,
    ExportUnreadable,
    parse,
    read_upload,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "whatsapp"
HEADER_HINT = (
    "expected a line starting with a date and time, like '05/03/2024, 21:15 - Name: message'."
)
HOW_TO = "In WhatsApp, open the chat, then ⋮ › More › Export chat (iPhone: the name › Export Chat)."


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def chat(name: str):
    return parse(read_upload(name, fixture(name)))


def stamps(parsed) -> list[datetime]:
    return [m.timestamp for m in parsed.messages]


def test_android_24_hour_day_first():
    parsed = chat("android_24h_dayfirst.txt")
    assert parsed.senders == ["Priya S", "Vikram Nair"]
    assert [m.sender for m in parsed.messages] == [
        "Priya S",
        "Vikram Nair",
        "Priya S",
        "Priya S",
        "Vikram Nair",
    ]
    assert stamps(parsed) == [
        datetime(2024, 2, 14, 9, 2),
        datetime(2024, 2, 14, 11, 47),
        datetime(2024, 2, 15, 23, 10),
        datetime(2024, 3, 1, 7, 5),
        datetime(2024, 3, 1, 7, 6),
    ]
    assert [m.length for m in parsed.messages] == [
        len("Hi, is Thursday 6 pm free?"),
        len("Yes, booked you in."),
        len("Thank you!"),
        len("Running 10 min late"),
        len("No problem"),
    ]
    assert (parsed.date_order, parsed.system_lines) == ("dmy", 1)


def test_android_12_hour_month_first_us_export():
    parsed = chat("android_12h_monthfirst_us.txt")
    assert parsed.date_order == "mdy"  # 3/14/24 cannot be day-first
    assert parsed.senders == ["Priya S", "Vikram Nair"]
    assert stamps(parsed) == [
        datetime(2024, 3, 5, 21, 15),
        datetime(2024, 3, 5, 21, 20),
        datetime(2024, 3, 14, 0, 5),  # 12:05 AM is just after midnight
        datetime(2024, 3, 14, 12, 30),  # 12:30 PM is just after noon
    ]
    assert parsed.messages[0].length == len("Can we move Friday?")


def test_android_12_hour_with_narrow_no_break_space_and_ambiguous_dates_reads_day_first():
    parsed = chat("android_12h_narrow_space.txt")
    assert parsed.date_order == "dmy"  # every date fits either way: India's day-first
    assert stamps(parsed) == [
        datetime(2024, 3, 5, 21, 15),
        datetime(2024, 3, 5, 21, 31),
        datetime(2024, 3, 6, 0, 0),
        datetime(2024, 3, 6, 12, 45),
    ]
    assert parsed.messages[0].length == len("नमस्ते, can we talk tomorrow?")
    assert parsed.senders == ["Priya S", "Vikram Nair"]


def test_ios_bracket_form_with_seconds_and_crlf():
    parsed = chat("ios_brackets_seconds.txt")
    # iOS writes the encryption notice under the chat's name (older versions without a direction
    # mark before it): it is not a message from Priya.
    assert len(parsed.messages) == 3
    assert parsed.system_lines == 1
    assert parsed.senders == ["Priya S", "Vikram Nair"]
    assert stamps(parsed) == [
        datetime(2024, 3, 5, 21, 15, 32),
        datetime(2024, 3, 5, 21, 16, 5),
        datetime(2024, 3, 17, 8, 1, 59),
    ]
    assert [m.length for m in parsed.messages] == [
        len("Hello, this is Priya"),
        len("Hi Priya, welcome"),
        len("Good morning"),
    ]


def test_ios_direction_marks_bom_and_placeholders():
    parsed = chat("ios_marks_media.txt")
    assert parsed.senders == ["Priya S", "Vikram Nair"]
    assert [(m.sender, m.length) for m in parsed.messages] == [
        ("Priya S", 0),  # image omitted
        ("Priya S", len("this is the form")),
        ("Vikram Nair", 0),  # <attached: ...>
        ("Priya S", 0),  # This message was deleted. (it was sent)
        ("Vikram Nair", 0),  # You deleted this message. (sent, then deleted)
        ("Priya S", 0),  # Missed voice call
        ("Priya S", 0),  # document omitted
        ("Priya S", len("Edited text")),  # "<This message was edited>" is not counted
        ("Vikram Nair", 0),  # a document whose name has a notice's word ("left") in it
    ]
    assert stamps(parsed)[0] == datetime(2024, 3, 5, 21, 15, 40)
    assert stamps(parsed)[-1] == datetime(2024, 3, 6, 8, 5)


def test_iso_dates():
    parsed = chat("iso_dates.txt")
    assert parsed.date_order == "ymd"
    assert stamps(parsed) == [
        datetime(2023, 12, 31, 23, 58),
        datetime(2024, 1, 1, 0, 1),
        datetime(2024, 1, 9, 18, 30),
    ]
    assert parsed.messages[-1].length == len("Is 12 Jan ok?")


def test_two_digit_years_with_dots():
    parsed = chat("two_digit_years_dots.txt")
    assert stamps(parsed) == [
        datetime(2023, 12, 25, 20, 0),
        datetime(2023, 12, 25, 20, 2),
        datetime(2024, 1, 2, 9, 59),
    ]
    assert parsed.senders == ["Priya S", "Vikram Nair"]


def test_multi_line_messages_add_their_lines_to_the_length():
    parsed = chat("multiline.txt")
    assert [m.timestamp.minute for m in parsed.messages] == [0, 5, 6, 7]
    assert [m.length for m in parsed.messages] == [
        len("First line\nsecond line\n\nfourth line after a blank"),
        len("One line"),
        # A line that looks like a time but not like a message header continues the message.
        len("A date inside: 05/03/2024\n12:30 pm - not a new message"),
        # An attachment counts 0; its caption counts; trailing blank lines do not.
        len("\nthe caption"),
    ]


def test_system_lines_are_not_messages_but_media_and_deleted_messages_are():
    parsed = chat("system_lines.txt")
    assert (
        parsed.system_lines == 4
    )  # encryption, security code, "You deleted" without a sender, disappearing
    assert [(m.sender, m.length, m.timestamp.minute) for m in parsed.messages] == [
        ("Priya S", 0, 1),  # <Media omitted>
        ("Priya S", 0, 2),  # This message was deleted
        ("Vikram Nair", 2, 4),
        ("Vikram Nair", len("Got it: thanks"), 6),
    ]


def test_group_chat_with_three_senders_and_group_notices():
    parsed = chat("group_three_senders.txt")
    # "created group", "added", "changed the subject" (with ': ' inside quotes) and "left" are
    # notices.
    assert parsed.system_lines == 4
    assert parsed.senders == ["Asha Rao", "+91 98765 43210", "Vikram Nair"]
    assert [m.sender for m in parsed.messages] == [
        "Asha Rao",
        "+91 98765 43210",
        "Vikram Nair",
        "+91 98765 43210",
    ]
    assert stamps(parsed)[0] == datetime(2024, 3, 5, 9, 1)
    assert stamps(parsed)[-1] == datetime(2024, 3, 6, 22, 0)
    assert parsed.messages[1].length == len("Thanks, this is Ravi")


# Uploads -----------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_from_android_or_ios_is_read_like_its_chat():
    text = fixture("android_24h_dayfirst.txt")
    android = _zip(
        {"WhatsApp Chat with Priya S.txt": text, "IMG-20240305-WA0001.jpg": b"\xff\xd8\xff" * 100}
    )
    assert parse(read_upload("WhatsApp Chat with Priya S.zip", android)) == chat(
        "android_24h_dayfirst.txt"
    )
    ios = _zip(
        {
            "_chat.txt": fixture("ios_marks_media.txt"),
            "00000012-PHOTO-2024-03-05-21-17-11.jpg": b"\x00" * 10,
            "__MACOSX/._chat.txt": b"\x00\x05\x16\x07",
        }
    )
    assert len(parse(read_upload("WhatsApp Chat - Priya S.ZIP", ios)).messages) == 9


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("chat.txt", b"", f"“chat.txt” is empty. {HOW_TO}"),
        ("chat.txt", b"\xef\xbb\xbf\n\n  \n", f"“chat.txt” is empty. {HOW_TO}"),
        (
            "chat.zip",
            _zip({"IMG-0001.jpg": b"\xff\xd8"}),
            f"“chat.zip” holds no WhatsApp chat (.txt file). {HOW_TO}",
        ),
        (
            "chat.zip",
            b"PK\x03\x04 not really a zip",
            f"“chat.zip” is not a readable zip file. {HOW_TO}",
        ),
        (
            "chat.pdf",
            b"%PDF-1.7",
            "“chat.pdf” is not a WhatsApp chat export. Upload the .txt or .zip file from "
            f"WhatsApp's Export chat. {HOW_TO}",
        ),
        (
            "folder/chat.txt",
            b"x" * (20 * 1024 * 1024 + 1),
            "“chat.txt” is larger than 20 MB. Export the chat without media and upload that.",
        ),
    ],
)
def test_files_that_are_not_a_chat_are_refused_in_plain_words(filename, data, message):
    with pytest.raises(ExportRefused) as refused:
        read_upload(filename, data)
    assert refused.value.message == message
    assert not isinstance(refused.value, ExportUnreadable)


def test_a_zip_whose_chat_is_over_20_mb_is_refused_before_it_is_unpacked():
    huge = _zip({"_chat.txt": b"05/03/2024, 10:00 - A: " + b"a" * (21 * 1024 * 1024)})
    assert len(huge) < 1024 * 1024  # deflated: the upload itself is small
    with pytest.raises(ExportRefused) as refused:
        read_upload("chat.zip", huge)
    assert refused.value.message == "“chat.zip” holds a chat larger than 20 MB."


@pytest.mark.parametrize(
    ("filename", "data", "line", "message"),
    [
        (
            "chat.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            1,
            "Line 1: expected text, but found binary data.",
        ),
        (
            "chat.txt",
            b"05/03/2024, 10:00 - A: hi\nmore\n\xff\xfe\xfd",
            3,
            "Line 3: expected text, but found binary data.",
        ),
        (
            "chat.txt",
            b"05/03/2024, 10:00 - A: hi\n\x00\x01\x02",
            2,
            "Line 2: expected text, but found binary data.",
        ),
    ],
)
def test_binary_files_are_unreadable_at_their_first_binary_line(filename, data, line, message):
    with pytest.raises(ExportUnreadable) as unreadable:
        read_upload(filename, data)
    assert (unreadable.value.line_number, unreadable.value.message) == (line, message)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Hello, this is my chat\n05/03/2024, 10:00 - A: hi\n", 1, f"Line 1: {HEADER_HINT}"),
        (
            "\n\u200e\nJunk before the chat\n05/03/2024, 10:00 - A: hi\n",
            3,
            f"Line 3: {HEADER_HINT}",
        ),
        (
            "05/03/2024, 10:00 - A: hi\n31/02/2024, 10:01 - A: hello\n",
            2,
            "Line 2: expected a real date, but found 31/02/2024.",
        ),
        # 13/03 is day-first, so 5/13 (month-first) cannot be a date in the same file.
        (
            "[13/03/24, 10:00:00] A: hi\n[5/13/24, 10:01:00] A: hi\n",
            2,
            "Line 2: expected a real date, but found 5/13/24.",
        ),
        # A notice's date is checked too, and the earliest bad line is the one reported.
        (
            "05/03/2024, 10:00 - A: hi\n30/02/2024, 10:00 - A left\n05/03/2024, 24:00 - A: x\n",
            2,
            "Line 2: expected a real date, but found 30/02/2024.",
        ),
        (
            "05/03/2024, 10:00 - A: hi\n05/03/2024, 25:10 - A: late\n",
            2,
            "Line 2: expected a real time, but found 25:10.",
        ),
        ("05/03/2024, 13:10 pm - A: hi\n", 1, "Line 1: expected a real time, but found 13:10 PM."),
        ("\n \n", 1, f"Line 1: {HEADER_HINT[:-1]}, but found an empty file."),
    ],
)
def test_unreadable_exports_name_the_line_and_what_was_expected(text, line, message):
    with pytest.raises(ExportUnreadable) as unreadable:
        parse(text)
    assert (unreadable.value.line_number, unreadable.value.message) == (line, message)


def test_a_fixture_broken_on_its_first_line_is_refused_through_the_upload():
    data = b"Chat history with Priya\n" + fixture("android_24h_dayfirst.txt")
    with pytest.raises(ExportUnreadable) as unreadable:
        parse(read_upload("WhatsApp Chat with Priya.txt", data))
    assert unreadable.value.message == f"Line 1: {HEADER_HINT}"


def test_the_parse_keeps_no_message_text():
    parsed = chat("multiline.txt")
    held = repr(parsed)
    for word in ("First line", "fourth", "caption", "not a new message"):
        assert word not in held


# Generated chats ---------------------------------------------------------------------------------

NAME_CHARS = st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd"), max_codepoint=0x097F)
names = st.builds(
    lambda first, rest: f"{first} {rest}".strip(),
    st.text(NAME_CHARS, min_size=1, max_size=10),
    st.text(NAME_CHARS, max_size=8),
)
# Message text: anything people type, minus line separators and control/format characters.
TEXT_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf", "Co", "Cn"), max_codepoint=0x1FAFF
)
first_lines = st.text(TEXT_CHARS, min_size=1, max_size=60)
# A continuation line never starts like a message header (a digit, '[' or a direction mark).
more_lines = st.one_of(
    st.just(""),
    st.text(TEXT_CHARS, min_size=1, max_size=40).filter(
        lambda s: not (s[0].isdigit() or s[0] == "[")
    ),
)
bodies = st.tuples(first_lines, st.lists(more_lines, max_size=3))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59))


def _h12(t: datetime) -> tuple[int, str]:
    return (t.hour % 12 or 12), ("AM" if t.hour < 12 else "PM")


def android_24(t, name):
    return f"{t:%d/%m/%Y}, {t:%H:%M} - {name}: "


def android_12_us(t, name):
    h, ap = _h12(t)
    return f"{t.month}/{t.day}/{t:%y}, {h}:{t:%M}\u202f{ap} - {name}: "


def android_12_india(t, name):
    h, ap = _h12(t)
    return f"{t:%d/%m/%y}, {h}:{t:%M} {ap.lower()} - {name}: "


def ios_12_seconds(t, name):
    h, ap = _h12(t)
    return f"[{t:%d/%m/%y}, {h}:{t:%M:%S}\u202f{ap}] {name}: "


def ios_24_marks(t, name):
    return f"\u200e[{t:%d.%m.%Y}, {t:%H:%M:%S}] {name}: "


def iso(t, name):
    return f"{t:%Y-%m-%d}, {t:%H:%M} - {name}: "


VARIANTS = {
    android_24: ("dmy", False),
    android_12_us: ("mdy", False),
    android_12_india: ("dmy", False),
    ios_12_seconds: ("dmy", True),
    ios_24_marks: ("dmy", True),
    iso: ("ymd", False),
}
# The encryption notice: Android writes it without a sender, iOS under the chat's name.
NOTICES = {
    android_24: lambda t, name: (
        android_24(t, name)[: -len(name) - 2] + "Messages and calls are end-to-end encrypted."
    ),
    ios_24_marks: lambda t, name: (
        ios_24_marks(t, name) + "\u200eMessages and calls are end-to-end encrypted."
    ),
}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    variant=st.sampled_from(list(VARIANTS)),
    people=st.lists(names, min_size=1, max_size=4, unique=True),
    messages=st.lists(st.tuples(moments, st.integers(0, 3), bodies), min_size=1, max_size=25),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_generated_chats_parse_back_to_the_same_messages(variant, people, messages, bom, newline):
    order, has_seconds = VARIANTS[variant]
    lines, expected = [], []
    if variant in NOTICES:
        lines.append(NOTICES[variant](messages[0][0], people[-1]))
    for moment, who, (first, more) in messages:
        moment = moment if has_seconds else moment.replace(second=0)
        moment = moment.replace(microsecond=0)
        name = people[who % len(people)]
        body = [first, *more]
        while len(body) > 1 and body[-1] == "":
            body.pop()  # blank lines at a message's end cannot be told from spacing
        lines.append(variant(moment, name) + "\n".join(body).replace("\n", newline))
        expected.append((moment, name, len("\n".join(body))))
    text = ("\ufeff" if bom else "") + newline.join(lines) + newline

    if order == "mdy" and all(m.day <= 12 for m, _, _ in expected):
        # Every date reads both ways: the file is taken as day-first (India), as documented.
        expected = [(m.replace(month=m.day, day=m.month), n, size) for m, n, size in expected]
    parsed = parse(text)
    assert [(m.timestamp, m.sender, m.length) for m in parsed.messages] == expected
    assert parsed.senders == list(dict.fromkeys(n for _, n, _ in expected))
