"""Form definitions and answers without a database: what the builder accepts, what each question
type accepts as an answer (drafts vs submission), how answers read back, and the default intake."""

from __future__ import annotations

import pytest

from practipal_app.content import forms, intake, views
from practipal_app.core.errors import InvalidInput

STATEMENT = "I check portal messages once daily on working days (Mon–Fri, around 6 pm)."


def field(type_: str, key: str = "q", **extra) -> dict:
    return forms.clean_fields([{"key": key, "type": type_, "label": "Question", **extra}])[0]


CHOICES = ["Morning", "Evening"]
# type -> (extra definition, a valid answer, an invalid answer)
CASES = {
    "short_text": ({}, "Riya", ["not", "text"]),
    "long_text": ({}, "Line one\nLine two", "x" * 10_001),
    "single_choice": ({"options": CHOICES}, "Evening", "Night"),
    "multiple_choice": ({"options": CHOICES}, ["Morning", "Evening"], ["Morning", "Night"]),
    "yes_no": ({}, "no", "maybe"),
    "date": ({}, "1990-11-29", "1990-02-30"),
    "phone": ({}, "98200 12345", "12345"),
    "email": ({}, "riya@example.com", "riya at example"),
    "scale": ({}, "0", "11"),
    "consent": ({}, True, "yes"),
    "signature": (
        {},
        {"name": "Riya Sharma", "date": "2026-03-02"},
        {"name": "Riya", "date": "02/03/2026"},
    ),
    "charter": ({"text": STATEMENT}, True, "ticked"),
}


@pytest.mark.parametrize("type_", sorted(CASES))
def test_each_question_type_accepts_a_right_answer_and_refuses_a_wrong_one_even_in_a_draft(type_):
    extra, good, bad = CASES[type_]
    fields = [field(type_, **extra)]
    assert forms.validate_answers(fields, {"q": good}, final=True) == {}
    assert forms.validate_answers(fields, {"q": good}, final=False) == {}
    assert set(forms.validate_answers(fields, {"q": bad}, final=False)) == {"q"}
    assert set(forms.validate_answers(fields, {"q": bad}, final=True)) == {"q"}


@pytest.mark.parametrize("type_", sorted(CASES))
def test_a_required_question_left_empty_is_refused_only_on_submission(type_):
    extra, _, _ = CASES[type_]
    fields = [field(type_, required=True, **extra)]
    assert forms.validate_answers(fields, {}, final=False) == {}
    assert set(forms.validate_answers(fields, {}, final=True)) == {"q"}


def test_required_ticks_and_signatures_mean_ticked_and_a_typed_name():
    fields = [
        field("consent", "agree", required=True),
        field("charter", "read", required=True, text=STATEMENT),
        field("signature", "sign", required=True),
    ]
    errors = forms.validate_answers(
        fields, {"agree": False, "read": False, "sign": {"name": "  ", "date": ""}}, final=True
    )
    assert errors == {
        "agree": "Tick the box to agree.",
        "read": "Tick the box to confirm you have read this.",
        "sign": "Type your name to sign.",
    }
    assert (
        forms.validate_answers(
            fields, {"agree": True, "read": True, "sign": {"name": "Riya", "date": ""}}, final=True
        )
        == {}
    )


def test_answers_to_unknown_questions_and_info_blocks_are_ignored():
    fields = forms.clean_fields(
        [
            {"type": "info", "label": "About you", "text": "Please fill this in."},
            {"key": "name", "type": "short_text", "label": "Name", "required": True},
        ]
    )
    assert (
        forms.validate_answers(
            fields, {"name": "Riya", "surprise": 42, "about_you": "?"}, final=True
        )
        == {}
    )


def test_scale_accepts_whole_numbers_from_zero_to_ten_only():
    fields = [field("scale")]
    assert forms.validate_answers(fields, {"q": 0}, final=True) == {}
    for bad in ("-1", "7.5", "ten", True):
        assert "q" in forms.validate_answers(fields, {"q": bad}, final=False), bad


def test_dates_must_be_iso_and_not_absurd():
    fields = [field("date")]
    for bad in ("29/11/1990", "19901129", "1850-01-01", "3026-01-01"):
        assert "q" in forms.validate_answers(fields, {"q": bad}, final=False), bad


# Definitions -------------------------------------------------------------------------------------


def test_clean_fields_refuses_questions_without_a_label_and_information_without_text():
    with pytest.raises(InvalidInput) as refused:
        forms.clean_fields(
            [
                {"type": "short_text", "label": "Name"},
                {"type": "long_text", "label": "  "},
                {"type": "info", "label": "Heading only"},
                {"type": "sparkles", "label": "?"},
            ]
        )
    assert set(refused.value.errors) == {"field_1", "field_2", "field_3"}
    assert refused.value.errors["field_1"] == "Write the question."
    assert refused.value.errors["field_3"] == "Choose a question type."


