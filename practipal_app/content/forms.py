"""Forms: definitions built by staff (versioned once anything refers to them), sending them to
clients, the client's draft and submission, and what the therapist reads back.

A field is a plain dict (see `clean_fields`); answers are keyed by field key. A version that any
FormResponse refers to is never changed again: saving makes the next version, so every response is
read with the questions its client was shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from practipal_app.boundaries import charter
from practipal_app.config import get_settings
from practipal_app.content import form_emails, intake, resources
from practipal_app.core import audit
from practipal_app.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.phones import parse_phone
from practipal_app.models import (
    ClientProfile,
    Form,
    FormResponse,
    FormResponseStatus,
    FormVersion,
    Practice,
    Role,
    ShareTrigger,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.people import clients
from practipal_app.people.auth import email_problem, normalize_email

FIELD_TYPES: dict[str, str] = {
    "short_text": "Short text",
    "long_text": "Long text",
    "single_choice": "Single choice",
    "multiple_choice": "Multiple choice",
    "yes_no": "Yes / no",
    "date": "Date",
    "phone": "Phone",
    "email": "Email",
    "scale": "Scale 0–10",
    "info": "Heading / information",
    "consent": "Consent checkbox",
    "signature": "Typed-name signature",
    "charter": "Communication charter acknowledgement",
}
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
TICK_TYPES = frozenset({"consent", "charter"})
TEXT_BEARING = frozenset({"info", "consent", "charter"})
# Profile field -> (the question type that may fill it, its longest value).
PROFILE_TARGETS = {
    "emergency_contact_name": ("short_text", 200),
    "emergency_contact_phone": ("phone", 20),
    "emergency_contact_relation": ("short_text", 60),
}
MAX_FIELDS = 80
MAX_OPTIONS = 30
MAX_TITLE = 200
TEXT_LIMITS = {"short_text": 500, "long_text": 10_000}
#: What the builder keeps of a question: its label, help, text, and each choice.
LABEL_MAX, HELP_MAX, TEXT_MAX, CHOICE_MAX = 300, 500, 5000, 200
#: The choices box: every choice on its own line.
OPTIONS_MAX = MAX_OPTIONS * (CHOICE_MAX + 1)
LIST_LIMIT = 100

_NOT_KEY = re.compile(r"[^a-z0-9_]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REQUIRED = {
    "consent": "Tick the box to agree.",
    "charter": "Tick the box to confirm you have read this.",
    "signature": "Type your name to sign.",
    "single_choice": "Choose an answer.",
    "multiple_choice": "Choose at least one answer.",
    "yes_no": "Choose yes or no.",
    "scale": "Choose a number from 0 to 10.",
}
#: What a ticked box (consent, charter, a multiple-choice option) is in the page's strings.
TICKED = "1"


@dataclass(frozen=True)
class FormSummary:
    """One form of the list, with its current version and how often it was sent and answered."""

    id: int
    title: str
    is_intake: bool
    owner: str
    version: int
    questions: int
    sent: int
    answered: int


@dataclass(frozen=True)
class FormDefinition:
    """A form as the builder edits it: its current version's fields (plain dicts, see
    clean_fields)."""

    id: int
    title: str
    is_intake: bool
    version: int
    fields: list[dict]
    has_answers: bool


@dataclass(frozen=True)
class SentForm:
    """One form sent to one client."""

    id: int
    title: str
    status: FormResponseStatus
    version: int
    sent_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class SentForms:
    """Forms sent to a client, newest first, and the practice's zone their dates are shown in."""

    items: list[SentForm]
    timezone: str


@dataclass(frozen=True)
class OpenForm:
    """A form as its client fills it in (or reads it back): the questions of the version sent, the
    answers so far, and the therapist's charter and crisis contacts ({"label", "phone"})."""

    id: int
    title: str
    fields: list[dict]
    answers: dict
    status: FormResponseStatus
    charter_statement: str
    charter_version: int
    crisis_lines: list[dict]


