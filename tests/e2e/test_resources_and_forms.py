"""The resource vault and intake through the browser.

The therapist uploads a PDF and shares it; on a phone the client opens it; the therapist sees
"opened". Reflex's public `/_upload/<name>` does not serve the stored file. The therapist sends
the Intake; the client fills it on the phone and sends it; the therapist reads the answers and the
charter version that was acknowledged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from browsing import ensure_practice, seed, sign_in
from fpdf import FPDF
from playwright.sync_api import expect
from sqlmodel import select

from practipal_app import db
from practipal_app.boundaries import charter
from practipal_app.models import ClientProfile, Resource, Role, User
from practipal_app.models.base import utcnow
from practipal_app.onboarding import setup as practice
from practipal_app.people import auth, clients, passwords

pytestmark = pytest.mark.e2e

THERAPIST = ("Dr. Farah Khan", "farah@example.com", "Juniper-Canvas-Ripple-26")
CLIENT = ("Ishaan Verma", "ishaan@example.com", "Marble-Kite-Orchard-83")
NEXT_CLIENT = ("Sana Qureshi", "sana@example.com", "Copper-Meadow-Lantern-64")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
TZ = "Asia/Kolkata"


@dataclass
class People:
    client_id: int
    charter_version: int


def _seed(session) -> People:
    ensure_practice(session)
    practice_id = practice.the_practice(session).id
    therapist = practice.add_staff(
        session, practice_id, THERAPIST[0], THERAPIST[1], Role.THERAPIST, THERAPIST[2]
    )
    actor = auth.actor_for(therapist)
    version = charter.save(session, actor, charter.CharterSettings()).version
    ids = []
    for name, email, password in (CLIENT, NEXT_CLIENT):
        client_id = clients.add_client(session, actor, clients.ClientForm(name=name, email=email))
        session.get(User, client_id).password_hash = passwords.hash_password(password)
        session.get(ClientProfile, client_id).accepted_at = utcnow()
        ids.append(client_id)
    return People(ids[0], version)


@pytest.fixture(scope="module")
def people(server) -> Iterator[People]:
    yield from seed(server, _seed)


@pytest.fixture
def worksheet(tmp_path) -> str:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(text="Thought record: situation, thought, feeling, evidence, balanced thought.")
    path = tmp_path / "thought-record.pdf"
    pdf.output(str(path))
    return str(path)


def test_a_shared_pdf_is_opened_on_a_phone_and_the_therapist_sees_it(
    server, browser, people, worksheet, shot
) -> None:
    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")
    desk.get_by_role("link", name="Resources").click()
    desk.get_by_role("button", name="Add resource").click()
    with desk.expect_file_chooser() as chooser:
        desk.get_by_role("button", name=re.compile("Choose a file")).click()
    chooser.value.set_files(worksheet)
    expect(desk.get_by_text(re.compile(r"Ready: thought-record\.pdf"))).to_be_visible()
    desk.get_by_label("Title", exact=True).fill("Exam-week thought record")
    desk.get_by_label("Category", exact=True).select_option("worksheet")
    desk.get_by_label("Tags", exact=True).fill("CBT, homework")
    desk.get_by_role("button", name="Save resource").click()
    expect(desk.get_by_text("Added “Exam-week thought record” to the library.")).to_be_visible()

    desk.get_by_role("button", name="Share Exam-week thought record").click()
    desk.get_by_label(CLIENT[0]).check()
    desk.get_by_label("Note for the client (optional)").fill("Fill one in before Thursday")
    desk.get_by_role("button", name="Share", exact=True).click()
    shared_row = desk.get_by_role("row").filter(has_text=CLIENT[0])
    expect(shared_row).to_contain_text("not opened yet")
    shot(desk, "resources-shared")

    stored = db.call(
        lambda s: s.exec(select(Resource).where(Resource.title == "Exam-week thought record")).one()
    )
    assert desk.request.get(f"{server.base_url}/_upload/{stored.stored_name}").status == 404
    assert desk.request.get(f"{server.base_url}/_upload/{stored.file_name}").status == 404

    phone = browser.new_context(
        viewport=PHONE, base_url=server.base_url, has_touch=True, is_mobile=True
    ).new_page()
    sign_in(phone, CLIENT[1], CLIENT[2], "/portal")
    phone.get_by_role("link", name=re.compile("Resources")).first.click()
    card = phone.get_by_text("Exam-week thought record")
    expect(card).to_be_visible()
    expect(phone.get_by_text("New", exact=True)).to_be_visible()
    expect(phone.get_by_text("“Fill one in before Thursday”")).to_be_visible()
    phone.get_by_role("button", name="Open Exam-week thought record").click()
    file_link = phone.get_by_role("link", name=re.compile("Open thought-record.pdf"))
    expect(file_link).to_be_visible()
    shot(phone, "portal-resource-open")
    response = phone.request.get(server.base_url + file_link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")

    desk.get_by_role("button", name="Close sharing").click()
    desk.reload()
    desk.get_by_role("button", name="Share Exam-week thought record").click()
    expect(desk.get_by_role("row").filter(has_text=CLIENT[0])).to_contain_text(
        re.compile(r"opened on \d+ \w+ \d{4}")
    )
    shot(desk, "resources-opened")


def test_the_client_fills_the_intake_and_the_therapist_reads_it(
    server, browser, people, shot
) -> None:
    desk = browser.new_context(viewport=DESKTOP, base_url=server.base_url).new_page()
    sign_in(desk, THERAPIST[1], THERAPIST[2], "/app")
    desk.goto(f"/app/clients/{people.client_id}")
    desk.get_by_label("Form to send").select_option(label="Intake")
    desk.get_by_role("button", name="Send form").click()
    expect(desk.get_by_text("Sent. It waits on the client's portal home.")).to_be_visible()

    phone = browser.new_context(
        viewport=PHONE, base_url=server.base_url, has_touch=True, is_mobile=True
    ).new_page()
    sign_in(phone, CLIENT[1], CLIENT[2], "/portal")
    phone.get_by_role("link", name="Fill in Intake").click()
    expect(phone.get_by_role("heading", name="Intake")).to_be_visible()
    fill_intake(phone)
    shot(phone, "portal-intake-filled")
    phone.get_by_role("button", name="Submit").click()
    expect(
        phone.get_by_text("Thank you. Your answers were sent to your therapist.")
    ).to_be_visible()

    desk.reload()
    desk.get_by_role("link", name="Intake").click()
    expect(
        desk.get_by_text(f"Communication charter acknowledged: version {people.charter_version}")
    ).to_be_visible()
    expect(desk.get_by_text("Exam stress and trouble sleeping")).to_be_visible()
    expect(desk.get_by_text("Name: Neha Verma")).to_be_visible()
    shot(desk, "intake-answers")
    desk.get_by_role("button", name="Use it in the client's profile").click()
    expect(desk.get_by_text("Applied to the profile.")).to_be_visible()
    profile = db.call(lambda s: s.get(ClientProfile, people.client_id))
    assert (profile.emergency_contact_name, profile.emergency_contact_relation) == (
        "Neha Verma",
        "Sister",
    )


def fill_intake(page) -> None:
    """Answer the Intake's required questions, each found by its label; leaving a field saves the
    draft."""
    for label, value in (
        ("Your phone number", "98765 12345"),
        ("Date of birth", "2001-05-14"),
        ("Emergency contact's name", "Neha Verma"),
        ("Emergency contact's phone number", "98111 22233"),
        ("What would you like help with?", "Exam stress and trouble sleeping"),
        ("Type your full name to sign", CLIENT[0]),
    ):
        box = page.get_by_label(label)
        box.fill(value)
        box.press("Tab")
    page.get_by_label("How are they related to you?").first.fill("Sister")
    page.get_by_label("How are they related to you?").first.press("Tab")
    risk = page.get_by_role("radiogroup", name=re.compile("thoughts of ending your life"))
    risk.get_by_role("radio", name="Yes").click()
    expect(page.get_by_text(re.compile("You do not have to go through this alone"))).to_be_visible()
    risk.get_by_role("radio", name="No").click()
    for consent in (
        "I have read how messages and contact between sessions work",
        "I agree to my information being used as described above",
        "I agree to have sessions online (video or phone) when we plan them",
    ):
        page.get_by_role("checkbox", name=re.compile(re.escape(consent))).click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()


def test_the_next_person_at_the_same_tab_receives_nothing_of_the_previous_one(
    server, browser, people
) -> None:
    """A shared family laptop: one client signs out, another signs in in the same tab. The tab gets
    a new client token at each step, so the server's state for the first never reaches the
    second."""
    page = browser.new_context(viewport=PHONE, base_url=server.base_url, has_touch=True).new_page()
    sign_in(page, CLIENT[1], CLIENT[2], "/portal")
    expect(page.get_by_role("heading", name="Welcome, Ishaan")).to_be_visible()
    first_token = page.evaluate("sessionStorage.getItem('token')")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r".*/login/?$"))
    frames: list[str] = []
    page.on(
        "websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload)))
    )
    sign_in(page, NEXT_CLIENT[1], NEXT_CLIENT[2], "/portal")
    expect(page.get_by_role("heading", name="Welcome, Sana")).to_be_visible()
    assert frames and not [f for f in frames if "Ishaan" in f or "ishaan@" in f]
    assert page.evaluate("sessionStorage.getItem('token')") not in (None, first_token)
