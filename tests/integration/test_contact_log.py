"""WhatsApp history import and the contact log, on a real database.

Only when, which way, how long and whether after hours is stored — never a word of the chat.
The owner (Asha Rao) works in Kolkata, Mon–Fri 10:00–18:00 (the default weekly hours), with the
default charter (working days Mon–Fri). March 2024: Tuesday the 5th, Sunday the 10th.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, func, select
from tabs import open_page

from practipal_app import db
from practipal_app.core.errors import InvalidInput, NotFound
from practipal_app.messaging import contact_log
from practipal_app.messaging.contact_log import ImportFileFailed, read_chat
from practipal_app.messaging.whatsapp_export import ExportRefused, ExportUnreadable
from practipal_app.models import AuditEvent, ContactRecord, WhatsAppImport
from practipal_app.models.base import utcnow
from practipal_app.scheduling import rules as scheduling

IST = ZoneInfo("Asia/Kolkata")
FILENAME = "WhatsApp Chat with Priya S.txt"
# Words that appear only in message text: none may reach the database.
SECRET_WORDS = ("zanzibarquokka", "xylophonemango", "velociraptorjam", "quetzalcoatlfig")
CHAT = (
    "\n".join(
        [
            "05/03/2024, 10:59 - Messages and calls are end-to-end encrypted. No one outside of "
            "this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
            "05/03/2024, 11:00 - Priya S: Could we move Thursday? zanzibarquokka",
            "05/03/2024, 11:20 - Asha Rao: Yes, Friday 5 pm works xylophonemango",
            "05/03/2024, 23:00 - Priya S: Sorry to text so late",
            "second line mentions velociraptorjam",
            "06/03/2024, 10:30 - Asha Rao: <Media omitted>",
            "06/03/2024, 10:30 - Asha Rao: <Media omitted>",
            "10/03/2024, 12:00 - Priya S: Sunday question quetzalcoatlfig",
        ]
    ).encode()
    + b"\n"
)
# A later export of the same chat: starts inside the first one, then goes on.
LATER = (
    "\n".join(
        [
            "06/03/2024, 10:30 - Asha Rao: <Media omitted>",
            "06/03/2024, 10:30 - Asha Rao: <Media omitted>",
            "06/03/2024, 10:30 - Asha Rao: <Media omitted>",  # a third photo in that minute: new
            "10/03/2024, 12:00 - Priya S: Sunday question quetzalcoatlfig",
            "11/03/2024, 09:00 - Priya S: Before hours on Monday",
            "11/03/2024, 10:15 - Asha Rao: Morning!",
        ]
    ).encode()
    + b"\n"
)
BROKEN = CHAT.replace(b"10/03/2024, 12:00", b"31/02/2024, 12:00")


def ist(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=IST).astimezone(UTC)


def records(client_id: int | None = None) -> list[tuple]:
    def run(session):
        query = select(ContactRecord).order_by(ContactRecord.at, ContactRecord.id)
        if client_id is not None:
            query = query.where(ContactRecord.client_id == client_id)
        return [
            (r.at, r.direction, r.length, r.after_hours, r.channel) for r in session.exec(query)
        ]

    return db.call(run)


def count(model) -> int:
    return db.call(lambda s: s.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
def priya(owner_actor, add_client) -> int:
    return add_client(owner_actor, "Priya S", "priya@example.com")


def test_import_stores_when_which_way_how_long_and_after_hours(owner_actor, priya, owner):
    result = db.call(
        contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao"
    )
    assert (result.added, result.skipped) == (6, 0)
    assert (result.first_at, result.last_at) == (ist(5, 11), ist(10, 12))
    assert records(priya) == [
        (ist(5, 11), "in", len("Could we move Thursday? zanzibarquokka"), False, "whatsapp_import"),
        (
            ist(5, 11, 20),
            "out",
            len("Yes, Friday 5 pm works xylophonemango"),
            False,
            "whatsapp_import",
        ),
        # 23:00 IST on a Tuesday (17:30 UTC): a working day, but after hours.
        (
            ist(5, 23),
            "in",
            len("Sorry to text so late\nsecond line mentions velociraptorjam"),
            True,
            "whatsapp_import",
        ),
        (ist(6, 10, 30), "out", 0, False, "whatsapp_import"),
        (ist(6, 10, 30), "out", 0, False, "whatsapp_import"),
        # Sunday noon: not a working day.
        (ist(10, 12), "in", len("Sunday question quetzalcoatlfig"), True, "whatsapp_import"),
    ]
    assert ist(5, 23) == datetime(2024, 3, 5, 17, 30, tzinfo=UTC)
    assert (
        db.call(lambda s: [(r.client_id, r.therapist_id) for r in s.exec(select(ContactRecord))])
        == [(priya, owner.id)] * 6
    )
    [row] = db.call(lambda s: s.exec(select(WhatsAppImport)).all())
    assert (row.client_id, row.therapist_id, row.filename, row.added, row.skipped) == (
        priya,
        owner.id,
        FILENAME,
        6,
        0,
    )
    assert (row.first_at, row.last_at) == (ist(5, 11), ist(10, 12))
    [event] = db.call(
        lambda s: s.exec(select(AuditEvent).where(AuditEvent.kind == "whatsapp.imported")).all()
    )
    assert (event.subject_id, event.detail["added"], event.detail["skipped"]) == (priya, 6, 0)


def test_bulk_rows_are_stored_exactly_as_the_orm_stores_them(owner_actor, priya, engine):
    """The import writes rows through the driver: its 'at' must equal what the ORM writes for the
    same instant (so queries compare them right), and its keys must be `dedupe_key`'s."""
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao")
    db.call(contact_log.log_contact, owner_actor, priya, "phone_logged", "", at=ist(5, 23))
    with engine.connect() as conn:
        raw = conn.execute(
            sa.text(
                "SELECT channel, at, after_hours, dedupe_key FROM contactrecord WHERE at = "
                "(SELECT at FROM contactrecord WHERE channel = 'phone_logged') ORDER BY channel"
            )
        ).all()
    assert [(r[0], bool(r[2])) for r in raw] == [("phone_logged", True), ("whatsapp_import", True)]
    assert raw[0][1] == raw[1][1]
    assert raw[1][3] == contact_log.dedupe_key(
        priya,
        datetime(2024, 3, 5, 17, 30),
        "in",
        len("Sorry to text so late\nsecond line mentions velociraptorjam"),
        0,
    )
    late = db.call(
        lambda s: s.exec(
            select(func.count())
            .select_from(ContactRecord)
            .where(ContactRecord.at >= ist(5, 23), ContactRecord.at < ist(10, 12))
        ).one()
    )
    assert late == 4  # 23:00 twice, the two photos on the 6th


