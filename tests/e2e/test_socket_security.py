"""The websocket, spoken to directly: who may connect, and what each Reflex handler gives away.

A browser can call any public handler of any state with any payload and any route data, so each
handler must authorize itself. These tests do what a hostile page or script would: connect with a
foreign Origin, and call workspace handlers with another therapist's client id in the route, with
a client's session cookie, or with none. The calendar, availability, inbox, contact-log and portal
scheduling and messaging states, billing, the resource vault and forms get the same treatment:
another therapist's (or client's) ids in the payload or route, several events in one tab where a
handler acts on what an earlier one left in the state, and every handler called by the wrong role
or nobody; the database is compared before and after.

Therapists A and B (neither the owner, who sees the whole practice) and their clients are written
straight into the running server's database through the services, as there is no page for adding
staff yet; sessions are started the same way, which gives the raw cookie values.

The sweep of every guarded handler runs twice: against the built app (SQLite, one worker, tab
state in memory), and against a backend-only server on PostgreSQL with Redis as the state manager
and two workers (when PRACTIPAL_TEST_POSTGRES_URL and PRACTIPAL_TEST_REDIS_URL are set).
"""

from __future__ import annotations

import asyncio
import json
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
import reflex as rx
import socketio
from browsing import ensure_practice, server_database
from reflex.utils import format as rx_format
from sockets import VAR, Reply, call, open_tab, tab
from sqlmodel import select
from wsframes import dumps

from practipal_app import db
from practipal_app.billing import invoices
from practipal_app.content import forms, resources
from practipal_app.messaging import threads as messaging
from practipal_app.models import (
    Appointment,
    AuditEvent,
    AutoShareRule,
    AvailabilityRule,
    BillingSettings,
    CalendarFeed,
    Charter,
    CharterAcknowledgement,
    ClientFee,
    ClientProfile,
    ContactRecord,
    DocumentCounter,
    EnergyCheckIn,
    Form,
    FormResponse,
    FormVersion,
    InsightSettings,
    Invoice,
    InvoiceLine,
    Message,
    MessageThread,
    OutboxEmail,
    Payment,
    Resource,
    ResourceShare,
    Role,
    SchedulingSettings,
    SessionType,
    Snippet,
    TimeOff,
    User,
    WhatsAppImport,
)
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients
from practipal_app.practipal_app import app  # noqa: F401  (every page, so every state and its handlers)
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.state.availability import AvailabilityState
from practipal_app.state.billing import (
    BillingSettingsState,
    BillingState,
    ClientBillingState,
)
from practipal_app.state.calendar import CalendarState
from practipal_app.state.clients import ClientDetailState, ClientsState
from practipal_app.state.contacts import BulkImportState, ContactsState
from practipal_app.state.forms import (
    ClientFormsState,
    FillState,
    FormEditorState,
    FormsListState,
    PortalFormsState,
    ResponseState,
)
from practipal_app.state.guard import GUARDED
from practipal_app.state.messages import InboxState, PortalMessagesState
from practipal_app.state.portal import PortalState
from practipal_app.state.portal_schedule import BookState, SessionsState
from practipal_app.state.resources import PortalResourcesState, ResourcesState
from practipal_app.state.settings import OutboxState
from practipal_app.state.viewer import ViewerState

pytestmark = pytest.mark.e2e

A = {"name": "Vikram Nair", "email": "vikram@example.com", "password": "Amber-Monsoon-Kettle-19"}
B = {"name": "Neha Kapoor", "email": "neha@example.com", "password": "Saffron-Lantern-Pebble-58"}
A_CLIENT = {"name": "Arjun Mehta", "email": "arjun@example.com"}
B_CLIENT = {"name": "Kabir Sethi", "email": "kabir@example.com", "phone": "98111 22334"}
#: What must never reach anyone but B (and the owner): B's client's details.
B_SECRETS = ("Kabir", "Sethi", "kabir@example.com", "22334")


@dataclass
class People:
    a_id: int
    b_id: int
    a_client_id: int
    b_client_id: int
    a_cookie: str
    b_client_cookie: str


def _setup(session) -> People:
    ensure_practice(session)
    practice_id = practice.the_practice(session).id
    a = practice.add_staff(
        session, practice_id, A["name"], A["email"], Role.THERAPIST, A["password"]
    )
    b = practice.add_staff(
        session, practice_id, B["name"], B["email"], Role.THERAPIST, B["password"]
    )
    a_client = clients.add_client(session, auth.actor_for(a), clients.ClientForm(**A_CLIENT))
    b_client = clients.add_client(session, auth.actor_for(b), clients.ClientForm(**B_CLIENT))
    return People(
        a_id=a.id,
        b_id=b.id,
        a_client_id=a_client,
        b_client_id=b_client,
        a_cookie=auth.start_session(session, a),
        b_client_cookie=auth.start_session(session, session.get(User, b_client)),
    )


@pytest.fixture(scope="module")
def app_db(server) -> Iterator[None]:
    """The app's db module pointed at the running server's database."""
    with server_database(server):
        yield


@pytest.fixture(scope="module")
def people(app_db) -> People:
    return db.call(_setup)


def redirected(reply: Reply) -> bool:
    return bool(reply.redirects)


def assert_none_of(needles, reply: Reply, own_name: str = "") -> None:
    """None of `needles` in what the tab was sent. `own_name`: the person acting, whose own name
    their page shell shows once the session claims the tab (ViewerState), and nowhere else."""
    updates = reply.updates
    if own_name:
        updates = [_without_own_name(update, own_name) for update in updates]
    text = dumps(updates)
    found = [n for n in needles if n in text]
    assert not found, (found, text[:2000])


def _without_own_name(update: dict, own_name: str) -> dict:
    shell = ViewerState.get_full_name()
    delta = update.get("delta") or {}
    if (delta.get(shell) or {}).get(f"name{VAR}") != own_name:
        return update
    fields = {k: v for k, v in delta[shell].items() if k != f"name{VAR}"}
    return {**update, "delta": {**delta, shell: fields}}


def detail_route(client_id: int) -> dict:
    path = f"/app/clients/{client_id}"
    return {"path": path, "query": {"client_id": str(client_id)}}


def id_route(prefix: str, param: str, value: int | str) -> dict:
    """A dynamic page's route as a browser sends it, e.g. /app/forms/7 with form_id=7."""
    return {"path": f"{prefix}/{value}", "query": {param: str(value)}}


def form_route(form_id: int | str) -> dict:
    return id_route("/app/forms", "form_id", form_id)


def response_route(response_id: int | str) -> dict:
    return id_route("/app/forms/responses", "response_id", response_id)


def fill_route(response_id: int | str) -> dict:
    return id_route("/portal/forms", "response_id", response_id)


# Origin -------------------------------------------------------------------------------------------


async def test_a_socket_from_a_foreign_origin_is_refused(server) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        async with tab(server.base_url, origin="https://evil.example"):
            pass
    # The site's own origin still connects: the refusal is about the origin, not every socket.
    async with tab(server.base_url, origin=server.base_url) as sio:
        assert sio.connected


# Therapist A against therapist B's client ---------------------------------------------------------


def _b_client_row(session, client_id: int) -> dict:
    user = session.get(User, client_id)
    profile = session.get(ClientProfile, client_id)
    outbox = session.exec(select(OutboxEmail).where(OutboxEmail.to_address == user.email)).all()
    planted = session.exec(select(User).where(User.email == "planted@example.com")).first()
    return {
        "name": user.name,
        "email": user.email,
        "phone": user.phone,
        "invited_at": profile.invited_at,
        "therapist_id": profile.therapist_id,
        "outbox": len(outbox),
        "planted": planted is not None,
    }


async def test_a_therapist_cannot_read_change_or_invite_another_therapists_client(
    server, people
) -> None:
    base = server.base_url
    before = db.call(_b_client_row, people.b_client_id)
    assert (
        before["name"] == B_CLIENT["name"]
        and before["outbox"] == 0
        and before["invited_at"] is None
    )

    # The same call for A's own client does return it: the route data below is read as a browser's.
    own = await call(
        base,
        ClientDetailState,
        "load",
        cookie=people.a_cookie,
        **detail_route(people.a_client_id),
        until=lambda r: r.var(ClientDetailState, "client", {}).get("name"),
    )
    assert own.var(ClientDetailState, "client")["name"] == A_CLIENT["name"]
    assert own.var(ClientDetailState, "missing") in (None, False)

    load = await call(
        base,
        ClientDetailState,
        "load",
        cookie=people.a_cookie,
        **detail_route(people.b_client_id),
        until=lambda r: r.var(ClientDetailState, "missing") is True,
    )
    assert_none_of(B_SECRETS, load)

    form = {
        "name": "Renamed By A",
        "email": "taken-over@example.com",
        "phone": "",
        "timezone": "Asia/Kolkata",
        "status": "discharged",
        "therapist_id": str(people.a_id),
    }
    save = await call(
        base,
        ClientDetailState,
        "save",
        {"form": form},
        cookie=people.a_cookie,
        **detail_route(people.b_client_id),
        until=lambda r: bool(r.var(ClientDetailState, "action_error")),
    )
    assert_none_of(B_SECRETS, save)

    invite = await call(
        base,
        ClientDetailState,
        "invite",
        cookie=people.a_cookie,
        **detail_route(people.b_client_id),
        until=lambda r: bool(r.var(ClientDetailState, "action_error")),
    )
    assert_none_of(B_SECRETS, invite)
    assert "/invite/" not in invite.text

    search = await call(
        base,
        ClientsState,
        "search",
        {"form": {"query": "kabir", "status": ""}},
        cookie=people.a_cookie,
        path="/app/clients",
        until=lambda r: r.var(ClientsState, "total") is not None,
    )
    assert search.var(ClientsState, "total") == 0
    assert_none_of(B_SECRETS[1:], search)  # "kabir" itself comes back as the query A typed

    listing = await call(
        base,
        ClientsState,
        "load",
        cookie=people.a_cookie,
        path="/app/clients",
        until=lambda r: r.var(ClientsState, "rows") is not None,
    )
    assert [row["name"] for row in listing.var(ClientsState, "rows")] == [A_CLIENT["name"]]
    assert_none_of(B_SECRETS, listing)
    assert B["name"] not in listing.text  # nor can A assign clients to B

    planted = {
        "name": "Planted Client",
        "email": "planted@example.com",
        "timezone": "Asia/Kolkata",
        "therapist_id": str(people.b_id),
    }
    add = await call(
        base,
        ClientsState,
        "add",
        {"form": planted},
        cookie=people.a_cookie,
        path="/app/clients",
        until=lambda r: bool(r.var(ClientsState, "errors")),
    )
    assert "therapist_id" in add.var(ClientsState, "errors")
    assert not add.redirects

    # The outbox holds invite links: a therapist who is not the owner is sent home, with no rows.
    outbox = await call(
        base,
        OutboxState,
        "load",
        cookie=people.a_cookie,
        path="/app/settings/outbox",
        until=redirected,
    )
    assert outbox.redirects == ["/app"]
    assert outbox.var(OutboxState, "rows") in (None, [])
    assert "invite" not in outbox.text

    assert db.call(_b_client_row, people.b_client_id) == before


