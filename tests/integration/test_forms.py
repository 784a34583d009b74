"""Forms on a real database: versions when a form changes after it was sent, sending and the
client's to-do list, drafts that survive a reload, submission (refusals, the charter
acknowledgement, the emergency-contact offer, automatic resource sharing), who may read which
response, and the PDF.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from scheduling_helpers import T0, actor
from sqlmodel import select
from tabs import open_page, run

from practipal_app import db
from practipal_app.boundaries import charter
from practipal_app.config import get_settings
from practipal_app.content import forms, resources, views
from practipal_app.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from practipal_app.models import (
    CharterAcknowledgement,
    ClientProfile,
    FormResponse,
    FormVersion,
    OutboxEmail,
    ShareTrigger,
)
from practipal_app.state.forms import ClientFormsState, FillState, FormEditorState, PortalFormsState

MOOD = [
    {"key": "mood", "type": "scale", "label": "How is your mood today?", "required": True},
    {"key": "notes", "type": "long_text", "label": "Anything else?"},
]


def intake_answers(**changes) -> dict:
    answers = {
        "phone": "98200 12345",
        "date_of_birth": "1994-07-15",
        "emergency_contact_name": "Meera Sharma",
        "emergency_contact_relation": "Mother",
        "emergency_contact_phone": "98201 55555",
        "reasons": "Trouble sleeping since a change of job.",
        "previous_therapy": "no",
        "risk_thoughts": "no",
        "charter": True,
        "data_consent": True,
        "online_consent": True,
        "signature": {"name": "Riya Sharma", "date": "2026-03-02"},
    }
    answers.update(changes)
    return answers


@pytest.fixture
def kabir(owner_actor, add_client) -> int:
    return add_client(owner_actor, "Kabir Das", "kabir@example.com")


@pytest.fixture
def mood_form(owner_actor) -> int:
    form_id = db.call(forms.create_form, owner_actor, "Weekly check-in")
    db.call(forms.save_form, owner_actor, form_id, "Weekly check-in", MOOD)
    return form_id


def _sent(owner_actor, form_id: int, client_id: int) -> int:
    assert db.call(forms.send, owner_actor, form_id, [client_id]) == 1
    [todo] = _todo(client_id)
    return todo.id


def _todo(client_id: int) -> list[views.SentFormRow]:
    return views.sent_form_rows(db.call(forms.todo_for_client, actor(client_id)))


def _done(client_id: int) -> list[views.SentFormRow]:
    return views.sent_form_rows(db.call(forms.done_for_client, actor(client_id)))


def _responses(staff, client_id: int) -> list[views.SentFormRow]:
    return views.sent_form_rows(db.call(forms.responses_for_client, staff, client_id))


def _detail(staff, response_id: int) -> views.ResponseView:
    return views.response_view(db.call(forms.response_detail, staff, response_id))


def _shared_titles(client_id: int) -> list[str]:
    return [r.title for r in db.call(resources.for_client, actor(client_id)).items]


def _intake_response(owner_actor, client_id: int) -> int:
    return _sent(owner_actor, db.call(forms.ensure_intake, owner_actor), client_id)


def _response(response_id: int) -> FormResponse:
    return db.call(lambda s: s.get(FormResponse, response_id))


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


# Versions ----------------------------------------------------------------------------------------


def test_editing_a_form_nobody_was_sent_changes_it_in_place(owner_actor):
    form_id = db.call(forms.create_form, owner_actor, "Check-in")
    assert db.call(forms.save_form, owner_actor, form_id, "Check-in", MOOD) == 1
    renamed = [{**MOOD[0], "label": "Mood, 0 to 10"}, MOOD[1]]
    assert db.call(forms.save_form, owner_actor, form_id, "Weekly check-in", renamed) == 1
    view = db.call(forms.form_for_edit, owner_actor, form_id)
    assert (view.title, view.version, view.has_answers) == ("Weekly check-in", 1, False)
    assert [f["label"] for f in view.fields] == ["Mood, 0 to 10", "Anything else?"]
    assert (
        db.call(
            lambda s: len(s.exec(select(FormVersion).where(FormVersion.form_id == form_id)).all())
        )
        == 1
    )


def test_editing_a_form_after_it_was_answered_makes_a_new_version_and_old_answers_keep_theirs(
    owner_actor, mood_form, riya, kabir
):
    response_id = _sent(owner_actor, mood_form, riya)
    db.call(forms.submit, actor(riya), response_id, {"mood": "6", "notes": "Slept better."})
    assert db.call(forms.form_for_edit, owner_actor, mood_form).has_answers is True

    changed = [{**MOOD[0], "label": "Mood this week, 0 to 10"}, MOOD[1]]
    assert db.call(forms.save_form, owner_actor, mood_form, "Weekly check-in", changed) == 2
    assert (
        db.call(forms.save_form, owner_actor, mood_form, "Weekly check-in", changed) == 2
    )  # no answers yet

    old = _detail(owner_actor, response_id)
    assert old.version == 1
    assert [(i.label, i.answer) for i in old.answers] == [
        ("How is your mood today?", "6 / 10"),
        ("Anything else?", "Slept better."),
    ]
    [row] = [r for r in db.call(forms.list_forms, owner_actor) if r.id == mood_form]
    assert (row.version, row.sent, row.answered) == (2, 1, 1)
    new_id = _sent(owner_actor, mood_form, kabir)
    assert (
        db.call(forms.open_for_client, actor(kabir), new_id).fields[0]["label"]
        == "Mood this week, 0 to 10"
    )


def test_a_form_sent_but_not_answered_is_also_kept_as_it_was_sent(owner_actor, mood_form, riya):
    response_id = _sent(owner_actor, mood_form, riya)
    assert db.call(forms.save_form, owner_actor, mood_form, "Weekly check-in", MOOD[:1]) == 2
    assert len(db.call(forms.open_for_client, actor(riya), response_id).fields) == 2


def test_a_definition_with_problems_is_refused_whole(owner_actor, mood_form):
    bad = [*MOOD, {"type": "single_choice", "label": "Pick", "options": ["Only one"]}]
    with pytest.raises(InvalidInput) as refused:
        db.call(forms.save_form, owner_actor, mood_form, "  ", bad)
    assert set(refused.value.errors) == {"title", "field_2"}
    assert len(db.call(forms.form_for_edit, owner_actor, mood_form).fields) == 2


# Sending -----------------------------------------------------------------------------------------


def test_sending_puts_the_form_on_that_clients_to_do_list_and_emails_once_without_content(
    owner_actor, mood_form, riya, kabir, outbox
):
    assert db.call(forms.send, owner_actor, mood_form, [riya, riya], now=T0) == 1
    assert db.call(forms.send, owner_actor, mood_form, [riya]) == 0  # still waiting: not sent again
    [todo] = _todo(riya)
    assert (todo.title, todo.status, todo.started, todo.sent) == (
        "Weekly check-in",
        "sent",
        False,
        "2 Mar 2026",
    )
    assert _todo(kabir) == []
    [email] = outbox("form_sent")
    assert email.to_address == "riya@example.com"
    assert f"{get_settings().base_url}/portal/forms" in email.body_text
    for content in ("Weekly check-in", "mood", "Anything else"):
        assert content.lower() not in (email.subject + email.body_text).lower()

    db.call(forms.submit, actor(riya), todo.id, {"mood": "4"})
    assert _todo(riya) == []
    assert [d.title for d in _done(riya)] == ["Weekly check-in"]
    assert (
        db.call(forms.send, owner_actor, mood_form, [riya]) == 1
    )  # answered: it can be sent again
    assert len(outbox("form_sent")) == 2


def test_a_therapist_sends_only_to_their_own_clients_and_only_their_own_forms(
    owner_actor, therapist_actor, mood_form, riya, add_client
):
    with pytest.raises(NotFound):
        db.call(forms.send, therapist_actor, mood_form, [riya])
    own_form = db.call(forms.create_form, therapist_actor, "Vikram's check-in")
    db.call(forms.save_form, therapist_actor, own_form, "Vikram's check-in", MOOD)
    with pytest.raises(NotFound):
        db.call(forms.send, therapist_actor, own_form, [riya])
    assert [f.title for f in db.call(forms.list_forms, therapist_actor)] == ["Vikram's check-in"]
    assert {f.title for f in db.call(forms.list_forms, owner_actor)} == {
        "Weekly check-in",
        "Vikram's check-in",
    }


def test_an_empty_form_cannot_be_sent_and_an_archived_one_is_gone(owner_actor, riya):
    form_id = db.call(forms.create_form, owner_actor, "Blank")
    with pytest.raises(DomainError, match="Add at least one question"):
        db.call(forms.send, owner_actor, form_id, [riya])
    db.call(forms.archive_form, owner_actor, form_id)
    assert "Blank" not in [f.title for f in db.call(forms.list_forms, owner_actor)]
    with pytest.raises(NotFound):
        db.call(forms.form_for_edit, owner_actor, form_id)


def test_the_intake_is_made_once_per_therapist_with_their_charter(owner_actor, therapist_actor):
    first = db.call(forms.ensure_intake, owner_actor)
    assert db.call(forms.ensure_intake, owner_actor) == first
    assert db.call(forms.ensure_intake, therapist_actor) != first
    view = db.call(forms.form_for_edit, owner_actor, first)
    assert view.is_intake is True and view.title == "Intake"
    [charter_field] = [f for f in view.fields if f["type"] == "charter"]
    assert (
        charter_field["text"]
        == db.call(charter.current_for_therapist, owner_actor.user_id).statement
    )
    [row] = [r for r in db.call(forms.list_forms, owner_actor) if r.id == first]
    assert row.is_intake is True and row.questions == len(view.fields) and row.owner == "Asha Rao"
    assert [r.owner for r in db.call(forms.list_forms, therapist_actor)] == ["Vikram Nair"]
    assert (
        views.form_options(db.call(forms.list_forms, owner_actor), "Asha Rao")[0].label == "Intake"
    )


# Filling in --------------------------------------------------------------------------------------


def test_a_draft_survives_a_reload_even_with_answers_that_are_not_right_yet(owner_actor, riya):
    response_id = _intake_response(owner_actor, riya)
    typed = {"email": "riya at home", "reasons": "Sleep.", "surprise": "dropped"}
    errors = db.call(forms.save_draft, actor(riya), response_id, typed, now=T0)
    assert errors == {"email": "Enter an email address like name@example.com."}
    reopened = db.call(forms.open_for_client, actor(riya), response_id)
    assert reopened.answers == {"email": "riya at home", "reasons": "Sleep."}
    assert reopened.status == "draft"
    assert {"label": "Tele-MANAS (free, 24×7)", "phone": "14416"} in reopened.crisis_lines
    page = views.fill_view(reopened)
    assert page.values == {"email": "riya at home", "reasons": "Sleep."}
    assert ("Tele-MANAS (free, 24×7)", "14416") in [(c.label, c.phone) for c in page.crisis_lines]
    [todo] = _todo(riya)
    assert (todo.status, todo.started, todo.status_label) == ("draft", True, "In progress")


def test_the_pages_strings_are_saved_and_a_signature_is_dated_by_the_practices_day(
    owner_actor, riya
):
    """The fill page sends strings; the signature's date is the day in the practice's zone
    (Kolkata), not the server's: 20:00 UTC on 1 March is already 2 March there."""
    response_id = _intake_response(owner_actor, riya)
    late = T0.replace(day=1, hour=20, minute=0)
    values = {
        "reasons": "Sleep.",
        "charter": forms.TICKED,
        "data_consent": "",
        "signature": "Riya Sharma",
        "surprise": "dropped",
    }
    assert db.call(forms.save_draft_values, actor(riya), response_id, values, now=late) == {}
    assert _response(response_id).answers == {
        "reasons": "Sleep.",
        "charter": True,
        "data_consent": False,
        "online_consent": False,
        "signature": {"name": "Riya Sharma", "date": "2026-03-02"},
    }
    with pytest.raises(InvalidInput) as refused:
        db.call(forms.submit_values, actor(riya), response_id, values, now=late)
    assert "data_consent" in refused.value.errors and "charter" not in refused.value.errors
    answers = {
        **intake_answers(),
        "signature": "Riya Sharma",
        "charter": forms.TICKED,
        "data_consent": forms.TICKED,
        "online_consent": forms.TICKED,
    }
    db.call(forms.submit_values, actor(riya), response_id, answers, now=late)
    row = _response(response_id)
    assert row.status == "submitted" and row.answers["signature"] == {
        "name": "Riya Sharma",
        "date": "2026-03-02",
    }


