"""The content pages' rows, shaped without a database: the fill page's strings and the answers they
become, the builder's questions, the sent-form lists, the response page, and the resource rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from practipal_app.content import forms, views
from practipal_app.content.resources import (
    ClientShare,
    LibraryItem,
    ResourceContent,
    RuleEntry,
    SharedResource,
    SharedWithClient,
    Shares,
)
from practipal_app.core.views import Option
from practipal_app.models import FormResponseStatus, Resource, ResourceKind, ShareTrigger

KOLKATA = "Asia/Kolkata"
# 20:00 UTC on 2 Dec is 01:30 on 3 Dec in Kolkata: dates are the practice's, not the server's.
LATE = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
FIELDS = forms.clean_fields(
    [
        {"key": "intro", "type": "info", "label": "About you", "text": "A few questions."},
        {"key": "name", "type": "short_text", "label": "Name", "required": True},
        {
            "key": "times",
            "type": "multiple_choice",
            "label": "When",
            "options": ["Morning", "Evening"],
        },
        {"key": "agree", "type": "consent", "label": "I agree", "required": True},
        {"key": "sign", "type": "signature", "label": "Sign"},
        {"key": "risk", "type": "yes_no", "label": "Risk", "risk": True},
    ]
)


def test_the_page_strings_become_typed_answers_dated_by_the_practice_day():
    values = {
        "name": "Riya",
        "times": "Morning\nEvening",
        "agree": forms.TICKED,
        "sign": " Riya Sharma ",
        "intro": "ignored",
        "risk": "",
    }
    answers = forms.to_answers(FIELDS, values, date(2026, 12, 3))
    assert answers == {
        "name": "Riya",
        "times": ["Morning", "Evening"],
        "agree": True,
        "sign": {"name": "Riya Sharma", "date": "2026-12-03"},
    }
    assert forms.to_answers(FIELDS, {"agree": "", "sign": "  "}, date(2026, 12, 3)) == {
        "times": [],
        "agree": False,
        "sign": {},
    }
    # and back: what the page shows again when the client returns
    assert views.fill_values(FIELDS, answers) == {
        "name": "Riya",
        "times": "Morning\nEvening",
        "agree": forms.TICKED,
        "sign": "Riya Sharma",
    }
    assert views.fill_values(FIELDS, {"agree": False}) == {"agree": ""}


def test_ticking_and_unticking_a_multiple_choice_option():
    assert views.toggled("", "Morning", True) == "Morning"
    assert views.toggled("Morning", "Evening", True) == "Morning\nEvening"
    assert views.toggled("Morning\nEvening", "Morning", False) == "Evening"
    assert views.toggled("Morning", "Morning", True) == "Morning"  # never twice


def test_the_builders_questions_edit_and_go_back_to_the_service_unchanged():
    rows = views.question_rows(FIELDS)
    assert [r.type_label for r in rows[:2]] == ["Heading / information", "Short text"]
    assert rows[1].required is True and rows[5].risk is True and rows[0].required is False
    assert forms.clean_fields(views.question_dicts(rows)) == FIELDS
    times = views.edited(rows[2], "options", " Night \n\nMorning\n")
    assert times.options == ["Night", "Morning"]
    assert views.edited(rows[1], "required", False).required is False
    assert views.edited(rows[1], "label", "Full name").label == "Full name"
    assert (
        views.edited(rows[1], "key", "stolen") == rows[1]
    )  # only what the builder's inputs change
    choice = views.new_question("single_choice")
    assert (choice.label, choice.options, choice.required) == (
        "Single choice",
        ["Option 1", "Option 2"],
        False,
    )
    assert views.new_question("info").label == "" and views.new_question("nonsense") is None


def test_form_options_name_someone_elses_form():
    summaries = [
        forms.FormSummary(1, "Intake", True, "Asha Rao", 1, 20, 3, 2),
        forms.FormSummary(2, "Check-in", False, "Vikram Nair", 2, 4, 0, 0),
    ]
    assert views.form_options(summaries, "Asha Rao") == [
        Option("1", "Intake"),
        Option("2", "Check-in (Vikram Nair)"),
    ]
    [row] = views.form_rows(summaries[:1])
    assert (row.id, row.is_intake, row.questions, row.sent, row.answered) == (1, True, 20, 3, 2)


def test_sent_forms_show_status_and_the_practice_day():
    sent = forms.SentForms(
        [
            forms.SentForm(7, "Intake", FormResponseStatus.DRAFT, 1, LATE, None),
            forms.SentForm(8, "Check-in", FormResponseStatus.SUBMITTED, 2, LATE, LATE),
        ],
        KOLKATA,
    )
    draft, done = views.sent_form_rows(sent)
    assert (draft.id, draft.started, draft.status_label, draft.sent, draft.submitted) == (
        7,
        True,
        "In progress",
        "3 Dec 2026",
        "",
    )
    assert (done.status, done.started, done.version, done.submitted) == (
        "submitted",
        False,
        2,
        "3 Dec 2026",
    )


def test_a_response_reads_as_its_page_and_pdf_show_it():
    answers = {
        "name": "Riya",
        "agree": True,
        "sign": {"name": "Riya Sharma", "date": "2026-12-03"},
        "risk": "yes",
    }
    detail = forms.ResponseDetail(
        5,
        "Intake",
        "Riya Sharma",
        3,
        FIELDS,
        answers,
        LATE,
        LATE,
        KOLKATA,
        None,
        {"emergency_contact_phone": "+919820012345"},
        False,
        True,
    )
    view = views.response_view(detail)
    assert (view.id, view.version, view.charter_version, view.risk_flag, view.update_applied) == (
        5,
        3,
        0,
        True,
        False,
    )
    assert view.submitted == "3 Dec 2026, 1:30 am"
    assert [(a.label, a.answer, a.is_heading) for a in view.answers] == [
        ("About you", "", True),
        ("Name", "Riya", False),
        ("When", "Not answered", False),
        ("I agree", "Agreed", False),
        ("Sign", "Riya Sharma, 3 Dec 2026", False),
        ("Risk", "Yes", False),
    ]
    assert view.update_rows == [views.DetailRow("Phone", "+919820012345")]


def test_resource_rows_flag_what_is_mine_and_count_shares():
    mine = Resource(
        id=3,
        practice_id=1,
        owner_id=10,
        title="Guide",
        kind=ResourceKind.FILE,
        category="worksheet",
        tags=["anxiety", "sleep"],
        language="English",
        practice_wide=False,
        file_name="guide.pdf",
        size_bytes=1_200_000,
        starter_key="",
    )
    theirs = Resource(
        id=4,
        practice_id=1,
        owner_id=11,
        title="Box breathing",
        kind=ResourceKind.TEXT,
        category="grounding",
        tags=[],
        language="Hindi",
        practice_wide=True,
        starter_key="box",
    )
    a, b = views.resource_rows([LibraryItem(mine, 2, 1), LibraryItem(theirs, 0, 0)], user_id=10)
    assert (a.id, a.mine, a.starter, a.scope, a.tags, a.size, a.shared_count, a.opened_count) == (
        3,
        True,
        False,
        "Mine",
        "anxiety, sleep",
        "1.2 MB",
        2,
        1,
    )
    assert (b.mine, b.starter, b.scope, b.size, b.category_label) == (
        False,
        True,
        "Practice library",
        "",
        "Grounding exercise",
    )


def test_shares_say_whether_and_when_they_were_opened():
    shares = Shares(
        [
            ClientShare(9, "Riya Sharma", LATE, LATE, "Try it"),
            ClientShare(8, "Kabir Das", LATE, None, ""),
        ],
        KOLKATA,
    )
    opened, waiting = views.share_rows(shares)
    assert (opened.client_id, opened.shared, opened.opened, opened.was_opened) == (
        9,
        "3 Dec 2026",
        "opened on 3 Dec 2026, 1:30 am",
        True,
    )
    assert (waiting.opened, waiting.was_opened) == ("not opened yet", False)


def test_the_portal_marks_new_resources_and_gives_files_their_route():
    shared = SharedWithClient(
        [
            SharedResource(
                3,
                "Guide",
                ResourceKind.FILE,
                "worksheet",
                "",
                LATE,
                False,
                "guide.pdf",
                "application/pdf",
            ),
            SharedResource(4, "Box", ResourceKind.TEXT, "nonsense", "Try it", LATE, True, "", ""),
        ],
        KOLKATA,
    )
    new, seen = views.portal_resource_rows(shared)
    assert (new.is_new, new.shared, new.category_label) == (True, "3 Dec 2026", "Worksheet")
    assert (seen.is_new, seen.category_label, seen.note) == (False, "Other", "Try it")
    file = views.opened_resource(
        ResourceContent(3, "Guide", ResourceKind.FILE, "", "", True, "application/pdf", "")
    )
    text = views.opened_resource(
        ResourceContent(4, "Box", ResourceKind.TEXT, "<p>x</p>", "", False, "", "Try it")
    )
    assert (file.file_url, text.file_url, text.html) == ("/api/resources/3/file", "", "<p>x</p>")
    [rule] = views.rule_rows([RuleEntry(ShareTrigger.MISSED_SESSION, 4, "Box", False)])
    assert (rule.trigger, rule.trigger_label, rule.resource_id, rule.enabled) == (
        "missed_session",
        "After a missed session",
        4,
        False,
    )
