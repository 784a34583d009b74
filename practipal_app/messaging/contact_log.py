"""Contact outside the portal, counted but never kept: imported WhatsApp history and logged
contacts.

Each contact becomes one `ContactRecord`: when (UTC), which way ('in' from the client, 'out' from
the therapist), how long (characters; 0 for media and logged contacts) and whether it fell after
hours. Message text is read only to measure it and is never stored, logged or audited.

After hours means what it means for portal messages (`boundaries.after_hours`): outside the
therapist's charter working days, or on a working day outside every range of their weekly hours
for that weekday (`scheduling.weekly_hours`); a working day with no weekly hours runs 09:00–19:00.
WhatsApp's timestamps are the phone's local time, taken to be the practice's timezone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, func, select

from practipal_app.boundaries import charter
from practipal_app.core import audit
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.messaging import whatsapp_export
from practipal_app.models import ClientProfile, ContactRecord, User, WhatsAppImport
from practipal_app.models.base import utcnow
from practipal_app.people import clients
from practipal_app.scheduling import rules as scheduling

CHANNEL_IMPORT = "whatsapp_import"
LOG_CHANNELS = {"whatsapp_logged": "WhatsApp", "phone_logged": "Phone call"}
CHANNELS = (CHANNEL_IMPORT, *LOG_CHANNELS)
DIRECTIONS = {"in": "From the client", "out": "From me"}
DEFAULT_WORKING_HOURS = (9 * 60, 19 * 60)
TOPIC_MAX = 40
INSERT_CHUNK = 10_000


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int  # already imported (same or overlapping export)
    first_at: datetime | None  # the file's first and last message, UTC
    last_at: datetime | None


class ImportFileFailed(DomainError):
    """One file of a bulk import failed; nothing of the batch was saved."""

    def __init__(self, filename: str, index: int, cause: DomainError):
        super().__init__(f"{filename}: {cause.message} Nothing was imported.")
        self.filename = filename
        self.index = index
        self.cause = cause


class WorkingTime:
    """Whether a local wall-clock time is after hours for one therapist."""

    def __init__(self, working_days: Iterable[int], weekly: dict[int, list[tuple[int, int]]]):
        self.ranges = {
            d: tuple(weekly.get(d) or (DEFAULT_WORKING_HOURS,)) for d in set(working_days)
        }

    def after_hours(self, local: datetime) -> bool:
        ranges = self.ranges.get(local.weekday())
        if not ranges:
            return True
        minute = local.hour * 60 + local.minute
        return not any(start <= minute < end for start, end in ranges)

    def late_minutes(self) -> list[list[bool]]:
        """[weekday][minute of the day] -> after hours: the same answers, for bulk lookups."""
        table = []
        for weekday in range(7):
            row = [True] * 1440
            for start, end in self.ranges.get(weekday, ()):
                start, end = max(start, 0), min(end, 1440)
                row[start:end] = [False] * max(end - start, 0)
            table.append(row)
        return table


def working_time(session: Session, therapist_id: int) -> WorkingTime:
    days = charter.current_for_therapist(session, therapist_id).settings.working_days
    return WorkingTime(days, scheduling.weekly_hours(session, therapist_id))


# WhatsApp import ---------------------------------------------------------------------------------


@dataclass
class _Prepared:
    profile: ClientProfile
    filename: str
    chat: whatsapp_export.ParsedChat
    therapist_sender: str


class ChatUpload(NamedTuple):
    """An exported chat, read and parsed: done before the import's transaction starts, so a large
    file is never parsed while the database's write lock is held."""

    filename: str
    chat: whatsapp_export.ParsedChat


def read_chat(filename: str, data: bytes) -> ChatUpload:
    """Parse an export (no database); refuses one that is unreadable or holds no messages."""
    chat = whatsapp_export.parse(whatsapp_export.read_upload(filename, data))
    if not chat.messages:
        raise whatsapp_export.ExportRefused(
            f"“{filename}” holds no messages to import, only WhatsApp's notices."
        )
    return ChatUpload(filename, chat)


def read_chats(files: list[tuple[str, bytes]]) -> list[ChatUpload]:
    """Parse every file of a bulk import; the first that fails is named, and nothing is kept."""
    uploads = []
    for index, (filename, data) in enumerate(files):
        try:
            uploads.append(read_chat(filename, data))
        except DomainError as error:
            raise ImportFileFailed(filename, index, error) from error
    return uploads


