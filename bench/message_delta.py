"""How much a portal send puts on the wire: the state update after one message, appended against
the whole thread re-sent, for a thread of 100 messages.

Reflex sends a changed list var whole, so what a send costs the phone is the JSON of the delta its
handler leaves: every dirty var of the page's state, serialized with Reflex's own encoder
(`reflex_base.utils.format.json_dumps`, what the websocket carries). One run, in a fresh temp
SQLite database (a practice, its owner, one client with a 100-message thread), measures side by
side, interleaved (A, B, A, B, ...) after a warm-up:

A. the page as it is: `PortalMessagesState.send` appends the new message to `sent`; `messages`
   (the newest page, 30) is left alone; likewise `InboxState.send` for the therapist's reply;
B. the page as it was before incremental updates: the same send, then the whole thread read again
   into `messages` as the old handler did (its newest 100 messages; and the inbox's thread list
   read again after a reply).

It prints the update's bytes for each, the ratio B/A, and the median time of the handler.

    .venv/bin/python bench/message_delta.py [--reps 5] [--messages 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base.utils import format
from sqlmodel import SQLModel, select

import practipal_app.models  # noqa: F401  (registers every table with SQLModel.metadata)
from practipal_app import config, db
from practipal_app.messaging import threads as messaging
from practipal_app.messaging import views
from practipal_app.models import Message, MessageThread, User
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients
from practipal_app.state.messages import InboxState, PortalMessagesState

PASSWORD = "Calm-Harbour-Tea-42"


def seed(thread_length: int) -> tuple[int, int, int]:
    """A practice, its owner and a client whose thread holds `thread_length` messages of
    realistic lengths. Returns (owner id, client id, thread id)."""
    owner = db.call(
        practice.create_practice,
        practice_name="Bench Practice",
        timezone="Asia/Kolkata",
        owner_name="Asha Rao",
        email="owner@example.com",
        password=PASSWORD,
    )
    actor = auth.actor_for(owner)
    form = clients.ClientForm(name="Priya Sharma", email="priya@example.com")
    client_id = db.call(clients.add_client, actor, form)
    db.call(messaging.post_client_message, auth.actor_for(_user(client_id)), "other", "Hello")
    start = utcnow() - timedelta(days=200)
    sentence = "Could we look at the breathing exercise again before Thursday's session? "

    def fill(session) -> int:
        thread = session.exec(
            select(MessageThread).where(MessageThread.client_id == client_id)
        ).one()
        for n in range(1, thread_length):
            kind = "client" if n % 2 else "therapist"
            body = sentence * (1 + n % 3)
            at = start + timedelta(hours=n)
            session.add(Message(thread_id=thread.id, kind=kind, body=body, created_at=at))
        return thread.id

    return owner.id, client_id, db.call(fill)


def _user(user_id: int) -> User:
    return db.call(lambda s: s.get(User, user_id))


def open_tab(state_class, user_id: int, path: str):
    """The page's state in a new tab, signed in as the user (what the websocket's router holds)."""
    cookie = db.call(auth.start_session, _user(user_id), "bench")
    router = RouterData.from_router_data(
        {
            "headers": {"cookie": f"{auth.SESSION_COOKIE}={cookie}"},
            "pathname": path,
            "asPath": path,
            "query": {},
        }
    )
    root = State(_reflex_internal_init=True)
    root.router = router
    page = root.get_substate(state_class.get_full_name().split(".")[1:])
    page.router = router
    return page


async def run(page, handler: str, *args) -> None:
    await page.event_handlers[handler].fn(page, *args)


def update_bytes(page) -> int:
    """The JSON the browser gets after the last event, for the whole state tree."""
    return len(format.json_dumps(page._get_root_state().get_delta()).encode())


async def client_send(page, client_id: int, n: int, whole_thread: bool) -> tuple[int, float]:
    await run(page, "choose_topic", "other")
    await run(page, "set_draft", f"Message {n}: can we move Thursday's session to Friday?")
    page._get_root_state()._clean()
    start = time.perf_counter()
    await run(page, "send")
    if whole_thread:  # the old handler: the thread read again, the newest 100 into `messages`
        actor = auth.actor_for(_user(client_id))
        page.messages, page.sent = (
            views.message_rows(await db.aread(messaging.client_thread, actor)),
            [],
        )
        page.expectation = await db.aread(messaging.expectation, actor)
    return update_bytes(page), time.perf_counter() - start


async def therapist_send(page, owner_id: int, n: int, whole_thread: bool) -> tuple[int, float]:
    await run(page, "set_draft", f"Reply {n}: yes, Friday at 5 pm works.")
    page._get_root_state()._clean()
    start = time.perf_counter()
    await run(page, "send")
    if whole_thread:  # the old handler: the thread and the inbox read again
        actor = auth.actor_for(_user(owner_id))
        found = await db.aread(messaging.therapist_thread, actor, page.head.id)
        page.messages, page.sent = views.message_rows(found.conversation), []
        page.threads = views.thread_rows(await db.aread(messaging.inbox, actor))
    return update_bytes(page), time.perf_counter() - start


async def measure(reps: int, thread_length: int) -> None:
    owner_id, client_id, thread_id = seed(thread_length)
    results: dict[str, dict[str, list]] = {}
    for rep in range(reps + 1):  # repetition 0 warms up and is not counted
        for label, whole in (("A appended", False), ("B whole thread", True)):
            page_size = thread_length if whole else messaging.THREAD_PAGE
            messaging.THREAD_PAGE, saved = page_size, messaging.THREAD_PAGE
            try:
                portal = open_tab(PortalMessagesState, client_id, "/portal/messages")
                await run(portal, "load")
                c_bytes, c_time = await client_send(portal, client_id, rep, whole)
                inbox = open_tab(InboxState, owner_id, "/app/inbox")
                await run(inbox, "load")
                await run(inbox, "open", str(thread_id))
                t_bytes, t_time = await therapist_send(inbox, owner_id, rep, whole)
            finally:
                messaging.THREAD_PAGE = saved
            if rep:
                row = results.setdefault(label, {"c": [], "ct": [], "t": [], "tt": []})
                row["c"].append(c_bytes)
                row["ct"].append(c_time)
                row["t"].append(t_bytes)
                row["tt"].append(t_time)

    print(f"thread of {thread_length} messages (+1 per send), {reps} repetitions, SQLite temp file")
    print(f"{'':16} {'client send':>12} {'ms':>6}   {'therapist reply':>15} {'ms':>6}")
    for label, row in results.items():
        print(
            f"{label:16} {statistics.median(row['c']):>10,.0f} B "
            f"{statistics.median(row['ct']) * 1e3:>6.1f}"
            f"   {statistics.median(row['t']):>13,.0f} B {statistics.median(row['tt']) * 1e3:>6.1f}"
        )
    a, b = results["A appended"], results["B whole thread"]
    print(
        f"B/A bytes: client send {statistics.median(b['c']) / statistics.median(a['c']):.1f}x, "
        f"therapist reply {statistics.median(b['t']) / statistics.median(a['t']):.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="practipal-bench-") as tmp:
        os.environ["PRACTIPAL_DATA_DIR"] = tmp
        config.get_settings.cache_clear()
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        SQLModel.metadata.create_all(engine)
        db.set_engine(engine)
        try:
            asyncio.run(measure(args.reps, args.messages))
        finally:
            db.set_engine(None)
            engine.dispose()


if __name__ == "__main__":
    main()
