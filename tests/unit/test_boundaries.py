"""The charter in time: when a client can expect a reply, what counts as after hours, and which
words surface the crisis lines. Pure functions, no database.

March 2026 in Kolkata: Monday is the 2nd, Friday the 6th, Sunday the 8th.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from practipal_app.boundaries.charter import CharterSettings
from practipal_app.boundaries.reply_rules import (
    after_hours,
    describe_expected,
    expected_reply,
    mentions_risk,
)

KOLKATA = "Asia/Kolkata"
IST = ZoneInfo(KOLKATA)
DEFAULT = CharterSettings()  # Mon–Fri, checked around 18:00, reply within one working day
HOURS = {d: [(10 * 60, 18 * 60)] for d in range(5)}  # the scheduling default: Mon–Fri 10:00–18:00


def ist(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A wall-clock time in Kolkata in 2026, as UTC (how the app stores and passes times)."""
    return datetime(2026, month, day, hour, minute, tzinfo=IST).astimezone(UTC)


def leave(first_day: int, last_day: int, month: int = 3) -> tuple[datetime, datetime]:
    """Leave as scheduling.add_time_off stores it: from the first day's midnight to the day after
    the last."""
    return ist(first_day, 0, month=month), ist(last_day, 0, month=month) + timedelta(days=1)


def reply_by(sent: datetime, s: CharterSettings = DEFAULT, away=None) -> datetime:
    return expected_reply(s, KOLKATA, sent, away)


# Expected reply -----------------------------------------------------------------------------------


def test_friday_evening_message_is_answered_by_monday_check_time():
    assert reply_by(ist(6, 20)) == ist(9, 18)


@pytest.mark.parametrize("sent", [ist(7, 9), ist(7, 23, 59), ist(8, 12), ist(8, 18, 1)])
def test_weekend_messages_wait_for_monday(sent):
    assert reply_by(sent) == ist(9, 18)


def test_the_result_is_utc_and_the_same_instant_as_six_pm_in_kolkata():
    due = reply_by(ist(6, 20))
    assert due.tzinfo == UTC
    assert due == datetime(2026, 3, 9, 12, 30, tzinfo=UTC)


def test_a_leave_week_pushes_the_reply_past_the_leave():
    assert reply_by(ist(6, 20), away=[leave(9, 13)]) == ist(16, 18)


def test_leave_in_the_middle_of_the_week_skips_only_the_days_away():
    # Sent Tuesday morning; away Tuesday to Thursday: Friday's check is the first one.
    assert reply_by(ist(3, 10), away=[leave(3, 5)]) == ist(6, 18)


def test_leave_that_is_over_changes_nothing():
    assert reply_by(ist(10, 10), away=[leave(2, 6)]) == ist(10, 18)


def test_two_leave_periods_back_to_back_with_a_weekend_between():
    assert reply_by(ist(6, 20), away=[leave(9, 13), leave(16, 17)]) == ist(18, 18)


def test_a_message_just_before_check_time_is_answered_the_same_day():
    assert reply_by(ist(3, 17, 59)) == ist(3, 18)


def test_a_message_at_or_just_after_check_time_waits_for_the_next_working_day():
    assert reply_by(ist(3, 18)) == ist(4, 18)
    assert reply_by(ist(3, 18, 1)) == ist(4, 18)
    assert reply_by(ist(6, 18, 1)) == ist(9, 18)  # Friday after the check: Monday


def test_a_morning_check_time():
    s = CharterSettings(check_time="09:30")
    assert reply_by(ist(3, 9, 29), s) == ist(3, 9, 30)
    assert reply_by(ist(3, 9, 31), s) == ist(4, 9, 30)


def test_two_response_days_means_the_second_check_time():
    s = CharterSettings(response_days=2)
    assert reply_by(ist(6, 20), s) == ist(
        10, 18
    )  # Friday night: Monday is the first, Tuesday the second
    assert reply_by(ist(5, 10), s) == ist(6, 18)  # Thursday morning: Thursday, then Friday
    assert reply_by(ist(5, 19), s) == ist(9, 18)  # Thursday evening: Friday, then Monday
    assert reply_by(ist(6, 20), s, away=[leave(10, 10)]) == ist(11, 18)  # a day of leave in between


