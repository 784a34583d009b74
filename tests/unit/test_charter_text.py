"""The charter statement a client reads, generated from the therapist's settings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practipal_app.boundaries.charter import (
    DAY_NAMES,
    DEFAULT_CRISIS_CONTACTS,
    CharterSettings,
    draft,
    format_clock,
    format_days,
    generate_statement,
    parse_response_days,
    preview,
    response_promise,
    validate,
)
from practipal_app.core.errors import InvalidInput

WHATSAPP_DEFAULT = (
    "WhatsApp is only for scheduling issues and tech problems before a session — not for "
    "emotional processing, crisis support or therapy discussions"
)
CRISIS = "In a crisis, call Tele-MANAS on 14416 (free, 24×7) or 112 for emergencies."


def test_defaults_state_weekday_checking_and_whatsapp_limits():
    text = generate_statement(CharterSettings())
    assert "once daily on working days (Mon–Fri, around 6 pm)" in text
    assert "reply within one working day" in text
    assert WHATSAPP_DEFAULT in text
    assert CRISIS in text


def test_weekend_only_practice_names_both_days():
    text = generate_statement(CharterSettings(working_days=(6, 5)))
    assert "once daily on working days (Sat, Sun, around 6 pm)" in text


def test_every_day_is_said_plainly():
    text = generate_statement(CharterSettings(working_days=(3, 0, 1, 2, 4, 5, 6, 6)))
    assert "once daily every day, around 6 pm" in text
    assert "working days (" not in text


def test_half_past_check_time_and_two_day_promise():
    text = generate_statement(CharterSettings(check_time="18:30", response_days=2))
    assert "(Mon–Fri, around 6:30 pm)" in text
    assert "reply within two working days." in text


def test_extra_text_is_appended_last_without_surrounding_space():
    extra = "  Sessions can be moved up to 24 hours ahead at no charge.  "
    text = generate_statement(CharterSettings(extra_text=extra))
    assert text.endswith(CRISIS + " Sessions can be moved up to 24 hours ahead at no charge.")


def test_non_contiguous_days_are_listed_not_ranged():
    text = generate_statement(CharterSettings(working_days=(4, 0, 2), check_time="09:05"))
    assert "once daily on working days (Mon, Wed, Fri, around 9:05 am)" in text


def test_whatsapp_sentence_follows_the_chosen_topics():
    only_refusals = generate_statement(CharterSettings(whatsapp_for=()))
    assert (
        "Please do not use WhatsApp for emotional processing, crisis support or therapy "
        "discussions." in only_refusals
    )
    assert "WhatsApp is only for" not in only_refusals

    only_allowed = generate_statement(
        CharterSettings(whatsapp_for=("scheduling", "running_late"), whatsapp_not_for=())
    )
    assert (
        "WhatsApp is only for scheduling issues and letting me know you are running late."
        in only_allowed
    )

    neither = generate_statement(CharterSettings(whatsapp_for=(), whatsapp_not_for=()))
    assert "WhatsApp" not in neither
    assert CRISIS in neither


@pytest.mark.parametrize(
    ("clock", "shown"),
    [
        ("00:00", "12 am"),
        ("00:30", "12:30 am"),
        ("09:00", "9 am"),
        ("12:00", "12 noon"),
        ("12:30", "12:30 pm"),
        ("18:00", "6 pm"),
        ("23:59", "11:59 pm"),
    ],
)
def test_clock_is_shown_the_indian_way(clock, shown):
    assert format_clock(clock) == shown


@pytest.mark.parametrize(
    ("days", "promise"),
    [
        (1, "within one working day"),
        (3, "within three working days"),
        (5, "within five working days"),
    ],
)
def test_response_promise_words(days, promise):
    assert response_promise(days) == promise


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (CharterSettings(working_days=()), "working_days"),
        (CharterSettings(check_time="6pm"), "check_time"),
        (CharterSettings(check_time="24:00"), "check_time"),
        (CharterSettings(response_days=0), "response_days"),
        (CharterSettings(response_days=6), "response_days"),
        (CharterSettings(extra_text="x" * 1001), "extra_text"),
        (CharterSettings(crisis_contacts=({"label": "Dr. Rao", "phone": ""},)), "crisis_contacts"),
    ],
)
def test_invalid_settings_are_refused_on_their_field(settings, field):
    assert field in validate(settings, None)


def test_empty_own_wording_is_refused_but_no_wording_means_generated():
    assert "statement" in validate(CharterSettings(), "   ")
    assert validate(CharterSettings(), None) == {}


# Properties -------------------------------------------------------------------------------------


def _days_from_text(text: str) -> set[int]:
    """Read format_days' output back into day numbers."""
    if text == "every day":
        return set(range(7))
    if "–" in text:
        first, last = text.split("–")
        return set(range(DAY_NAMES.index(first), DAY_NAMES.index(last) + 1))
    return {DAY_NAMES.index(name) for name in text.split(", ")}