# Clients and strangers against the workspace ------------------------------------------------------


WORKSPACE_CALLS = [
    (ClientsState, "load", {}, {"path": "/app/clients"}),
    (ClientsState, "search", {"form": {"query": "", "status": ""}}, {"path": "/app/clients"}),
    (ClientDetailState, "load", {}, "b_client"),
    (ClientDetailState, "invite", {}, "b_client"),
    (OutboxState, "load", {}, {"path": "/app/settings/outbox"}),
]


@pytest.mark.parametrize(("who", "home"), [("client", "/portal"), ("nobody", "/login?next=")])
async def test_workspace_handlers_send_clients_and_strangers_away_with_nothing(
    server, people, who, home
) -> None:
    cookie = people.b_client_cookie if who == "client" else None
    before = db.call(_b_client_row, people.b_client_id)
    for state, handler, payload, route in WORKSPACE_CALLS:
        route = detail_route(people.b_client_id) if route == "b_client" else route
        reply = await call(
            server.base_url, state, handler, payload, cookie=cookie, **route, until=redirected
        )
        assert len(reply.redirects) == 1 and reply.redirects[0].startswith(home), (
            state,
            handler,
            reply.redirects,
        )
        assert_none_of(
            (*B_SECRETS, A_CLIENT["name"], A_CLIENT["email"], "@example.com"),
            reply,
            own_name=B_CLIENT["name"] if cookie else "",
        )
        for var in ("rows", "client", "total"):
            assert reply.var(state, var) in (None, [], {}, 0), (
                state,
                handler,
                var,
                reply.text[:1000],
            )
    assert db.call(_b_client_row, people.b_client_id) == before


async def test_portal_handlers_send_staff_and_strangers_away(server, people) -> None:
    staff = await call(
        server.base_url,
        PortalState,
        "load",
        cookie=people.a_cookie,
        path="/portal",
        until=redirected,
    )
    assert staff.redirects == ["/app"]
    assert PortalState.get_full_name() not in dumps([u.get("delta") or {} for u in staff.updates])
    nobody = await call(server.base_url, PortalState, "load", path="/portal", until=redirected)
    assert nobody.redirects == ["/login?next=%2Fportal"]


# The calendar, availability, inbox, contact log and portal scheduling states ----------------------
#
# A second cast on top of `people`: Tara Menon, B's second client (so two clients share a
# therapist), sessions on the same day for Arjun (with A) and Tara (with B), a message in Kabir's
# thread and one in Arjun's, and B's own quick reply, session type and leave. Each text below is
# private to one person; every test asserts where it must not appear.

TARA = {"name": "Tara Menon", "email": "tara.menon@example.com"}
A_AGENDA = "Exam-week breathing plan for Arjun"
B_AGENDA = "Revisit the lighthouse dream with Tara"
A_MESSAGE = "Arjun writes: the exam dread is back"
B_MESSAGE = "Kabir writes: the night panic returned on Tuesday"
B_SNIPPET = ("Neha's grief script", "Stay with the loss for a moment; we will hold it together.")
B_TYPE = "Neha's EMDR intensive"
B_LEAVE_NOTE = "Neha away at a family wedding"
#: B's own text resource (title, body) and the note it was shared with Tara with.
B_RESOURCE = (
    "Neha's letter to the lighthouse keeper",
    "Write to the keeper about what the storm took.",
)
B_SHARE_NOTE = "Neha's note: read it the night before we meet"
#: B's item in the practice library: every staff member sees it, none but B and Tara its shares.
B_LIBRARY = "Practice card: box breathing"
A_RESOURCE = "Vikram's exam-week worksheet"
#: B's own form (title, its one question) and Tara's answers: a draft of it, and her submitted
#: Intake.
B_FORM = ("Neha's grief check-in", "How heavy does the loss feel this week?")
TARA_DRAFT = "Heavier since the anniversary of the storm"
TARA_REASON = "Tara's reason: the move to Pune unsettled everything"
TARA_CONTACT = ("Leela Menon", "Sister", "98202 77441")
TARA_INTAKE = {
    "phone": "98200 40404",
    "date_of_birth": "1991-02-11",
    "emergency_contact_name": TARA_CONTACT[0],
    "emergency_contact_relation": TARA_CONTACT[1],
    "emergency_contact_phone": TARA_CONTACT[2],
    "reasons": TARA_REASON,
    "previous_therapy": "no",
    "risk_thoughts": "no",
    "charter": True,
    "data_consent": True,
    "online_consent": True,
    "signature": {"name": TARA["name"], "date": "2026-01-05"},
}
#: What B gave Tara, and what she answered: never for Kabir, Arjun or A.
B_CONTENT = (*B_RESOURCE, B_SHARE_NOTE, *B_FORM)
TARA_ANSWERS = (TARA_DRAFT, TARA_REASON, TARA_CONTACT[0], "77441", "40404")
#: Arjun's (A's client's) sessions and words: never for B's clients.
ARJUN_PRIVATE = ("Arjun", "Mehta", "arjun@example.com", A_AGENDA, A_MESSAGE)
#: Tara's and Kabir's: never for each other (they share B) nor for A.
TARA_PRIVATE = ("Tara", "Menon", "tara.menon@example.com", B_AGENDA)
KABIR_PRIVATE = (*B_SECRETS, B_MESSAGE)
#: All that is B's or B's clients': never for A.
B_PRIVATE = (
    *KABIR_PRIVATE,
    *TARA_PRIVATE,
    *B_SNIPPET,
    B_TYPE,
    B_LEAVE_NOTE,
    *B_CONTENT,
    *TARA_ANSWERS,
)
#: What a tab that is sent away must not receive, whoever it is.
EVERYTHING = (*B_PRIVATE, *ARJUN_PRIVATE, A["name"], B["name"], "@example.com")

#: Rows the outbox worker adds and updates by itself while the tests run (reminders, digests);
#: what handlers enqueue (booking, cancellation and reply notices) is compared.
WORKER_KINDS = {"reminder", "message_digest", "daily_agenda"}
TABLES = (
    Appointment,
    AvailabilityRule,
    SchedulingSettings,
    SessionType,
    TimeOff,
    CalendarFeed,
    MessageThread,
    Message,
    Snippet,
    ContactRecord,
    WhatsAppImport,
    AuditEvent,
    User,
    ClientProfile,
    BillingSettings,
    ClientFee,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Payment,
    Resource,
    ResourceShare,
    AutoShareRule,
    Form,
    FormVersion,
    FormResponse,
    Charter,
    CharterAcknowledgement,
    EnergyCheckIn,
    InsightSettings,
)


@dataclass
class Scene:
    b_cookie: str
    a_client_cookie: str
    tara_id: int
    tara_cookie: str
    a_type: int
    b_type: int  # B's default type, used for B's sessions
    b_extra_type: int  # B_TYPE
    day: str  # the practice-local day of the four sessions below
    a_appt: int  # Arjun with A, 11:00
    a_spare: int  # Arjun with A, 15:00: A marks it, to show the same call works on one's own
    b_appt: int  # Tara with B, 11:00
    b_spare: int  # Tara with B, 15:00: Tara cancels it herself, likewise
    a_thread: int
    b_thread: int  # Kabir's
    b_snippet: int
    b_leave: int
    b_invoice: int  # issued by B to Tara
    a_resource: int  # A's own text, shared with nobody
    b_resource: int  # B_RESOURCE, shared with Tara
    b_library: int  # B_LIBRARY, in the practice library, shared with Tara
    a_intake: int
    b_intake: int
    b_form: int  # B_FORM
    b_response_done: int  # B's Intake, submitted by Tara (with an emergency contact to copy)
    b_response: int  # B_FORM sent to Tara, with her draft answer


