"""Messaging through the browser: a client writes out of hours and is told when to expect a reply,
risk words bring up crisis lines before and after sending, the therapist replies from the inbox,
and the client sees the reply."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from browsing import ensure_practice, seed, sign_in
from playwright.sync_api import expect
from sqlmodel import select

from practipal_app.boundaries import charter
from practipal_app.models import ClientProfile, Message, MessageThread, Role, User
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients, passwords

pytestmark = pytest.mark.e2e

THERAPIST = ("Dr. Meher Rao", "meher@example.com", "Cobalt-Fern-Lagoon-27")
CLIENT = ("Kabir Anand", "kabir.anand@example.com", "Pebble-Saffron-Meteor-84")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def _seed(session) -> None:
    ensure_practice(session)
    therapist = practice.add_staff(
        session,
        practice.the_practice(session).id,
        THERAPIST[0],
        THERAPIST[1],
        Role.THERAPIST,
        THERAPIST[2],
    )
    actor = auth.actor_for(therapist)
    # Working only tomorrow: whenever the test runs, today is out of hours.
    tomorrow = (utcnow().astimezone(ZoneInfo("Asia/Kolkata")).weekday() + 1) % 7
    charter.save(session, actor, charter.CharterSettings(working_days=(tomorrow,)))
    client_id = clients.add_client(
        session, actor, clients.ClientForm(name=CLIENT[0], email=CLIENT[1])
    )
    session.get(User, client_id).password_hash = passwords.hash_password(CLIENT[2])
    session.get(ClientProfile, client_id).accepted_at = utcnow()


@pytest.fixture(scope="module")
def seeded(server) -> Iterator[None]:
    yield from seed(server, _seed)


def test_out_of_hours_message_crisis_card_and_reply(server, browser, seeded, shot) -> None:
    phone = browser.new_context(viewport=PHONE, base_url=server.base_url, has_touch=True).new_page()
    sign_in(phone, CLIENT[1], CLIENT[2], "/portal")
    phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Messages").click()
    expect(phone.get_by_role("heading", name="Messages")).to_be_visible()
    expect(
        phone.get_by_text(re.compile(r"You can expect a reply by \w+day, 6 pm\."))
    ).to_be_visible()

    phone.get_by_label("What is it about?").select_option(label="Something else")
    first = "Could we look at the breathing exercise again?"
    phone.get_by_label("Message", exact=True).fill(first)
    expect(phone.get_by_text(f"{len(first)} / 2,000")).to_be_visible()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Sent.", exact=True)).to_be_visible()
    expect(phone.get_by_text("Could we look at the breathing exercise again?")).to_be_visible()
    expect(
        phone.get_by_text("This message arrived outside working hours.", exact=False)
    ).to_be_visible()
    shot(phone, "message-out-of-hours")

    # Risk words: the crisis card shows while typing, before anything is sent...
    phone.get_by_label("Message", exact=True).fill("Sometimes I feel like I want to die")
    card = phone.get_by_role("alert", name="Crisis help")
    expect(card).to_be_visible()
    expect(card.locator('a[href="tel:14416"]')).to_be_visible()
    shot(phone, "crisis-card-before-sending")
    phone.get_by_label("What is it about?").select_option(label="Something else")
    phone.get_by_role("button", name="Send").click()
    # ...and again after sending, above the conversation.
    expect(phone.get_by_role("alert", name="Crisis help")).to_be_visible()
    expect(phone.get_by_text("Sometimes I feel like I want to die")).to_be_visible()
    assert (
        phone.get_by_text("This message arrived outside working hours.").count() == 1
    )  # one note per 12 hours

    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")
    desk.get_by_role("navigation", name="Workspace").get_by_role("link", name="Inbox").click()
    conversation = desk.get_by_role("button", name=f"Conversation with {CLIENT[0]}")
    expect(conversation).to_be_visible()
    conversation.click()
    expect(desk.get_by_text("This conversation has risk words.", exact=False)).to_be_visible()
    desk.get_by_label("Reply", exact=True).fill(
        "Thank you for telling me. Please call Tele-MANAS now; I will call you at 10 am."
    )
    desk.get_by_role("button", name="Send reply").click()
    expect(desk.get_by_text("Sent.", exact=False)).to_be_visible()
    expect(desk.get_by_text("This conversation has risk words.", exact=False)).to_have_count(0)
    shot(desk, "inbox-replied")

    phone.reload()
    expect(phone.get_by_text("I will call you at 10 am.", exact=False)).to_be_visible()
    shot(phone, "client-sees-reply")
    phone.context.close()
    desk.context.close()


def test_whatsapp_history_import_and_contact_log_on_the_client_page(
    server, browser, seeded, tmp_path, shot
) -> None:
    chat = tmp_path / "WhatsApp Chat with Kabir Anand.txt"
    chat.write_text(
        "12/11/2026, 21:15 - Kabir Anand: Can we move Thursday?\n"
        "12/11/2026, 21:40 - Dr. Meher Rao: Please use the portal\n"
        "13/11/2026, 08:02 - Kabir Anand: Done\nthanks\n",
        encoding="utf-8",
    )
    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")
    desk.goto("/app/clients")
    desk.get_by_role("link", name=CLIENT[0]).click()
    expect(desk.get_by_role("heading", name="Outside the portal")).to_be_visible()

    desk.get_by_role("button", name="Log Phone call: Scheduling").click()
    expect(desk.get_by_text("Logged: Phone call · Scheduling.")).to_be_visible()

    # The upload control's file input is hidden behind its button; it is the only one on the page.
    desk.locator("input[type=file]").set_input_files(str(chat))
    desk.get_by_label("Your name in the chat").select_option(THERAPIST[0])
    desk.get_by_role("button", name="Import counts").click()
    expect(desk.get_by_text("Imported 3 messages. No message text was kept.")).to_be_visible()
    shot(desk, "whatsapp-imported")

    desk.locator("input[type=file]").set_input_files(str(chat))
    desk.get_by_label("Your name in the chat").select_option(THERAPIST[0])
    desk.get_by_role("button", name="Import counts").click()
    expect(
        desk.get_by_text("Imported 0 messages (3 were already imported).", exact=False)
    ).to_be_visible()
    desk.context.close()


LONG_CLIENT = ("Ira Menon", "ira.menon@example.com", "Lantern-Monsoon-Quill-19")
OLD_MESSAGES = 45  # more than a page: the first 15 are reached only through "Load older"


def _seed_long_thread(session) -> None:
    therapist = session.exec(select(User).where(User.email == THERAPIST[1])).one()
    client_id = clients.add_client(
        session,
        auth.actor_for(therapist),
        clients.ClientForm(name=LONG_CLIENT[0], email=LONG_CLIENT[1]),
    )
    session.get(User, client_id).password_hash = passwords.hash_password(LONG_CLIENT[2])
    session.get(ClientProfile, client_id).accepted_at = utcnow()
    thread = MessageThread(
        practice_id=therapist.practice_id,
        client_id=client_id,
        therapist_id=therapist.id,
        last_message_at=utcnow() - timedelta(days=1),
    )
    session.add(thread)
    session.flush()
    start = utcnow() - timedelta(days=OLD_MESSAGES + 1)
    for n in range(1, OLD_MESSAGES + 1):
        kind = "client" if n % 2 else "therapist"
        body = f"Old message {n:02d}: about the sleep diary"
        at = start + timedelta(days=n)
        session.add(Message(thread_id=thread.id, kind=kind, body=body, created_at=at))


@pytest.fixture(scope="module")
def long_thread(server, seeded) -> Iterator[None]:
    yield from seed(server, _seed_long_thread)


def test_a_long_thread_loads_older_pages_and_a_send_appends(
    server, browser, long_thread, shot
) -> None:
    first, newest = "Old message 01: about the sleep diary", "Old message 45: about the sleep diary"
    phone = browser.new_context(viewport=PHONE, base_url=server.base_url, has_touch=True).new_page()
    sign_in(phone, LONG_CLIENT[1], LONG_CLIENT[2], "/portal")
    phone.goto("/portal/messages")
    expect(phone.get_by_text(newest)).to_be_visible()
    expect(phone.get_by_text(first)).to_have_count(0)  # past the first page
    older = phone.get_by_role("button", name="Load older messages")
    expect(older).to_be_visible()
    shot(phone, "messages-load-older")
    older.click()
    expect(phone.get_by_text(first)).to_be_visible()
    expect(older).to_have_count(0)  # nothing older left

    # A send appends to what is shown: the older page stays, the new message comes last.
    phone.get_by_label("What is it about?").select_option(label="Something else")
    phone.get_by_label("Message", exact=True).fill("A new question after all these")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Sent.", exact=True)).to_be_visible()
    expect(phone.get_by_text("A new question after all these")).to_be_visible()
    expect(phone.get_by_text(first)).to_be_visible()
    bodies = phone.get_by_text(re.compile(r"^(Old message \d\d|A new question)")).all_inner_texts()
    assert bodies[0] == first and bodies[-1] == "A new question after all these"

    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")
    desk.goto("/app/inbox")
    desk.get_by_role("button", name=f"Conversation with {LONG_CLIENT[0]}").click()
    expect(desk.get_by_text("A new question after all these")).to_be_visible()
    expect(desk.get_by_text(first)).to_have_count(0)
    desk.get_by_role("button", name="Load older messages").click()
    expect(desk.get_by_text(first)).to_be_visible()
    desk.get_by_label("Reply", exact=True).fill("Let's go through the diary on Friday.")
    desk.get_by_role("button", name="Send reply").click()
    expect(desk.get_by_text("Let's go through the diary on Friday.")).to_be_visible()
    expect(desk.get_by_text(first)).to_be_visible()  # appended: the older page is still there
    shot(desk, "inbox-long-thread")
    phone.context.close()
    desk.context.close()