def test_submitting_with_a_required_answer_missing_is_refused_per_field_and_the_draft_stays(
    owner_actor, riya
):
    response_id = _intake_response(owner_actor, riya)
    partial = intake_answers(reasons="", charter=False)
    db.call(forms.save_draft, actor(riya), response_id, partial)
    with pytest.raises(InvalidInput) as refused:
        db.call(forms.submit, actor(riya), response_id, partial)
    assert set(refused.value.errors) == {"reasons", "charter"}
    row = _response(response_id)
    assert (row.status, row.submitted_at, row.charter_version) == ("draft", None, None)
    assert row.answers["emergency_contact_name"] == "Meera Sharma"
    assert db.call(lambda s: s.exec(select(CharterAcknowledgement)).all()) == []


def test_a_submitted_form_cannot_be_changed(owner_actor, mood_form, riya):
    response_id = _sent(owner_actor, mood_form, riya)
    db.call(forms.submit, actor(riya), response_id, {"mood": "3"})
    for change in (forms.save_draft, forms.submit):
        with pytest.raises(DomainError, match="already submitted"):
            db.call(change, actor(riya), response_id, {"mood": "9"})
    assert _response(response_id).answers == {"mood": "3"}


def test_the_charter_acknowledged_in_the_intake_is_stored_with_its_version(owner_actor, riya):
    db.call(charter.save, owner_actor, charter.CharterSettings())
    db.call(charter.save, owner_actor, charter.CharterSettings(check_time="17:00"))
    response_id = _intake_response(owner_actor, riya)
    shown = db.call(forms.open_for_client, actor(riya), response_id)
    assert shown.charter_version == 2 and "around 5 pm" in shown.charter_statement
    [field] = [f for f in shown.fields if f["type"] == "charter"]
    assert field["text"] == shown.charter_statement

    db.call(forms.submit, actor(riya), response_id, intake_answers(), now=T0)

    assert _response(response_id).charter_version == 2
    [ack] = db.call(lambda s: s.exec(select(CharterAcknowledgement)).all())
    assert (ack.client_id, ack.charter_version) == (riya, 2)
    assert db.call(charter.needs_acknowledgement, riya) is False
    assert db.call(forms.response_detail, owner_actor, response_id).charter_version == 2
    assert _detail(owner_actor, response_id).charter_version == 2


