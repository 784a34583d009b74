"""Crash test: 20 writers against a running server, `kill -9` mid-run, a restart, and then nothing
the browser was told is lost and nothing is half-written.

Clients book sessions in the portal and send portal messages; the owner and a therapist record
payments against invoices and issue new ones on the billing page. Every write goes through the
websocket events the pages send, from socket.io clients carrying real session cookies. A write
counts as confirmed when the state update that shows its success reached its client (the server
sends it only after the write's transaction committed). The server (backend only, SQLite, one
worker) is killed with SIGKILL, its whole process group, while writes are in flight, and started
again on the same data dir.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
import socketio
from browsing import seed
from sqlmodel import select

from practipal_app import db
from practipal_app.billing import invoices, payments
from practipal_app.models import (
    Appointment,
    AuditEvent,
    ClientProfile,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Message,
    MessageThread,
    OutboxEmail,
    Payment,
    Role,
    SessionType,
    User,
)
from practipal_app.models.scheduling import ACTIVE_STATUSES
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients
from practipal_app.state.billing import BillingState
from practipal_app.state.messages import PortalMessagesState
from practipal_app.state.portal_schedule import BookState

pytestmark = [pytest.mark.e2e, pytest.mark.own_servers]

NAMESPACE = "/_event"
VAR = "_rx_state_"
REPLY_TIMEOUT = 30.0
#: Writers of each kind: 20 in all. Bookers are split between the two clinicians, so several
#: clients race for one therapist's times; billers work in pairs on one invoice each.
BOOKERS, MESSENGERS, BILLERS = 8, 6, 6
#: The kill comes once this many writes are confirmed (and each kind has some) ...
KILL_AFTER = 40
#: ... at a moment when at least this many writes have been sent and not yet answered.
IN_FLIGHT_AT_KILL = 3
RUN_TIMEOUT = 90.0
#: What each payment records (₹1) against an invoice of ₹50,000: never more than the balance.
PAYMENT_RUPEES = "1"
INVOICE_PAISE = 50_000_00


@dataclass(frozen=True)
class Writer:
    kind: str  # "booker" | "messenger" | "biller"
    number: int
    user_id: int
    cookie: str
    #: Billers: the invoice they record payments against, and the client their new invoices bill.
    invoice_id: int = 0
    client_id: int = 0


def _cast(session) -> list[Writer]:
    owner = practice.create_practice(
        session,
        practice_name="Sukoon Counselling",
        timezone="Asia/Kolkata",
        owner_name="Dr. Asha Rao",
        email="asha@example.com",
        password="Calm-Harbour-Tea-42",
    )
    therapist = practice.add_staff(
        session,
        owner.practice_id,
        "Vikram Nair",
        "vikram@example.com",
        Role.THERAPIST,
        "Amber-Monsoon-Kettle-19",
    )
    clinicians = [owner, therapist]

    def client(clinician: User, label: str) -> User:
        form = clients.ClientForm(name=f"Client {label}", email=f"{label}@example.com")
        return session.get(User, clients.add_client(session, auth.actor_for(clinician), form))

    def writer(kind: str, number: int, user: User, **extra: int) -> Writer:
        return Writer(kind, number, user.id, auth.start_session(session, user), **extra)

    cast = [writer("booker", n, client(clinicians[n % 2], f"booker{n}")) for n in range(BOOKERS)]
    cast += [
        writer("messenger", n, client(clinicians[n % 2], f"messenger{n}"))
        for n in range(MESSENGERS)
    ]
    for pair in range(BILLERS // 2):
        clinician = clinicians[pair % 2]
        billed = client(clinician, f"billed{pair}")
        invoice_id = invoices.create(
            session,
            auth.actor_for(clinician),
            billed.id,
            [invoices.LineInput("Therapy sessions, paid in instalments", 1, INVOICE_PAISE)],
            issue_now=True,
        )
        cast += [
            writer("biller", 2 * pair + n, clinician, invoice_id=invoice_id, client_id=billed.id)
            for n in range(2)
        ]
    return cast


@pytest.fixture(scope="module")
def crash_server(backend_server):
    """A backend-only server of its own (SQLite in a fresh data dir, one worker)."""
    srv = backend_server()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def cast(crash_server) -> Iterator[list[Writer]]:
    yield from seed(crash_server, _cast)


# A browser tab, as far as the writers need one ---------------------------------------------------


@dataclass
class Reply:
    """The state updates that came back for one event."""

    updates: list[dict]

    def var(self, state: type, name: str, default: Any = None) -> Any:
        value = default
        for update in self.updates:
            fields = (update.get("delta") or {}).get(state.get_full_name()) or {}
            value = fields.get(f"{name}{VAR}", value)
        return value

    def _events(self, name: str) -> list[dict]:
        return [e for u in self.updates for e in u.get("events") or [] if e.get("name") == name]

    @property
    def redirects(self) -> list[str]:
        return [e.get("payload", {}).get("path", "") for e in self._events("_redirect")]

    @property
    def crashed(self) -> bool:
        """The handler raised: Reflex sends its "An error occurred" toast instead of an update."""
        return any("backend_error" in str(e.get("payload")) for e in self._events("_call_function"))


class Tab:
    """One socket.io connection with a session cookie, as an open portal or workspace page."""

    def __init__(self, base_url: str, cookie: str) -> None:
        self.base_url, self.cookie = base_url, cookie
        self.updates: list[dict] = []
        self.arrived = asyncio.Event()
        self.dropped = False

    async def __aenter__(self) -> Tab:
        self.http = aiohttp.ClientSession()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.sio.on("event", self._received, namespace=NAMESPACE)
        self.sio.on("disconnect", self._lost, namespace=NAMESPACE)
        try:
            await self.sio.connect(
                f"{self.base_url}?token={uuid.uuid4()}",
                headers={"Origin": self.base_url, "Cookie": f"{auth.SESSION_COOKIE}={self.cookie}"},
                transports=["websocket"],
                namespaces=[NAMESPACE],
                socketio_path="/_event",
                wait_timeout=10,
            )
        except BaseException:
            await self.http.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        with suppress(Exception):
            await self.sio.disconnect()
        await self.http.close()

    def _received(self, data: dict) -> None:
        self.updates.append(data)
        self.arrived.set()

    def _lost(self, *reason: object) -> None:
        self.dropped = True
        self.arrived.set()

    async def send(
        self, state: type, handler: str, payload: dict, path: str, settled: Callable[[Reply], bool]
    ) -> Reply | None:
        """The updates for one event once `settled` holds for them; None if the connection
        dropped first (the server died: what the event did is unknown)."""
        first = len(self.updates)
        try:
            await self.sio.emit(
                "event",
                {
                    "name": f"{state.get_full_name()}.{handler}",
                    "payload": payload,
                    "router_data": {"pathname": path, "query": {}, "asPath": path},
                },
                namespace=NAMESPACE,
            )
        except socketio.exceptions.SocketIOError:
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while not settled(reply := Reply(self.updates[first:])):
            assert not reply.crashed, f"{state.__name__}.{handler} raised on the server"
            if self.dropped:
                return None
            remaining = deadline - loop.time()
            assert remaining > 0, f"{state.__name__}.{handler}: no reply; got {reply.updates}"
            self.arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), remaining)
        return reply


# The writers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """One write, by what identifies it in the database: a booking's start, a message's text, a
    payment's reference, an invoice's note."""

    kind: str  # "booking" | "message" | "payment" | "invoice"
    user_id: int
    key: str


@dataclass
class Run:
    confirmed: list[Write] = field(default_factory=list)
    refused: Counter = field(default_factory=Counter)
    #: Sent and not answered yet, by writer.
    in_flight: dict[str, Write] = field(default_factory=dict)

    async def write(
        self,
        tab: Tab,
        who: str,
        write: Write,
        event: tuple[type, str, dict, str],
        settled: Callable[[Reply], bool],
        succeeded: Callable[[Reply], bool],
    ) -> bool | None:
        """Send a write: True once confirmed, False when refused (a taken time), None when the
        server died before answering."""
        self.in_flight[who] = write
        reply = await tab.send(*event, settled)
        if reply is None:
            return None
        del self.in_flight[who]
        if succeeded(reply):
            self.confirmed.append(write)
            return True
        self.refused[write.kind] += 1
        return False

    def kinds(self) -> Counter:
        return Counter(w.kind for w in self.confirmed)

    def ready_to_kill(self) -> bool:
        kinds = self.kinds()
        return (
            len(self.confirmed) >= KILL_AFTER
            and all(kinds[k] >= 2 for k in ("booking", "message", "payment", "invoice"))
            and len(self.in_flight) >= IN_FLIGHT_AT_KILL
        )


def _free_times(reply: Reply) -> list[str]:
    return [slot["value"] for day in reply.var(BookState, "days") or [] for slot in day["slots"]]


async def book(tab: Tab, writer: Writer, run: Run) -> None:
    """Load the booking page, pick one of the first free times (others race for them), confirm;
    again and again."""
    path, rng = "/portal/book", random.Random(writer.number)
    while True:
        page = await tab.send(BookState, "load", {}, path, lambda r: r.var(BookState, "loaded"))
        if page is None:
            return
        times = _free_times(page)
        assert times, f"booker {writer.number}: no free times offered"
        start = rng.choice(times[:6])
        chosen = await tab.send(
            BookState,
            "choose",
            {"value": start, "label": start},
            path,
            lambda r, start=start: r.var(BookState, "chosen") == start,
        )
        if chosen is None:
            return
        done = await run.write(
            tab,
            f"booker{writer.number}",
            Write("booking", writer.user_id, start),
            (BookState, "confirm", {}, path),
            settled=lambda r: bool(
                r.redirects or r.var(BookState, "error") or r.var(BookState, "needs_late_confirm")
            ),
            succeeded=lambda r: r.redirects == ["/portal/sessions?booked=1"],
        )
        if done is None:
            return


async def message(tab: Tab, writer: Writer, run: Run) -> None:
    """Topic, draft, send; again and again, each message with its own text."""
    path = "/portal/messages"
    for n in range(10_000):
        text = f"Crash writer {writer.number}, message {n}: can we move Thursday's session?"
        steps = (
            ("choose_topic", {"topic": "other"}, lambda r: r.var(PortalMessagesState, "topic")),
            (
                "set_draft",
                {"value": text},
                lambda r, text=text: r.var(PortalMessagesState, "draft") == text,
            ),
        )
        for handler, payload, settled in steps:
            if await tab.send(PortalMessagesState, handler, payload, path, settled) is None:
                return
        done = await run.write(
            tab,
            f"messenger{writer.number}",
            Write("message", writer.user_id, text),
            (PortalMessagesState, "send", {}, path),
            settled=lambda r: bool(
                r.var(PortalMessagesState, "notice") or r.var(PortalMessagesState, "error")
            ),
            succeeded=lambda r, text=text: (
                r.var(PortalMessagesState, "notice") == "Sent."
                and text in [m["body"] for m in r.var(PortalMessagesState, "sent") or []]
            ),
        )
        if done is None:
            return
        assert done, f"messenger {writer.number}: a message was refused"


async def bill(tab: Tab, writer: Writer, run: Run) -> None:
    """On the billing page: a payment against the pair's invoice, then a new invoice; again and
    again."""
    path, who = "/app/billing", f"biller{writer.number}"
    page = await tab.send(BillingState, "load", {}, path, lambda r: r.var(BillingState, "loaded"))
    if page is None:
        return
    today = page.var(BillingState, "today")
    for n in range(10_000):
        opened = await tab.send(
            BillingState,
            "start_payment",
            {"invoice_id": writer.invoice_id},
            path,
            lambda r: (r.var(BillingState, "paying") or {}).get("id") == writer.invoice_id,
        )
        if opened is None:
            return
        reference = f"UPI-CRASH-{writer.number}-{n}"
        form = {"amount": PAYMENT_RUPEES, "paid_on": today, "method": "upi", "reference": reference}
        paid = await run.write(
            tab,
            who,
            Write("payment", writer.user_id, reference),
            (BillingState, "record_payment", {"form": form}, path),
            settled=lambda r: bool(
                r.var(BillingState, "notice") or r.var(BillingState, "pay_errors")
            ),
            succeeded=lambda r: r.var(BillingState, "notice", "").startswith("Payment recorded"),
        )
        if paid is None:
            return
        assert paid, f"biller {writer.number}: a payment was refused"
        note = f"Crash writer {writer.number}, invoice {n}"
        form = {
            "client_id": str(writer.client_id),
            "description_0": "Therapy session",
            "rate_0": "1500",
            "note": note,
            "action": "issue",
        }
        issued = await run.write(
            tab,
            who,
            Write("invoice", writer.user_id, note),
            (BillingState, "create", {"form": form}, path),
            settled=lambda r: bool(
                r.var(BillingState, "notice") or r.var(BillingState, "new_errors")
            ),
            succeeded=lambda r: (
                r.var(BillingState, "notice") == "Invoice issued. The client has been emailed."
            ),
        )
        if issued is None:
            return
        assert issued, f"biller {writer.number}: an invoice was refused"


WRITERS = {"booker": book, "messenger": message, "biller": bill}


async def _write_until_killed(base_url: str, writer: Writer, run: Run) -> None:
    async with Tab(base_url, writer.cookie) as tab:
        await WRITERS[writer.kind](tab, writer, run)


async def _kill_mid_run(server, run: Run, writers: list[asyncio.Task]) -> list[int]:
    """SIGKILL the server's process group as soon as enough writes are confirmed and several are
    in flight; returns the pids that were killed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RUN_TIMEOUT
    while not run.ready_to_kill():
        for task in writers:  # a writer that failed fails the test now, with its own message
            if task.done():
                task.result()
        assert loop.time() < deadline, (
            f"no kill point: {run.kinds()} confirmed, refused {run.refused}"
        )
        await asyncio.sleep(0.002)
    return server.kill()