def _stage(session, people: People) -> Scene:
    zone = ZoneInfo(scheduling.practice_timezone(session, practice.the_practice(session).id))
    a_user, b_user = session.get(User, people.a_id), session.get(User, people.b_id)
    a, b = auth.actor_for(a_user), auth.actor_for(b_user)
    tara_id = clients.add_client(session, b, clients.ClientForm(**TARA))
    a_type = scheduling.session_types(session, a.user_id)[0].id
    b_type = scheduling.session_types(session, b.user_id)[0].id
    b_extra_type = scheduling.save_session_type(
        session,
        b,
        None,
        scheduling.SessionTypeForm(
            name=B_TYPE, duration_minutes=90, fee_rupees="3500", mode="video", buffer_minutes=15
        ),
    )
    # Five days out: past every cancellation window and reminder, whatever time the tests run.
    day = utcnow().astimezone(zone).date() + timedelta(days=5)

    def book(actor, client_id: int, type_id: int, hour: int, agenda: str) -> int:
        start = datetime.combine(day, time(hour), tzinfo=zone)
        return appointments.book(
            session,
            actor,
            client_id=client_id,
            session_type_id=type_id,
            starts_at=start,
            agenda=agenda,
            confirmed=True,
        )

    a_appt, a_spare = (
        book(a, people.a_client_id, a_type, 11, A_AGENDA),
        book(a, people.a_client_id, a_type, 15, ""),
    )
    b_appt, b_spare = book(b, tara_id, b_type, 11, B_AGENDA), book(b, tara_id, b_type, 15, "")
    for client_id, text in ((people.a_client_id, A_MESSAGE), (people.b_client_id, B_MESSAGE)):
        messaging.post_client_message(
            session, auth.actor_for(session.get(User, client_id)), "other", text
        )
    threads = dict(session.exec(select(MessageThread.client_id, MessageThread.id)).all())
    b_snippet = messaging.save_snippet(session, b, *B_SNIPPET)
    b_leave = scheduling.add_time_off(
        session, b, day + timedelta(days=40), day + timedelta(days=41), B_LEAVE_NOTE
    )
    b_invoice = invoices.create(
        session, b, tara_id, [invoices.LineInput("Therapy session", 1, 200000)], issue_now=True
    )

    def text(actor, title: str, body: str, practice_wide: bool = False) -> int:
        return resources.add_text(
            session,
            actor,
            title=title,
            category="reflection",
            tags="",
            language="English",
            practice_wide=practice_wide,
            body=body,
        )

    a_resource = text(a, A_RESOURCE, "Three columns: the worry, the evidence, the kinder thought.")
    b_resource, b_library = (
        text(b, *B_RESOURCE),
        text(b, B_LIBRARY, "In for four, hold for four.", True),
    )
    resources.share(session, b, b_resource, [tara_id], B_SHARE_NOTE)
    resources.share(session, b, b_library, [tara_id])
    tara = auth.actor_for(session.get(User, tara_id))

    def sent(form_id: int) -> int:
        assert forms.send(session, b, form_id, [tara_id]) == 1
        return session.exec(
            select(FormResponse.id).where(
                FormResponse.form_id == form_id, FormResponse.client_id == tara_id
            )
        ).one()

    a_intake, b_intake = forms.ensure_intake(session, a), forms.ensure_intake(session, b)
    b_response_done = sent(b_intake)
    forms.submit(session, tara, b_response_done, TARA_INTAKE)
    b_form = forms.create_form(session, b, B_FORM[0])
    forms.save_form(
        session,
        b,
        b_form,
        B_FORM[0],
        [{"key": "weight", "type": "long_text", "label": B_FORM[1], "required": True}],
    )
    b_response = sent(b_form)
    forms.save_draft(session, tara, b_response, {"weight": TARA_DRAFT})
    return Scene(
        b_cookie=auth.start_session(session, b_user),
        a_client_cookie=auth.start_session(session, session.get(User, people.a_client_id)),
        tara_id=tara_id,
        tara_cookie=auth.start_session(session, session.get(User, tara_id)),
        a_type=a_type,
        b_type=b_type,
        b_extra_type=b_extra_type,
        day=day.isoformat(),
        a_appt=a_appt,
        a_spare=a_spare,
        b_appt=b_appt,
        b_spare=b_spare,
        a_thread=threads[people.a_client_id],
        b_thread=threads[people.b_client_id],
        b_snippet=b_snippet,
        b_leave=b_leave,
        b_invoice=b_invoice,
        a_resource=a_resource,
        b_resource=b_resource,
        b_library=b_library,
        a_intake=a_intake,
        b_intake=b_intake,
        b_form=b_form,
        b_response_done=b_response_done,
        b_response=b_response,
    )


@pytest.fixture(scope="module")
def scene(people) -> Scene:
    return db.call(_stage, people)


def _world(session) -> dict[str, list]:
    """Every row a handler under test could write, as plain values (sessions' last-seen times,
    which any signed-in call may touch, and the worker's own outbox bookkeeping left out)."""
    world = {
        model.__name__: sorted(
            (row.model_dump() for row in session.exec(select(model)).all()), key=repr
        )
        for model in TABLES
    }
    world["OutboxEmail"] = sorted(
        (row.kind, row.to_address, row.idempotency_key)
        for row in session.exec(select(OutboxEmail)).all()
        if row.kind not in WORKER_KINDS
    )
    return world


def assert_unchanged(before: dict[str, list]) -> None:
    after = db.read(_world)
    changed = {
        table: {
            "added": [r for r in after[table] if r not in rows],
            "gone": [r for r in rows if r not in after[table]],
        }
        for table, rows in before.items()
        if after[table] != rows
    }
    assert not changed, changed


def _appointment(session, appointment_id: int) -> dict:
    return session.get(Appointment, appointment_id).model_dump()


def _bodies(session, client_id: int) -> list[str]:
    thread = session.exec(select(MessageThread).where(MessageThread.client_id == client_id)).first()
    if thread is None:
        return []
    return list(
        session.exec(
            select(Message.body).where(Message.thread_id == thread.id).order_by(Message.id)
        ).all()
    )


def session_ids(reply: Reply, state: type, var: str = "days") -> set[str]:
    """Ids of the sessions a calendar (days of sessions) or a portal list sent."""
    value = reply.var(state, var) or []
    if var == "days":
        return {str(s["id"]) for d in value for s in d["sessions"]}
    return {str(s["id"]) for s in value}


def error_is(state: type, text: str, var: str = "error") -> Callable[[Reply], bool]:
    return lambda r: r.var(state, var) == text


async def test_a_therapist_cannot_mark_or_book_another_therapists_sessions(
    server, people, scene
) -> None:
    base, route = server.base_url, {"path": "/app/calendar"}
    async with open_tab(base, cookie=people.a_cookie) as page:
        await page.send(
            CalendarState, "load", **route, until=lambda r: r.var(CalendarState, "days") is not None
        )
        day = await page.send(
            CalendarState,
            "open_day",
            {"iso": scene.day},
            **route,
            until=lambda r: r.var(CalendarState, "view") == "day",
        )
        # A's own sessions that day are there (so B's would be too, if they leaked)...
        assert session_ids(day, CalendarState) == {str(scene.a_appt), str(scene.a_spare)}
        assert A_AGENDA in day.text
        assert_none_of(B_PRIVATE, day)
        # ...and marking one of them works: the same call with B's session id below is refused.
        own = await page.send(
            CalendarState,
            "mark",
            {"appointment_id": str(scene.a_spare), "status": "cancelled_by_therapist"},
            **route,
            until=lambda r: r.var(CalendarState, "notice") == "Saved.",
        )
        assert not own.var(CalendarState, "error")
        assert db.read(_appointment, scene.a_spare)["status"] == "cancelled_by_therapist"

        before = db.read(_world)
        for status in ("cancelled_by_therapist", "late_cancelled", "no_show", "completed"):
            mark = await page.send(
                CalendarState,
                "mark",
                {"appointment_id": str(scene.b_appt), "status": status},
                **route,
                until=error_is(CalendarState, "No such session."),
            )
            assert mark.var(CalendarState, "notice") in (None, "")
            assert_none_of(B_PRIVATE, mark)

        # Nor can A book Tara (B's client), with B's session type or A's own, once or as a series.
        form = {
            "client_id": str(scene.tara_id),
            "session_type_id": str(scene.b_type),
            "date": scene.day,
            "time": "13:00",
            "repeat": "none",
            "agenda": "Planted by A",
        }
        for extra in ({}, {"session_type_id": str(scene.a_type)}, {"repeat": "1", "count": "4"}):
            book = await page.send(
                CalendarState,
                "book",
                {"form": {**form, **extra}},
                **route,
                until=error_is(CalendarState, "No such client."),
            )
            assert not book.var(CalendarState, "warnings") and not book.var(CalendarState, "notice")
            assert_none_of(B_PRIVATE, book)
        anyway = await page.send(
            CalendarState,
            "book_anyway",
            **route,
            until=lambda r: bool(r.var(CalendarState, "error")),
        )
        assert not anyway.var(CalendarState, "notice")
        assert_none_of(B_PRIVATE, anyway)
    assert db.read(_appointment, scene.b_appt)["status"] == "scheduled"
    assert_unchanged(before)


