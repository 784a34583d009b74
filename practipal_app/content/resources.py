"""The resource vault: files, texts and links a therapist keeps, shares with clients, and sees
opened.

Who sees what: staff see the practice library (practice-wide items) and their own items; a client
sees only what was shared with them. Anything else answers NotFound, the same as a missing id.
Adding, changing, sharing and automatic rules are for clinicians (owner and therapists).

Files are checked by their bytes (never their name), kept in the private resources folder under
a random name, and served only by /api/resources/{id}/file. A new file is deleted again if its
transaction rolls back; a deleted resource's file goes once the deletion commits.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import Text, cast, event, func, or_
from sqlalchemy import delete as sql_delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from practipal_app.config import MEGABYTE, get_settings
from practipal_app.content import resource_emails
from practipal_app.core import audit
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.private_files import private_dir, write_private
from practipal_app.models import (
    AutoShareRule,
    ClientProfile,
    ClientStatus,
    Practice,
    Resource,
    ResourceCategory,
    ResourceKind,
    ResourceShare,
    Role,
    ShareTrigger,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.people import clients

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_URL = 1000
MAX_NOTE = 500
MAX_TAGS, MAX_TAG = 10, 30
MAX_LANGUAGE = 40
LIST_LIMIT = 100
CATEGORY_LABELS: dict[str, str] = {
    ResourceCategory.GROUNDING: "Grounding exercise",
    ResourceCategory.PSYCHOEDUCATION: "Psychoeducation",
    ResourceCategory.REFLECTION: "Reflection prompt",
    ResourceCategory.WORKSHEET: "Worksheet",
    ResourceCategory.AUDIO: "Audio",
    ResourceCategory.OTHER: "Other",
}
TRIGGER_LABELS: dict[str, str] = {
    ShareTrigger.INTAKE_SUBMITTED: "After intake is submitted",
    ShareTrigger.MISSED_SESSION: "After a missed session",
    ShareTrigger.BEFORE_LEAVE: "When I add leave",
}
# What may be uploaded, by the type read from the bytes, with the extension it is stored under.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
}
NOT_ALLOWED = "This file is not a PDF, PNG, JPEG, MP3 or M4A, whatever its name says."
M4A_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"isom"}


@dataclass(frozen=True)
class LibraryItem:
    """A resource of the library (its body not loaded), with how many of the actor's clients have it
    and how many of those opened it."""

    resource: Resource
    shared_with: int
    opened_by: int


@dataclass(frozen=True)
class ClientShare:
    """One client a resource is shared with."""

    client_id: int
    client: str
    shared_at: datetime
    first_opened_at: datetime | None
    note: str


@dataclass(frozen=True)
class Shares:
    """Who has a resource, newest share first, and the practice's zone their dates are shown in."""

    items: list[ClientShare]
    timezone: str


@dataclass(frozen=True)
class SharedResource:
    """A resource as shared with the signed-in client."""

    id: int
    title: str
    kind: ResourceKind
    category: str
    note: str
    shared_at: datetime
    opened: bool
    file_name: str
    content_type: str


@dataclass(frozen=True)
class SharedWithClient:
    items: list[SharedResource]
    timezone: str


@dataclass(frozen=True)
class ResourceContent:
    """One resource opened: a text as sanitized HTML, a link's address, or whether it is a file
    (served by /api/resources/{id}/file); `note` is the share's note when a client opens it."""

    id: int
    title: str
    kind: ResourceKind
    html: str
    url: str
    is_file: bool
    content_type: str
    note: str


@dataclass(frozen=True)
class RuleEntry:
    """An automatic sharing rule: share `resource_id` on `trigger`."""

    trigger: ShareTrigger
    resource_id: int
    title: str
    enabled: bool


# Content -----------------------------------------------------------------------------------------