# What the database must show afterwards -----------------------------------------------------


def _found(session) -> set[Write]:
    """Every write of the kinds the writers make, keyed as the writers keyed them."""
    found = {
        Write("booking", a.client_id, _instant(a.starts_at))
        for a in session.exec(select(Appointment).where(Appointment.status == "scheduled")).all()
    }
    found |= {
        Write("message", m.sender_id, m.body)
        for m in session.exec(select(Message).where(Message.kind == "client")).all()
    }
    found |= {
        Write("payment", p.recorded_by, p.reference) for p in session.exec(select(Payment)).all()
    }
    found |= {Write("invoice", i.created_by, i.note) for i in session.exec(select(Invoice)).all()}
    return found


def _instant(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _as_stored(write: Write) -> Write:
    """A booking's start in UTC, as `_found` writes it (the page offers times in the practice's
    zone); the other kinds as sent."""
    if write.kind == "booking":
        return Write(write.kind, write.user_id, _instant(datetime.fromisoformat(write.key)))
    return write


def _audited(session, kind: str) -> Counter:
    return Counter(
        e.subject_id for e in session.exec(select(AuditEvent).where(AuditEvent.kind == kind)).all()
    )


def _queued(session) -> set[str]:
    return set(session.exec(select(OutboxEmail.idempotency_key)).all())


def _numbering(session, series: str, sequences: list[int]) -> list[str]:
    """A number series with no gap and no repeat, its counter at the last number given."""
    counter = session.exec(select(DocumentCounter).where(DocumentCounter.series == series)).all()
    last = sum(c.last_number for c in counter)
    if sorted(sequences) != list(range(1, len(sequences) + 1)) or last != len(sequences):
        return [f"{series} numbers {sorted(sequences)} against a counter at {last}"]
    return []


def _invoice_problems(session) -> list[str]:
    problems = []
    audited, queued = _audited(session, "invoice.issued"), _queued(session)
    for inv in session.exec(select(Invoice)).all():
        lines = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)).all()
        paid = sum(
            p.amount_paise
            for p in session.exec(select(Payment).where(Payment.invoice_id == inv.id)).all()
        )
        taxes = inv.cgst_paise + inv.sgst_paise + inv.igst_paise
        checks = {
            "has lines": bool(lines) and all(ln.amount_paise > 0 for ln in lines),
            "lines add up": sum(ln.amount_paise for ln in lines) == inv.taxable_paise,
            "total": inv.total_paise == inv.taxable_paise + taxes and inv.total_paise > 0,
            "paid is its payments": inv.paid_paise == paid,
            "status follows payments": inv.status == payments.status_after(inv),
            "issued in full": bool(inv.number and inv.sequence and inv.issue_date),
            "issue audited once": audited[inv.id] == 1,
            "client emailed": f"invoice_issued:{inv.id}" in queued,
        }
        problems += [f"invoice {inv.id}: {name}" for name, ok in checks.items() if not ok]
    numbers = [inv.sequence or 0 for inv in session.exec(select(Invoice)).all()]
    return problems + _numbering(session, "invoice", numbers)