async def test_a_therapist_cannot_change_another_therapists_session_types_or_leave(
    server, people, scene
) -> None:
    route = {"path": "/app/settings/availability"}
    async with open_tab(server.base_url, cookie=people.a_cookie) as page:
        load = await page.send(
            AvailabilityState,
            "load",
            **route,
            until=lambda r: r.var(AvailabilityState, "loaded") is True,
        )
        assert [t["id"] for t in load.var(AvailabilityState, "types")] == [scene.a_type]
        assert load.var(AvailabilityState, "leave") in (None, [])
        assert_none_of(B_PRIVATE, load)

        before = db.read(_world)
        archive = await page.send(
            AvailabilityState,
            "archive_type",
            {"type_id": str(scene.b_extra_type)},
            **route,
            until=lambda r: bool(r.var(AvailabilityState, "errors")),
        )
        assert archive.var(AvailabilityState, "errors") == {"form": "No such session type."}
        await page.send(
            AvailabilityState,
            "edit_type",
            {"type_id": str(scene.b_extra_type)},
            **route,
            until=lambda r: r.var(AvailabilityState, "editing_type") == scene.b_extra_type,
        )
        form = {
            "name": "Renamed by A",
            "duration_minutes": "30",
            "fee_rupees": "1",
            "mode": "phone",
            "buffer_minutes": "0",
        }
        save = await page.send(
            AvailabilityState,
            "save_type",
            {"form": form},
            **route,
            until=lambda r: bool(r.var(AvailabilityState, "errors")),
        )
        assert save.var(AvailabilityState, "errors") == {"form": "No such session type."}
        leave = await page.send(
            AvailabilityState,
            "remove_leave",
            {"leave_id": str(scene.b_leave)},
            **route,
            until=lambda r: bool(r.var(AvailabilityState, "errors")),
        )
        assert leave.var(AvailabilityState, "errors") == {"form": "No such leave period."}
        for reply in (archive, save, leave):
            assert not reply.var(AvailabilityState, "notice")
            assert_none_of(B_PRIVATE, reply)
    assert_unchanged(before)


async def test_a_therapist_cannot_open_answer_close_or_edit_another_therapists_inbox(
    server, people, scene
) -> None:
    route = {"path": "/app/inbox"}
    async with open_tab(server.base_url, cookie=people.a_cookie) as page:
        load = await page.send(
            InboxState, "load", **route, until=lambda r: r.var(InboxState, "loaded") is True
        )
        assert [t["id"] for t in load.var(InboxState, "threads")] == [scene.a_thread]
        assert scene.b_snippet not in {s["id"] for s in load.var(InboxState, "snippets")}
        assert_none_of(B_PRIVATE, load)
        # A's own thread opens: the head is set, as it would be for B's if `open` let it.
        own = await page.send(
            InboxState,
            "open",
            {"thread_id": str(scene.a_thread)},
            **route,
            until=lambda r: (r.var(InboxState, "head") or {}).get("id") == scene.a_thread,
        )
        assert A_MESSAGE in own.text

        before = db.read(_world)
        theirs = await page.send(
            InboxState,
            "open",
            {"thread_id": str(scene.b_thread)},
            **route,
            until=error_is(InboxState, "That conversation is not yours."),
        )
        assert theirs.var(InboxState, "head") is None and theirs.var(InboxState, "messages") == []
        assert_none_of(B_PRIVATE, theirs)
        # With the head cleared, neither a reply nor "done" lands anywhere: not in Kabir's thread,
        # nor in the thread A had open before.
        await page.send(
            InboxState,
            "set_draft",
            {"value": "A's reply, aimed at Kabir's thread"},
            **route,
            until=lambda r: bool(r.var(InboxState, "draft")),
        )
        send = await page.send(
            InboxState, "send", **route, until=error_is(InboxState, "Open a conversation first.")
        )
        done = await page.send(
            InboxState, "done", **route, until=error_is(InboxState, "Open a conversation first.")
        )
        snippet = await page.send(
            InboxState,
            "delete_snippet",
            {"snippet_id": str(scene.b_snippet)},
            **route,
            until=error_is(InboxState, "That quick reply is not yours."),
        )
        for reply in (send, done, snippet):
            assert not reply.var(InboxState, "notice")
            assert reply.var(InboxState, "head") in (None, {})
            assert_none_of(B_PRIVATE, reply)
    assert_unchanged(before)  # Kabir's thread still unread and waiting; B's quick reply still there
    assert db.read(_bodies, people.b_client_id)[0] == B_MESSAGE


CHAT = (
    "WhatsApp Chat with Kabir Sethi.txt",
    b"12/11/2026, 21:15 - Kabir Sethi: Can we move Thursday?\n"
    b"12/11/2026, 21:40 - Vikram Nair: Please use the portal\n",
)


async def test_a_therapist_cannot_log_or_import_contacts_for_another_therapists_client(
    server, people, scene
) -> None:
    base = server.base_url

    def count(session, client_id: int) -> int:
        query = select(ContactRecord.id).where(ContactRecord.client_id == client_id)
        return len(session.exec(query).all())

    # The call works for A's own client: one record more.
    own_before = db.read(count, people.a_client_id)
    own = await call(
        base,
        ContactsState,
        "log",
        {"channel": "phone_logged", "topic": "Scheduling"},
        cookie=people.a_cookie,
        **detail_route(people.a_client_id),
        until=lambda r: r.var(ContactsState, "notice") == "Logged: Phone call · Scheduling.",
    )
    assert own.var(ContactsState, "volume")["phone"] == 1
    assert db.read(count, people.a_client_id) == own_before + 1

    before = db.read(_world)
    route = detail_route(people.b_client_id)
    async with open_tab(base, cookie=people.a_cookie) as page:
        load = await page.send(ContactsState, "load", **route, until=lambda r: bool(r.updates))
        assert load.var(ContactsState, "volume") is None
        assert_none_of(B_PRIVATE, load)
        for channel, topic in (
            ("phone_logged", "Scheduling"),
            ("whatsapp_logged", "Emotional support"),
        ):
            log = await page.send(
                ContactsState,
                "log",
                {"channel": channel, "topic": topic},
                **route,
                until=error_is(ContactsState, "No such client."),
            )
            assert not log.var(ContactsState, "notice") and log.var(ContactsState, "volume") is None
        # An exported chat with Kabir, uploaded on Kabir's page: read (it is A's own file), but
        # not imported.
        read = await page.upload(
            ContactsState,
            "read_chat",
            [CHAT],
            until=lambda r: bool(r.var(ContactsState, "chat_senders")),
        )
        assert read.var(ContactsState, "chat_senders") == ["Kabir Sethi", "Vikram Nair"]
        imported = await page.send(
            ContactsState,
            "import_chat",
            {"form": {"therapist_sender": "Vikram Nair"}},
            **route,
            until=error_is(ContactsState, "No such client."),
        )
        assert not imported.var(ContactsState, "notice")

    # The same file in a bulk import on the clients page, matched to Kabir by id.
    async with open_tab(base, cookie=people.a_cookie) as page:
        # An upload carries no cookie of its own: the tab's state has it from an earlier event (a
        # page's first events come over the socket), so one goes first.
        await page.send(
            BulkImportState, "clear", path="/app/clients", until=lambda r: bool(r.updates)
        )
        read = await page.upload(
            BulkImportState,
            "read_chats",
            [CHAT],
            until=lambda r: bool(r.var(BulkImportState, "files")),
        )
        assert read.var(BulkImportState, "clients") == [
            {"value": str(people.a_client_id), "label": A_CLIENT["name"]}
        ]
        bulk = await page.send(
            BulkImportState,
            "import_all",
            {"form": {"client_0": str(people.b_client_id), "me_0": "Vikram Nair"}},
            path="/app/clients",
            until=lambda r: bool(r.var(BulkImportState, "error")),
        )
        assert "No such client." in bulk.var(BulkImportState, "error")
        assert not bulk.var(BulkImportState, "notice")
    assert_unchanged(before)


async def test_a_therapist_cannot_bill_or_read_the_billing_of_another_therapists_clients(
    server, people, scene
) -> None:
    """A aims every billing handler at B's invoice and B's clients: each is refused with a message,
    nothing of B's reaches A's tab, owner-only settings send A away, and no row changes."""
    before = db.read(_world)
    route = {"path": "/app/billing"}
    async with open_tab(server.base_url, cookie=people.a_cookie) as page:
        replies = [
            await page.send(
                BillingState, "load", **route, until=lambda r: r.var(BillingState, "loaded")
            )
        ]
        assert replies[0].var(BillingState, "invoices") == []
        assert [c["label"] for c in replies[0].var(BillingState, "client_options")] == [
            A_CLIENT["name"]
        ]
        await page.send(
            BillingState,
            "start_payment",
            {"invoice_id": scene.b_invoice},
            **route,
            until=lambda r: bool(r.updates),
        )
        replies.append(
            await page.send(
                BillingState,
                "record_payment",
                {"form": {"amount": "2000", "paid_on": "2026-01-05", "method": "cash"}},
                **route,
                until=lambda r: r.var(BillingState, "pay_errors") == {"form": "No such invoice."},
            )
        )
        await page.send(
            BillingState,
            "start_void",
            {"invoice_id": scene.b_invoice},
            **route,
            until=lambda r: bool(r.updates),
        )
        replies.append(
            await page.send(
                BillingState,
                "void",
                {"form": {"reason": "planted"}},
                **route,
                until=error_is(BillingState, "No such invoice.", "void_error"),
            )
        )
        replies.append(
            await page.send(
                BillingState,
                "issue",
                {"invoice_id": str(scene.b_invoice)},
                **route,
                until=error_is(BillingState, "No such invoice."),
            )
        )
        replies.append(
            await page.send(
                BillingState,
                "create",
                {"form": {"client_id": str(scene.tara_id), "description_0": "x", "rate_0": "1"}},
                **route,
                until=lambda r: r.var(BillingState, "new_errors") == {"form": "No such client."},
            )
        )
        replies.append(
            await page.send(
                BillingState,
                "create_monthly",
                {"form": {"client_id": str(scene.tara_id), "month": "2026-01"}},
                **route,
                until=lambda r: r.var(BillingState, "new_errors") == {"monthly": "No such client."},
            )
        )
    async with open_tab(server.base_url, cookie=people.a_cookie) as page:
        b_client = detail_route(scene.tara_id)
        replies.append(
            await page.send(ClientBillingState, "load", **b_client, until=lambda r: bool(r.updates))
        )
        replies.append(
            await page.send(
                ClientBillingState,
                "save",
                {"form": {"address": "planted", "state_code": "29"}},
                **b_client,
                until=lambda r: r.var(ClientBillingState, "errors") == {"form": "No such client."},
            )
        )
        settings = await page.send(
            BillingSettingsState,
            "save",
            {"form": {"upi_id": "thief@ybl"}},
            path="/app/settings/billing",
            until=redirected,
        )
        assert settings.redirects == ["/app"]
    for reply in replies:
        assert_none_of(B_PRIVATE, reply)
    assert_unchanged(before)