@dataclass(frozen=True)
class ResponseDetail:
    """A submitted form, with the questions of the version its client was sent."""

    id: int
    title: str
    client: str
    version: int
    fields: list[dict]
    answers: dict
    sent_at: datetime
    submitted_at: datetime
    timezone: str
    charter_version: int | None
    profile_update: dict
    profile_update_applied: bool
    risk_flag: bool


# Definitions -------------------------------------------------------------------------------------


def _slug(value: object) -> str:
    return _NOT_KEY.sub("_", str(value or "").strip().lower()).strip("_")[:40]


def _limited(value: object, limit: int, what: str) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValueError(f"Keep the {what} under {limit:,} characters.")
    return text


def _options(raw: object) -> list[str]:
    seen, options = set(), []
    for item in raw if isinstance(raw, list | tuple) else []:
        text = _limited(item, CHOICE_MAX, "choice")
        if text and text.lower() not in seen:
            seen.add(text.lower())
            options.append(text)
    if len(options) < 2:
        raise ValueError("Give at least two different choices.")
    if len(options) > MAX_OPTIONS:
        raise ValueError(f"A question has at most {MAX_OPTIONS} choices.")
    return options


def _profile_target(raw: object, type_: str) -> str:
    target = str(raw or "").strip()
    if not target:
        return ""
    if target not in PROFILE_TARGETS:
        raise ValueError("Choose a profile detail from the list.")
    wanted = PROFILE_TARGETS[target][0]
    if type_ != wanted:
        raise ValueError(f"This profile detail needs a {FIELD_TYPES[wanted]} question.")
    return target


def _clean_field(item: object) -> dict:
    if not isinstance(item, Mapping):
        raise ValueError("This question could not be read.")
    type_ = str(item.get("type", ""))
    if type_ not in FIELD_TYPES:
        raise ValueError("Choose a question type.")
    field = {
        "key": _slug(item.get("key")),
        "type": type_,
        "label": _limited(item.get("label"), LABEL_MAX, "question"),
        "required": bool(item.get("required")) and type_ != "info",
        "help": _limited(item.get("help"), HELP_MAX, "help text"),
        "options": _options(item.get("options")) if type_ in CHOICE_TYPES else [],
        "text": _limited(item.get("text"), TEXT_MAX, "text") if type_ in TEXT_BEARING else "",
        "risk": bool(item.get("risk")) and type_ == "yes_no",
        "profile": _profile_target(item.get("profile"), type_),
    }
    if type_ == "info" and not field["text"]:
        raise ValueError("Write the information to show.")
    if type_ != "info" and not field["label"]:
        raise ValueError("Write the question.")
    return field


def _unique_keys(fields: list[dict]) -> None:
    """Give every field a key of its own: its own if free, else one made from its label."""
    used: set[str] = set()
    for field in fields:
        base = field["key"] or _slug(field["label"])[:30] or field["type"]
        key, n = base, 1
        while key in used:
            n += 1
            key = f"{base}_{n}"
        used.add(key)
        field["key"] = key


def _profile_clashes(fields: list[dict]) -> dict[str, str]:
    errors, seen = {}, set()
    for index, field in enumerate(fields):
        if field["profile"] in seen:
            errors[f"field_{index}"] = "Another question already fills in this profile detail."
        elif field["profile"]:
            seen.add(field["profile"])
    return errors


def clean_fields(raw: list[dict]) -> list[dict]:
    """A form definition, normalised; InvalidInput keyed "fields" or "field_<index>" otherwise."""
    if not isinstance(raw, list | tuple):
        raise InvalidInput({"fields": "The questions could not be read."})
    if len(raw) > MAX_FIELDS:
        raise InvalidInput({"fields": f"A form has at most {MAX_FIELDS} questions."})
    cleaned, errors = [], {}
    for index, item in enumerate(raw):
        try:
            cleaned.append(_clean_field(item))
        except ValueError as exc:
            errors[f"field_{index}"] = str(exc)
    if errors:
        raise InvalidInput(errors)
    if errors := _profile_clashes(cleaned):
        raise InvalidInput(errors)
    _unique_keys(cleaned)
    return cleaned


# Answers -----------------------------------------------------------------------------------------