def test_clean_fields_needs_two_different_choices():
    with pytest.raises(InvalidInput) as refused:
        forms.clean_fields(
            [{"type": "single_choice", "label": "When?", "options": ["Morning", " morning ", ""]}]
        )
    assert refused.value.errors == {"field_0": "Give at least two different choices."}
    [cleaned] = forms.clean_fields(
        [
            {
                "type": "multiple_choice",
                "label": "When?",
                "options": [" Morning", "Evening", "evening", ""],
            }
        ]
    )
    assert cleaned["options"] == ["Morning", "Evening"]


def test_clean_fields_makes_every_key_unique_and_safe():
    cleaned = forms.clean_fields(
        [
            {"key": "name", "type": "short_text", "label": "Your name"},
            {"key": "name", "type": "short_text", "label": "Partner's name"},
            {"type": "long_text", "label": "What Brings You Here?"},
            {"key": "Bad Key!", "type": "yes_no", "label": "Ok?"},
            {"type": "info", "text": "Read this."},
        ]
    )
    assert [f["key"] for f in cleaned] == [
        "name",
        "name_2",
        "what_brings_you_here",
        "bad_key",
        "info",
    ]
    assert all(
        set(f) == {"key", "type", "label", "required", "help", "options", "text", "risk", "profile"}
        for f in cleaned
    )


def test_clean_fields_limits_size_and_profile_links():
    with pytest.raises(InvalidInput) as too_many:
        forms.clean_fields([{"type": "short_text", "label": f"Q{i}"} for i in range(81)])
    assert "80" in too_many.value.errors["fields"]
    with pytest.raises(InvalidInput) as wrong_type:
        forms.clean_fields(
            [{"type": "short_text", "label": "Phone", "profile": "emergency_contact_phone"}]
        )
    assert "Phone" in wrong_type.value.errors["field_0"]
    with pytest.raises(InvalidInput) as twice:
        forms.clean_fields(
            [
                {"type": "short_text", "label": "A", "profile": "emergency_contact_name"},
                {"type": "short_text", "label": "B", "profile": "emergency_contact_name"},
            ]
        )
    assert set(twice.value.errors) == {"field_1"}
    [risk_on_text] = forms.clean_fields(
        [{"type": "short_text", "label": "A", "risk": True, "required": True}]
    )
    assert risk_on_text["risk"] is False and risk_on_text["required"] is True


def test_answers_read_back_as_plain_text():
    cases = [
        (field("yes_no"), "yes", "Yes"),
        (field("multiple_choice", options=CHOICES), ["Morning", "Evening"], "Morning, Evening"),
        (
            field("signature"),
            {"name": "Riya Sharma", "date": "2026-11-29"},
            "Riya Sharma, 29 Nov 2026",
        ),
        (field("consent"), True, "Agreed"),
        (field("consent"), False, "Not agreed"),
        (field("date"), "2026-11-29", "29 Nov 2026"),
        (field("phone"), "+919820012345", "+91 98200 12345"),
        (field("scale"), "7", "7 / 10"),
        (field("short_text"), None, "Not answered"),
    ]
    for definition, value, text in cases:
        assert views.answer_text(definition, value) == text


# The default intake ------------------------------------------------------------------------------


def test_the_default_intake_is_a_valid_definition_with_the_charter_risk_question_and_consents():
    fields = intake.intake_fields(STATEMENT, "Asha Rao, Sunrise Counselling (asha@example.com)")
    assert forms.clean_fields(fields) == fields  # stable keys: saving it unchanged changes nothing
    by_key = {f["key"]: f for f in fields}
    [charter] = [f for f in fields if f["type"] == "charter"]
    assert charter["text"] == STATEMENT and charter["required"]
    [risk] = [f for f in fields if f["risk"]]
    assert risk["type"] == "yes_no"
    assert (
        risk["label"]
        == "In the last two weeks, have you had thoughts of ending your life or harming yourself?"
    )
    consents = [f for f in fields if f["type"] == "consent"]
    assert len(consents) == 2 and all(f["required"] for f in consents)
    assert any("online" in f["label"] for f in consents)
    assert by_key["signature"]["type"] == "signature" and by_key["signature"]["required"]
    assert by_key["reasons"]["type"] == "long_text" and by_key["reasons"]["required"]
    assert "Mental Healthcare Act 2017" in by_key["representative_heading"]["text"]
    assert {"representative_name", "representative_relation", "representative_phone"} <= set(by_key)
    assert {f["profile"] for f in fields if f["profile"]} == set(forms.PROFILE_TARGETS)
    notice = by_key["data_notice"]["text"]
    assert "Digital Personal Data Protection Act 2023" in notice and "asha@example.com" in notice
    assert all(word in notice for word in ("copy", "correct", "erase"))
