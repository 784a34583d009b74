"""Forms: the builder (/app/forms, /app/forms/[form_id]), a client's responses on their page and
each response (/app/forms/responses/[response_id]), and filling forms in the portal.

The fill page works with strings only (`values`: key -> text); the forms service turns them into the
typed answers it keeps (`forms.to_answers`), and `content.views.fill_values` turns answers back.
"""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.boundaries.views import CrisisContact
from practipal_app.content import forms
from practipal_app.content import views as content_views
from practipal_app.content.forms import TICKED
from practipal_app.content.views import FormRow, QuestionRow, ResponseView, SentFormRow
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.core.views import Option, options
from practipal_app.people import clients
from practipal_app.state.guard import guarded
from practipal_app.state.session import (
    CLIENTS,
    CLINICIANS,
    STAFF,
    as_id,
    checked_ids,
    page_id,
    page_params,
)

# Builder -----------------------------------------------------------------------------------------


async def ensure_intake(actor: Actor) -> None:
    """Make the therapist's Intake on their first visit; later visits only read."""
    if await db.aread(forms.intake_id, actor) is None:
        await db.acall(forms.ensure_intake, actor)


class FormsListState(rx.State):
    items: list[FormRow] = []
    error: str = ""
    loaded: bool = False

    @guarded(STAFF)
    async def load(self, actor: Actor):
        if actor.is_clinician:
            await ensure_intake(actor)
        self.items = content_views.form_rows(await db.aread(forms.list_forms, actor))
        self.error, self.loaded = "", True

    @guarded(CLINICIANS)
    async def create(self, actor: Actor, form: dict):
        try:
            form_id = await db.acall(forms.create_form, actor, str(form.get("title", "")))
        except DomainError as exc:
            self.error = exc.message
            return
        return rx.redirect(f"/app/forms/{form_id}")


class FormEditorState(rx.State):
    form_id: int = 0
    title: str = ""
    is_intake: bool = False
    version: int = 0
    has_answers: bool = False
    fields: list[QuestionRow] = []
    errors: dict[str, str] = {}
    notice: str = ""
    missing: bool = False
    client_options: list[Option] = []
    send_notice: str = ""

    def _show(self, form: forms.FormDefinition) -> None:
        self.form_id, self.title, self.is_intake = form.id, form.title, form.is_intake
        self.version, self.has_answers = form.version, form.has_answers
        self.fields = content_views.question_rows(form.fields)

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.errors, self.notice, self.send_notice = {}, "", ""
        try:
            self._show(await db.aread(forms.form_for_edit, actor, page_id(self, "form_id")))
        except DomainError:
            self.missing, self.fields, self.title, self.form_id, self.client_options = (
                True,
                [],
                "",
                0,
                [],
            )
            return
        self.missing = False
        self.client_options = options(await db.aread(clients.names, actor))

    @guarded(STAFF)
    def set_title(self, actor: Actor, value: str):
        self.title = str(value)[:200]

    @guarded(STAFF)
    def set_field(self, actor: Actor, index: int, name: str, value):
        if (
            isinstance(index, int)
            and 0 <= index < len(self.fields)
            and name in content_views.EDITABLE
        ):
            self.fields[index] = content_views.edited(self.fields[index], name, value)
            self.notice = ""

    @guarded(STAFF)
    def add_question(self, actor: Actor, kind: str):
        if (question := content_views.new_question(str(kind))) is not None:
            self.fields.append(question)

    @guarded(STAFF)
    def move(self, actor: Actor, index: int, step: int):
        if not (isinstance(index, int) and isinstance(step, int)):
            return
        target = index + step
        if 0 <= index < len(self.fields) and 0 <= target < len(self.fields):
            fields = list(self.fields)
            fields[index], fields[target] = fields[target], fields[index]
            self.fields = fields

    @guarded(STAFF)
    def remove(self, actor: Actor, index: int):
        if isinstance(index, int) and 0 <= index < len(self.fields):
            self.fields = [f for i, f in enumerate(self.fields) if i != index]

    @guarded(CLINICIANS)
    async def save(self, actor: Actor):
        self.errors, self.notice = {}, ""
        form_id = page_id(self, "form_id")
        try:
            version = await db.acall(
                forms.save_form,
                actor,
                form_id,
                self.title,
                content_views.question_dicts(self.fields),
            )
            form = await db.aread(forms.form_for_edit, actor, form_id)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        changed = version != self.version
        self._show(form)
        self.notice = (
            f"Saved as version {version}. Answers already given keep the version they answered."
            if changed
            else "Saved."
        )

    @guarded(STAFF)
    async def send(self, actor: Actor, form: dict):
        client_ids = checked_ids(form)
        if not client_ids:
            self.send_notice = "Choose at least one client."
            return
        try:
            sent = await db.acall(forms.send, actor, page_id(self, "form_id"), client_ids)
        except DomainError as exc:
            self.send_notice = exc.message
            return
        self.send_notice = (
            f"Sent to {sent} client{'s' if sent != 1 else ''}. It waits on their portal home."
            if sent
            else "They already have this form to fill."
        )