def test_the_emergency_contact_is_copied_to_the_profile_only_when_the_therapist_confirms(
    owner_actor, riya
):
    response_id = _intake_response(owner_actor, riya)
    db.call(
        forms.submit,
        actor(riya),
        response_id,
        intake_answers(emergency_contact_relation=" Mother "),
    )
    profile = db.call(lambda s: s.get(ClientProfile, riya))
    assert profile.emergency_contact_name == "" and profile.emergency_contact_phone == ""

    detail = db.call(forms.response_detail, owner_actor, response_id)
    assert detail.profile_update == {
        "emergency_contact_name": "Meera Sharma",
        "emergency_contact_relation": "Mother",
        "emergency_contact_phone": "+919820155555",
    }
    assert detail.profile_update_applied is False and detail.risk_flag is False
    page = views.response_view(detail)
    assert [(r.label, r.value) for r in page.update_rows] == [
        ("Name", "Meera Sharma"),
        ("Relation", "Mother"),
        ("Phone", "+919820155555"),
    ]
    assert page.update_applied is False

    db.call(forms.apply_profile_update, owner_actor, response_id)
    profile = db.call(lambda s: s.get(ClientProfile, riya))
    assert (
        profile.emergency_contact_name,
        profile.emergency_contact_relation,
        profile.emergency_contact_phone,
    ) == ("Meera Sharma", "Mother", "+919820155555")
    assert _detail(owner_actor, response_id).update_applied is True
    with pytest.raises(DomainError, match="already"):
        db.call(forms.apply_profile_update, owner_actor, response_id)