def iso_date(value: object) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2100 else None


def is_empty(value: object) -> bool:
    if isinstance(value, Mapping):
        return not str(value.get("name", "")).strip()
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is False or value == []


def _text_problem(field: dict, value: object) -> str | None:
    if not isinstance(value, str):
        return "This answer could not be read."
    limit = (
        PROFILE_TARGETS[field["profile"]][1] if field.get("profile") else TEXT_LIMITS[field["type"]]
    )
    return f"Keep this under {limit:,} characters." if len(value.strip()) > limit else None


def _phone_problem(value: object) -> str | None:
    try:
        parse_phone(str(value))
    except ValueError as exc:
        return str(exc)
    return None


def _choice_problem(field: dict, value: object) -> str | None:
    if field["type"] == "single_choice":
        return None if value in field["options"] else "Choose one of the answers."
    if not isinstance(value, list) or any(v not in field["options"] for v in value):
        return "Choose from the answers given."
    return None


def _scale_problem(value: object) -> str | None:
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    return None if text.isdigit() and 0 <= int(text) <= 10 else "Choose a number from 0 to 10."


def _signature_problem(value: object) -> str | None:
    if not isinstance(value, Mapping):
        return "Type your name to sign."
    if len(str(value.get("name", "")).strip()) > 200:
        return "Keep your name under 200 characters."
    if value.get("date") and iso_date(value.get("date")) is None:
        return "Use a real date."
    return None


def _type_problem(field: dict, value: object) -> str | None:
    """What is wrong with a non-empty answer, or None."""
    kind = field["type"]
    if kind in TEXT_LIMITS:
        return _text_problem(field, value)
    if kind in CHOICE_TYPES:
        return _choice_problem(field, value)
    if kind in TICK_TYPES:
        return None if isinstance(value, bool) else "Tick the box, or leave it empty."
    checks = {
        "yes_no": lambda v: None if v in ("yes", "no") else "Choose yes or no.",
        "date": lambda v: None if iso_date(v) else "Enter a real date.",
        "phone": _phone_problem,
        "email": lambda v: (
            email_problem(normalize_email(v)) if isinstance(v, str) else "Enter an email address."
        ),
        "scale": _scale_problem,
        "signature": _signature_problem,
    }
    return checks[kind](value) if kind in checks else None


def validate_answers(fields: list[dict], answers: dict, *, final: bool) -> dict[str, str]:
    """Errors by field key. Types are always checked; required questions only when `final`."""
    errors: dict[str, str] = {}
    for field in fields:
        if field["type"] == "info":
            continue
        value = answers.get(field["key"])
        if is_empty(value):
            if final and field.get("required"):
                errors[field["key"]] = _REQUIRED.get(field["type"], "Please answer this question.")
            continue
        if problem := _type_problem(field, value):
            errors[field["key"]] = problem
    return errors


def _bounded(value: object) -> object:
    """An answer as typed, made plain and kept to a sane size (drafts keep even invalid answers)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        return {
            "name": str(value.get("name") or "")[:300],
            "date": str(value.get("date") or "")[:20],
        }
    if isinstance(value, list | tuple):
        return [str(v)[:300] for v in value[:MAX_OPTIONS]]
    return str(value)[: TEXT_LIMITS["long_text"] + 100]


def _kept(fields: list[dict], answers: object) -> dict:
    """The answers to this version's questions; anything else is dropped."""
    given = answers if isinstance(answers, Mapping) else {}
    return {
        f["key"]: _bounded(given[f["key"]])
        for f in fields
        if f["type"] != "info" and f["key"] in given
    }


# Access ------------------------------------------------------------------------------------------


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied()


def _require_client(actor: Actor) -> None:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()


def _form_scope(actor: Actor):
    _require_staff(actor)
    scope = (Form.practice_id == actor.practice_id) & col(Form.archived).is_(False)
    if not actor.sees_whole_practice:
        scope = scope & (Form.owner_id == actor.user_id)
    return scope