def test_no_message_text_is_stored_anywhere(owner_actor, priya, engine):
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao")
    db.call(
        contact_log.import_whatsapp, owner_actor, priya, read_chat("later.txt", LATER), "Asha Rao"
    )
    with engine.connect() as conn:
        stored = [
            str(value).lower()
            for table in SQLModel.metadata.sorted_tables
            for row in conn.execute(sa.select(table))
            for value in row
        ]
    assert len(stored) > 100  # the scan did read the import's rows
    for word in SECRET_WORDS:
        assert not [v for v in stored if word in v], word
    assert not [v for v in stored if "before hours on monday" in v]


def test_reimporting_the_same_export_adds_nothing(owner_actor, priya):
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao")
    again = db.call(
        contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao"
    )
    assert (again.added, again.skipped) == (0, 6)
    assert len(records(priya)) == 6
    assert count(WhatsAppImport) == 2  # both attempts are on record


def test_an_overlapping_export_adds_only_what_is_new(owner_actor, priya):
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao")
    later = db.call(
        contact_log.import_whatsapp, owner_actor, priya, read_chat("later.txt", LATER), "Asha Rao"
    )
    # New: the third photo at 10:30 on the 6th and the two messages of the 11th.
    assert (later.added, later.skipped) == (3, 3)
    stored = records(priya)
    assert len(stored) == 9
    assert stored[-2:] == [
        (ist(11, 9), "in", len("Before hours on Monday"), True, "whatsapp_import"),  # before 10:00
        (ist(11, 10, 15), "out", len("Morning!"), False, "whatsapp_import"),
    ]
    assert [r for r in stored if r[0] == ist(6, 10, 30)] == [
        (ist(6, 10, 30), "out", 0, False, "whatsapp_import")
    ] * 3