# A client's responses, for the therapist ---------------------------------------------------------


class ClientFormsState(rx.State):
    """The forms card on a client's page."""

    responses: list[SentFormRow] = []
    form_options: list[Option] = []
    notice: str = ""

    async def _responses(self, actor: Actor) -> None:
        sent = await db.aread(forms.responses_for_client, actor, page_id(self, "client_id"))
        self.responses = content_views.sent_form_rows(sent)

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.notice = ""
        if actor.is_clinician:  # the Intake is there to send from a client's first visit
            await ensure_intake(actor)
        try:
            await self._responses(actor)
        except DomainError:
            self.responses, self.form_options = [], []
            return
        self.form_options = content_views.form_options(
            await db.aread(forms.list_forms, actor), actor.name
        )

    @guarded(STAFF)
    async def send(self, actor: Actor, form: dict):
        if not str(form.get("form_id", "")).strip():
            self.notice = "Choose a form."
            return
        try:
            sent = await db.acall(
                forms.send, actor, as_id(form.get("form_id")), [page_id(self, "client_id")]
            )
            await self._responses(actor)
        except DomainError as exc:
            self.notice = exc.message
            return
        self.notice = (
            "Sent. It waits on the client's portal home."
            if sent
            else "They already have it to fill."
        )


class ResponseState(rx.State):
    detail: ResponseView = ResponseView()
    missing: bool = False
    notice: str = ""

    async def _show(self, actor: Actor) -> None:
        detail = await db.aread(forms.response_detail, actor, page_id(self, "response_id"))
        self.detail = content_views.response_view(detail)

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.notice = ""
        try:
            await self._show(actor)
        except DomainError:
            self.detail, self.missing = ResponseView(), True
            return
        self.missing = False

    @guarded(STAFF)
    async def apply_update(self, actor: Actor):
        try:
            await db.acall(forms.apply_profile_update, actor, page_id(self, "response_id"))
            await self._show(actor)
        except DomainError as exc:
            self.notice = exc.message
            return
        self.notice = "The client's emergency contact is updated."


# The portal --------------------------------------------------------------------------------------


class PortalFormsState(rx.State):
    todo: list[SentFormRow] = []
    done: list[SentFormRow] = []
    submitted: bool = False
    loaded: bool = False

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.todo = content_views.sent_form_rows(await db.aread(forms.todo_for_client, actor))
        self.done = content_views.sent_form_rows(await db.aread(forms.done_for_client, actor))
        self.submitted, self.loaded = bool(page_params(self).get("submitted")), True


class FillState(rx.State):
    """/portal/forms/[response_id]: one form, saved as a draft as the client goes."""

    title: str = ""
    fields: list[QuestionRow] = []
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    status: str = ""
    charter_statement: str = ""
    crisis_lines: list[CrisisContact] = []
    saved_note: str = ""
    missing: bool = False
    loaded: bool = False

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        self.errors, self.saved_note = {}, ""
        try:
            form = await db.aread(forms.open_for_client, actor, page_id(self, "response_id"))
        except DomainError:
            self.missing, self.fields, self.loaded = True, [], True
            self.title, self.values, self.charter_statement, self.crisis_lines = "", {}, "", []
            return
        view = content_views.fill_view(form)
        self.title, self.fields, self.status, self.values = (
            view.title,
            view.questions,
            view.status,
            view.values,
        )
        self.charter_statement, self.crisis_lines = view.charter_statement, view.crisis_lines
        self.missing, self.loaded = False, True

    async def _set(self, actor: Actor, key: str, value: str) -> None:
        """Keep what was typed, even if some of it is not right yet; show its problems."""
        if str(key) not in {f.key for f in self.fields}:
            return
        self.values[str(key)] = value
        try:
            errors = await db.acall(
                forms.save_draft_values, actor, page_id(self, "response_id"), dict(self.values)
            )
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        self.errors, self.saved_note, self.status = errors, "Draft saved.", "draft"

    @guarded(CLIENTS)
    async def set_value(self, actor: Actor, key: str, value):
        await self._set(
            actor, key, (TICKED if value else "") if isinstance(value, bool) else str(value)
        )

    @guarded(CLIENTS)
    async def toggle_option(self, actor: Actor, key: str, option: str, ticked: bool):
        await self._set(
            actor,
            key,
            content_views.toggled(self.values.get(str(key), ""), str(option), ticked is True),
        )

    @guarded(CLIENTS)
    async def submit(self, actor: Actor):
        try:
            await db.acall(
                forms.submit_values, actor, page_id(self, "response_id"), dict(self.values)
            )
        except InvalidInput as exc:
            self.errors = {**exc.errors, "form": "Some answers need a look — see the notes in red."}
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        return rx.redirect("/portal/forms?submitted=1")
