"""What the forms and resources pages show, shaped from the content services' data into typed rows.
Pure: no database, no reflex."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace

from practipal_app.boundaries.views import CrisisContact, crisis_contacts
from practipal_app.content.forms import (
    CHOICE_TYPES,
    FIELD_TYPES,
    TICK_TYPES,
    TICKED,
    FormSummary,
    OpenForm,
    ResponseDetail,
    SentForms,
    is_empty,
    iso_date,
)
from practipal_app.content.resources import (
    CATEGORY_LABELS,
    TRIGGER_LABELS,
    ClientShare,
    LibraryItem,
    ResourceContent,
    RuleEntry,
    SharedWithClient,
    Shares,
    size_label,
)
from practipal_app.core.phones import display_phone, parse_phone
from practipal_app.core.timefmt import date_label, format_local, local
from practipal_app.core.views import Option
from practipal_app.models import FormResponseStatus, ResourceKind

# Forms -------------------------------------------------------------------------------------------

STATUS_LABELS = {
    FormResponseStatus.SENT: "Not started",
    FormResponseStatus.DRAFT: "In progress",
    FormResponseStatus.SUBMITTED: "Submitted",
}
#: The profile details a form can offer, as the therapist reads them.
UPDATE_LABELS = {
    "emergency_contact_name": "Name",
    "emergency_contact_relation": "Relation",
    "emergency_contact_phone": "Phone",
}
#: What a new question of a choice type starts with.
STARTER_OPTIONS = ("Option 1", "Option 2")
#: What the builder may change of a question, by the name its inputs send.
EDITABLE = ("label", "help", "text", "options", "required", "risk")


@dataclass(frozen=True)
class FormRow:
    """One form in the list of /app/forms."""

    id: int
    title: str
    is_intake: bool
    owner: str
    version: int
    questions: int
    sent: int
    answered: int


def form_rows(forms: list[FormSummary]) -> list[FormRow]:
    return [
        FormRow(f.id, f.title, f.is_intake, f.owner, f.version, f.questions, f.sent, f.answered)
        for f in forms
    ]


def form_options(forms: list[FormSummary], own_name: str) -> list[Option]:
    """The forms to send, value the form's id; another person's form is labelled with their name."""
    return [
        Option(str(f.id), f.title if f.owner == own_name else f"{f.title} ({f.owner})")
        for f in forms
    ]


@dataclass(frozen=True)
class QuestionRow:
    """A question as the builder edits it and as the client fills it in (the phone preview renders
    the builder's rows with the client's components)."""

    key: str
    type: str
    type_label: str
    label: str
    help: str
    text: str
    required: bool
    risk: bool
    profile: str
    options: list[str] = field(default_factory=list)


def question_row(f: Mapping) -> QuestionRow:
    kind = str(f.get("type", ""))
    return QuestionRow(
        key=str(f.get("key", "")),
        type=kind,
        type_label=FIELD_TYPES.get(kind, kind),
        label=str(f.get("label", "")),
        help=str(f.get("help", "")),
        text=str(f.get("text", "")),
        required=bool(f.get("required")),
        risk=bool(f.get("risk")),
        profile=str(f.get("profile", "")),
        options=[str(o) for o in f.get("options") or []],
    )


def question_rows(fields: list[dict]) -> list[QuestionRow]:
    return [question_row(f) for f in fields]


def new_question(kind: str) -> QuestionRow | None:
    """A blank question of a known type (an information block starts without a heading)."""
    if kind not in FIELD_TYPES:
        return None
    return question_row(
        {
            "type": kind,
            "label": "" if kind == "info" else FIELD_TYPES[kind],
            "options": list(STARTER_OPTIONS) if kind in CHOICE_TYPES else [],
        }
    )


def edited(row: QuestionRow, name: str, value: object) -> QuestionRow:
    """The question with one of its inputs changed; options come one per line, boxes as booleans."""
    if name == "options":
        return replace(
            row, options=[line.strip() for line in str(value).split("\n") if line.strip()]
        )
    if name in ("required", "risk"):
        return replace(row, **{name: bool(value)})
    if name in EDITABLE:
        return replace(row, **{name: str(value)})
    return row


def question_dicts(rows: list[QuestionRow]) -> list[dict]:
    """The builder's questions as the forms service takes them (see `forms.clean_fields`)."""
    return [{k: v for k, v in asdict(row).items() if k != "type_label"} for row in rows]