def _payment_problems(session) -> list[str]:
    problems = []
    audited, queued = _audited(session, "payment.recorded"), _queued(session)
    rows = session.exec(select(Payment)).all()
    for p in rows:
        invoice = session.get(Invoice, p.invoice_id)
        if invoice is None or invoice.client_id != p.client_id:
            problems.append(f"payment {p.id}: without its invoice")
        if f"payment:{p.id}" not in queued:
            problems.append(f"payment {p.id}: no receipt email")
    # Each payment is audited against its invoice: as many audit events as payments, per invoice.
    per_invoice = Counter(p.invoice_id for p in rows)
    if audited != per_invoice:
        problems.append(f"payments audited {dict(audited)}, recorded {dict(per_invoice)}")
    sequences = [int(p.receipt_number.rsplit("/", 1)[-1]) for p in rows]
    return problems + _numbering(session, "receipt", sequences)


def _appointment_problems(session) -> list[str]:
    problems = []
    audited, queued = _audited(session, "appointment.booked"), _queued(session)
    held: dict[int, list[Appointment]] = {}
    for a in session.exec(select(Appointment)).all():
        kind = session.get(SessionType, a.session_type_id) if a.session_type_id else None
        profile = session.get(ClientProfile, a.client_id)
        checks = {
            "its type": kind is not None and a.title == kind.name,
            "its therapist": profile is not None and a.therapist_id == profile.therapist_id,
            "its times": a.starts_at < a.ends_at <= a.blocked_until,
            "its fee": kind is not None and a.fee_paise == kind.fee_paise,
            "its join link": bool(a.join_url) or a.mode != "video",
            "booking audited once": audited[a.id] == 1,
            "client emailed": any(key.startswith(f"booked:{a.id}:") for key in queued),
        }
        problems += [f"appointment {a.id}: {name}" for name, ok in checks.items() if not ok]
        if a.status in ACTIVE_STATUSES:
            held.setdefault(a.therapist_id, []).append(a)
    for therapist_id, rows in held.items():
        rows.sort(key=lambda a: a.starts_at)
        for before, after in zip(rows, rows[1:], strict=False):
            if after.starts_at < before.blocked_until:
                problems.append(
                    f"therapist {therapist_id}: {before.id} and {after.id} overlap "
                    f"({before.starts_at}-{before.blocked_until}, {after.starts_at})"
                )
    return problems