def _staff_form(session: Session, actor: Actor, form_id: int) -> Form:
    form = session.exec(select(Form).where(Form.id == form_id, _form_scope(actor))).first()
    if form is None:
        raise NotFound("No such form.")
    return form


def _client_response(session: Session, actor: Actor, response_id: int) -> FormResponse:
    _require_client(actor)
    response = session.get(FormResponse, response_id)
    if response is None or response.client_id != actor.user_id:
        raise NotFound("No such form.")
    return response


def _staff_response(session: Session, actor: Actor, response_id: int) -> FormResponse:
    _require_staff(actor)
    response = session.get(FormResponse, response_id)
    if response is None or response.practice_id != actor.practice_id:
        raise NotFound("No such form.")
    try:
        clients.scoped_profile(session, actor, response.client_id)
    except NotFound:
        raise NotFound("No such form.") from None
    return response


def _readable_response(session: Session, actor: Actor, response_id: int) -> FormResponse:
    if actor.role == Role.CLIENT:
        return _client_response(session, actor, response_id)
    return _staff_response(session, actor, response_id)


def current_version(session: Session, form_id: int) -> FormVersion:
    return session.exec(
        select(FormVersion)
        .where(FormVersion.form_id == form_id)
        .order_by(col(FormVersion.version).desc())
    ).first()


def _fields_of(session: Session, response: FormResponse) -> list[dict]:
    return list(session.get(FormVersion, response.form_version_id).fields)


def _timezone(session: Session, practice_id: int) -> str:
    return session.get(Practice, practice_id).timezone


def practice_today(session: Session, practice_id: int, now: datetime | None = None) -> date:
    """Today's date where the practice is (its timezone), not where the server is."""
    return (now or utcnow()).astimezone(ZoneInfo(_timezone(session, practice_id))).date()


# Forms (staff) -----------------------------------------------------------------------------------


def _current_versions(session: Session, form_ids: list[int]) -> dict[int, FormVersion]:
    latest = (
        select(FormVersion.form_id, func.max(FormVersion.version).label("latest"))
        .where(col(FormVersion.form_id).in_(form_ids))
        .group_by(FormVersion.form_id)
        .subquery()
    )
    rows = session.exec(
        select(FormVersion).join(
            latest,
            (FormVersion.form_id == latest.c.form_id) & (FormVersion.version == latest.c.latest),
        )
    ).all()
    return {row.form_id: row for row in rows}


def _response_counts(session: Session, form_ids: list[int]) -> dict[int, tuple[int, int]]:
    submitted = case((FormResponse.status == FormResponseStatus.SUBMITTED, 1))
    rows = session.exec(
        select(FormResponse.form_id, func.count(), func.count(submitted))
        .where(col(FormResponse.form_id).in_(form_ids))
        .group_by(FormResponse.form_id)
    ).all()
    return {form_id: (sent, answered) for form_id, sent, answered in rows}


def list_forms(session: Session, actor: Actor) -> list[FormSummary]:
    """The actor's forms (the practice's for owner and assistant), the intake first."""
    rows = session.exec(
        select(Form, User.name)
        .join(User, User.id == Form.owner_id)
        .where(_form_scope(actor))
        .order_by(col(Form.is_intake).desc(), func.lower(Form.title), Form.id)
        .limit(LIST_LIMIT)
    ).all()
    ids = [f.id for f, _ in rows]
    versions, counts = _current_versions(session, ids), _response_counts(session, ids)
    return [
        FormSummary(
            f.id,
            f.title,
            bool(f.is_intake),
            owner,
            versions[f.id].version,
            len(versions[f.id].fields),
            *counts.get(f.id, (0, 0)),
        )
        for f, owner in rows
    ]


def _new_form(
    session: Session, actor: Actor, title: str, fields: list[dict], is_intake: bool = False
) -> int:
    form = Form(
        practice_id=actor.practice_id, owner_id=actor.user_id, title=title, is_intake=is_intake
    )
    session.add(form)
    session.flush()
    session.add(FormVersion(form_id=form.id, version=1, fields=fields))
    audit.record(
        session,
        "form.created",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="form",
        subject_id=form.id,
    )
    session.flush()
    return form.id