def _no_error(state: type, var: str = "error") -> Callable[[Reply], bool]:
    """The handler (here `load`) cleared the message: the next refusal sends it afresh."""
    return lambda r: r.var(state, var) == ""


async def test_a_therapist_cannot_share_open_or_send_another_therapists_resources_and_forms(
    server, people, scene
) -> None:
    """A aims the resource and form handlers at B's resource, B's forms, B's clients and Tara's
    answers: each is refused with a message (or the page's `missing`), nothing of B's or B's
    clients' reaches A's tab, and no row changes. The same calls made by B, or by A on A's own
    things, work."""
    base, tara, kabir = server.base_url, str(scene.tara_id), str(people.b_client_id)
    # B's own form and Tara's answers open for B: the route data below is read as a browser's.
    b_form = await call(
        base,
        FormEditorState,
        "load",
        cookie=scene.b_cookie,
        **form_route(scene.b_form),
        until=lambda r: r.var(FormEditorState, "title") == B_FORM[0],
    )
    assert [f["label"] for f in b_form.var(FormEditorState, "fields")] == [B_FORM[1]]
    b_answers = await call(
        base,
        ResponseState,
        "load",
        cookie=scene.b_cookie,
        **response_route(scene.b_response_done),
        until=lambda r: (r.var(ResponseState, "detail") or {}).get("client") == TARA["name"],
    )
    assert TARA_REASON in b_answers.text and b_answers.var(ResponseState, "detail")["update_rows"]

    replies: list[Reply] = []
    async with open_tab(base, cookie=people.a_cookie) as page:
        load = await page.send(
            ResourcesState,
            "load",
            **RESOURCES,
            until=lambda r: r.var(ResourcesState, "loaded") is True,
        )
        # A's own and the practice library's; not B's own. Nor does A see who B shared with.
        items = {i["title"]: i for i in load.var(ResourcesState, "items")}
        # (The owner's starter library, added at first-run setup, is in the practice library too.)
        assert {title for title, i in items.items() if not i["starter"]} == {A_RESOURCE, B_LIBRARY}
        assert B_RESOURCE[0] not in items
        assert items[B_LIBRARY]["shared_count"] == 0 and not items[B_LIBRARY]["mine"]
        assert [c["label"] for c in load.var(ResourcesState, "client_options")] == [
            A_CLIENT["name"]
        ]
        # A shares their own resource with their own client: the form below differs only in whom.
        await page.send(
            ResourcesState,
            "open_sharing",
            {"resource_id": str(scene.a_resource)},
            **RESOURCES,
            until=lambda r: r.var(ResourcesState, "shares") == [],
        )
        own = await page.send(
            ResourcesState,
            "share",
            {"form": {f"client_{people.a_client_id}": "on"}},
            **RESOURCES,
            until=lambda r: bool(r.var(ResourcesState, "notice")),
        )
        assert own.var(ResourcesState, "notice") == "Shared with 1 client."
        assert [s["client"] for s in own.var(ResourcesState, "shares")] == [A_CLIENT["name"]]
        replies.append(load)

        before = db.read(_world)
        opened = await page.send(
            ResourcesState,
            "open_sharing",
            {"resource_id": str(scene.b_resource)},
            **RESOURCES,
            until=error_is(ResourcesState, "No such resource."),
        )
        assert not opened.var(ResourcesState, "sharing") and not opened.var(
            ResourcesState, "shares"
        )
        replies.append(opened)
        replies.append(
            await page.send(
                ResourcesState,
                "share",
                {"form": {f"client_{tara}": "on", "note": "x"}},
                **RESOURCES,
                until=error_is(ResourcesState, "No such resource.", "share_error"),
            )
        )
        for handler, payload in (
            ("delete", {"resource_id": str(scene.b_resource)}),
            (
                "add_rule",
                {"form": {"trigger": "intake_submitted", "resource_id": str(scene.b_resource)}},
            ),
            (
                "toggle_rule",
                {
                    "trigger": "intake_submitted",
                    "resource_id": str(scene.b_resource),
                    "enabled": True,
                },
            ),
        ):
            await page.send(ResourcesState, "load", **RESOURCES, until=_no_error(ResourcesState))
            replies.append(
                await page.send(
                    ResourcesState,
                    handler,
                    payload,
                    **RESOURCES,
                    until=error_is(ResourcesState, "No such resource."),
                )
            )
        await page.send(ResourcesState, "load", **RESOURCES, until=_no_error(ResourcesState))
        replies.append(
            await page.send(
                ResourcesState,
                "delete",
                {"resource_id": str(scene.b_library)},
                **RESOURCES,
                until=error_is(
                    ResourcesState,
                    "Only the person who added it (or the practice owner, in the practice "
                    "library) can change it.",
                ),
            )
        )

    # B's library item opens for A (it is the practice's), without Tara's share; neither it nor A's
    # own resource can be shared with B's clients (not even alongside A's own client: one out of
    # reach refuses them all) or taken back from them.
    for item, client_id in (
        ((scene.b_library, B_LIBRARY), tara),
        ((scene.b_library, B_LIBRARY), kabir),
        ((scene.a_resource, A_RESOURCE), tara),
    ):
        item = {"id": item[0], "title": item[1]}
        both = {f"client_{people.a_client_id}": "on", f"client_{client_id}": "on"}
        for handler, payload in (("share", {"form": both}), ("unshare", {"client_id": client_id})):
            async with open_tab(base, cookie=people.a_cookie) as page:
                await page.send(  # the page lists what A may share before a row is opened
                    ResourcesState,
                    "load",
                    **RESOURCES,
                    until=lambda r: r.var(ResourcesState, "loaded"),
                )
                shown = await page.send(
                    ResourcesState,
                    "open_sharing",
                    {"resource_id": str(item["id"])},
                    **RESOURCES,
                    until=lambda r, item=item: (
                        (r.var(ResourcesState, "sharing") or {}).get("id") == item["id"]
                    ),
                )
                assert not shown.var(ResourcesState, "error")
                if item["id"] == scene.b_library:
                    assert shown.var(ResourcesState, "shares") in (None, [])
                refused = await page.send(
                    ResourcesState,
                    handler,
                    payload,
                    **RESOURCES,
                    until=error_is(ResourcesState, "No such client.", "share_error"),
                )
                assert not refused.var(ResourcesState, "notice")
                replies += [shown, refused]

    async with open_tab(base, cookie=people.a_cookie) as page:
        listing = await page.send(
            FormsListState,
            "load",
            path="/app/forms",
            until=lambda r: r.var(FormsListState, "loaded") is True,
        )
        assert [f["id"] for f in listing.var(FormsListState, "items")] == [scene.a_intake]
        editor = await page.send(
            FormEditorState,
            "load",
            **form_route(scene.b_form),
            until=lambda r: r.var(FormEditorState, "missing") is True,
        )
        assert not editor.var(FormEditorState, "fields") and not editor.var(
            FormEditorState, "client_options"
        )
        # The page's own draft of the questions, saved onto B's form, and B's form sent to Tara.
        await page.send(
            FormEditorState,
            "set_title",
            {"value": "Renamed by A"},
            **form_route(scene.b_form),
            until=lambda r: r.var(FormEditorState, "title") == "Renamed by A",
        )
        await page.send(
            FormEditorState,
            "add_question",
            {"kind": "short_text"},
            **form_route(scene.b_form),
            until=lambda r: bool(r.var(FormEditorState, "fields")),
        )
        save = await page.send(
            FormEditorState,
            "save",
            **form_route(scene.b_form),
            until=lambda r: r.var(FormEditorState, "errors") == {"form": "No such form."},
        )
        assert not save.var(FormEditorState, "notice")
        send = await page.send(
            FormEditorState,
            "send",
            {"form": {f"client_{tara}": "on"}},
            **form_route(scene.b_form),
            until=error_is(FormEditorState, "No such form.", "send_notice"),
        )
        # A's own Intake, sent to B's client (alongside A's own: one out of reach refuses them all).
        mine = await page.send(
            FormEditorState,
            "load",
            **form_route(scene.a_intake),
            until=lambda r: r.var(FormEditorState, "missing") is False,
        )
        assert [c["label"] for c in mine.var(FormEditorState, "client_options")] == [
            A_CLIENT["name"]
        ]
        to_tara = await page.send(
            FormEditorState,
            "send",
            {"form": {f"client_{people.a_client_id}": "on", f"client_{tara}": "on"}},
            **form_route(scene.a_intake),
            until=error_is(FormEditorState, "No such client.", "send_notice"),
        )
        replies += [listing, editor, save, send, mine, to_tara]

    for client_id in (scene.tara_id, people.b_client_id):
        async with open_tab(base, cookie=people.a_cookie) as page:
            card = await page.send(
                ClientFormsState, "load", **detail_route(client_id), until=lambda r: bool(r.updates)
            )
            assert not card.var(ClientFormsState, "responses") and not card.var(
                ClientFormsState, "form_options"
            )
            theirs = await page.send(
                ClientFormsState,
                "send",
                {"form": {"form_id": str(scene.b_intake)}},
                **detail_route(client_id),
                until=error_is(ClientFormsState, "No such form.", "notice"),
            )
            ours = await page.send(
                ClientFormsState,
                "send",
                {"form": {"form_id": str(scene.a_intake)}},
                **detail_route(client_id),
                until=error_is(ClientFormsState, "No such client.", "notice"),
            )
            replies += [card, theirs, ours]
            assert not theirs.var(ClientFormsState, "responses") and not ours.var(
                ClientFormsState, "responses"
            )

    for response_id in (scene.b_response_done, scene.b_response):
        async with open_tab(base, cookie=people.a_cookie) as page:
            answers = await page.send(
                ResponseState,
                "load",
                **response_route(response_id),
                until=lambda r: r.var(ResponseState, "missing") is True,
            )
            copy = await page.send(
                ResponseState,
                "apply_update",
                **response_route(response_id),
                until=error_is(ResponseState, "No such form.", "notice"),
            )
            for reply in (answers, copy):
                assert not (reply.var(ResponseState, "detail") or {}).get("answers")
            replies += [answers, copy]

    for reply in replies:
        assert_none_of(B_PRIVATE, reply)
    assert_unchanged(before)