def _mp3_frame(head: bytes) -> bool:
    """An MPEG audio Layer III frame header: 11 sync bits, no reserved version, bitrate or rate.
    (Layer III only: a UTF-16 byte-order mark, FF FE, would pass as a Layer I header.)"""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0b1111) and rate != 0b11


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (one of ALLOWED_TYPES), or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"ID3") or _mp3_frame(data[:3]):
        return "audio/mpeg"
    if data[4:8] == b"ftyp" and data[8:12] in M4A_BRANDS:
        return "audio/mp4"
    return None


def _safe_link(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in {"http", "https", "mailto"}


_MARKDOWN = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).enable("table")
_MARKDOWN.validateLink = _safe_link  # relative and other-scheme links stay plain text
ALLOWED_TAGS = {
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def render_markdown(text: str) -> str:
    """A text resource as HTML safe to show: raw HTML is escaped by the parser, then an allow-list
    sanitizer keeps only simple tags and http/https/mailto links."""
    return nh3.clean(
        _MARKDOWN.render(text),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _megabytes(size: int) -> str:
    """'23.4 MB', rounded up, so a file just over the limit never reads as the limit itself."""
    return f"{math.ceil(size * 10 / MEGABYTE) / 10:.1f}".removesuffix(".0") + " MB"


def size_label(size: int) -> str:
    """'1.2 MB', '340 KB'."""
    return _megabytes(size) if size >= MEGABYTE else f"{max(1, round(size / 1000))} KB"


def check_upload_size(size: int | None) -> None:
    """InvalidInput (keyed "file") for an upload over the limit, before its bytes are read."""
    limit = get_settings().max_upload_bytes
    if (size or 0) > limit:
        raise InvalidInput(
            {"file": f"This file is {size_label(size)}; the limit is {size_label(limit)}."}
        )


# Checking what was typed -------------------------------------------------------------------------


def _tags(tags: list[str] | str) -> tuple[list[str], str]:
    """(tags, problem): trimmed, without repeats, from a comma-separated string or a list."""
    raw = tags.split(",") if isinstance(tags, str) else [str(t) for t in tags]
    found: dict[str, str] = {}
    for tag in (t.strip() for t in raw):
        if tag:
            found.setdefault(tag.lower(), tag)
    if len(found) > MAX_TAGS:
        return [], f"Use at most {MAX_TAGS} tags."
    if any(len(tag) > MAX_TAG for tag in found.values()):
        return [], f"Keep each tag under {MAX_TAG} characters."
    return list(found.values()), ""


def _details(
    title: str, category: str, tags: list[str] | str, language: str
) -> tuple[dict, dict[str, str]]:
    """(the cleaned values, an error per field)."""
    errors: dict[str, str] = {}
    title, language = title.strip(), language.strip() or "English"
    if not title:
        errors["title"] = "Give it a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    if category not in CATEGORY_LABELS:
        errors["category"] = "Choose a category."
    tag_list, problem = _tags(tags)
    if problem:
        errors["tags"] = problem
    if len(language) > MAX_LANGUAGE:
        errors["language"] = f"Keep the language under {MAX_LANGUAGE} characters."
    return {"title": title, "category": category, "tags": tag_list, "language": language}, errors


def _file_problem(data: bytes) -> str:
    limit = get_settings().max_upload_bytes
    if not data:
        return "This file is empty."
    if len(data) > limit:
        return f"This file is {_megabytes(len(data))}; the limit is {_megabytes(limit)}."
    return "" if sniff(data) else NOT_ALLOWED


def _body_problem(body: str) -> str:
    if not body.strip():
        return "Write the text."
    return f"Keep the text under {MAX_BODY:,} characters." if len(body) > MAX_BODY else ""


def _url_problem(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return "Enter a web address starting with https:// (or http://)."
    if len(url.strip()) > MAX_URL or re.search(r"\s", url.strip()):
        return "This web address is too long or has spaces in it."
    return ""


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(errors)


def _display_name(file_name: str) -> str:
    """The uploaded file's own name (no folders, no control characters), as shown and downloaded."""
    name = re.sub(
        r"[\x00-\x1f\x7f\"\\]", "", file_name.replace("\\", "/").rsplit("/", 1)[-1]
    ).strip()
    stem, dot, ext = name.rpartition(".")
    return (stem[:190] + dot + ext[:8] if dot else name[:200]) or "file"


# Files on disk -----------------------------------------------------------------------------------

_FILES = "practipal.resource_files"


def _pending_files(session: Session) -> dict[str, list[Path]]:
    """Files that follow this transaction: 'new' ones go if it rolls back, 'removed' ones once it
    commits."""
    files = session.info.get(_FILES)
    if files is None:
        files = session.info[_FILES] = {"new": [], "removed": []}
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_transaction_end", _ended)
    return files


def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released; the transaction goes on
        return
    files = session.info[_FILES]
    for path in files["removed"]:
        path.unlink(missing_ok=True)
    files["new"].clear()
    files["removed"].clear()


def _ended(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    files = session.info[
        _FILES
    ]  # after a commit both lists are empty: what is left was rolled back
    for path in files["new"]:
        path.unlink(missing_ok=True)
    files["new"].clear()
    files["removed"].clear()


def _store(session: Session, data: bytes, extension: str) -> str:
    """Write the bytes under a new random name, atomically and readable by this user only."""
    folder = private_dir(get_settings().resources_dir)
    name = secrets.token_hex(16) + extension
    write_private(folder / name, data)
    _pending_files(session)["new"].append(folder / name)
    return name


# Access ------------------------------------------------------------------------------------------


def _require_clinician(actor: Actor) -> None:
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists add, change and share resources.")


def _visible(actor: Actor):
    """The resources a staff member may see: the practice library and their own."""
    if not actor.is_staff:
        raise PermissionDenied()
    return (Resource.practice_id == actor.practice_id) & or_(
        col(Resource.practice_wide), Resource.owner_id == actor.user_id
    )


def _resource_for(session: Session, actor: Actor, resource_id: int) -> Resource:
    """The resource if the actor may see it (staff: library or own; client: shared with them)."""
    if actor.role == Role.CLIENT:
        shared = select(ResourceShare.resource_id).where(ResourceShare.client_id == actor.user_id)
        where = (Resource.practice_id == actor.practice_id) & col(Resource.id).in_(shared)
    else:
        where = _visible(actor)
    row = session.exec(select(Resource).where(Resource.id == resource_id, where)).first()
    if row is None:
        raise NotFound("No such resource.")
    return row


def _editable(session: Session, actor: Actor, resource_id: int) -> Resource:
    _require_clinician(actor)
    row = _resource_for(session, actor, resource_id)
    if row.owner_id != actor.user_id and not (row.practice_wide and actor.role == Role.OWNER):
        raise PermissionDenied(
            "Only the person who added it (or the practice owner, in the practice library) "
            "can change it."
        )
    return row


def _share_of(session: Session, resource_id: int, client_id: int) -> ResourceShare | None:
    return session.exec(
        select(ResourceShare).where(
            ResourceShare.resource_id == resource_id, ResourceShare.client_id == client_id
        )
    ).first()


# Adding, changing, deleting ----------------------------------------------------------------------


def _insert(
    session: Session, actor: Actor, kind: str, values: dict, practice_wide: bool, **fields
) -> int:
    row = Resource(
        practice_id=actor.practice_id,
        owner_id=actor.user_id,
        practice_wide=bool(practice_wide),
        kind=kind,
        **values,
        **fields,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "resource.added",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="resource",
        subject_id=row.id,
        resource_kind=kind,
    )
    return row.id


def add_file(
    session: Session,
    actor: Actor,
    *,
    title: str,
    category: str,
    tags: list[str] | str,
    language: str,
    practice_wide: bool,
    file_name: str,
    data: bytes,
) -> int:
    _require_clinician(actor)
    values, errors = _details(title, category, tags, language)
    if problem := _file_problem(data):
        errors["file"] = problem
    _raise_if(errors)
    content_type = sniff(data)
    stored = _store(session, data, ALLOWED_TYPES[content_type])
    return _insert(
        session,
        actor,
        ResourceKind.FILE,
        values,
        practice_wide,
        file_name=_display_name(file_name),
        stored_name=stored,
        content_type=content_type,
        size_bytes=len(data),
    )


def add_text(
    session: Session,
    actor: Actor,
    *,
    title: str,
    category: str,
    tags: list[str] | str,
    language: str,
    practice_wide: bool,
    body: str,
    starter_key: str = "",
) -> int:
    _require_clinician(actor)
    values, errors = _details(title, category, tags, language)
    if problem := _body_problem(body):
        errors["body"] = problem
    _raise_if(errors)
    return _insert(
        session,
        actor,
        ResourceKind.TEXT,
        values,
        practice_wide,
        body=body.strip(),
        starter_key=starter_key,
    )


def add_link(
    session: Session,
    actor: Actor,
    *,
    title: str,
    category: str,
    tags: list[str] | str,
    language: str,
    practice_wide: bool,
    url: str,
) -> int:
    _require_clinician(actor)
    values, errors = _details(title, category, tags, language)
    if problem := _url_problem(url):
        errors["url"] = problem
    _raise_if(errors)
    return _insert(session, actor, ResourceKind.LINK, values, practice_wide, url=url.strip())


def add(
    session: Session,
    actor: Actor,
    kind: str,
    *,
    title: str,
    category: str,
    tags: list[str] | str,
    language: str,
    practice_wide: bool,
    body: str = "",
    url: str = "",
    file_name: str = "",
    data: bytes | None = None,
) -> int:
    """Add a file (`data` read from the upload, None when none was chosen), a text or a link."""
    details = {
        "title": title,
        "category": category,
        "tags": tags,
        "language": language,
        "practice_wide": practice_wide,
    }
    if kind == ResourceKind.FILE:
        if data is None:
            _require_clinician(actor)
            raise InvalidInput({"file": "Choose a file to upload."})
        return add_file(session, actor, file_name=file_name, data=data, **details)
    if kind == ResourceKind.TEXT:
        return add_text(session, actor, body=body, **details)
    return add_link(session, actor, url=url, **details)


def update(
    session: Session,
    actor: Actor,
    resource_id: int,
    *,
    title: str,
    category: str,
    tags: list[str] | str,
    language: str,
    practice_wide: bool,
    body: str | None = None,
    url: str | None = None,
) -> None:
    """Change a resource's details (and a text's body or a link's address, when given)."""
    row = _editable(session, actor, resource_id)
    values, errors = _details(title, category, tags, language)
    if row.kind == ResourceKind.TEXT and body is not None and (problem := _body_problem(body)):
        errors["body"] = problem
    if row.kind == ResourceKind.LINK and url is not None and (problem := _url_problem(url)):
        errors["url"] = problem
    _raise_if(errors)
    for name, value in values.items():
        setattr(row, name, value)
    row.practice_wide = bool(practice_wide)
    if row.kind == ResourceKind.TEXT and body is not None:
        row.body = body.strip()
    if row.kind == ResourceKind.LINK and url is not None:
        row.url = url.strip()
    session.add(row)
    audit.record(
        session,
        "resource.changed",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="resource",
        subject_id=row.id,
    )


def delete(session: Session, actor: Actor, resource_id: int) -> None:
    """Remove a resource with its shares and rules; its file goes once this commits."""
    row = _editable(session, actor, resource_id)
    session.execute(sql_delete(ResourceShare).where(col(ResourceShare.resource_id) == row.id))
    session.execute(sql_delete(AutoShareRule).where(col(AutoShareRule.resource_id) == row.id))
    session.delete(row)
    session.flush()
    if row.stored_name:
        _pending_files(session)["removed"].append(get_settings().resources_dir / row.stored_name)
    audit.record(
        session,
        "resource.deleted",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="resource",
        subject_id=resource_id,
    )


# The library -------------------------------------------------------------------------------------


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _matches(query: str):
    """The title or a tag contains the query. Tags are JSON text, where non-ASCII letters may be
    written as \\u escapes, so the query is also matched as JSON writes it."""
    tags = func.lower(cast(Resource.tags, Text))
    return or_(
        func.lower(Resource.title).like(_like(query), escape="\\"),
        tags.like(_like(query), escape="\\"),
        tags.like(_like(json.dumps(query)[1:-1]), escape="\\"),
    )


def _share_counts(session: Session, actor: Actor, ids: list[int]) -> dict[int, tuple[int, int]]:
    """resource id -> (shared with, opened by), among the clients the actor may see."""
    if not ids:
        return {}
    rows = session.exec(
        select(ResourceShare.resource_id, func.count(), func.count(ResourceShare.first_opened_at))
        .join(ClientProfile, ClientProfile.user_id == ResourceShare.client_id)
        .where(col(ResourceShare.resource_id).in_(ids), clients._scope(actor))
        .group_by(ResourceShare.resource_id)
    ).all()
    return {rid: (shared, opened) for rid, shared, opened in rows}


def library(
    session: Session, actor: Actor, query: str = "", category: str = ""
) -> list[LibraryItem]:
    """What the staff member may see, newest first (at most LIST_LIMIT rows)."""
    where = [_visible(actor)]
    if category in CATEGORY_LABELS:
        where.append(Resource.category == category)
    if text := query.strip().lower():
        where.append(_matches(text))
    rows = session.exec(
        select(Resource)
        .options(defer(Resource.body))
        .where(*where)
        .order_by(col(Resource.created_at).desc(), col(Resource.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    counts = _share_counts(session, actor, [row.id for row in rows])
    return [LibraryItem(row, *counts.get(row.id, (0, 0))) for row in rows]


def shares_of(session: Session, actor: Actor, resource_id: int) -> Shares:
    """Who has this resource, among the staff member's clients (owner and assistant: the
    practice's)."""
    if not actor.is_staff:
        raise PermissionDenied()
    _resource_for(session, actor, resource_id)
    tz = session.get(Practice, actor.practice_id).timezone
    rows = session.exec(
        select(ResourceShare, User.name)
        .join(ClientProfile, ClientProfile.user_id == ResourceShare.client_id)
        .join(User, User.id == ResourceShare.client_id)
        .where(ResourceShare.resource_id == resource_id, clients._scope(actor))
        .order_by(col(ResourceShare.shared_at).desc(), col(ResourceShare.id).desc())
    ).all()
    return Shares(
        [
            ClientShare(share.client_id, name, share.shared_at, share.first_opened_at, share.note)
            for share, name in rows
        ],
        tz,
    )


# Sharing -----------------------------------------------------------------------------------------


def _add_share(
    session: Session, resource_id: int, client_id: int, shared_by: int, note: str
) -> bool:
    """Share once; False when it already was (including by a concurrent request)."""
    try:
        with session.begin_nested():
            session.add(
                ResourceShare(
                    resource_id=resource_id, client_id=client_id, shared_by=shared_by, note=note
                )
            )
            session.flush()
    except IntegrityError:
        return False
    return True


def share(
    session: Session, actor: Actor, resource_id: int, client_ids: list[int], note: str = ""
) -> int:
    """Share with each client; how many did not have it yet. Sharing again changes the note only."""
    _require_clinician(actor)
    row = _resource_for(session, actor, resource_id)
    ids = list(dict.fromkeys(int(c) for c in client_ids))
    note = note.strip()
    if not ids:
        raise InvalidInput({"clients": "Choose at least one client."})
    if len(note) > MAX_NOTE:
        raise InvalidInput({"note": f"Keep the note under {MAX_NOTE} characters."})
    for client_id in ids:
        clients.scoped_profile(
            session, actor, client_id
        )  # one client out of reach refuses them all
    added = 0
    for client_id in ids:
        existing = _share_of(session, row.id, client_id)
        if existing is not None:
            existing.note = note
            session.add(existing)
        elif _add_share(session, row.id, client_id, actor.user_id, note):
            resource_emails.shared(session, client_id, get_settings().base_url)
            added += 1
    audit.record(
        session,
        "resource.shared",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="resource",
        subject_id=row.id,
        clients=ids,
    )
    return added


def unshare(session: Session, actor: Actor, resource_id: int, client_id: int) -> None:
    _require_clinician(actor)
    row = _resource_for(session, actor, resource_id)
    clients.scoped_profile(session, actor, client_id)
    existing = _share_of(session, row.id, client_id)
    if existing is not None:
        session.delete(existing)
        audit.record(
            session,
            "resource.unshared",
            practice_id=actor.practice_id,
            actor_id=actor.user_id,
            subject_type="resource",
            subject_id=row.id,
            client=client_id,
        )


# The client's side -------------------------------------------------------------------------------


def _require_client(actor: Actor) -> None:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()


def for_client(session: Session, actor: Actor) -> SharedWithClient:
    """What was shared with the signed-in client, newest share first."""
    _require_client(actor)
    tz = session.get(Practice, actor.practice_id).timezone
    rows = session.exec(
        select(Resource, ResourceShare)
        .options(defer(Resource.body))
        .join(ResourceShare, ResourceShare.resource_id == Resource.id)
        .where(ResourceShare.client_id == actor.user_id, Resource.practice_id == actor.practice_id)
        .order_by(col(ResourceShare.shared_at).desc(), col(ResourceShare.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    return SharedWithClient(
        [
            SharedResource(
                row.id,
                row.title,
                ResourceKind(row.kind),
                row.category,
                share.note,
                share.shared_at,
                share.first_opened_at is not None,
                row.file_name,
                row.content_type,
            )
            for row, share in rows
        ],
        tz,
    )


def unopened_count(session: Session, actor: Actor) -> int:
    """How many resources shared with the signed-in client they have not opened yet."""
    _require_client(actor)
    return session.exec(
        select(func.count())
        .select_from(ResourceShare)
        .join(Resource, Resource.id == ResourceShare.resource_id)
        .where(
            ResourceShare.client_id == actor.user_id,
            Resource.practice_id == actor.practice_id,
            col(ResourceShare.first_opened_at).is_(None),
        )
    ).one()


def _opened(session: Session, actor: Actor, resource_id: int, now: datetime | None) -> str:
    """Record that the client opened it (staff looking records nothing); the share's note."""
    if actor.role != Role.CLIENT:
        return ""
    share_row = _share_of(session, resource_id, actor.user_id)
    now = now or utcnow()
    share_row.first_opened_at = share_row.first_opened_at or now
    share_row.last_opened_at = now
    session.add(share_row)
    return share_row.note


def open_for_client(
    session: Session, actor: Actor, resource_id: int, now: datetime | None = None
) -> ResourceContent:
    """What the portal shows of one resource: a text as sanitized HTML, a link, or whether it is
    a file."""
    row = _resource_for(session, actor, resource_id)
    note = _opened(session, actor, row.id, now)
    return ResourceContent(
        id=row.id,
        title=row.title,
        kind=ResourceKind(row.kind),
        html=render_markdown(row.body) if row.kind == ResourceKind.TEXT else "",
        url=row.url if row.kind == ResourceKind.LINK else "",
        is_file=row.kind == ResourceKind.FILE,
        content_type=row.content_type,
        note=note,
    )


def _download_name(row: Resource) -> str:
    """The uploaded name, with the extension of what the file really is."""
    extension = ALLOWED_TYPES.get(row.content_type, "")
    name = row.file_name or "file"
    if Path(name).suffix.lower() in {extension, ".jpeg" if extension == ".jpg" else extension}:
        return name
    return name + extension


def file_for(
    session: Session, actor: Actor, resource_id: int, now: datetime | None = None
) -> tuple[Path, str, str]:
    """(path, content type, download name) of a file resource; a client fetching it has opened
    it."""
    row = _resource_for(session, actor, resource_id)
    path = get_settings().resources_dir / row.stored_name
    if row.kind != ResourceKind.FILE or not row.stored_name or not path.is_file():
        raise NotFound("No such resource.")
    _opened(session, actor, row.id, now)
    return path, row.content_type, _download_name(row)


# Automatic sharing -------------------------------------------------------------------------------


def rules(session: Session, actor: Actor) -> list[RuleEntry]:
    """The clinician's automatic sharing rules (none for assistants)."""
    if not actor.is_clinician:
        return []
    rows = session.exec(
        select(AutoShareRule, Resource.title)
        .join(Resource, Resource.id == AutoShareRule.resource_id)
        .where(AutoShareRule.therapist_id == actor.user_id, _visible(actor))
        .order_by(AutoShareRule.trigger, func.lower(Resource.title), AutoShareRule.id)
    ).all()
    return [
        RuleEntry(ShareTrigger(rule.trigger), rule.resource_id, title, bool(rule.enabled))
        for rule, title in rows
    ]


def set_rule(session: Session, actor: Actor, trigger: str, resource_id: int, enabled: bool) -> None:
    """Turn sharing `resource_id` on `trigger` on or off for the clinician's clients."""
    _require_clinician(actor)
    if trigger not in TRIGGER_LABELS:
        raise InvalidInput({"trigger": "Choose when to share it."})
    row = _resource_for(session, actor, resource_id)
    rule = session.exec(
        select(AutoShareRule).where(
            AutoShareRule.therapist_id == actor.user_id,
            AutoShareRule.trigger == trigger,
            AutoShareRule.resource_id == row.id,
        )
    ).first()
    rule = rule or AutoShareRule(therapist_id=actor.user_id, trigger=trigger, resource_id=row.id)
    rule.enabled = bool(enabled)
    session.add(rule)
    audit.record(
        session,
        "resource.rule_set",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="resource",
        subject_id=row.id,
        trigger=trigger,
        enabled=bool(enabled),
    )


def on_trigger(session: Session, client_id: int, trigger: str, actor_id: int | None = None) -> int:
    """Share the client's therapist's enabled rule resources for `trigger` with the client; how many
    were new to them. Resources they already have are left as they are."""
    profile = session.get(ClientProfile, client_id)
    if profile is None:
        return 0
    resource_ids = session.exec(
        select(AutoShareRule.resource_id)
        .join(Resource, Resource.id == AutoShareRule.resource_id)
        .where(
            AutoShareRule.therapist_id == profile.therapist_id,
            AutoShareRule.trigger == trigger,
            col(AutoShareRule.enabled),
            Resource.practice_id == profile.practice_id,
            or_(col(Resource.practice_wide), Resource.owner_id == profile.therapist_id),
        )
    ).all()
    shared_by = actor_id or profile.therapist_id
    added = [
        rid
        for rid in resource_ids
        if _share_of(session, rid, client_id) is None
        and _add_share(session, rid, client_id, shared_by, "")
    ]
    if added:
        resource_emails.shared(session, client_id, get_settings().base_url)
        audit.record(
            session,
            "resource.shared",
            practice_id=profile.practice_id,
            actor_id=actor_id,
            subject_type="client",
            subject_id=client_id,
            trigger=trigger,
            resources=added,
        )
    return len(added)


def on_leave(session: Session, therapist_id: int, actor_id: int | None = None) -> int:
    """Leave was added: share the therapist's 'before leave' resources with each active client."""
    client_ids = session.exec(
        select(ClientProfile.user_id).where(
            ClientProfile.therapist_id == therapist_id, ClientProfile.status == ClientStatus.ACTIVE
        )
    ).all()
    return sum(
        on_trigger(session, client_id, ShareTrigger.BEFORE_LEAVE, actor_id)
        for client_id in client_ids
    )