def _grievance_contact(session: Session, actor: Actor) -> str:
    practice = session.get(Practice, actor.practice_id)
    return f"{actor.name}, {practice.name} ({actor.email})"


def intake_id(session: Session, actor: Actor) -> int | None:
    """The therapist's Intake form (an archived one counts), or None before it is made."""
    _require_staff(actor)
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists have an intake form.")
    return session.exec(
        select(Form.id)
        .where(Form.owner_id == actor.user_id, col(Form.is_intake).is_(True))
        .order_by(Form.id)
    ).first()


def ensure_intake(session: Session, actor: Actor) -> int:
    """The therapist's Intake form, made once from the default template."""
    existing = intake_id(session, actor)
    if existing is not None:
        return existing
    statement = charter.current_for_therapist(session, actor.user_id).statement
    fields = clean_fields(intake.intake_fields(statement, _grievance_contact(session, actor)))
    return _new_form(session, actor, intake.INTAKE_TITLE, fields, is_intake=True)


def _clean_title(title: str) -> str:
    text = str(title or "").strip()
    if not text:
        raise InvalidInput({"title": "Give the form a title."})
    if len(text) > MAX_TITLE:
        raise InvalidInput({"title": f"Keep the title under {MAX_TITLE} characters."})
    return text


def create_form(session: Session, actor: Actor, title: str) -> int:
    """A new, empty form (version 1, no questions yet)."""
    _require_staff(actor)
    return _new_form(session, actor, _clean_title(title), [])


def _has_responses(session: Session, version_id: int) -> bool:
    return (
        session.exec(
            select(FormResponse.id).where(FormResponse.form_version_id == version_id)
        ).first()
        is not None
    )


def form_for_edit(session: Session, actor: Actor, form_id: int) -> FormDefinition:
    form = _staff_form(session, actor, form_id)
    version = current_version(session, form.id)
    return FormDefinition(
        form.id,
        form.title,
        bool(form.is_intake),
        version.version,
        list(version.fields),
        _has_responses(session, version.id),
    )


def _checked_definition(title: str, fields: list[dict]) -> tuple[str, list[dict]]:
    """The title and fields, cleaned; every problem of both at once otherwise."""
    errors: dict[str, str] = {}
    clean_title, cleaned = "", []
    try:
        clean_title = _clean_title(title)
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        cleaned = clean_fields(fields)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return clean_title, cleaned


def save_form(session: Session, actor: Actor, form_id: int, title: str, fields: list[dict]) -> int:
    """Save the title and questions; returns the version number. A version that any response refers
    to stays as it was: changed questions become the next version."""
    form = _staff_form(session, actor, form_id)
    form.title, cleaned = _checked_definition(title, fields)
    session.add(form)
    version = current_version(session, form.id)
    if cleaned != version.fields:
        if _has_responses(session, version.id):
            version = FormVersion(form_id=form.id, version=version.version + 1, fields=cleaned)
        else:
            version.fields = cleaned
        session.add(version)
    audit.record(
        session,
        "form.saved",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="form",
        subject_id=form.id,
        version=version.version,
    )
    session.flush()
    return version.version


def archive_form(session: Session, actor: Actor, form_id: int) -> None:
    """Hide a form from the list and from sending; its responses stay readable."""
    form = _staff_form(session, actor, form_id)
    form.archived = True
    session.add(form)
    audit.record(
        session,
        "form.archived",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="form",
        subject_id=form.id,
    )


# Sending -----------------------------------------------------------------------------------------


def _waiting(session: Session, form_id: int, client_ids: list[int]) -> set[int]:
    """Clients who already have this form to fill in."""
    return set(
        session.exec(
            select(FormResponse.client_id).where(
                FormResponse.form_id == form_id,
                col(FormResponse.client_id).in_(client_ids),
                FormResponse.status != FormResponseStatus.SUBMITTED,
            )
        ).all()
    )


