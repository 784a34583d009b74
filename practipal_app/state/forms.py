"""Forms: the builder (/app/forms, /app/forms/[form_id]), a client's responses on their page and
each response (/app/forms/responses/[response_id]), and filling forms in the portal.

The page works with strings only (`values`: key → text); `to_answers` and `to_values` turn them into
the typed answers the forms service keeps, and back.
"""

from __future__ import annotations

from datetime import date

import reflex as rx

from practipal_app import db
from practipal_app.content import forms
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.people import clients
from practipal_app.state.session import (
    CLIENTS,
    CLINICIANS,
    STAFF,
    checked_ids,
    page_id,
    page_params,
    require,
)

CHOICE_TYPES = ("single_choice", "multiple_choice")
TEXT_TYPES = ("info", "consent", "charter")
TICKED = "1"


def to_answers(fields: list[dict], values: dict[str, str]) -> dict:
    """The page's strings as typed answers."""
    answers: dict = {}
    for f in fields:
        key, kind = f["key"], f["type"]
        raw = values.get(key, "")
        if kind == "info":
            continue
        if kind == "multiple_choice":
            answers[key] = [line for line in raw.split("\n") if line]
        elif kind in ("consent", "charter"):
            answers[key] = raw == TICKED
        elif kind == "signature":
            answers[key] = {"name": raw.strip(), "date": date.today().isoformat()} if raw.strip() else {}
        elif raw != "":
            answers[key] = raw
    return answers


def to_values(fields: list[dict], answers: dict) -> dict[str, str]:
    values: dict[str, str] = {}
    for f in fields:
        value = answers.get(f["key"])
        if value is None:
            continue
        if isinstance(value, list):
            values[f["key"]] = "\n".join(str(v) for v in value)
        elif isinstance(value, bool):
            values[f["key"]] = TICKED if value else ""
        elif isinstance(value, dict):
            values[f["key"]] = str(value.get("name", ""))
        else:
            values[f["key"]] = str(value)
    return values


def _display(fields: list[dict]) -> list[dict]:
    """Fields with every value a string, options as a list, for rendering."""
    return [{"key": f["key"], "type": f["type"], "type_label": forms.FIELD_TYPES.get(f["type"], f["type"]),
             "label": f.get("label", ""), "help": f.get("help", ""),
             "text": f.get("text", ""), "required": "1" if f.get("required") else "",
             "risk": "1" if f.get("risk") else "", "profile": f.get("profile", ""),
             "options": list(f.get("options") or [])} for f in fields]


# Builder -----------------------------------------------------------------------------------------


class FormsListState(rx.State):
    items: list[dict[str, str]] = []
    error: str = ""
    loaded: bool = False

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        if actor.is_clinician:
            await db.acall(forms.ensure_intake, actor)
        self.items, self.error, self.loaded = await db.aread(forms.list_forms, actor), "", True

    @rx.event
    async def create(self, form: dict):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        try:
            form_id = await db.acall(forms.create_form, actor, str(form.get("title", "")))
        except DomainError as exc:
            self.error = exc.message
            return
        return rx.redirect(f"/app/forms/{form_id}")