def test_the_same_chat_imported_for_another_client_counts_for_them_too(
    owner_actor, priya, add_client
):
    other = add_client(owner_actor)
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao")
    result = db.call(
        contact_log.import_whatsapp, owner_actor, other, read_chat(FILENAME, CHAT), "Asha Rao"
    )
    assert result.added == 6


def test_after_hours_follow_the_therapists_own_weekly_hours(owner_actor, priya):
    db.call(
        scheduling.set_weekly_hours, owner_actor, {1: [("11:10", "23:30")], 6: [("11:00", "13:00")]}
    )
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao")
    assert [(r[0], r[3]) for r in records(priya)] == [
        (ist(5, 11), True),  # Tuesday before 11:10
        (ist(5, 11, 20), False),
        (ist(5, 23), False),  # inside Tuesday's 11:10–23:30
        (ist(6, 10, 30), False),  # a working day with no hours: 09:00–19:00
        (ist(6, 10, 30), False),
        (ist(10, 12), True),  # Sunday has hours, but is not a charter working day
    ]


def test_a_file_that_cannot_be_read_saves_nothing(owner_actor, priya, audit_kinds):
    with pytest.raises(ExportUnreadable) as unreadable:
        db.call(
            contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, BROKEN), "Asha Rao"
        )
    assert unreadable.value.message == "Line 8: expected a real date, but found 31/02/2024."
    with pytest.raises(ExportRefused):
        read_chat("photo.jpg", b"\xff\xd8\xff")
    assert (count(ContactRecord), count(WhatsAppImport)) == (0, 0)
    assert "whatsapp.imported" not in audit_kinds()


def test_the_therapist_must_pick_one_of_the_chats_senders(owner_actor, priya):
    assert contact_log.senders_in(FILENAME, CHAT) == ["Priya S", "Asha Rao"]
    with pytest.raises(InvalidInput) as invalid:
        db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha")
    assert invalid.value.errors == {
        "therapist_sender": "Choose which name in this chat is yours: Priya S, Asha Rao."
    }
    assert count(ContactRecord) == 0
    # Picking the other name flips every direction.
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Priya S")
    assert [r[1] for r in records(priya)] == ["out", "in", "out", "in", "in", "out"]


def test_a_chat_with_only_notices_is_refused(owner_actor, priya):
    notice = (
        b"05/03/2024, 10:59 - Messages and calls are end-to-end encrypted. Tap to learn more.\n"
    )
    with pytest.raises(ExportRefused) as refused:
        db.call(
            contact_log.import_whatsapp,
            owner_actor,
            priya,
            read_chat("empty.txt", notice),
            "Asha Rao",
        )
    assert (
        refused.value.message == "“empty.txt” holds no messages to import, only WhatsApp's notices."
    )


def test_a_therapist_cannot_import_to_or_log_for_a_colleagues_client(
    owner_actor,
    therapist_actor,
    therapist,
    priya,
    add_client,
):
    with pytest.raises(NotFound):
        db.call(
            contact_log.import_whatsapp,
            therapist_actor,
            priya,
            read_chat(FILENAME, CHAT),
            "Asha Rao",
        )
    with pytest.raises(NotFound):
        db.call(contact_log.log_contact, therapist_actor, priya, "phone_logged", "Scheduling")
    with pytest.raises(NotFound):
        db.call(contact_log.volume_for_client, therapist_actor, priya)
    with pytest.raises(ImportFileFailed) as failed:
        db.call(
            contact_log.import_many,
            therapist_actor,
            [(priya, read_chat(FILENAME, CHAT), "Asha Rao")],
        )
    assert failed.value.message == f"{FILENAME}: No such client. Nothing was imported."
    assert count(ContactRecord) == 0
    # The owner sees the whole practice; a colleague's client's records stay with that colleague.
    meera = add_client(therapist_actor, "Meera Iyer", "meera@example.com")
    db.call(contact_log.import_whatsapp, owner_actor, meera, read_chat(FILENAME, CHAT), "Asha Rao")
    assert db.call(lambda s: set(s.exec(select(ContactRecord.therapist_id)).all())) == {
        therapist.id
    }