@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=12))
def test_format_days_says_exactly_the_chosen_days_whatever_the_order(days):
    text = format_days(days)
    assert _days_from_text(text) == set(days)
    assert format_days(list(reversed(days))) == text
    assert format_days(sorted(set(days))) == text


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_format_clock_is_unambiguous_for_every_minute_of_the_day(hour, minute):
    text = format_clock(f"{hour:02d}:{minute:02d}")
    if text == "12 noon":
        assert (hour, minute) == (12, 0)
        return
    match = re.fullmatch(r"(1[0-2]|[1-9])(?::([0-5]\d))? (am|pm)", text)
    assert match, text
    h12, mm, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    assert ((h12 % 12) + (12 if suffix == "pm" else 0), mm) == (hour, minute)


@given(
    st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=7, unique=True),
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=1, max_value=5),
)
def test_any_valid_settings_give_a_statement_with_the_crisis_line(
    days, hour, minute, response_days
):
    settings = CharterSettings(
        working_days=tuple(days), check_time=f"{hour:02d}:{minute:02d}", response_days=response_days
    )
    assert validate(settings, None) == {}
    text = generate_statement(settings)
    assert CRISIS in text
    assert format_clock(settings.check_time) in text
    assert len(text) <= 4000


def _draft(**changes) -> CharterSettings:
    page = {
        "whatsapp_for": ["scheduling", "tech"],
        "whatsapp_not_for": ["emotional"],
        "working_days": [0, 1],
        "check_time": "18:00",
        "response_days": 1,
        "own_contacts": [],
        "extra_text": "",
    }
    return draft(**{**page, **changes})


def test_the_pages_draft_keeps_the_settings_order_and_drops_what_is_not_a_choice():
    s = _draft(
        whatsapp_for=["tech", "gossip", "scheduling"],
        whatsapp_not_for=["therapy", "emotional"],
        working_days=[4, 0, 4, 2],
    )
    assert s.whatsapp_for == ("scheduling", "tech")
    assert s.whatsapp_not_for == ("emotional", "therapy")
    assert s.working_days == (0, 2, 4)


def test_the_pages_draft_puts_the_national_lines_first_and_drops_blank_contact_rows():
    s = _draft(own_contacts=[("  Clinic ", " 080 1234 "), ("", "  "), ("", "999")])
    assert s.crisis_contacts == (
        *DEFAULT_CRISIS_CONTACTS,
        {"label": "Clinic", "phone": "080 1234"},
        {"label": "", "phone": "999"},
    )
    assert validate(s, None) == {"crisis_contacts": "Each contact needs a name and a phone number."}


def test_preview_is_the_statement_and_empty_while_the_time_is_not_one_yet():
    assert preview(CharterSettings()) == generate_statement(CharterSettings())
    assert preview(_draft(check_time="")) == ""
    assert preview(_draft(check_time="7:")) == ""


@pytest.mark.parametrize(("sent", "days"), [("1", 1), ("5", 5), (3, 3), (" 2 ", 2)])
def test_response_days_as_the_select_sends_them(sent, days):
    assert parse_response_days(sent) == days


@pytest.mark.parametrize("sent", ["", "two", "-1", "1.5", None])
def test_response_days_that_are_not_a_number_are_refused_on_their_field(sent):
    with pytest.raises(InvalidInput) as caught:
        parse_response_days(sent)
    assert caught.value.errors == {"response_days": "Choose a number of days."}