async def test_a_client_cannot_open_another_clients_resources_or_fill_her_forms(
    server, people, scene
) -> None:
    """Kabir (who shares Tara's therapist) and Arjun aim the portal's resource and form handlers at
    what B shared with Tara and at her responses: refused, nothing of hers reaches them, no row
    changes."""
    base, shelf = server.base_url, {"path": "/portal/resources"}
    # Tara opens her own: the calls below differ only in who makes them.
    async with open_tab(base, cookie=scene.tara_cookie) as page:
        load = await page.send(
            PortalResourcesState,
            "load",
            **shelf,
            until=lambda r: r.var(PortalResourcesState, "loaded") is True,
        )
        assert {i["id"] for i in load.var(PortalResourcesState, "items")} == {
            scene.b_resource,
            scene.b_library,
        }
        opened = await page.send(
            PortalResourcesState,
            "open",
            {"resource_id": str(scene.b_resource)},
            **shelf,
            until=lambda r: bool(r.var(PortalResourcesState, "opened")),
        )
        assert opened.var(PortalResourcesState, "opened")["note"] == B_SHARE_NOTE
        assert B_RESOURCE[1] in opened.var(PortalResourcesState, "opened")["html"]
        todo = await page.send(
            PortalFormsState,
            "load",
            path="/portal/forms",
            until=lambda r: r.var(PortalFormsState, "loaded") is True,
        )
        assert [f["id"] for f in todo.var(PortalFormsState, "todo")] == [scene.b_response]
        assert [f["id"] for f in todo.var(PortalFormsState, "done")] == [scene.b_response_done]
        fill = await page.send(
            FillState,
            "load",
            **fill_route(scene.b_response),
            until=lambda r: r.var(FillState, "loaded") is True,
        )
        assert fill.var(FillState, "title") == B_FORM[0]
        assert fill.var(FillState, "values") == {"weight": TARA_DRAFT}

    before = db.read(_world)
    for cookie, own_private in (
        (people.b_client_cookie, KABIR_PRIVATE),
        (scene.a_client_cookie, ARJUN_PRIVATE),
    ):
        others = tuple(
            s
            for s in (*TARA_PRIVATE, *B_CONTENT, *TARA_ANSWERS, *KABIR_PRIVATE, *ARJUN_PRIVATE)
            if s not in own_private
        )
        replies: list[Reply] = []
        async with open_tab(base, cookie=cookie) as page:
            load = await page.send(
                PortalResourcesState,
                "load",
                **shelf,
                until=lambda r: r.var(PortalResourcesState, "loaded") is True,
            )
            assert not {i["id"] for i in load.var(PortalResourcesState, "items")} & {
                scene.b_resource,
                scene.b_library,
            }
            replies.append(load)
            for resource_id in (scene.b_resource, scene.b_library):
                await page.send(
                    PortalResourcesState, "load", **shelf, until=_no_error(PortalResourcesState)
                )
                refused = await page.send(
                    PortalResourcesState,
                    "open",
                    {"resource_id": str(resource_id)},
                    **shelf,
                    until=error_is(
                        PortalResourcesState, "That resource is no longer shared with you."
                    ),
                )
                assert not refused.var(PortalResourcesState, "opened")
                replies.append(refused)
            todo = await page.send(
                PortalFormsState,
                "load",
                path="/portal/forms",
                until=lambda r: r.var(PortalFormsState, "loaded") is True,
            )
            assert not {
                f["id"]
                for f in (todo.var(PortalFormsState, "todo") or [])
                + (todo.var(PortalFormsState, "done") or [])
            } & {scene.b_response, scene.b_response_done}
            replies.append(todo)
        for response_id in (scene.b_response, scene.b_response_done):
            route = fill_route(response_id)
            async with open_tab(base, cookie=cookie) as page:
                load = await page.send(
                    FillState, "load", **route, until=lambda r: r.var(FillState, "missing") is True
                )
                assert not load.var(FillState, "fields") and not load.var(FillState, "values")
                answer = await page.send(
                    FillState,
                    "set_value",
                    {"key": "weight", "value": "Planted by another"},
                    **route,
                    until=lambda r: True,  # not a question of any form this tab has open: ignored
                )
                assert not answer.var(FillState, "saved_note") and not answer.var(
                    FillState, "values"
                )
                submit = await page.send(
                    FillState,
                    "submit",
                    **route,
                    until=lambda r: r.var(FillState, "errors") == {"form": "No such form."},
                )
                assert not submit.redirects
                replies += [load, answer, submit]
        for reply in replies:
            assert_none_of(others, reply)
    assert_unchanged(before)


async def test_a_client_cannot_see_cancel_or_move_another_clients_sessions(
    server, people, scene
) -> None:
    base = server.base_url
    sessions, book = {"path": "/portal/sessions"}, {"path": "/portal/book"}
    # Tara sees and cancels her own: the calls below differ only in whose session they name.
    async with open_tab(base, cookie=scene.tara_cookie) as page:
        load = await page.send(
            SessionsState,
            "load",
            **sessions,
            until=lambda r: r.var(SessionsState, "loaded") is True,
        )
        assert session_ids(load, SessionsState, "upcoming") == {
            str(scene.b_appt),
            str(scene.b_spare),
        }
        assert B_AGENDA in load.text
        assert_none_of((*ARJUN_PRIVATE, *KABIR_PRIVATE), load)
        own = await page.send(
            SessionsState,
            "cancel",
            {"appointment_id": str(scene.b_spare)},
            **sessions,
            until=lambda r: bool(r.var(SessionsState, "notice")),
        )
        assert own.var(SessionsState, "notice") == "Cancelled. Your therapist has been told."
        moving = await page.send(
            BookState,
            "load",
            **book,
            query={"move": str(scene.b_appt)},
            until=lambda r: r.var(BookState, "loaded") is True,
        )
        assert moving.var(BookState, "moving_id") == scene.b_appt and moving.var(
            BookState, "moving_label"
        )
    assert db.read(_appointment, scene.b_spare)["status"] == "cancelled_by_client"

    before = db.read(_world)
    far = datetime.combine(
        date.fromisoformat(scene.day) + timedelta(days=400), time(11), tzinfo=UTC
    ).isoformat()
    # Kabir shares Tara's therapist; Arjun has another. Neither sees, cancels or moves her session.
    tara, arjun = {str(scene.b_appt), str(scene.b_spare)}, {str(scene.a_appt), str(scene.a_spare)}
    for cookie, own_private, own_ids, target in (
        (people.b_client_cookie, KABIR_PRIVATE, set(), scene.b_appt),
        (people.b_client_cookie, KABIR_PRIVATE, set(), scene.a_appt),
        (scene.a_client_cookie, ARJUN_PRIVATE, arjun, scene.b_appt),
    ):
        others = tuple(
            s for s in (*TARA_PRIVATE, *KABIR_PRIVATE, *ARJUN_PRIVATE) if s not in own_private
        )
        async with open_tab(base, cookie=cookie) as page:
            load = await page.send(
                SessionsState,
                "load",
                **sessions,
                until=lambda r: r.var(SessionsState, "loaded") is True,
            )
            listed = session_ids(load, SessionsState, "upcoming") | session_ids(
                load, SessionsState, "history"
            )
            assert listed == own_ids, (
                load.var(SessionsState, "upcoming"),
                load.var(SessionsState, "history"),
            )
            assert not listed & tara
            assert_none_of(others, load)
            # Twice: the second time as the "yes, cancel late" confirmation of the first.
            for _ in range(2):
                cancel = await page.send(
                    SessionsState,
                    "cancel",
                    {"appointment_id": str(target)},
                    **sessions,
                    until=error_is(SessionsState, "No such session."),
                )
                assert not cancel.var(SessionsState, "notice") and not cancel.var(
                    SessionsState, "confirm_text"
                )
                assert_none_of(others, cancel)
            moving = await page.send(
                BookState,
                "load",
                **book,
                query={"move": str(target)},
                until=lambda r: r.var(BookState, "loaded") is True,
            )
            assert moving.var(BookState, "moving_id") in (None, 0) and not moving.var(
                BookState, "moving_label"
            )
            assert_none_of(others, moving)
            # Confirming a time now books (or here, refuses) a session of one's own; it never moves
            # hers.
            await page.send(
                BookState,
                "choose",
                {"value": far, "label": "far"},
                **book,
                until=lambda r: r.var(BookState, "chosen") == far,
            )
            confirm = await page.send(
                BookState, "confirm", **book, until=lambda r: bool(r.var(BookState, "error"))
            )
            assert not confirm.redirects
            assert_none_of(others, confirm)
    assert_unchanged(before)