def test_bulk_import_offers_only_the_actors_clients(
    owner_actor, therapist_actor, priya, add_client
):
    meera = add_client(therapist_actor, "Meera Iyer", "meera@example.com")
    assert db.call(contact_log.importable_clients, therapist_actor) == [(meera, "Meera Iyer")]
    assert db.call(contact_log.importable_clients, owner_actor) == [
        (meera, "Meera Iyer"),
        (priya, "Priya S"),
    ]


def test_bulk_import_is_all_or_nothing(owner_actor, priya, add_client):
    other = add_client(owner_actor)
    with pytest.raises(ImportFileFailed) as failed:
        contact_log.read_chats([(FILENAME, CHAT), ("WhatsApp Chat with Client 02.txt", BROKEN)])
    assert failed.value.message == (
        "WhatsApp Chat with Client 02.txt: Line 8: expected a real date, but found 31/02/2024. "
        "Nothing was imported."
    )
    assert (failed.value.filename, failed.value.index) == ("WhatsApp Chat with Client 02.txt", 1)
    assert (count(ContactRecord), count(WhatsAppImport)) == (0, 0)

    with pytest.raises(ImportFileFailed) as failed:
        db.call(
            contact_log.import_many,
            owner_actor,
            [
                (priya, read_chat(FILENAME, CHAT), "Asha Rao"),
                (other, read_chat("b.txt", LATER), "Vikram"),
            ],
        )
    assert failed.value.message.startswith("b.txt: Choose which name in this chat is yours:")
    assert count(ContactRecord) == 0

    results = db.call(
        contact_log.import_many,
        owner_actor,
        [
            (priya, read_chat(FILENAME, CHAT), "Asha Rao"),
            (priya, read_chat("later.txt", LATER), "Asha Rao"),
            (other, read_chat("b.txt", LATER), "Asha Rao"),
        ],
    )
    assert [(r.added, r.skipped) for r in results] == [(6, 0), (3, 3), (6, 0)]
    assert (len(records(priya)), len(records(other)), count(WhatsAppImport)) == (9, 6, 3)


def test_bulk_import_as_the_form_sends_it(owner_actor, priya, add_client):
    """File i goes to the client chosen in client_<i>, with me_<i> the therapist's name in it; a
    missing or unreadable choice is refused like a colleague's client, naming the file."""
    other = add_client(owner_actor)
    chats = [(FILENAME, CHAT), ("b.txt", LATER)]
    for choice in ("", "not a number", "-3", str(other + 1000)):
        with pytest.raises(ImportFileFailed) as failed:
            db.call(
                contact_log.import_chats,
                owner_actor,
                contact_log.read_chats(chats),
                {
                    "client_0": str(priya),
                    "me_0": "Asha Rao",
                    "client_1": choice,
                    "me_1": "Asha Rao",
                },
            )
        assert failed.value.message == "b.txt: No such client. Nothing was imported."
    assert count(ContactRecord) == 0
    results = db.call(
        contact_log.import_chats,
        owner_actor,
        contact_log.read_chats(chats),
        {"client_0": str(priya), "me_0": "Asha Rao", "client_1": f" {other} ", "me_1": "Asha Rao"},
    )
    assert [(r.added, r.skipped) for r in results] == [(6, 0), (6, 0)]
    assert (len(records(priya)), len(records(other))) == (6, 6)
    with pytest.raises(InvalidInput):
        db.call(contact_log.import_chats, owner_actor, [], {})


def test_log_contact_in_two_taps(owner_actor, priya, audit_kinds):
    late = db.call(
        contact_log.log_contact, owner_actor, priya, "whatsapp_logged", "Scheduling", at=ist(10, 12)
    )
    day = db.call(
        contact_log.log_contact,
        owner_actor,
        priya,
        "phone_logged",
        "Tech problem",
        direction="out",
        at=ist(5, 11),
    )
    now = db.call(contact_log.log_contact, owner_actor, priya, "phone_logged", "")
    rows = db.call(lambda s: {r.id: r for r in s.exec(select(ContactRecord))})
    assert (
        rows[late].channel,
        rows[late].direction,
        rows[late].after_hours,
        rows[late].topic,
        rows[late].length,
    ) == ("whatsapp_logged", "in", True, "Scheduling", 0)
    assert (rows[day].channel, rows[day].direction, rows[day].after_hours, rows[day].at) == (
        "phone_logged",
        "out",
        False,
        ist(5, 11),
    )
    assert abs(rows[now].at - datetime.now(UTC)) < timedelta(minutes=1)
    assert len({r.dedupe_key for r in rows.values()}) == 3
    assert audit_kinds().count("contact.logged") == 3

    with pytest.raises(InvalidInput) as invalid:
        db.call(
            contact_log.log_contact,
            owner_actor,
            priya,
            "email",
            "x" * 41,
            direction="sideways",
            at=datetime.now(UTC) + timedelta(hours=2),
        )
    assert set(invalid.value.errors) == {"channel", "topic", "direction", "at"}
    assert count(ContactRecord) == 3