def test_non_contiguous_working_days():
    s = CharterSettings(working_days=(0, 2, 4))  # Mon, Wed, Fri
    assert reply_by(ist(2, 19), s) == ist(4, 18)  # Monday evening: Wednesday
    assert reply_by(ist(3, 10), s) == ist(4, 18)  # Tuesday: Wednesday
    assert reply_by(ist(4, 17), s) == ist(4, 18)  # Wednesday before the check
    assert reply_by(ist(4, 18, 30), s) == ist(6, 18)  # Wednesday after: Friday
    assert reply_by(ist(6, 20), s) == ist(9, 18)
    assert reply_by(ist(2, 19), CharterSettings(working_days=(0, 2, 4), response_days=2)) == ist(
        6, 18
    )


def test_a_weekend_only_practice():
    s = CharterSettings(working_days=(5, 6), check_time="11:00")
    assert reply_by(ist(3, 10), s) == ist(7, 11)  # Tuesday: Saturday
    assert reply_by(ist(7, 11, 30), s) == ist(8, 11)  # Saturday after the check: Sunday
    assert reply_by(ist(8, 12), s) == ist(14, 11)  # Sunday after the check: the next Saturday


def test_the_client_reads_the_expectation_in_their_own_words():
    text = describe_expected(DEFAULT, KOLKATA, reply_by(ist(6, 20)))
    assert text == (
        "Your therapist checks messages on working days (Mon–Fri) around 6 pm. "
        "You can expect a reply by Monday, 6 pm."
    )


def test_every_day_and_non_contiguous_days_are_described_plainly():
    every_day = CharterSettings(working_days=tuple(range(7)), check_time="20:30")
    assert describe_expected(every_day, KOLKATA, reply_by(ist(7, 21), every_day)) == (
        "Your therapist checks messages every day around 8:30 pm. You can expect a reply by "
        "Sunday, 8:30 pm."
    )
    some = CharterSettings(working_days=(0, 2, 4))
    assert "on working days (Mon, Wed, Fri) around 6 pm." in describe_expected(
        some, KOLKATA, ist(4, 18)
    )