def _client_ids(raw: list[int]) -> list[int]:
    try:
        ids = list(dict.fromkeys(int(c) for c in raw))
    except (TypeError, ValueError):
        raise InvalidInput({"client_ids": "Choose clients from the list."}) from None
    if not ids:
        raise InvalidInput({"client_ids": "Choose at least one client."})
    if len(ids) > LIST_LIMIT:
        raise InvalidInput({"client_ids": f"Send to at most {LIST_LIMIT} clients at a time."})
    return ids


def send(
    session: Session, actor: Actor, form_id: int, client_ids: list[int], now: datetime | None = None
) -> int:
    """Send the form's current version to each client (not again to one who has it waiting), with
    one email each. Returns how many were sent."""
    form = _staff_form(session, actor, form_id)
    version = current_version(session, form.id)
    if not any(f["type"] != "info" for f in version.fields):
        raise DomainError("Add at least one question before sending this form.")
    ids = _client_ids(client_ids)
    profiles = [clients.scoped_profile(session, actor, client_id) for client_id in ids]
    waiting, now, base_url = (
        _waiting(session, form.id, ids),
        now or utcnow(),
        get_settings().base_url,
    )
    sent = 0
    for profile in profiles:
        if profile.user_id in waiting:
            continue
        response = FormResponse(
            practice_id=profile.practice_id,
            form_id=form.id,
            form_version_id=version.id,
            client_id=profile.user_id,
            sent_by=actor.user_id,
            sent_at=now,
            updated_at=now,
        )
        session.add(response)
        session.flush()
        form_emails.form_sent(session, response, base_url)
        sent += 1
    audit.record(
        session,
        "form.sent",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="form",
        subject_id=form.id,
        version=version.version,
        clients=sent,
    )
    return sent


# Client side -------------------------------------------------------------------------------------


def _sent_form(response: FormResponse, title: str, version: int) -> SentForm:
    return SentForm(
        response.id,
        title,
        FormResponseStatus(response.status),
        version,
        response.sent_at,
        response.submitted_at,
    )