def test_volume_for_the_client_page(owner_actor, priya, add_client):
    other = add_client(owner_actor)
    empty = db.call(contact_log.volume_for_client, owner_actor, priya)
    assert empty == {
        "by_channel": {"whatsapp_import": 0, "whatsapp_logged": 0, "phone_logged": 0},
        "incoming": 0,
        "outgoing": 0,
        "after_hours": 0,
        "total": 0,
        "last_import_at": None,
    }
    db.call(contact_log.import_whatsapp, owner_actor, priya, read_chat(FILENAME, CHAT), "Asha Rao")
    db.call(contact_log.import_whatsapp, owner_actor, other, read_chat(FILENAME, CHAT), "Asha Rao")
    db.call(
        contact_log.log_contact, owner_actor, priya, "phone_logged", "Scheduling", at=ist(10, 20)
    )
    volume = db.call(contact_log.volume_for_client, owner_actor, priya)
    last_import = volume.pop("last_import_at")
    assert volume == {
        "by_channel": {"whatsapp_import": 6, "whatsapp_logged": 0, "phone_logged": 1},
        "incoming": 4,
        "outgoing": 3,
        "after_hours": 3,
        "total": 7,
    }
    assert abs(last_import - datetime.now(UTC)) < timedelta(minutes=1)


# The client page's card and the bulk import, driven as states ---------------------------------


class _Upload:
    """What Reflex hands an upload handler: a name, a size and the bytes."""

    def __init__(self, filename: str, data: bytes):
        self.filename, self.size, self._data = filename, len(data), data

    async def read(self) -> bytes:
        return self._data


def _tab(owner, state_class, path: str, params: dict | None = None):
    return open_page(state_class, owner, path, params)


def _staged(data_dir) -> list:
    from pathlib import Path

    pending = Path(data_dir) / "uploads" / "pending"
    return sorted(pending.iterdir()) if pending.exists() else []


async def test_the_cards_log_and_import_through_staged_uploads(
    owner,
    owner_actor,
    priya,
    add_client,
    data_dir,
):
    from practipal_app.core.views import Option
    from practipal_app.messaging.views import ContactVolume, StagedChat
    from practipal_app.state.contacts import BulkImportState, ContactsState

    card = _tab(owner, ContactsState, f"/app/clients/{priya}", {"client_id": str(priya)})
    await card.event_handlers["load"].fn(card)
    assert card.volume == ContactVolume(imported=0, whatsapp=0, phone=0, after_hours=0, total=0)
    await card.event_handlers["log"].fn(card, "phone_logged", "Scheduling")
    assert card.notice == "Logged: Phone call · Scheduling." and card.volume.phone == 1
    await card.event_handlers["read_chat"].fn(card, [_Upload("chat.pdf", b"%PDF")])
    assert card.error.startswith("“chat.pdf”") and _staged(data_dir) == []
    await card.event_handlers["read_chat"].fn(card, [_Upload(FILENAME, CHAT)])
    assert (card.chat_file, card.chat_senders) == (FILENAME, ["Priya S", "Asha Rao"])
    assert len(_staged(data_dir)) == 1 and SECRET_WORDS[0] not in str(card.dict())
    await card.event_handlers["import_chat"].fn(card, {"therapist_sender": "Asha Rao"})
    assert card.notice == "Imported 6 messages. No message text was kept."
    assert (card.volume.imported, card.volume.total) == (6, 7) and _staged(data_dir) == []

    other = add_client(owner_actor, "Client Two", "two@example.com")
    bulk = _tab(owner, BulkImportState, "/app/clients")
    two = [_Upload(FILENAME, CHAT), _Upload(FILENAME, LATER)]
    await bulk.event_handlers["read_chats"].fn(bulk, two)
    assert bulk.clients == [Option(str(other), "Client Two"), Option(str(priya), "Priya S")]
    assert bulk.files == [
        StagedChat(FILENAME, ["Priya S", "Asha Rao"], priya, "Asha Rao"),
        StagedChat(FILENAME, ["Asha Rao", "Priya S"], priya, "Asha Rao"),
    ]
    assert len(_staged(data_dir)) == 2  # two files of the same name are two chats
    await bulk.event_handlers["import_all"].fn(
        bulk,
        {"client_0": str(other), "me_0": "Asha Rao", "client_1": str(priya), "me_1": "Asha Rao"},
    )
    assert bulk.notice == "Imported 9 messages from 2 chats. No message text was kept."
    assert (len(records(other)), len(records(priya))) == (6, 10) and _staged(data_dir) == []