def test_a_client_abroad_sees_the_same_moment_in_their_own_zone():
    # 10 am on Friday in New York is 8:30 pm in Kolkata: the reply comes at Monday's check.
    sent = datetime(2026, 3, 6, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    due = reply_by(sent)
    assert due == ist(9, 18)
    text = describe_expected(DEFAULT, KOLKATA, due, "America/New_York")
    # 18:00 in Kolkata on Monday 9 March is 8:30 am in New York (daylight time began on the 8th).
    assert text.endswith("You can expect a reply by Monday, 8:30 am New York time.")
    # The check time is the therapist's, and says so, so the two clocks cannot be confused.
    assert "around 6 pm Kolkata time." in text


def test_abroad_the_reply_can_fall_on_the_previous_evening_locally():
    s = CharterSettings(check_time="09:00")
    due = reply_by(ist(6, 20), s)  # Monday 09:00 in Kolkata
    assert due == ist(9, 9)
    assert describe_expected(s, KOLKATA, due, "America/New_York").endswith(
        "You can expect a reply by Sunday, 11:30 pm New York time."
    )
    assert describe_expected(s, KOLKATA, due, KOLKATA).endswith(
        "You can expect a reply by Monday, 9 am."
    )


# After hours --------------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [None, HOURS], ids=["charter-only", "weekly-hours"])
@pytest.mark.parametrize(
    ("at", "late"),
    [
        (ist(3, 23), True),  # Tuesday 23:00
        (ist(8, 12), True),  # Sunday noon
        (ist(7, 11), True),  # Saturday 11:00
        (ist(3, 11), False),  # Tuesday 11:00
        (ist(6, 2), True),  # Friday 02:00
    ],
)
def test_after_hours_with_and_without_weekly_hours(at, late, hours):
    assert after_hours(DEFAULT, KOLKATA, at, hours) is late


def test_weekly_hours_decide_the_edges_of_the_day():
    # Without weekly hours a working day runs 09:00–19:00; with them, the therapist's own
    # 10:00–18:00.
    for at, without, with_hours in [
        (ist(3, 8, 59), True, True),
        (ist(3, 9, 0), False, True),
        (ist(3, 9, 59), False, True),
        (ist(3, 10, 0), False, False),
        (ist(3, 17, 59), False, False),
        (ist(3, 18, 0), False, True),
        (ist(3, 18, 59), False, True),
        (ist(3, 19, 0), True, True),
    ]:
        assert after_hours(DEFAULT, KOLKATA, at) is without, at
        assert after_hours(DEFAULT, KOLKATA, at, HOURS) is with_hours, at


def test_a_lunch_break_in_the_weekly_hours_is_after_hours():
    hours = {1: [(10 * 60, 13 * 60), (14 * 60, 18 * 60)]}
    assert after_hours(DEFAULT, KOLKATA, ist(3, 12, 59), hours) is False
    assert after_hours(DEFAULT, KOLKATA, ist(3, 13, 30), hours) is True
    assert after_hours(DEFAULT, KOLKATA, ist(3, 14), hours) is False


def test_the_charter_working_days_decide_even_when_hours_exist_that_day():
    saturday_worker = CharterSettings(working_days=(1, 2, 3, 4, 5))
    hours = {**HOURS, 5: [(10 * 60, 14 * 60)]}
    assert after_hours(saturday_worker, KOLKATA, ist(7, 11), hours) is False  # Saturday 11:00
    assert (
        after_hours(saturday_worker, KOLKATA, ist(2, 11), hours) is True
    )  # Monday is not a working day
    assert after_hours(saturday_worker, KOLKATA, ist(8, 12), hours) is True  # Sunday


def test_after_hours_is_judged_on_the_practice_clock_not_the_senders():
    # 1:30 pm in New York on a Tuesday is midnight in Kolkata.
    at = datetime(2026, 3, 3, 14, 30, tzinfo=ZoneInfo("America/New_York"))
    assert after_hours(DEFAULT, KOLKATA, at) is True


# Risk phrases -------------------------------------------------------------------------------------

RISK = [
    # English
    "I want to kill myself",
    "I keep thinking about SUICIDE",
    "I don’t want to live anymore",  # a curly apostrophe, as phones type it
    "sometimes i wish i was   dead",  # extra spaces
    "I have been cutting myself again",
    "I feel like Ending My Life",
    "Honestly I'd be better off dead",
    "I can’t go on like this",
    "I took an overdose last night",
    "I've been having suicidal thoughts",
    "I want to\nhurt myself",  # a line break between the words
    "The self-harm urges are back",
    "I just want to die.",
    "I want to kill\u00a0myself",  # a no-break space
    # Hindi in Latin script
    "Main marna chahta hoon",
    "main ab jeena nahi chahti",
    "KHUDKUSHI ke baare mein soch rahi hoon",
    "aatmhatya ka khayal aata hai",
    "khud  ko khatam kar dunga",
    "Mann karta hai mar jaana chahti hoon",
    # Hindi in Devanagari
    "मैं आत्महत्या करना चाहता हूँ",
    "मैं अब जीना नहीं चाहती",
    "मैं मर जाना चाहता हूँ",
    "ज\u093cिंदगी खत्म कर दूँगी",  # ज़ as consonant + nukta
    "\u095bिंदगी खत्म कर दूँगी",  # ज़ as one precomposed letter, as many keyboards type it
    "\u0959ुदकुशी के ख़याल आते हैं",  # ख़ as one precomposed letter
    "खुद को नुकसान पहुँचाने का मन करता है",
    "जीना नही चाहता",  # नही without the nasal sign: the common spelling in chat
]

ORDINARY = [
    "I killed it at my presentation",
    "I'm dying to see that film",
    "this traffic is killing me",
    "can we move Tuesday's session",
    "My leg is killing me after the run, can we do video instead?",
    "My phone died during the call, sorry",
    "I'm dead tired after work but I'll be there",
    "I overdosed on chai today",
    "I cut my hair short, you may not recognise me",
    "The video link says the meeting has ended",
    "main theek hoon",
    "kal ka session reschedule karna hai",
    "kaam khatam karke call karti hoon",
    "Zindagi Na Milegi Dobara dekhi kal",
    "Jeena isi ka naam hai is my favourite song",
    "मुझे कल की मीटिंग याद है",
    "मैं ठीक हूँ, बस थोड़ी थकान है",
    "मेरा काम खत्म हो गया है, शाम को बात करें?",
    "फ़ोन मरम्मत के लिए दिया है",
    "Could you share the grounding exercise again?",
]


@pytest.mark.parametrize("text", RISK)
def test_risk_phrases_are_recognised(text):
    assert mentions_risk(text), text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_sentences_do_not_trigger(text):
    assert not mentions_risk(text), text


def test_the_lists_cover_all_three_scripts():
    def devanagari(t):
        return any("\u0900" <= c <= "\u097f" for c in t)

    assert len(RISK) >= 15 and len(ORDINARY) >= 15
    assert sum(devanagari(t) for t in RISK) >= 5 and sum(devanagari(t) for t in ORDINARY) >= 3
    assert (
        sum(not devanagari(t) and not t.isascii() for t in RISK) >= 2
    )  # curly quotes, no-break space


def test_phrases_are_whole_words():
    assert mentions_risk("suicide")
    assert not mentions_risk("selfharmony")
    assert not mentions_risk("overdosed")
    assert not mentions_risk("antisuicidal")


def test_zero_width_joiners_do_not_hide_a_phrase():
    assert mentions_risk("आत्म\u200dहत्या")
    assert mentions_risk("kill\u200c myself")


# Properties ---------------------------------------------------------------------------------------

ZONES = ["Asia/Kolkata", "Asia/Kathmandu", "Europe/London", "America/New_York"]
START = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def charters(draw) -> CharterSettings:
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    # Daytime check times: no check time falls in a daylight-saving gap.
    check = f"{draw(st.integers(6, 22)):02d}:{draw(st.sampled_from([0, 15, 30, 45, 59])):02d}"
    return CharterSettings(
        working_days=tuple(sorted(days)), check_time=check, response_days=draw(st.integers(1, 5))
    )


moments = st.integers(0, 3 * 365 * 24 * 60).map(lambda m: START + timedelta(minutes=m))


@st.composite
def leaves(draw, zone: str) -> list[tuple[datetime, datetime]]:
    periods = []
    for _ in range(draw(st.integers(0, 3))):
        first = draw(moments).astimezone(ZoneInfo(zone)).date()
        starts = datetime.combine(first, datetime.min.time(), tzinfo=ZoneInfo(zone))
        periods.append((starts, starts + timedelta(days=draw(st.integers(1, 30)))))
    return periods


def _eligible_checks(
    s: CharterSettings, zone: str, after: datetime, until: datetime, away
) -> list[datetime]:
    """Every check time in (after, until] on a working day not on leave — counted independently."""
    tz = ZoneInfo(zone)
    hour, minute = map(int, s.check_time.split(":"))
    day = after.astimezone(tz).date() - timedelta(days=1)
    found = []
    while day <= until.astimezone(tz).date():
        check = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        if (
            day.weekday() in s.working_days
            and after < check <= until
            and not any(a <= check < b for a, b in away)
        ):
            found.append(check)
        day += timedelta(days=1)
    return found


@settings(max_examples=300, deadline=None)
@given(data=st.data(), s=charters(), zone=st.sampled_from(ZONES), sent=moments)
def test_expected_reply_is_the_nth_working_check_after_sending(data, s, zone, sent):
    away = data.draw(leaves(zone))
    due = expected_reply(s, zone, sent, away)
    local = due.astimezone(ZoneInfo(zone))

    assert due > sent
    assert f"{local:%H:%M}" == s.check_time
    assert local.weekday() in s.working_days
    assert not any(a <= due < b for a, b in away)
    assert _eligible_checks(s, zone, sent, due, away)[-1:] == [due]
    assert len(_eligible_checks(s, zone, sent, due, away)) == s.response_days


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    s=charters(),
    zone=st.sampled_from(ZONES),
    sent=moments,
    later_by=st.integers(0, 20 * 24 * 60),
)
def test_a_later_message_never_gets_an_earlier_reply(data, s, zone, sent, later_by):
    away = data.draw(leaves(zone))
    later = sent + timedelta(minutes=later_by)
    assert expected_reply(s, zone, later, away) >= expected_reply(s, zone, sent, away)