@dataclass(frozen=True)
class SentFormRow:
    """One form sent to one client: on the client's page, and on the portal's to-do and done
    lists."""

    id: int
    title: str
    status: str
    status_label: str
    #: The client has saved a draft: the portal says "carry on where you left off".
    started: bool
    version: int
    sent: str
    submitted: str


def _day(moment, tz: str) -> str:
    return date_label(local(moment, tz).date()) if moment else ""


def sent_form_rows(sent: SentForms) -> list[SentFormRow]:
    return [
        SentFormRow(
            f.id,
            f.title,
            str(f.status),
            STATUS_LABELS.get(f.status, str(f.status)),
            f.status == FormResponseStatus.DRAFT,
            f.version,
            _day(f.sent_at, sent.timezone),
            _day(f.submitted_at, sent.timezone),
        )
        for f in sent.items
    ]


def fill_values(fields: list[dict], answers: Mapping) -> dict[str, str]:
    """Saved answers as the page's strings, key -> text (the reverse of `forms.to_answers`)."""
    values: dict[str, str] = {}
    for f in fields:
        value = answers.get(f["key"])
        if value is None:
            continue
        if isinstance(value, list):
            values[f["key"]] = "\n".join(str(v) for v in value)
        elif isinstance(value, bool):
            values[f["key"]] = TICKED if value else ""
        elif isinstance(value, Mapping):
            values[f["key"]] = str(value.get("name", ""))
        else:
            values[f["key"]] = str(value)
    return values


def toggled(current: str, option: str, ticked: bool) -> str:
    """A multiple-choice answer (options one per line) with `option` ticked or unticked."""
    chosen = [v for v in current.split("\n") if v and v != option]
    return "\n".join([*chosen, option] if ticked else chosen)


@dataclass(frozen=True)
class FillView:
    """/portal/forms/[response_id]: the form, the page's strings of what was typed, the charter."""

    title: str
    status: str
    questions: list[QuestionRow]
    values: dict[str, str]
    charter_statement: str
    crisis_lines: list[CrisisContact]


def fill_view(form: OpenForm) -> FillView:
    return FillView(
        form.title,
        str(form.status),
        question_rows(form.fields),
        fill_values(form.fields, form.answers),
        form.charter_statement,
        crisis_contacts(form.crisis_lines),
    )


def _date_text(value: object) -> str:
    day = iso_date(value)
    return date_label(day) if day else str(value or "")


def _phone_text(value: str) -> str:
    try:
        return display_phone(parse_phone(value))
    except ValueError:
        return value


def answer_text(question: Mapping, value: object) -> str:
    """An answer as a person reads it."""
    kind = question["type"]
    if kind in TICK_TYPES:
        return "Agreed" if value is True else "Not agreed"
    if is_empty(value):
        return "Not answered"
    if kind == "signature":
        return f"{value['name']}, {_date_text(value.get('date'))}".rstrip(", ")
    renderers = {
        "yes_no": lambda v: {"yes": "Yes", "no": "No"}.get(v, str(v)),
        "multiple_choice": lambda v: ", ".join(v) if isinstance(v, list) else str(v),
        "date": _date_text,
        "phone": _phone_text,
        "scale": lambda v: f"{v} / 10",
    }
    return renderers[kind](value) if kind in renderers else str(value)


@dataclass(frozen=True)
class AnswerRow:
    """A question and its answer; an information block (`is_heading`) shows its heading only."""

    label: str
    answer: str
    is_heading: bool


@dataclass(frozen=True)
class DetailRow:
    label: str
    value: str


@dataclass(frozen=True)
class ResponseView:
    """/app/forms/responses/[response_id] and its PDF. `ResponseView()` is the page before
    loading."""

    id: int = 0
    title: str = ""
    client: str = ""
    version: int = 0
    sent: str = ""
    submitted: str = ""
    answers: list[AnswerRow] = field(default_factory=list)
    #: The charter version the client acknowledged in this form; 0 when none.
    charter_version: int = 0
    #: The emergency contact the client gave, when it differs from their profile.
    update_rows: list[DetailRow] = field(default_factory=list)
    update_applied: bool = False
    risk_flag: bool = False


def answer_rows(fields: list[dict], answers: Mapping) -> list[AnswerRow]:
    rows = []
    for f in fields:
        if f["type"] == "info":
            if f["label"]:
                rows.append(AnswerRow(f["label"], "", True))
            continue
        rows.append(AnswerRow(f["label"], answer_text(f, answers.get(f["key"])), False))
    return rows