def importable_clients(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of every client the actor may import history for (any status), by name: the
    choices for matching files to clients in a bulk import."""
    rows = session.exec(
        select(User.id, User.name)
        .join(ClientProfile, ClientProfile.user_id == User.id)
        .where(clients._scope(actor))
        .order_by(func.lower(User.name), User.id)
        .limit(2000)
    ).all()
    return [(client_id, name) for client_id, name in rows]


def senders_in(filename: str, data: bytes) -> list[str]:
    """The sender names in an export, by first appearance, so the therapist can say which is
    theirs."""
    return whatsapp_export.parse(whatsapp_export.read_upload(filename, data)).senders


#: The most exported chats one bulk import takes.
BULK_MAX_FILES = 20


def check_size(filename: str, size: int | None, *, one_of_many: bool = False) -> None:
    """Refuse an upload over 20 MB before it is read (its size as the browser reported it)."""
    if (size or 0) > whatsapp_export.MAX_BYTES:
        raise DomainError(
            f"{filename} is larger than 20 MB."
            if one_of_many
            else "That file is larger than 20 MB. Export the chat without media and try again."
        )


@dataclass(frozen=True)
class ChatMatch:
    """One chat of a bulk import: its senders, the client it is guessed to be with (a sender with a
    client's name; None when no name matches) and the therapist's own name in it (the sender with
    the therapist's name, else the first sender)."""

    filename: str
    senders: list[str]
    client_id: int | None
    therapist_sender: str


def match_chat(
    filename: str, senders: list[str], clients_by_name: list[tuple[int, str]], therapist_name: str
) -> ChatMatch:
    by_name = {name.casefold(): client_id for client_id, name in clients_by_name}
    client = next((by_name[s.casefold()] for s in senders if s.casefold() in by_name), None)
    mine = next(
        (s for s in senders if s.casefold() == therapist_name.casefold()),
        senders[0] if senders else "",
    )
    return ChatMatch(filename, list(senders), client, mine)


def import_chats(
    session: Session,
    actor: Actor,
    uploads: list[ChatUpload],
    form: dict,
) -> list[ImportResult]:
    """A bulk import as the form sends it: chat i goes to the client chosen in `client_<i>`, with
    `me_<i>` the therapist's name in it. A missing or unreadable client choice is refused like
    another therapist's client, naming the file."""
    items = []
    for index, upload in enumerate(uploads):
        raw = str(form.get(f"client_{index}") or "").strip()
        client_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        items.append((client_id, upload, str(form.get(f"me_{index}", ""))))
    return import_many(session, actor, items)


def _prepare(
    session: Session,
    actor: Actor,
    client_id: int,
    upload: ChatUpload,
    therapist_sender: str,
) -> _Prepared:
    """Everything that can refuse an import, before anything is written."""
    profile = clients.scoped_profile(session, actor, client_id)
    chat = upload.chat
    mine = whatsapp_export.clean_name(therapist_sender or "")
    if mine not in chat.senders:
        raise InvalidInput(
            {
                "therapist_sender": "Choose which name in this chat is yours: "
                + ", ".join(chat.senders)
                + "."
            }
        )
    return _Prepared(profile, upload.filename, chat, mine)


_COLUMNS = (
    "practice_id",
    "therapist_id",
    "client_id",
    "channel",
    "direction",
    "at",
    "length",
    "after_hours",
    "topic",
    "dedupe_key",
)


@dataclass
class _Columns:
    """The import's rows, column by column: what varies from message to message."""

    directions: list[str]
    stamps: list[str]  # UTC, SQLAlchemy's SQLite text form: '2024-03-05 17:30:00.000000'
    lengths: list[int]
    late: list[bool]
    keys: list[str]


def _insert_many(session: Session, fixed: tuple[int, int, int, str], cols: _Columns) -> int:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING for every row; returns how many were added.

    `fixed` is (practice_id, therapist_id, client_id, channel). 100,000 rows must not go through
    per-row parameter processing, so:

    * SQLite: the dialect insert, compiled once, run as one driver-level executemany over
      ready-made tuples; sqlite3 sums the rowcount, which counts only the rows inserted.
    * PostgreSQL: the dialect insert from `SELECT unnest(...)` over one array per varying column,
      sent as array literals (every value is digits, letters or an ISO time: nothing to quote),
      one statement per chunk; its rowcount is the rows inserted. A per-row executemany is
      several times slower there, and so is psycopg dumping Python lists as arrays.
    """
    connection = session.connection()
    table = ContactRecord.__table__
    if connection.dialect.name == "sqlite":
        compiled = (
            sqlite_insert(table)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .compile(dialect=connection.dialect, column_keys=list(_COLUMNS), for_executemany=True)
        )
        if list(compiled.positiontup) != list(_COLUMNS):
            raise RuntimeError(f"unexpected column order {compiled.positiontup}")
        rows = list(
            zip(
                *(repeat(v) for v in fixed),
                cols.directions,
                cols.stamps,
                cols.lengths,
                cols.late,
                repeat(""),
                cols.keys,
            )
        )
        return connection.exec_driver_sql(str(compiled), rows).rowcount

    def unnest(name: str, item: sa.types.TypeEngine):
        return sa.func.unnest(sa.cast(sa.bindparam(name, type_=sa.String), ARRAY(item)))

    statement = (
        pg_insert(table)
        .from_select(
            list(_COLUMNS),
            sa.select(
                sa.bindparam("practice_id", type_=sa.Integer),
                sa.bindparam("therapist_id", type_=sa.Integer),
                sa.bindparam("client_id", type_=sa.Integer),
                sa.bindparam("channel", type_=sa.String),
                unnest("direction", sa.String()),
                unnest("at", sa.DateTime(timezone=True)),
                unnest("length", sa.Integer()),
                unnest("after_hours", sa.Boolean()),
                sa.bindparam("topic", type_=sa.String),
                unnest("dedupe_key", sa.String()),
            ),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .execution_options(preserve_rowcount=True)
    )
    constants = dict(
        zip(("practice_id", "therapist_id", "client_id", "channel"), fixed, strict=True)
    )
    added = 0
    for start in range(0, len(cols.keys), INSERT_CHUNK):
        part = slice(start, start + INSERT_CHUNK)
        arrays = {
            "direction": cols.directions[part],
            "at": [f"{s[:10]}T{s[11:19]}+00:00" for s in cols.stamps[part]],
            "length": map(str, cols.lengths[part]),
            "after_hours": ["t" if late else "f" for late in cols.late[part]],
            "dedupe_key": cols.keys[part],
        }
        params = {
            **constants,
            "topic": "",
            **{k: "{" + ",".join(v) + "}" for k, v in arrays.items()},
        }
        added += connection.execute(statement, params).rowcount
    return added


def dedupe_key(client_id: int, at: datetime, direction: str, length: int, ordinal: int) -> str:
    """The same message in any export of the chat gets the same key. `at` is naive UTC.

    `ordinal` tells apart identical (time, direction, length) messages within one file — two
    photos in the same minute. Do not change this format: stored keys would stop matching.
    """
    return _key(f"{client_id}|", at.isoformat(" ", "microseconds"), direction, length, ordinal)


def _key(prefix: str, stamp: str, direction: str, length: int, ordinal: int) -> str:
    # "7|2024-03-05T17:30:00Z|in|12|0": whole seconds, UTC.
    return hashlib.sha256(
        f"{prefix}{stamp[:10]}T{stamp[11:19]}Z|{direction}|{length}|{ordinal}".encode()
    ).hexdigest()


def _write(session: Session, actor: Actor, job: _Prepared) -> ImportResult:
    profile = job.profile
    client_id = profile.user_id
    tz = ZoneInfo(scheduling.practice_timezone(session, profile.practice_id))
    late_minutes = working_time(session, profile.therapist_id).late_minutes()
    mine = job.therapist_sender
    prefix = f"{client_id}|"
    fixed = (profile.practice_id, profile.therapist_id, client_id, CHANNEL_IMPORT)
    ordinals: dict[tuple[datetime, str, int], int] = {}
    cols = _Columns([], [], [], [], [])
    directions, stamps, lengths, late, keys = (
        cols.directions,
        cols.stamps,
        cols.lengths,
        cols.late,
        cols.keys,
    )
    day = None
    offset = None
    for ts, sender, length in job.chat.messages:
        if ts.date() != day:
            # One UTC offset per local day, unless the zone changes its offset that day (DST).
            day = ts.date()
            first = datetime(day.year, day.month, day.day, tzinfo=tz).utcoffset()
            last = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=tz).utcoffset()
            offset = first if first == last else None
        if offset is not None:
            utc = ts - offset
        else:
            utc = ts.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
        direction = "out" if sender == mine else "in"
        key = (utc, direction, length)
        ordinal = ordinals.get(key, 0)
        ordinals[key] = ordinal + 1
        stamp = utc.isoformat(" ", "microseconds")
        directions.append(direction)
        stamps.append(stamp)
        lengths.append(length)
        late.append(late_minutes[ts.weekday()][ts.hour * 60 + ts.minute])
        keys.append(_key(prefix, stamp, direction, length, ordinal))
    added = _insert_many(session, fixed, cols)
    first_at = min(job.chat.messages).timestamp
    last_at = max(job.chat.messages).timestamp
    result = ImportResult(added, len(keys) - added, _to_utc(first_at, tz), _to_utc(last_at, tz))
    record = WhatsAppImport(
        therapist_id=profile.therapist_id,
        client_id=client_id,
        filename=job.filename[:200],
        added=result.added,
        skipped=result.skipped,
        first_at=result.first_at,
        last_at=result.last_at,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        "whatsapp.imported",
        practice_id=profile.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=client_id,
        import_id=record.id,
        added=result.added,
        skipped=result.skipped,
    )
    return result


def _to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    return local.replace(tzinfo=tz).astimezone(UTC)


def import_whatsapp(
    session: Session,
    actor: Actor,
    client_id: int,
    upload: ChatUpload,
    therapist_sender: str,
) -> ImportResult:
    """Import one exported chat (parsed by `read_chat`) for a client. Refuses, and writes nothing,
    when the client is not the actor's or `therapist_sender` is not one of the chat's senders."""
    return _write(session, actor, _prepare(session, actor, client_id, upload, therapist_sender))


def import_many(
    session: Session,
    actor: Actor,
    items: list[tuple[int, ChatUpload, str]],
) -> list[ImportResult]:
    """Several exports at once, `(client_id, upload, therapist_sender)` each: every one is checked
    first; any refusal raises ImportFileFailed naming the file, before any write."""
    if not items:
        raise InvalidInput({"files": "Choose at least one exported chat."})
    jobs = []
    for index, (client_id, upload, therapist_sender) in enumerate(items):
        try:
            jobs.append(_prepare(session, actor, client_id, upload, therapist_sender))
        except DomainError as error:
            raise ImportFileFailed(upload.filename, index, error) from error
    return [_write(session, actor, job) for job in jobs]


# Logged contacts ---------------------------------------------------------------------------------


def log_contact(
    session: Session,
    actor: Actor,
    client_id: int,
    channel: str,
    topic: str,
    direction: str = "in",
    at: datetime | None = None,
) -> int:
    """Record a WhatsApp message or phone call outside the portal; returns the record's id."""
    profile = clients.scoped_profile(session, actor, client_id)
    now = utcnow()
    at = now if at is None else at
    topic = (topic or "").strip()
    errors = {}
    if channel not in LOG_CHANNELS:
        errors["channel"] = "Choose WhatsApp or phone call."
    if direction not in DIRECTIONS:
        errors["direction"] = "Choose who got in touch: the client or you."
    if len(topic) > TOPIC_MAX:
        errors["topic"] = f"Keep the topic to {TOPIC_MAX} characters."
    if at.tzinfo is None:
        errors["at"] = "Give the time with its timezone."
    elif at > now + timedelta(minutes=5):
        errors["at"] = "That time is in the future."
    if errors:
        raise InvalidInput(errors)
    tz = ZoneInfo(scheduling.practice_timezone(session, profile.practice_id))
    local = at.astimezone(tz)
    record = ContactRecord(
        practice_id=profile.practice_id,
        therapist_id=profile.therapist_id,
        client_id=client_id,
        channel=channel,
        direction=direction,
        at=at.astimezone(UTC),
        length=0,
        after_hours=working_time(session, profile.therapist_id).after_hours(
            local.replace(tzinfo=None)
        ),
        topic=topic,
        dedupe_key=secrets.token_hex(32),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        "contact.logged",
        practice_id=profile.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=client_id,
        channel=channel,
        direction=direction,
    )
    return record.id


def volume_for_client(session: Session, actor: Actor, client_id: int) -> dict:
    """Counts for the client page: {'by_channel': {channel: n}, 'incoming', 'outgoing',
    'after_hours', 'total', 'last_import_at' (UTC or None)}."""
    clients.scoped_profile(session, actor, client_id)
    rows = session.exec(
        select(
            ContactRecord.channel, ContactRecord.direction, ContactRecord.after_hours, func.count()
        )
        .where(ContactRecord.client_id == client_id)
        .group_by(ContactRecord.channel, ContactRecord.direction, ContactRecord.after_hours)
    ).all()
    volume = {
        "by_channel": dict.fromkeys(CHANNELS, 0),
        "incoming": 0,
        "outgoing": 0,
        "after_hours": 0,
        "total": 0,
    }
    for channel, direction, late, count in rows:
        volume["by_channel"][channel] = volume["by_channel"].get(channel, 0) + count
        volume["incoming" if direction == "in" else "outgoing"] += count
        volume["after_hours"] += count if late else 0
        volume["total"] += count
    volume["last_import_at"] = session.exec(
        select(func.max(WhatsAppImport.imported_at)).where(WhatsAppImport.client_id == client_id)
    ).one()
    return volume