async def test_portal_messages_never_carry_another_clients_words(server, people, scene) -> None:
    base, route = server.base_url, {"path": "/portal/messages"}
    for cookie, own, others in (
        (scene.a_client_cookie, A_MESSAGE, (*KABIR_PRIVATE, *TARA_PRIVATE)),
        (people.b_client_cookie, B_MESSAGE, (*ARJUN_PRIVATE, *TARA_PRIVATE)),
    ):
        load = await call(
            base,
            PortalMessagesState,
            "load",
            cookie=cookie,
            **route,
            until=lambda r: r.var(PortalMessagesState, "loaded") is True,
        )
        assert own in [m["body"] for m in load.var(PortalMessagesState, "messages")]
        assert_none_of(others, load)

    # Tara shares Kabir's therapist: her thread is her own, empty, and what she sends stays in it.
    arjun, kabir = db.read(_bodies, people.a_client_id), db.read(_bodies, people.b_client_id)
    tara_words = "Tara writes: can we talk about the move?"
    async with open_tab(base, cookie=scene.tara_cookie) as page:
        load = await page.send(
            PortalMessagesState,
            "load",
            **route,
            until=lambda r: r.var(PortalMessagesState, "loaded") is True,
        )
        assert load.var(PortalMessagesState, "messages") in (None, [])
        await page.send(
            PortalMessagesState,
            "choose_topic",
            {"topic": "other"},
            **route,
            until=lambda r: r.var(PortalMessagesState, "topic") == "other",
        )
        await page.send(
            PortalMessagesState,
            "set_draft",
            {"value": tara_words},
            **route,
            until=lambda r: r.var(PortalMessagesState, "draft") == tara_words,
        )
        send = await page.send(
            PortalMessagesState,
            "send",
            **route,
            until=lambda r: r.var(PortalMessagesState, "notice") == "Sent.",
        )
        sent = [m for m in send.var(PortalMessagesState, "sent") if m["kind"] == "client"]
        assert [m["body"] for m in sent] == [tara_words]
        for reply in (load, send):
            assert_none_of((*KABIR_PRIVATE, *ARJUN_PRIVATE), reply)
    assert db.read(_bodies, scene.tara_id)[0] == tara_words
    assert (db.read(_bodies, people.a_client_id), db.read(_bodies, people.b_client_id)) == (
        arjun,
        kabir,
    )


RESOURCES = {"path": "/app/resources"}

# Every guarded handler, as the wrong role and as nobody -------------------------------------------
#
# The sweep walks the guard's own registry (state.guard.GUARDED), so a handler added tomorrow is
# swept without touching this file. Each is called from a fresh tab with B's own ids where it takes
# ids, else with a payload made from its signature, and must redirect and hand over nothing.

#: Payloads aimed at B's things: strings name the scene's ids (see `_ids`).
PAYLOADS: dict[str, dict] = {
    "CalendarState.mark": {"appointment_id": "b_appt", "status": "cancelled_by_therapist"},
    "CalendarState.book": {
        "form": {
            "client_id": "tara_id",
            "session_type_id": "b_type",
            "date": "day",
            "time": "13:00",
            "repeat": "none",
            "agenda": "planted",
        }
    },
    "CalendarState.open_day": {"iso": "day"},
    "AvailabilityState.save_hours": {"form": {f"day_{d}": "00:00-23:30" for d in range(7)}},
    "AvailabilityState.save_policies": {
        "form": {
            "min_notice_hours": "0",
            "horizon_days": "365",
            "cancellation_window_hours": "0",
            "daily_cap": "20",
            "weekly_cap": "80",
            "video_room_url": "https://evil.example/room",
            "office_address": "",
            "reminder_hours": "",
            "daily_agenda_email": "on",
        }
    },
    "AvailabilityState.save_type": {
        "form": {
            "name": "Planted type",
            "duration_minutes": "30",
            "fee_rupees": "1",
            "mode": "phone",
            "buffer_minutes": "0",
        }
    },
    "AvailabilityState.edit_type": {"type_id": "b_extra_type"},
    "AvailabilityState.archive_type": {"type_id": "b_extra_type"},
    "AvailabilityState.add_leave": {
        "form": {"first_day": "day", "last_day": "day", "note": "planted"}
    },
    "AvailabilityState.remove_leave": {"leave_id": "b_leave"},
    "InboxState.open": {"thread_id": "b_thread"},
    "InboxState.add_snippet": {"form": {"title": "planted", "body": "planted", "bring": "on"}},
    "InboxState.delete_snippet": {"snippet_id": "b_snippet"},
    "InboxState.use_snippet": {"snippet_id": "b_snippet"},
    "InboxState.set_draft": {"value": "planted reply"},
    "ContactsState.log": {"channel": "phone_logged", "topic": "Scheduling"},
    "ContactsState.import_chat": {"form": {"therapist_sender": "Neha Kapoor"}},
    "BulkImportState.import_all": {"form": {"client_0": "b_client_id", "me_0": "Neha Kapoor"}},
    "BillingState.record_payment": {"form": {"amount": "2000", "paid_on": "day", "method": "cash"}},
    "BillingState.void": {"form": {"reason": "planted"}},
    "BillingState.start_payment": {"invoice_id": "b_invoice"},
    "BillingState.start_void": {"invoice_id": "b_invoice"},
    "BillingState.issue": {"invoice_id": "b_invoice"},
    "BillingState.discard": {"invoice_id": "b_invoice"},
    "BillingState.create": {
        "form": {"client_id": "tara_id", "description_0": "planted", "rate_0": "1"}
    },
    "BillingState.create_monthly": {"form": {"client_id": "tara_id", "month": "2026-01"}},
    "BillingSettingsState.save": {"form": {"upi_id": "thief@ybl", "legal_name": "planted"}},
    "ClientBillingState.save": {"form": {"address": "planted", "state_code": "29"}},
    "ResourcesState.search": {"form": {"query": "letter", "category": ""}},
    "ResourcesState.add": {"form": {"title": "planted", "category": "other", "body": "planted"}},
    "ResourcesState.open_sharing": {"resource_id": "b_resource"},
    "ResourcesState.share": {"form": {"client_tara": "on", "note": "planted"}},
    "ResourcesState.unshare": {"client_id": "tara_id"},
    "ResourcesState.delete": {"resource_id": "b_resource"},
    "ResourcesState.preview": {"resource_id": "b_resource"},
    "ResourcesState.add_rule": {
        "form": {"trigger": "intake_submitted", "resource_id": "b_resource"}
    },
    "ResourcesState.toggle_rule": {
        "trigger": "intake_submitted",
        "resource_id": "b_resource",
        "enabled": False,
    },
    "FormsListState.create": {"form": {"title": "planted"}},
    "FormEditorState.send": {"form": {"client_tara": "on"}},
    "ClientFormsState.send": {"form": {"form_id": "b_form"}},
    "InsightsState.choose_range": {"key": "year"},
    "InsightsState.apply_custom": {"form": {"first": "2026-01-05", "last": "2026-03-29"}},
    "InsightsState.show_view": {"view": "team"},
    "InsightsState.save_inputs": {
        "form": {
            "minutes_per_reply": "1",
            "minutes_per_message": "1",
            "minutes_per_interruption": "0",
            "adoption_date": "2026-01-01",
        }
    },
    "EnergyState.answer": {"level": 1},
    "EnergyState.save_note": {"form": {"note": "planted"}},
    "PortalMessagesState.choose_topic": {"topic": "other"},
    "PortalMessagesState.set_draft": {"value": "planted message"},
    "SessionsState.cancel": {"appointment_id": "b_appt"},
    "PortalResourcesState.open": {"resource_id": "b_resource"},
    "FillState.set_value": {"key": "weight", "value": "planted"},
    "FillState.toggle_option": {"key": "weight", "option": "planted", "ticked": True},
}
#: The page whose route a state's events carry; states not named here use their role's home.
ROUTES: dict[str, dict | str] = {
    "CalendarState": {"path": "/app/calendar"},
    "AvailabilityState": {"path": "/app/settings/availability"},
    "InboxState": {"path": "/app/inbox"},
    "ClientsState": {"path": "/app/clients"},
    "BulkImportState": {"path": "/app/clients"},
    "ClientDetailState": "b_client",
    "ContactsState": "b_client",
    "ClientBillingState": "b_client",
    "ClientFormsState": "b_client",
    "BillingState": {"path": "/app/billing"},
    "BillingSettingsState": {"path": "/app/settings/billing"},
    "ResourcesState": RESOURCES,
    "FormsListState": {"path": "/app/forms"},
    "FormEditorState": form_route("b_form"),
    "ResponseState": response_route("b_response_done"),
    "InsightsState": {"path": "/app/insights"},
    "CharterState": {"path": "/app/settings/charter"},
    "WhatsAppKitState": {"path": "/app/settings/charter"},
    "OutboxState": {"path": "/app/settings/outbox"},
    "ProfileState": {"path": "/app/settings/profile"},
    "PortalMessagesState": {"path": "/portal/messages"},
    "SessionsState": {"path": "/portal/sessions"},
    "BookState": {"path": "/portal/book", "query": {"move": "b_appt"}},
    "PortalInvoicesState": {"path": "/portal/invoices"},
    "PortalResourcesState": {"path": "/portal/resources"},
    "PortalFormsState": {"path": "/portal/forms"},
    "FillState": fill_route("b_response"),
}
#: What the sweep sends for an argument it has no payload for, by the argument's type.
SAMPLES = {str: "1", int: 1, bool: True, dict: {}, list: []}
MISSING = object()