def response_view(detail: ResponseDetail) -> ResponseView:
    return ResponseView(
        id=detail.id,
        title=detail.title,
        client=detail.client,
        version=detail.version,
        sent=_day(detail.sent_at, detail.timezone),
        submitted=format_local(detail.submitted_at, detail.timezone),
        answers=answer_rows(detail.fields, detail.answers),
        charter_version=detail.charter_version or 0,
        update_rows=[
            DetailRow(UPDATE_LABELS.get(k, k), str(v)) for k, v in detail.profile_update.items()
        ],
        update_applied=detail.profile_update_applied,
        risk_flag=detail.risk_flag,
    )


# Resources ---------------------------------------------------------------------------------------


def file_url(resource_id: int) -> str:
    """Where a file resource is served, to those who may see it."""
    return f"/api/resources/{resource_id}/file"


def file_label(name: str, size: int) -> str:
    """'worksheet.pdf (1.2 MB)'."""
    return f"{name} ({size_label(size)})"


@dataclass(frozen=True)
class ResourceRow:
    """One resource of /app/resources."""

    id: int
    title: str
    kind: str
    category: str
    category_label: str
    #: "anxiety, sleep".
    tags: str
    language: str
    #: "Practice library" or "Mine".
    scope: str
    file_name: str
    #: A file's size, "1.2 MB"; "" for texts and links.
    size: str
    shared_count: int
    opened_count: int
    #: Added by the person looking: they may delete it.
    mine: bool
    starter: bool


def resource_rows(items: list[LibraryItem], user_id: int) -> list[ResourceRow]:
    return [
        ResourceRow(
            id=r.id,
            title=r.title,
            kind=str(r.kind),
            category=str(r.category),
            category_label=CATEGORY_LABELS.get(r.category, "Other"),
            tags=", ".join(r.tags),
            language=r.language,
            scope="Practice library" if r.practice_wide else "Mine",
            file_name=r.file_name,
            size=size_label(r.size_bytes) if r.kind == ResourceKind.FILE else "",
            shared_count=item.shared_with,
            opened_count=item.opened_by,
            mine=r.owner_id == user_id,
            starter=bool(r.starter_key),
        )
        for item in items
        for r in (item.resource,)
    ]


@dataclass(frozen=True)
class ShareRow:
    """One client a resource is shared with."""

    client_id: int
    client: str
    shared: str
    #: "opened on 3 Dec 2026, 10:52 am" or "not opened yet".
    opened: str
    was_opened: bool
    note: str


def _share_row(share: ClientShare, tz: str) -> ShareRow:
    opened = (
        f"opened on {format_local(share.first_opened_at, tz)}"
        if share.first_opened_at
        else "not opened yet"
    )
    return ShareRow(
        share.client_id,
        share.client,
        _day(share.shared_at, tz),
        opened,
        share.first_opened_at is not None,
        share.note,
    )


def share_rows(shares: Shares) -> list[ShareRow]:
    return [_share_row(share, shares.timezone) for share in shares.items]


@dataclass(frozen=True)
class RuleRow:
    trigger: str
    trigger_label: str
    resource_id: int
    title: str
    enabled: bool


def rule_rows(rules: list[RuleEntry]) -> list[RuleRow]:
    return [
        RuleRow(
            str(r.trigger),
            TRIGGER_LABELS.get(r.trigger, str(r.trigger)),
            r.resource_id,
            r.title,
            r.enabled,
        )
        for r in rules
    ]


@dataclass(frozen=True)
class PortalResourceRow:
    """One resource of /portal/resources."""

    id: int
    title: str
    kind: str
    category_label: str
    note: str
    shared: str
    #: Not opened yet: marked "New".
    is_new: bool
    file_name: str
    content_type: str


def portal_resource_rows(shared: SharedWithClient) -> list[PortalResourceRow]:
    return [
        PortalResourceRow(
            r.id,
            r.title,
            str(r.kind),
            CATEGORY_LABELS.get(r.category, "Other"),
            r.note,
            _day(r.shared_at, shared.timezone),
            not r.opened,
            r.file_name,
            r.content_type,
        )
        for r in shared.items
    ]


@dataclass(frozen=True)
class OpenedResource:
    """One resource opened: a text's sanitized HTML, a link, or a file's address."""

    id: int
    title: str
    kind: str
    html: str
    url: str
    file_url: str
    content_type: str
    note: str


def opened_resource(content: ResourceContent) -> OpenedResource:
    return OpenedResource(
        content.id,
        content.title,
        str(content.kind),
        content.html,
        content.url,
        file_url(content.id) if content.is_file else "",
        content.content_type,
        content.note,
    )