def test_an_unchanged_emergency_contact_is_not_offered(owner_actor, add_client):
    client = add_client(
        owner_actor,
        emergency_contact_name="Meera Sharma",
        emergency_contact_phone="9820155555",
        emergency_contact_relation="Mother",
    )
    response_id = _intake_response(owner_actor, client)
    db.call(
        forms.submit,
        actor(client),
        response_id,
        intake_answers(emergency_contact_phone="+91 98201 55555"),
    )
    assert db.call(forms.response_detail, owner_actor, response_id).profile_update == {}
    with pytest.raises(DomainError):
        db.call(forms.apply_profile_update, owner_actor, response_id)


def test_the_risk_answer_is_flagged_for_the_therapist(owner_actor, riya):
    response_id = _intake_response(owner_actor, riya)
    db.call(forms.submit, actor(riya), response_id, intake_answers(risk_thoughts="yes"))
    detail = _detail(owner_actor, response_id)
    assert detail.risk_flag is True
    [item] = [i for i in detail.answers if i.label.startswith("In the last two weeks")]
    assert item.answer == "Yes"


def test_submitting_the_intake_shares_the_therapists_intake_resources(
    owner_actor, riya, mood_form, outbox
):
    resource_id = db.call(
        resources.add_text,
        owner_actor,
        title="Sleep hygiene basics",
        category="psychoeducation",
        tags="sleep",
        language="English",
        practice_wide=False,
        body="Keep a regular bedtime.",
    )
    db.call(resources.set_rule, owner_actor, ShareTrigger.INTAKE_SUBMITTED, resource_id, True)

    check_in = _sent(owner_actor, mood_form, riya)
    db.call(forms.submit, actor(riya), check_in, {"mood": "5"})
    assert _shared_titles(riya) == []  # not an intake: nothing shared

    db.call(forms.submit, actor(riya), _intake_response(owner_actor, riya), intake_answers())
    assert _shared_titles(riya) == ["Sleep hygiene basics"]
    note = outbox("form_submitted")[-1]
    assert note.to_address == "asha@example.com" and "Trouble sleeping" not in note.body_text