async def test_the_chat_is_parsed_before_the_import_takes_the_write_lock(
    owner, priya, data_dir, monkeypatch
):
    """A 100,000-message export takes seconds to parse: every other writer (a booking, a message)
    would wait for it if it were parsed inside the import's transaction. While the import parses,
    another connection can still take SQLite's write lock."""
    from practipal_app.messaging import whatsapp_export
    from practipal_app.state.contacts import ContactsState

    url = db.get_engine().url
    if url.get_backend_name() != "sqlite":
        pytest.skip("the single write lock is SQLite's")
    parse, writable_while_parsing = whatsapp_export.parse, []

    def parse_and_try_to_write(text):
        other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            writable_while_parsing.append(True)
        except sqlite3.OperationalError:
            writable_while_parsing.append(False)
        finally:
            other.close()
        return parse(text)

    card = _tab(owner, ContactsState, f"/app/clients/{priya}", {"client_id": str(priya)})
    await card.event_handlers["read_chat"].fn(card, [_Upload(FILENAME, CHAT)])
    monkeypatch.setattr(whatsapp_export, "parse", parse_and_try_to_write)
    await card.event_handlers["import_chat"].fn(card, {"therapist_sender": "Asha Rao"})
    assert card.notice == "Imported 6 messages. No message text was kept."
    assert writable_while_parsing == [True]


async def test_staged_uploads_left_behind_are_deleted_after_an_hour(data_dir):
    """A tab closed between choosing an export and importing it leaves the file staged; it is
    deleted after an hour, with or without the tab."""
    from practipal_app import worker
    from practipal_app.core import uploads

    fresh, old = uploads.stage(b"fresh"), uploads.stage(b"old chat")
    hour_ago = time.time() - uploads.STAGED_LIFETIME.total_seconds() - 1
    os.utime(old, (hour_ago, hour_ago))
    await worker.run_housekeeping(utcnow())  # what the worker does on every poll
    assert _staged(data_dir) == [Path(fresh)]
    assert oct(os.stat(fresh).st_mode & 0o777) == "0o600"
    assert oct(os.stat(os.path.dirname(fresh)).st_mode & 0o777) == "0o700"
    uploads.discard(fresh)


async def test_files_the_browser_refuses_get_a_clear_message(owner, priya):
    """react-dropzone refuses an oversized, wrong or extra file before any upload: the card says
    why, instead of nothing happening."""
    from practipal_app.state.contacts import BulkImportState, ContactsState

    card = _tab(owner, ContactsState, f"/app/clients/{priya}", {"client_id": str(priya)})
    too_large = [{"file": {"path": "chat.txt"}, "errors": [{"code": "file-too-large"}]}]
    await card.event_handlers["refuse_files"].fn(card, too_large)
    assert (
        card.error == "That file is larger than 20 MB. Export the chat without media and try again."
    )
    await card.event_handlers["refuse_files"].fn(
        card, [{"errors": [{"code": "file-invalid-type"}]}]
    )
    assert (
        card.error == "Choose the exported chat: a .txt or .zip file from WhatsApp's Export chat."
    )
    await card.event_handlers["refuse_files"].fn(card, "not a list")
    assert card.error.startswith("Choose the exported chat")

    bulk = _tab(owner, BulkImportState, "/app/clients")
    await bulk.event_handlers["refuse_files"].fn(bulk, [{"errors": [{"code": "too-many-files"}]}])
    assert bulk.error == "Choose at most 20 chats at a time." and bulk.files == []