def _client_rows(session: Session, actor: Actor, submitted: bool) -> SentForms:
    _require_client(actor)
    done = FormResponse.status == FormResponseStatus.SUBMITTED
    order = col(FormResponse.submitted_at).desc() if submitted else col(FormResponse.sent_at).desc()
    rows = session.exec(
        select(FormResponse, Form.title, FormVersion.version)
        .join(Form, Form.id == FormResponse.form_id)
        .join(FormVersion, FormVersion.id == FormResponse.form_version_id)
        .where(FormResponse.client_id == actor.user_id, done if submitted else ~done)
        .order_by(order, col(FormResponse.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    return SentForms([_sent_form(*row) for row in rows], _timezone(session, actor.practice_id))


def todo_for_client(session: Session, actor: Actor) -> SentForms:
    """The forms the signed-in client still has to fill in, newest first."""
    return _client_rows(session, actor, submitted=False)


def done_for_client(session: Session, actor: Actor) -> SentForms:
    """The forms the signed-in client has submitted, newest first."""
    return _client_rows(session, actor, submitted=True)


def crisis_lines(view: charter.CharterView) -> list[dict[str, str]]:
    """The national lines, then the therapist's own contacts from their charter."""
    contacts = [*charter.DEFAULT_CRISIS_CONTACTS, *view.own_contacts]
    return [{"label": str(c.get("label", "")), "phone": str(c.get("phone", ""))} for c in contacts]


def open_for_client(session: Session, actor: Actor, response_id: int) -> OpenForm:
    """A form to fill in (or read back), with what was typed so far and the therapist's charter."""
    response = _client_response(session, actor, response_id)
    view = charter.for_client(session, actor.user_id)
    fields = [
        {**f, "text": view.statement} if f["type"] == "charter" else dict(f)
        for f in _fields_of(session, response)
    ]
    return OpenForm(
        response.id,
        session.get(Form, response.form_id).title,
        fields,
        dict(response.answers),
        FormResponseStatus(response.status),
        view.statement,
        view.version,
        crisis_lines(view),
    )


def to_answers(fields: list[dict], values: Mapping[str, str], today: date) -> dict:
    """The page's strings (key -> text; a ticked box is TICKED, the options of a multiple choice one
    per line) as typed answers; a typed signature is dated `today`."""
    answers: dict = {}
    for f in fields:
        key, kind = f["key"], f["type"]
        raw = str(values.get(key, "") or "")
        if kind == "info":
            continue
        if kind == "multiple_choice":
            answers[key] = [line for line in raw.split("\n") if line]
        elif kind in TICK_TYPES:
            answers[key] = raw == TICKED
        elif kind == "signature":
            answers[key] = {"name": raw.strip(), "date": today.isoformat()} if raw.strip() else {}
        elif raw != "":
            answers[key] = raw
    return answers


def _typed(
    session: Session, response: FormResponse, values: Mapping[str, str], now: datetime | None
) -> dict:
    return to_answers(
        _fields_of(session, response), values, practice_today(session, response.practice_id, now)
    )


def save_draft_values(
    session: Session,
    actor: Actor,
    response_id: int,
    values: Mapping[str, str],
    now: datetime | None = None,
) -> dict[str, str]:
    """`save_draft` from the page's strings (see `to_answers`)."""
    answers = _typed(session, _open_response(session, actor, response_id), values, now)
    return save_draft(session, actor, response_id, answers, now)


def submit_values(
    session: Session,
    actor: Actor,
    response_id: int,
    values: Mapping[str, str],
    now: datetime | None = None,
) -> None:
    """`submit` from the page's strings (see `to_answers`)."""
    submit(
        session,
        actor,
        response_id,
        _typed(session, _open_response(session, actor, response_id), values, now),
        now,
    )


def _open_response(session: Session, actor: Actor, response_id: int) -> FormResponse:
    response = _client_response(session, actor, response_id)
    if response.status == FormResponseStatus.SUBMITTED:
        raise DomainError("You have already submitted this form.")
    return response


def save_draft(
    session: Session, actor: Actor, response_id: int, answers: dict, now: datetime | None = None
) -> dict[str, str]:
    """Keep what was typed, even if some of it is not right yet; returns those problems by field
    key."""
    response = _open_response(session, actor, response_id)
    fields = _fields_of(session, response)
    response.answers = _kept(fields, answers)
    response.status, response.updated_at = FormResponseStatus.DRAFT, now or utcnow()
    session.add(response)
    return validate_answers(fields, response.answers, final=False)


def _finished(fields: list[dict], answers: dict, today: date) -> dict:
    """Answers as submitted: text trimmed, the signature dated."""
    types = {f["key"]: f["type"] for f in fields}
    done = {}
    for key, value in answers.items():
        if isinstance(value, str):
            value = value.strip()
        elif types[key] == "signature" and isinstance(value, Mapping):
            value = {"name": value["name"].strip(), "date": value["date"] or today.isoformat()}
        done[key] = value
    return done


def _acknowledged_charter(
    session: Session, profile: ClientProfile, fields: list[dict], answers: dict
) -> int | None:
    """Record the charter acknowledgement when a charter box is ticked; the version acknowledged."""
    if not any(f["type"] == "charter" and answers.get(f["key"]) is True for f in fields):
        return None
    version = charter.current_for_therapist(session, profile.therapist_id).version
    version = version or charter.ensure_saved(session, profile.therapist_id).version
    charter.acknowledge(session, profile.user_id, version)
    return version


def _profile_offer(fields: list[dict], answers: dict, profile: ClientProfile) -> dict[str, str]:
    """The emergency-contact answers that differ from the client's profile."""
    offer = {}
    for field in fields:
        value = answers.get(field["key"])
        if not field.get("profile") or not isinstance(value, str) or not value:
            continue
        if field["profile"] == "emergency_contact_phone":
            value = parse_phone(value)
        if value != getattr(profile, field["profile"]):
            offer[field["profile"]] = value
    return offer


def submit(
    session: Session, actor: Actor, response_id: int, answers: dict, now: datetime | None = None
) -> None:
    """Send the answers to the therapist. InvalidInput (errors by field key) leaves the response as
    it was: save the draft first so nothing typed is lost."""
    response = _open_response(session, actor, response_id)
    fields = _fields_of(session, response)
    kept = _kept(fields, answers)
    if errors := validate_answers(fields, kept, final=True):
        raise InvalidInput(errors)
    now = now or utcnow()
    profile = session.get(ClientProfile, actor.user_id)
    today = practice_today(session, response.practice_id, now)
    response.answers = _finished(fields, kept, today)
    response.status, response.submitted_at, response.updated_at = (
        FormResponseStatus.SUBMITTED,
        now,
        now,
    )
    response.charter_version = _acknowledged_charter(session, profile, fields, response.answers)
    response.profile_update = _profile_offer(fields, response.answers, profile)
    session.add(response)
    session.flush()
    if session.get(Form, response.form_id).is_intake:
        resources.on_trigger(session, actor.user_id, ShareTrigger.INTAKE_SUBMITTED, actor.user_id)
    form_emails.form_submitted(session, response, profile.therapist_id, get_settings().base_url)
    audit.record(
        session,
        "form.submitted",
        practice_id=response.practice_id,
        actor_id=actor.user_id,
        subject_type="form_response",
        subject_id=response.id,
    )


# Therapist side ----------------------------------------------------------------------------------


def responses_for_client(session: Session, actor: Actor, client_id: int) -> SentForms:
    """Every form sent to the client, newest first."""
    clients.scoped_profile(session, actor, client_id)
    rows = session.exec(
        select(FormResponse, Form.title, FormVersion.version)
        .join(Form, Form.id == FormResponse.form_id)
        .join(FormVersion, FormVersion.id == FormResponse.form_version_id)
        .where(FormResponse.client_id == client_id)
        .order_by(col(FormResponse.sent_at).desc(), col(FormResponse.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    return SentForms([_sent_form(*row) for row in rows], _timezone(session, actor.practice_id))


def _risk_flag(fields: list[dict], answers: dict) -> bool:
    return any(f.get("risk") and answers.get(f["key"]) == "yes" for f in fields)


def response_detail(session: Session, actor: Actor, response_id: int) -> ResponseDetail:
    """A submitted form as its client answered it, in the questions of the version they were
    sent."""
    response = _readable_response(session, actor, response_id)
    if response.status != FormResponseStatus.SUBMITTED:
        raise DomainError("This form has not been submitted yet.")
    version = session.get(FormVersion, response.form_version_id)
    return ResponseDetail(
        id=response.id,
        title=session.get(Form, response.form_id).title,
        client=session.get(User, response.client_id).name,
        version=version.version,
        fields=list(version.fields),
        answers=dict(response.answers),
        sent_at=response.sent_at,
        submitted_at=response.submitted_at,
        timezone=_timezone(session, response.practice_id),
        charter_version=response.charter_version,
        profile_update=dict(response.profile_update),
        profile_update_applied=response.profile_update_applied_at is not None,
        risk_flag=_risk_flag(version.fields, response.answers),
    )


def apply_profile_update(
    session: Session, actor: Actor, response_id: int, now: datetime | None = None
) -> None:
    """Copy the emergency contact the client gave into their profile, once the therapist
    confirms."""
    response = _staff_response(session, actor, response_id)
    if response.status != FormResponseStatus.SUBMITTED or not response.profile_update:
        raise DomainError("This form has no emergency contact to copy.")
    if response.profile_update_applied_at is not None:
        raise DomainError("This emergency contact is already in the client's profile.")
    profile = session.get(ClientProfile, response.client_id)
    for target, value in response.profile_update.items():
        if target not in PROFILE_TARGETS:
            continue
        try:
            value = parse_phone(value) if target == "emergency_contact_phone" else str(value)
        except ValueError as exc:
            raise InvalidInput({target: str(exc)}) from None
        setattr(profile, target, value[: PROFILE_TARGETS[target][1]])
    response.profile_update_applied_at = now or utcnow()
    session.add_all([profile, response])
    audit.record(
        session,
        "client.changed",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=response.client_id,
        fields=sorted(response.profile_update),
        source="form",
    )