# Who may see what --------------------------------------------------------------------------------


def test_a_client_reaches_only_their_own_responses(owner_actor, mood_form, riya, kabir, browser):
    response_id = _sent(owner_actor, mood_form, riya)
    for attempt in (
        lambda: db.call(forms.open_for_client, actor(kabir), response_id),
        lambda: db.call(forms.save_draft, actor(kabir), response_id, {"mood": "1"}),
        lambda: db.call(forms.submit, actor(kabir), response_id, {"mood": "1"}),
        lambda: db.call(forms.response_detail, actor(kabir), response_id),
    ):
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(PermissionDenied):
        db.call(forms.list_forms, actor(riya))
    db.call(forms.submit, actor(riya), response_id, {"mood": "7"})
    assert _response(response_id).answers == {"mood": "7"}

    url = f"/api/forms/responses/{response_id}.pdf"
    assert browser(kabir).get(url).status_code == 404
    assert browser().get(url).status_code == 404
    assert "7 / 10" in _pdf_text(browser(riya).get(url))


def test_a_therapist_cannot_read_another_therapists_clients_responses(
    owner_actor, therapist_actor, mood_form, riya, add_client, browser
):
    response_id = _sent(owner_actor, mood_form, riya)
    db.call(forms.submit, actor(riya), response_id, {"mood": "7"})
    with pytest.raises(NotFound):
        db.call(forms.responses_for_client, therapist_actor, riya)
    with pytest.raises(NotFound):
        db.call(forms.response_detail, therapist_actor, response_id)
    with pytest.raises(NotFound):
        db.call(forms.apply_profile_update, therapist_actor, response_id)
    assert (
        browser(therapist_actor.user_id).get(f"/api/forms/responses/{response_id}.pdf").status_code
        == 404
    )

    vikrams = add_client(therapist_actor, "Neha Iyer", "neha@example.com")
    [row] = _responses(owner_actor, riya)
    assert (row.title, row.status, row.version, row.id) == (
        "Weekly check-in",
        "submitted",
        1,
        response_id,
    )
    assert row.submitted != "" and row.status_label == "Submitted"
    assert _responses(owner_actor, vikrams) == []  # the owner sees the practice


