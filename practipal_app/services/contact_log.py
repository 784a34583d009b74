"""Contact outside the portal, counted but never kept: imported WhatsApp history and logged contacts.

Each contact becomes one `ContactRecord`: when (UTC), which way ('in' from the client, 'out' from
the therapist), how long (characters; 0 for media and logged contacts) and whether it fell after
hours. Message text is read only to measure it and is never stored, logged or audited.

After hours means: outside the therapist's charter working days, or on a working day outside every
range of their weekly hours for that weekday (`scheduling.weekly_hours`). A therapist with no
weekly hours at all gets the practice default, 09:00–19:00 on their working days. WhatsApp's
timestamps are the phone's local time, taken to be the practice's timezone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, func, select

from practipal_app.models import ClientProfile, ContactRecord, WhatsAppImport
from practipal_app.models.base import utcnow
from practipal_app.services import audit, charter, clients, scheduling, whatsapp_export
from practipal_app.services.errors import DomainError, InvalidInput
from practipal_app.services.identity import Actor

CHANNEL_IMPORT = "whatsapp_import"
LOG_CHANNELS = {"whatsapp_logged": "WhatsApp", "phone_logged": "Phone call"}
CHANNELS = (CHANNEL_IMPORT, *LOG_CHANNELS)
DIRECTIONS = {"in": "From the client", "out": "From me"}
DEFAULT_WORKING_HOURS = (9 * 60, 19 * 60)
TOPIC_MAX = 40
INSERT_CHUNK = 5000


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
        days = set(working_days)
        if weekly:
            self.ranges = {d: tuple(weekly.get(d, ())) for d in days}
        else:
            self.ranges = {d: (DEFAULT_WORKING_HOURS,) for d in days}

    def after_hours(self, local: datetime) -> bool:
        ranges = self.ranges.get(local.weekday())
        if not ranges:
            return True
        minute = local.hour * 60 + local.minute
        return not any(start <= minute < end for start, end in ranges)


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


def senders_in(filename: str, data: bytes) -> list[str]:
    """The sender names in an export, by first appearance, so the therapist can say which is theirs."""
    return whatsapp_export.parse(whatsapp_export.read_upload(filename, data)).senders


def _prepare(
    session: Session, actor: Actor, client_id: int, filename: str, data: bytes, therapist_sender: str,
) -> _Prepared:
    """Everything that can refuse an import, before anything is written."""
    profile = clients.scoped_profile(session, actor, client_id)
    chat = whatsapp_export.parse(whatsapp_export.read_upload(filename, data))
    if not chat.messages:
        raise whatsapp_export.ExportRefused(
            f"“{filename}” holds no messages to import, only WhatsApp's notices.")
    mine = whatsapp_export.clean_name(therapist_sender or "")
    if mine not in chat.senders:
        raise InvalidInput({"therapist_sender": "Choose which name in this chat is yours: "
                                                + ", ".join(chat.senders) + "."})
    return _Prepared(profile, filename, chat, mine)


def _insert_statement(session: Session):
    table = ContactRecord.__table__
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    return insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)


def _write(session: Session, actor: Actor, job: _Prepared) -> ImportResult:
    profile = job.profile
    client_id = profile.user_id
    tz = ZoneInfo(scheduling.practice_timezone(session, profile.practice_id))
    hours = working_time(session, profile.therapist_id)
    after_hours = hours.after_hours
    mine = job.therapist_sender
    sha256 = hashlib.sha256
    ordinals: dict[tuple[datetime, str, int], int] = {}
    rows: list[dict] = []
    to_utc: dict[datetime, datetime] = {}
    for ts, sender, length in job.chat.messages:
        at = to_utc.get(ts)
        if at is None:
            at = to_utc[ts] = ts.replace(tzinfo=tz).astimezone(UTC)
        direction = "out" if sender == mine else "in"
        key = (at, direction, length)
        ordinal = ordinals.get(key, 0)
        ordinals[key] = ordinal + 1
        dedupe = sha256(f"{client_id}|{at.isoformat()}|{direction}|{length}|{ordinal}".encode()).hexdigest()
        rows.append({
            "practice_id": profile.practice_id, "therapist_id": profile.therapist_id,
            "client_id": client_id, "channel": CHANNEL_IMPORT, "direction": direction, "at": at,
            "length": length, "after_hours": after_hours(ts), "topic": "", "dedupe_key": dedupe,
        })
    statement = _insert_statement(session)
    added = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        added += len(session.execute(statement, rows[start : start + INSERT_CHUNK]).all())
    stamps = [r["at"] for r in rows]
    result = ImportResult(added, len(rows) - added, min(stamps), max(stamps))
    record = WhatsAppImport(
        therapist_id=profile.therapist_id, client_id=client_id, filename=job.filename[:200],
        added=result.added, skipped=result.skipped, first_at=result.first_at, last_at=result.last_at,
    )
    session.add(record)
    session.flush()
    audit.record(
        session, "whatsapp.imported", practice_id=profile.practice_id, actor_id=actor.user_id,
        subject_type="client", subject_id=client_id, import_id=record.id, added=result.added,
        skipped=result.skipped,
    )
    return result


def import_whatsapp(
    session: Session, actor: Actor, client_id: int, filename: str, data: bytes, therapist_sender: str,
) -> ImportResult:
    """Import one exported chat for a client. Refuses (and writes nothing) when the file cannot be
    read, the client is not the actor's, or `therapist_sender` is not one of the chat's senders."""
    return _write(session, actor, _prepare(session, actor, client_id, filename, data, therapist_sender))


def import_many(
    session: Session, actor: Actor, items: list[tuple[int, str, bytes, str]],
) -> list[ImportResult]:
    """Several exports at once, `(client_id, filename, data, therapist_sender)` each: every file is
    read and checked first; any refusal raises ImportFileFailed naming the file, before any write."""
    if not items:
        raise InvalidInput({"files": "Choose at least one exported chat."})
    jobs = []
    for index, (client_id, filename, data, therapist_sender) in enumerate(items):
        try:
            jobs.append(_prepare(session, actor, client_id, filename, data, therapist_sender))
        except DomainError as error:
            raise ImportFileFailed(filename, index, error) from error
    return [_write(session, actor, job) for job in jobs]


# Logged contacts ---------------------------------------------------------------------------------


def log_contact(
    session: Session, actor: Actor, client_id: int, channel: str, topic: str,
    direction: str = "in", at: datetime | None = None,
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
        practice_id=profile.practice_id, therapist_id=profile.therapist_id, client_id=client_id,
        channel=channel, direction=direction, at=at.astimezone(UTC), length=0,
        after_hours=working_time(session, profile.therapist_id).after_hours(local.replace(tzinfo=None)),
        topic=topic, dedupe_key=secrets.token_hex(32),
    )
    session.add(record)
    session.flush()
    audit.record(session, "contact.logged", practice_id=profile.practice_id, actor_id=actor.user_id,
                 subject_type="client", subject_id=client_id, channel=channel, direction=direction)
    return record.id


def volume_for_client(session: Session, actor: Actor, client_id: int) -> dict:
    """Counts for the client page: {'by_channel': {channel: n}, 'incoming', 'outgoing',
    'after_hours', 'total', 'last_import_at' (UTC or None)}."""
    clients.scoped_profile(session, actor, client_id)
    rows = session.exec(
        select(ContactRecord.channel, ContactRecord.direction, ContactRecord.after_hours, func.count())
        .where(ContactRecord.client_id == client_id)
        .group_by(ContactRecord.channel, ContactRecord.direction, ContactRecord.after_hours)
    ).all()
    volume = {"by_channel": dict.fromkeys(CHANNELS, 0), "incoming": 0, "outgoing": 0,
              "after_hours": 0, "total": 0}
    for channel, direction, late, count in rows:
        volume["by_channel"][channel] = volume["by_channel"].get(channel, 0) + count
        volume["incoming" if direction == "in" else "outgoing"] += count
        volume["after_hours"] += count if late else 0
        volume["total"] += count
    volume["last_import_at"] = session.exec(
        select(func.max(WhatsAppImport.imported_at)).where(WhatsAppImport.client_id == client_id)
    ).one()
    return volume