class FormEditorState(rx.State):
    form_id: str = ""
    title: str = ""
    is_intake: bool = False
    version: int = 0
    has_answers: bool = False
    fields: list[dict] = []
    errors: dict[str, str] = {}
    notice: str = ""
    missing: bool = False
    client_options: list[dict[str, str]] = []
    send_notice: str = ""

    def _show(self, view: dict) -> None:
        self.form_id, self.title, self.is_intake = str(view["id"]), view["title"], bool(view["is_intake"])
        self.version, self.has_answers, self.fields = int(view["version"]), bool(view["has_answers"]), \
            _display(view["fields"])

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.errors, self.notice, self.send_notice = {}, "", ""
        try:
            self._show(await db.aread(forms.form_for_edit, actor, page_id(self, "form_id")))
        except DomainError:
            self.missing, self.fields, self.title, self.form_id, self.client_options = True, [], "", "", []
            return
        self.missing = False
        self.client_options = await db.aread(clients.options, actor)

    @rx.event
    def set_title(self, value: str):
        self.title = str(value)[:200]

    @rx.event
    def set_field(self, index: int, name: str, value):
        if 0 <= index < len(self.fields) and name in ("label", "help", "text", "options", "required", "risk"):
            field = dict(self.fields[index])
            if name == "options":
                field["options"] = [line.strip() for line in str(value).split("\n") if line.strip()]
            elif name in ("required", "risk"):
                field[name] = "1" if value else ""
            else:
                field[name] = str(value)
            self.fields[index] = field
            self.notice = ""

    @rx.event
    def add_question(self, kind: str):
        if kind in forms.FIELD_TYPES:
            label = "" if kind == "info" else forms.FIELD_TYPES[kind]
            options = ["Option 1", "Option 2"] if kind in CHOICE_TYPES else []
            self.fields.append({"key": "", "type": kind, "type_label": forms.FIELD_TYPES[kind], "label": label, "help": "", "text": "", "required": "",
                                "risk": "", "profile": "", "options": options})

    @rx.event
    def move(self, index: int, step: int):
        target = index + step
        if 0 <= index < len(self.fields) and 0 <= target < len(self.fields):
            fields = list(self.fields)
            fields[index], fields[target] = fields[target], fields[index]
            self.fields = fields

    @rx.event
    def remove(self, index: int):
        if 0 <= index < len(self.fields):
            self.fields = [f for i, f in enumerate(self.fields) if i != index]

    @rx.event
    async def save(self):
        actor, away = await require(self, CLINICIANS)
        if away:
            return away
        self.errors, self.notice = {}, ""
        raw = [{**f, "required": f.get("required") == "1", "risk": f.get("risk") == "1"} for f in self.fields]
        try:
            version = await db.acall(forms.save_form, actor, page_id(self, "form_id"), self.title, raw)
            view = await db.aread(forms.form_for_edit, actor, page_id(self, "form_id"))
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        changed = version != self.version
        self._show(view)
        self.notice = (f"Saved as version {version}. Answers already given keep the version they answered."
                       if changed else "Saved.")

    @rx.event
    async def send(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        client_ids = checked_ids(form)
        if not client_ids:
            self.send_notice = "Choose at least one client."
            return
        try:
            sent = await db.acall(forms.send, actor, page_id(self, "form_id"), client_ids)
        except DomainError as exc:
            self.send_notice = exc.message
            return
        self.send_notice = (f"Sent to {sent} client{'s' if sent != 1 else ''}. It waits on their portal home."
                            if sent else "They already have this form to fill.")


# A client's responses, for the therapist ---------------------------------------------------------


class ClientFormsState(rx.State):
    """The forms card on a client's page."""

    responses: list[dict[str, str]] = []
    form_options: list[dict[str, str]] = []
    notice: str = ""

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.notice = ""
        if actor.is_clinician:  # the Intake is there to send from a client's first visit
            await db.acall(forms.ensure_intake, actor)
        try:
            self.responses = await db.aread(forms.responses_for_client, actor, page_id(self, "client_id"))
        except DomainError:
            self.responses, self.form_options = [], []
            return
        self.form_options = [{"id": f["id"], "title": f["title"] if f.get("owner", actor.name) == actor.name
                              else f"{f['title']} ({f['owner']})"} for f in await db.aread(forms.list_forms, actor)]

    @rx.event
    async def send(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        try:
            sent = await db.acall(forms.send, actor, int(str(form.get("form_id", "")) or "0"),
                                  [page_id(self, "client_id")])
            self.responses = await db.aread(forms.responses_for_client, actor, page_id(self, "client_id"))
        except (DomainError, ValueError) as exc:
            self.notice = getattr(exc, "message", "Choose a form.")
            return
        self.notice = "Sent. It waits on the client's portal home." if sent else "They already have it to fill."


UPDATE_LABELS = {"emergency_contact_name": "Name", "emergency_contact_relation": "Relation",
                 "emergency_contact_phone": "Phone"}


class ResponseState(rx.State):
    detail: dict = {}
    update_rows: list[dict[str, str]] = []
    missing: bool = False
    notice: str = ""

    async def _show(self, actor) -> None:
        self.detail = await db.aread(forms.response_detail, actor, page_id(self, "response_id"))
        self.update_rows = [{"label": UPDATE_LABELS.get(k, k), "value": str(v)}
                            for k, v in (self.detail.get("profile_update") or {}).items()]

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.notice = ""
        try:
            await self._show(actor)
        except DomainError:
            self.detail, self.update_rows, self.missing = {}, [], True
            return
        self.missing = False

    @rx.event
    async def apply_update(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        try:
            await db.acall(forms.apply_profile_update, actor, page_id(self, "response_id"))
            await self._show(actor)
        except DomainError as exc:
            self.notice = exc.message
            return
        self.notice = "The client's emergency contact is updated."


# The portal --------------------------------------------------------------------------------------


class PortalFormsState(rx.State):
    todo: list[dict[str, str]] = []
    done: list[dict[str, str]] = []
    submitted: bool = False
    loaded: bool = False

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.todo = await db.aread(forms.todo_for_client, actor)
        self.done = await db.aread(forms.done_for_client, actor)
        self.submitted, self.loaded = bool(page_params(self).get("submitted")), True


class FillState(rx.State):
    """/portal/forms/[response_id]: one form, saved as a draft as the client goes."""

    title: str = ""
    fields: list[dict] = []
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    status: str = ""
    charter_statement: str = ""
    crisis_lines: list[dict[str, str]] = []
    saved_note: str = ""
    missing: bool = False
    loaded: bool = False
    _raw_fields: list[dict] = []

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        self.errors, self.saved_note = {}, ""
        try:
            view = await db.aread(forms.open_for_client, actor, page_id(self, "response_id"))
        except DomainError:
            self.missing, self.fields, self.loaded, self._raw_fields = True, [], True, []
            self.title, self.values, self.charter_statement, self.crisis_lines = "", {}, "", []
            return
        self._raw_fields = view["fields"]
        self.title, self.fields, self.status = view["title"], _display(view["fields"]), view["status"]
        self.values = to_values(view["fields"], view["answers"])
        self.charter_statement, self.crisis_lines = view["charter_statement"], view["crisis_lines"]
        self.missing, self.loaded = False, True

    async def _save(self, actor) -> None:
        errors = await db.acall(forms.save_draft, actor, page_id(self, "response_id"),
                                to_answers(self._raw_fields, self.values))
        self.errors, self.saved_note, self.status = errors, "Draft saved.", "draft"

    @rx.event
    async def set_value(self, key: str, value):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        if isinstance(value, bool):
            value = TICKED if value else ""
        self.values[str(key)] = str(value)
        try:
            await self._save(actor)
        except DomainError as exc:
            self.errors = {"form": exc.message}

    @rx.event
    async def toggle_option(self, key: str, option: str, ticked: bool):
        chosen = [v for v in self.values.get(key, "").split("\n") if v and v != option]
        if ticked:
            chosen.append(option)
        return await self.set_value(key, "\n".join(chosen))

    @rx.event
    async def submit(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        try:
            await db.acall(forms.submit, actor, page_id(self, "response_id"),
                           to_answers(self._raw_fields, self.values))
        except InvalidInput as exc:
            self.errors = {**exc.errors, "form": "Some answers need a look — see the notes in red."}
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        return rx.redirect("/portal/forms?submitted=1")