def test_a_draft_is_not_shown_to_the_therapist_until_it_is_submitted(owner_actor, mood_form, riya):
    response_id = _sent(owner_actor, mood_form, riya)
    db.call(forms.save_draft, actor(riya), response_id, {"notes": "still thinking"})
    with pytest.raises(DomainError, match="not been submitted"):
        db.call(forms.response_detail, owner_actor, response_id)
    assert _responses(owner_actor, riya)[0].status == "draft"


# The PDF -----------------------------------------------------------------------------------------


def test_the_pdf_holds_the_title_the_answers_and_the_charter_version(owner_actor, riya, browser):
    response_id = _intake_response(owner_actor, riya)
    long_story = "I have been finding it hard to sleep since my new job started. " * 60
    db.call(forms.submit, actor(riya), response_id, intake_answers(reasons=long_story))

    response = browser(owner_actor.user_id).get(
        f"/api/forms/responses/{response_id}.pdf?download=1"
    )
    text = _pdf_text(response)
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    flat = " ".join(text.split())
    assert "Intake" in flat and "Client: Riya Sharma" in flat
    assert "Meera Sharma" in flat and "Riya Sharma, 2 Mar 2026" in flat
    assert "Communication charter acknowledged: version 1." in flat
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 2  # the long answer runs on


def test_sending_and_submitting_leave_no_answers_in_any_email(owner_actor, riya, outbox):
    db.call(forms.submit, actor(riya), _intake_response(owner_actor, riya), intake_answers())
    bodies = db.call(lambda s: [e.subject + e.body_text for e in s.exec(select(OutboxEmail)).all()])
    assert bodies
    for secret in ("Meera", "Trouble sleeping", "1994", "Intake"):
        assert all(secret not in body for body in bodies), secret


# The pages' states, driven as a browser would -----------------------------------------------------


def _tab(state_class, user_id: int, path: str, **params):
    return open_page(state_class, user_id, path, params)


_run = run