def _thread_problems(session) -> list[str]:
    problems = []
    audited = _audited(session, "message.sent")
    for thread in session.exec(select(MessageThread)).all():
        sent = session.exec(
            select(Message).where(Message.thread_id == thread.id, Message.kind == "client")
        ).all()
        if thread.unread_for_therapist != len(sent) or audited[thread.id] != len(sent):
            problems.append(
                f"thread {thread.id}: {len(sent)} messages, {thread.unread_for_therapist} unread, "
                f"{audited[thread.id]} audited"
            )
        if sent and thread.last_message_at != max(m.created_at for m in sent):
            problems.append(f"thread {thread.id}: last_message_at is not its last message")
    return problems


def _half_written(session) -> list[str]:
    return (
        _invoice_problems(session)
        + _payment_problems(session)
        + _appointment_problems(session)
        + _thread_problems(session)
    )


def _sqlite_checks(path) -> tuple[list, list]:
    """(PRAGMA integrity_check, PRAGMA foreign_key_check) of the database file."""
    with sqlite3.connect(path) as conn:
        return (
            conn.execute("PRAGMA integrity_check").fetchall(),
            conn.execute("PRAGMA foreign_key_check").fetchall(),
        )


async def test_a_server_killed_mid_write_loses_nothing_it_confirmed_and_leaves_nothing_half_done(
    crash_server, cast
) -> None:
    assert len(cast) == 20
    run = Run()
    writers = [
        asyncio.create_task(_write_until_killed(crash_server.base_url, w, run)) for w in cast
    ]
    try:
        killed = await _kill_mid_run(crash_server, run, writers)
        in_flight = dict(run.in_flight)
        # The server and its granian worker, all gone; every writer saw its socket drop.
        assert len(killed) >= 2, killed
        await asyncio.wait_for(asyncio.gather(*writers), 30)
    finally:
        for task in writers:
            task.cancel()
        await asyncio.gather(*writers, return_exceptions=True)
    assert len(in_flight) >= IN_FLIGHT_AT_KILL

    await asyncio.to_thread(crash_server.start)
    integrity, orphans = _sqlite_checks(crash_server.data_dir / "practipal.db")
    assert integrity == [("ok",)] and orphans == []
    found = db.read(_found)
    lost = [w for w in run.confirmed if _as_stored(w) not in found]
    assert not lost, f"confirmed but not in the database: {lost}"
    assert db.read(_half_written) == []

    # The restarted server serves what was written: a messenger's own words come back to them.
    messenger = next(w for w in cast if w.kind == "messenger")
    own = [w.key for w in run.confirmed if w.kind == "message" and w.user_id == messenger.user_id]
    async with Tab(crash_server.base_url, messenger.cookie) as tab:
        page = await tab.send(
            PortalMessagesState,
            "load",
            {},
            "/portal/messages",
            lambda r: r.var(PortalMessagesState, "loaded"),
        )
    shown = [m["body"] for m in page.var(PortalMessagesState, "messages")]
    assert set(own) <= set(shown), (own, shown)
    print(
        f"\ncrash: {len(run.confirmed)} confirmed {dict(run.kinds())}, refused "
        f"{dict(run.refused)}, in flight at the kill {sorted(w.kind for w in in_flight.values())}, "
        f"killed pids {killed}"
    )