def _states() -> dict[str, type[rx.State]]:
    found, todo = {}, [rx.State]
    while todo:
        for sub in todo.pop().get_substates():
            found[sub.__name__] = sub
            todo.append(sub)
    return found


def _sample_payload(state: type[rx.State], handler: str) -> dict:
    hints = state.event_handlers[handler]._get_type_hints()
    params = [p for p in state.event_handlers[handler].get_parameters() if p != "self"]
    return {p: SAMPLES.get(typing.get_origin(hints.get(p)) or hints.get(p), "1") for p in params}


def _sweep(roles: frozenset[Role]) -> list[tuple[type[rx.State], str, dict]]:
    """(state, handler, payload) for every guarded handler that `roles` exactly guards."""
    states = _states()
    calls = []
    for qualname, guarded_for in sorted(GUARDED.items()):
        if guarded_for != roles:
            continue
        state_name, handler = qualname.split(".")
        state = states[state_name]
        calls.append((state, handler, PAYLOADS.get(qualname) or _sample_payload(state, handler)))
    return calls


def _fill(value: Any, ids: dict[str, str]) -> Any:
    """Scene ids for the names in a payload (keys too: "client_tara" is a form's client_<id>
    box)."""
    if isinstance(value, dict):
        return {ids.get(k, k): _fill(v, ids) for k, v in value.items()}
    return ids.get(value, value) if isinstance(value, str) else value


def _route(
    state: type[rx.State], roles: frozenset[Role], ids: dict[str, str], people: People
) -> dict:
    route = ROUTES.get(
        state.__name__, {"path": "/portal" if roles == frozenset({Role.CLIENT}) else "/app"}
    )
    if route == "b_client":
        return detail_route(people.b_client_id)
    route = _fill(route, ids)
    return {**route, "path": "/".join(ids.get(part, part) for part in route["path"].split("/"))}


def _defaults(state: type[rx.State]) -> dict[str, Any]:
    """Each var the browser may see, at its default, as the browser would receive it."""
    return {
        name: json.loads(rx_format.json_dumps(field.default_value()))
        for name, field in state.get_fields().items()
        if name in state.base_vars
    }


async def _sent_away(
    base: str,
    cookie: str | None,
    home: str,
    calls: list,
    roles: frozenset[Role],
    ids: dict[str, str],
    people: People,
    own_name: str = "",
) -> None:
    async def one(state, handler, payload) -> None:
        async with open_tab(base, cookie=cookie) as page:
            reply = await page.send(
                state,
                handler,
                _fill(payload, ids),
                **_route(state, roles, ids, people),
                until=redirected,
            )
        label = f"{state.__name__}.{handler}"
        assert len(reply.redirects) == 1 and reply.redirects[0].startswith(home), (
            label,
            reply.redirects,
        )
        assert_none_of(EVERYTHING, reply, own_name)
        if state is ViewerState:  # the shell shows the person acting: their own name and role
            assert reply.var(state, "name", "") in ("", own_name), (label, reply.text[:1000])
            return
        for var, default in _defaults(state).items():
            assert reply.var(state, var, MISSING) in (MISSING, default), (
                label,
                var,
                reply.text[:1000],
            )

    # Independent tabs, a few at a time, as many pages of a hostile script would.
    gate = asyncio.Semaphore(6)

    async def gated(*entry) -> None:
        async with gate:
            await one(*entry)

    await asyncio.gather(*(gated(*entry) for entry in calls))


def _ids(people: People, scene: Scene) -> dict[str, str]:
    far = datetime.combine(date.fromisoformat(scene.day) + timedelta(days=1), time(6), tzinfo=UTC)
    return {
        "b_appt": str(scene.b_appt),
        "tara_id": str(scene.tara_id),
        "b_type": str(scene.b_type),
        "b_extra_type": str(scene.b_extra_type),
        "b_leave": str(scene.b_leave),
        "b_thread": str(scene.b_thread),
        "b_snippet": str(scene.b_snippet),
        "b_client_id": str(people.b_client_id),
        "day": scene.day,
        "b_invoice": str(scene.b_invoice),
        "b_resource": str(scene.b_resource),
        "b_form": str(scene.b_form),
        "b_response": str(scene.b_response),
        "b_response_done": str(scene.b_response_done),
        "client_tara": f"client_{scene.tara_id}",
        "far": far.isoformat(),
    }


ROLE_SETS = sorted(set(GUARDED.values()), key=lambda roles: sorted(roles))


def test_the_sweep_reaches_every_guarded_handler() -> None:
    swept = {
        f"{state.__name__}.{handler}" for roles in ROLE_SETS for state, handler, _ in _sweep(roles)
    }
    assert swept == set(GUARDED) and len(swept) > 100
    assert set(PAYLOADS) <= set(GUARDED), sorted(set(PAYLOADS) - set(GUARDED))


@dataclass(frozen=True)
class Site:
    """A running server with the cast and the scene written into its database."""

    server: Any  # conftest.Server
    people: People
    scene: Scene
    #: Where the server keeps its tabs' states, when not in its own memory.
    redis_url: str = ""


@pytest.fixture(scope="module")
def postgres_site(postgres_redis_server) -> Site:
    """The same cast and scene on the backend that runs on PostgreSQL with Redis as its state
    manager and two workers."""
    with server_database(postgres_redis_server):
        cast = db.call(_setup)
        return Site(
            postgres_redis_server,
            cast,
            db.call(_stage, cast),
            postgres_redis_server.env["REFLEX_REDIS_URL"],
        )


#: The sweep runs against the built app on SQLite (one worker, state in memory) and against a
#: backend on PostgreSQL + Redis (two workers, state in Redis: a tab's events may reach either).
SITES = ["sqlite", pytest.param("postgres+redis", marks=pytest.mark.own_servers)]


@pytest.fixture(params=SITES)
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """One of SITES, with the app's db module pointed at its database for the test."""
    if request.param == "sqlite":
        yield Site(*(request.getfixturevalue(name) for name in ("server", "people", "scene")))
        return
    on_postgres = request.getfixturevalue("postgres_site")
    with server_database(on_postgres.server):
        yield on_postgres


@pytest.mark.parametrize("roles", ROLE_SETS, ids=lambda roles: "+".join(sorted(roles)))
@pytest.mark.parametrize("who", ["wrong role", "nobody"])
async def test_every_guarded_handler_sends_the_wrong_role_and_strangers_away_with_nothing(
    site, roles, who
) -> None:
    """Each guarded handler, called with B's own ids by someone outside its roles (a client for
    staff handlers, B for client handlers: B is the therapist of those sessions and threads, so
    only the role check stands in the way) or by nobody, redirects, sends none of its state and
    leaves every table as it was."""
    server, people, scene = site.server, site.people, site.scene
    before = db.read(_world)
    calls = _sweep(roles)
    if who == "nobody":
        await _sent_away(
            server.base_url, None, "/login?next=%2F", calls, roles, _ids(people, scene), people
        )
    elif Role.CLIENT in roles:
        await _sent_away(
            server.base_url,
            scene.b_cookie,
            "/app",
            calls,
            roles,
            _ids(people, scene),
            people,
            own_name=B["name"],
        )
    else:
        await _sent_away(
            server.base_url,
            people.b_client_cookie,
            "/portal",
            calls,
            roles,
            _ids(people, scene),
            people,
            own_name=B_CLIENT["name"],
        )
    assert_unchanged(before)
    if site.redis_url:  # the tabs' states were kept in Redis, where both workers find them
        with redis.Redis.from_url(site.redis_url) as states:
            assert states.dbsize() > 0


@pytest.mark.parametrize("who", ["client", "nobody"])
async def test_uploads_from_clients_and_strangers_are_sent_away_and_not_kept(
    server, people, who
) -> None:
    """The three upload handlers (the first step of both imports, and a resource's file) check the
    cookie before reading or keeping the file. Without a session cookie the upload is refused at
    the HTTP edge (401) before the handler or Reflex's upload route sees it."""
    pending = server.data_dir / "uploads" / "pending"

    def kept() -> set[str]:
        return {p.name for p in pending.iterdir()} if pending.exists() else set()

    before, cookie = kept(), people.b_client_cookie if who == "client" else None
    home = "/portal" if who == "client" else "/login?next=%2F"
    for state, first, handler, route, var in (
        (
            ContactsState,
            "cancel_import",
            "read_chat",
            detail_route(people.b_client_id),
            "chat_senders",
        ),
        (BulkImportState, "clear", "read_chats", {"path": "/app/clients"}, "files"),
        (ResourcesState, "toggle_add", "receive_file", {"path": "/app/resources"}, "file_label"),
    ):
        async with open_tab(server.base_url, cookie=cookie) as page:
            await page.send(state, first, **route, until=lambda r: bool(r.updates))
            if who == "nobody":
                status, body = await page.post_files(state, handler, [CHAT])
                assert status == 401, (handler, status, body[:1000])
                assert_none_of((*EVERYTHING, "Kabir Sethi"), Reply([{"body": body}]))
                continue
            reply = await page.upload(state, handler, [CHAT], until=redirected)
        assert len(reply.redirects) == 1 and reply.redirects[0].startswith(home), (
            handler,
            reply.redirects,
        )
        assert reply.var(state, var) in (None, [], "") and "Kabir Sethi" not in reply.text
        assert_none_of(EVERYTHING, reply)
    assert kept() == before