async def test_the_builder_page_edits_questions_as_rows_and_saves_them(
    owner_actor, mood_form, riya
):
    page = _tab(FormEditorState, owner_actor.user_id, f"/app/forms/{mood_form}", form_id=mood_form)
    await _run(page, "load")
    assert (page.form_id, page.title, page.version, page.missing) == (
        mood_form,
        "Weekly check-in",
        1,
        False,
    )
    assert [(q.key, q.type_label, q.required) for q in page.fields] == [
        ("mood", "Scale 0–10", True),
        ("notes", "Long text", False),
    ]
    assert [o.label for o in page.client_options] == ["Riya Sharma"]
    await _run(page, "add_question", "single_choice")
    await _run(page, "add_question", "sparkles")
    await _run(page, "set_field", 2, "label", "Best time to call?")
    await _run(page, "set_field", 2, "options", "Morning\n\nEvening\n")
    await _run(page, "set_field", 1, "required", True)
    await _run(page, "set_field", 1, "key", "stolen")
    await _run(page, "move", 2, -1)
    await _run(page, "remove", 0)
    assert [(q.key, q.label, q.required, q.options) for q in page.fields] == [
        ("", "Best time to call?", False, ["Morning", "Evening"]),
        ("notes", "Anything else?", True, []),
    ]
    await _run(page, "save")
    assert (page.errors, page.notice) == ({}, "Saved.")
    assert [q.key for q in page.fields] == ["best_time_to_call", "notes"]
    await _run(page, "send", {f"client_{riya}": "on"})
    assert page.send_notice == "Sent to 1 client. It waits on their portal home."


async def test_the_fill_page_saves_as_the_client_goes_and_submits(owner_actor, riya):
    form_id = db.call(forms.create_form, owner_actor, "Preferences")
    db.call(
        forms.save_form,
        owner_actor,
        form_id,
        "Preferences",
        [
            {
                "key": "times",
                "type": "multiple_choice",
                "label": "When",
                "options": ["Morning", "Evening"],
                "required": True,
            },
            {"key": "agree", "type": "consent", "label": "I agree", "required": True},
        ],
    )
    response_id = _sent(owner_actor, form_id, riya)
    page = _tab(FillState, riya, f"/portal/forms/{response_id}", response_id=response_id)
    await _run(page, "load")
    assert (page.title, page.status, page.values, page.missing) == (
        "Preferences",
        "sent",
        {},
        False,
    )
    assert any(c.phone == "14416" for c in page.crisis_lines)
    await _run(page, "toggle_option", "times", "Evening", True)
    await _run(page, "toggle_option", "times", "Morning", True)
    await _run(page, "toggle_option", "times", "Evening", False)
    await _run(page, "set_value", "agree", True)
    await _run(page, "set_value", "planted", "x")  # not a question of this form: ignored
    assert page.values == {"times": "Morning", "agree": forms.TICKED}
    assert (page.status, page.saved_note, page.errors) == ("draft", "Draft saved.", {})
    assert _response(response_id).answers == {"times": ["Morning"], "agree": True}
    await _run(page, "submit")
    assert _response(response_id).status == "submitted"
    await _run(page, "set_value", "agree", False)
    assert page.errors == {"form": "You have already submitted this form."}

    portal = _tab(PortalFormsState, riya, "/portal/forms")
    await _run(portal, "load")
    assert (portal.todo, [d.title for d in portal.done]) == ([], ["Preferences"])


async def test_the_client_page_card_sends_a_chosen_form(owner_actor, mood_form, riya):
    card = _tab(ClientFormsState, owner_actor.user_id, f"/app/clients/{riya}", client_id=riya)
    await _run(card, "load")
    assert "Weekly check-in" in [o.label for o in card.form_options] and card.responses == []
    await _run(card, "send", {"form_id": ""})
    assert card.notice == "Choose a form."
    await _run(card, "send", {"form_id": "not a number"})
    assert card.notice == "Not found." and card.responses == []
    await _run(card, "send", {"form_id": str(mood_form)})
    assert card.notice == "Sent. It waits on the client's portal home."
    assert [(r.title, r.status, r.started) for r in card.responses] == [
        ("Weekly check-in", "sent", False)
    ]
