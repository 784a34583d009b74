"""The resource vault on a real database and real files: uploads checked by their bytes and kept
privately, texts and links, sharing and opened tracking, who may see what (services and the HTTP
file route), deleting, the starter library, and automatic sharing."""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from fpdf import FPDF
from scheduling_helpers import T0, actor, ist
from sqlmodel import func, select
from tabs import open_page, run

from practipal_app import config, db
from practipal_app.boundaries import charter
from practipal_app.content import resources, starter_library, views
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import AutoShareRule, Resource, ResourceShare, Role, ShareTrigger
from practipal_app.onboarding import setup as practice
from practipal_app.scheduling import appointments
from practipal_app.scheduling import rules as scheduling
from practipal_app.state.resources import PortalResourcesState, ResourcesState

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(120)
TUE_11, AFTER = ist(3, 3, 11), ist(3, 3, 12)


def _pdf(text: str = "Grounding: name five things you can see.") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def _details(**overrides) -> dict:
    return {
        "title": "Grounding guide",
        "category": "grounding",
        "tags": "anxiety, grounding",
        "language": "English",
        "practice_wide": False,
        **overrides,
    }


def _add_file(
    who: Actor, data: bytes | None = None, file_name: str = "Grounding guide.pdf", **details
) -> int:
    return db.call(
        resources.add_file,
        who,
        file_name=file_name,
        data=_pdf() if data is None else data,
        **_details(**details),
    )


def _add_text(who: Actor, body: str = "Breathe in for **four**.", **details) -> int:
    return db.call(
        resources.add_text, who, body=body, **_details(**{"title": "Box breathing", **details})
    )


def _row(resource_id: int) -> Resource | None:
    return db.call(lambda s: s.get(Resource, resource_id))


def _resource_count() -> int:
    return db.call(lambda s: s.exec(select(func.count()).select_from(Resource)).one())


def _files() -> set[Path]:
    folder = config.get_settings().resources_dir
    return set(folder.iterdir()) if folder.exists() else set()


def _shares(resource_id: int) -> list[ResourceShare]:
    return db.call(
        lambda s: list(
            s.exec(
                select(ResourceShare)
                .where(ResourceShare.resource_id == resource_id)
                .order_by(ResourceShare.client_id)
            ).all()
        )
    )


def _titles(items: list) -> list[str]:
    return [item.title for item in items]


def _library(who: Actor, *search: str) -> list[views.ResourceRow]:
    """The library as /app/resources shows it to `who`."""
    return views.resource_rows(db.call(resources.library, who, *search), who.user_id)


def _shared_with(who: Actor, resource_id: int) -> list[views.ShareRow]:
    return views.share_rows(db.call(resources.shares_of, who, resource_id))


def _portal(who: Actor) -> list[views.PortalResourceRow]:
    """What /portal/resources lists for the client."""
    return views.portal_resource_rows(db.call(resources.for_client, who))


def _opened(who: Actor, resource_id: int, **when) -> views.OpenedResource:
    return views.opened_resource(db.call(resources.open_for_client, who, resource_id, **when))


def _rules(who: Actor) -> list[views.RuleRow]:
    return views.rule_rows(db.call(resources.rules, who))


@pytest.fixture
def kabir(owner_actor, add_client) -> int:
    return add_client(owner_actor, "Kabir Das", "kabir@example.com")


@pytest.fixture
def meera(therapist_actor, add_client) -> int:
    """Vikram's client."""
    return add_client(therapist_actor, "Meera Iyer", "meera@example.com")


@pytest.fixture
def assistant_actor(owner) -> Actor:
    user = db.call(
        practice.add_staff,
        owner.practice_id,
        "Divya Menon",
        "divya@example.com",
        Role.ASSISTANT,
        "Quiet-Lotus-Pepper-73",
    )
    return actor(user.id)


@pytest.fixture
def small_limit(monkeypatch):
    """PRACTIPAL_MAX_UPLOAD_MB=1 for one test."""
    monkeypatch.setenv("PRACTIPAL_MAX_UPLOAD_MB", "1")
    config.get_settings.cache_clear()
    yield
    monkeypatch.delenv("PRACTIPAL_MAX_UPLOAD_MB")
    config.get_settings.cache_clear()


# Uploads -----------------------------------------------------------------------------------------


def test_a_pdf_is_kept_privately_under_a_random_name(owner_actor):
    data = _pdf()
    rid = _add_file(owner_actor, data, file_name="C:\\Users\\asha\\Anxiety guide.pdf")
    row = _row(rid)
    assert (row.kind, row.content_type, row.size_bytes, row.file_name) == (
        "file",
        "application/pdf",
        len(data),
        "Anxiety guide.pdf",
    )
    settings = config.get_settings()
    path = settings.resources_dir / row.stored_name
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (
        len(row.stored_name) == 36
        and row.stored_name.endswith(".pdf")
        and "Anxiety" not in row.stored_name
    )
    int(row.stored_name[:32], 16)  # random hex
    assert path.parent == settings.data_dir / "uploads" / "resources"
    for public in (
        Path("uploaded_files").resolve(),
        Path("assets").resolve(),
        Path(".web").resolve(),
    ):
        assert not path.resolve().is_relative_to(public)
    assert not [p for p in _files() if p.name.endswith(".part")]
    [item] = _library(owner_actor)
    assert (item.id, item.kind, item.file_name, item.size, item.scope, item.mine) == (
        rid,
        "file",
        "Anxiety guide.pdf",
        resources.size_label(len(data)),
        "Mine",
        True,
    )


def test_an_executable_named_pdf_and_an_oversize_file_are_refused_leaving_nothing(owner_actor):
    before = _files()
    with pytest.raises(InvalidInput) as renamed:
        _add_file(owner_actor, ELF, file_name="worksheet.pdf")
    assert renamed.value.errors == {
        "file": "This file is not a PDF, PNG, JPEG, MP3 or M4A, whatever its name says."
    }
    oversize = _pdf() + b"\n%" + bytes(23_400_000 - len(_pdf()) - 2)
    with pytest.raises(InvalidInput) as too_big:
        _add_file(owner_actor, oversize)
    assert too_big.value.errors == {"file": "This file is 23.4 MB; the limit is 20 MB."}
    with pytest.raises(InvalidInput) as empty:
        _add_file(owner_actor, b"", title="")
    assert empty.value.errors == {"file": "This file is empty.", "title": "Give it a title."}
    assert _resource_count() == 0 and _files() == before


def test_the_upload_limit_comes_from_the_environment(owner_actor, small_limit):
    with pytest.raises(InvalidInput) as too_big:
        _add_file(owner_actor, _pdf() + bytes(1_500_000))
    assert too_big.value.errors["file"].endswith("the limit is 1 MB.")
    assert _add_file(owner_actor)


def test_no_file_is_left_behind_when_the_row_cannot_be_written(owner_actor):
    before = _files()
    stranger = Actor(owner_actor.user_id, 987_654, Role.OWNER, owner_actor.name, owner_actor.email)
    with pytest.raises(Exception, match="(?i)foreign key"):
        _add_file(stranger)
    assert _files() == before and _resource_count() == 0


# Texts and links ---------------------------------------------------------------------------------


def test_text_and_link_resources_are_checked_and_kept(owner_actor, riya):
    text_id = _add_text(
        owner_actor,
        body="# Steps\n\n1. In for four\n2. Hold\n\n<script>alert(1)</script>",
        tags=" breathing, Calm ,, breathing, calm",
    )
    assert _row(text_id).tags == ["breathing", "Calm"]
    link_id = db.call(
        resources.add_link,
        owner_actor,
        url=" https://telemanas.mohfw.gov.in/ ",
        **_details(title="Tele-MANAS", category="psychoeducation", tags=["helpline"]),
    )
    assert _row(link_id).url == "https://telemanas.mohfw.gov.in/"
    for url in (
        "javascript:alert(1)",
        "ftp://files.example.in/a.pdf",
        "https://",
        "www.example.in",
        "",
    ):
        with pytest.raises(InvalidInput) as bad_url:
            db.call(resources.add_link, owner_actor, url=url, **_details())
        assert set(bad_url.value.errors) == {"url"}, url
    with pytest.raises(InvalidInput) as bad:
        db.call(
            resources.add_text,
            owner_actor,
            body=" ",
            **_details(
                title="x" * 201,
                category="astrology",
                tags=[f"t{n}" for n in range(11)],
                language="L" * 41,
            ),
        )
    assert set(bad.value.errors) == {"title", "category", "tags", "body", "language"}
    with pytest.raises(InvalidInput) as long_tag:
        _add_text(owner_actor, tags="a" * 31)
    assert long_tag.value.errors == {"tags": "Keep each tag under 30 characters."}
    with pytest.raises(InvalidInput) as long_body:
        _add_text(owner_actor, body="a" * 50_001)
    assert long_body.value.errors == {"body": "Keep the text under 50,000 characters."}

    db.call(
        resources.update,
        owner_actor,
        text_id,
        body="## Slowly\n\nOut for *four*.",
        **_details(title="Slow breathing", category="grounding", tags=["calm"], practice_wide=True),
    )
    row = _row(text_id)
    assert (row.title, row.tags, row.practice_wide, row.body) == (
        "Slow breathing",
        ["calm"],
        True,
        "## Slowly\n\nOut for *four*.",
    )
    db.call(resources.share, owner_actor, text_id, [riya])
    shown = _opened(actor(riya), text_id)
    assert shown.html == "<h2>Slowly</h2>\n<p>Out for <em>four</em>.</p>\n"
    assert (shown.kind, shown.url, shown.file_url) == ("text", "", "")
    db.call(resources.share, owner_actor, link_id, [riya])
    assert _opened(actor(riya), link_id).url == "https://telemanas.mohfw.gov.in/"


def test_the_library_searches_titles_and_tags_and_filters_by_category(owner_actor):
    _add_text(owner_actor, title="Sleeping better", category="psychoeducation", tags="sleep, नींद")
    _add_text(owner_actor, title="Box breathing", category="grounding", tags="calm, 100%_focus")
    _add_file(owner_actor, title="Thought record", category="worksheet", tags="CBT")
    assert _titles(_library(owner_actor)) == ["Thought record", "Box breathing", "Sleeping better"]
    assert _titles(_library(owner_actor, "BREATH")) == ["Box breathing"]
    assert _titles(_library(owner_actor, "cbt")) == ["Thought record"]
    assert _titles(_library(owner_actor, "नींद")) == ["Sleeping better"]
    assert _titles(_library(owner_actor, "100%_")) == ["Box breathing"]
    assert _titles(_library(owner_actor, "%")) == ["Box breathing"]
    assert _titles(_library(owner_actor, "", "worksheet")) == ["Thought record"]
    [item] = _library(owner_actor, "", "psychoeducation")
    assert (item.category_label, item.tags, item.size, item.starter) == (
        "Psychoeducation",
        "sleep, नींद",
        "",
        False,
    )


# Sharing -----------------------------------------------------------------------------------------


def test_sharing_with_one_and_several_clients_then_unsharing(owner_actor, riya, kabir, outbox):
    rid = _add_file(owner_actor, title="Panic attacks: what happens in the body")
    assert db.call(resources.share, owner_actor, rid, [riya], "Read before Thursday") == 1
    assert (
        db.call(resources.share, owner_actor, rid, [riya, kabir, kabir], "Page 2 matters most") == 1
    )
    assert [(s.client_id, s.note) for s in _shares(rid)] == [
        (riya, "Page 2 matters most"),
        (kabir, "Page 2 matters most"),
    ]
    listed = _shared_with(owner_actor, rid)
    assert sorted(row.client for row in listed) == ["Kabir Das", "Riya Sharma"]
    assert all(row.opened == "not opened yet" for row in listed)
    [item] = _library(owner_actor)
    assert (item.shared_count, item.opened_count) == (2, 0)

    emails = outbox("resource_shared")
    assert sorted(e.to_address for e in emails) == ["kabir@example.com", "riya@example.com"]
    for email in emails:
        assert email.subject == "Your therapist shared something with you"
        assert "/portal/resources" in email.body_text
        for secret in ("Panic", "Page 2", "Thursday", "Grounding"):
            assert secret not in email.body_text and secret not in email.subject

    db.call(resources.unshare, owner_actor, rid, riya)
    assert [row.client for row in _shared_with(owner_actor, rid)] == ["Kabir Das"]
    assert _portal(actor(riya)) == []
    with pytest.raises(NotFound):
        _opened(actor(riya), rid)
    assert db.call(resources.share, owner_actor, rid, [riya]) == 1  # shared again: a new email
    assert len(outbox("resource_shared")) == 3
    with pytest.raises(InvalidInput):
        db.call(resources.share, owner_actor, rid, [])


def test_opening_is_recorded_for_the_client_only(owner_actor, riya, browser):
    rid = _add_file(owner_actor)
    db.call(resources.share, owner_actor, rid, [riya], "Try page one")
    [listed] = _portal(actor(riya))
    assert (listed.id, listed.is_new, listed.note, listed.content_type) == (
        rid,
        True,
        "Try page one",
        "application/pdf",
    )
    assert db.call(resources.unopened_count, actor(riya)) == 1  # the portal home's "1 new"

    _opened(owner_actor, rid)  # staff previewing counts for nothing
    db.call(resources.file_for, owner_actor, rid)
    assert browser(owner_actor.user_id).get(f"/api/resources/{rid}/file").status_code == 200
    assert _shares(rid)[0].first_opened_at is None

    first, later = T0, T0 + timedelta(days=1, hours=2)
    opened = _opened(actor(riya), rid, now=first)
    assert (opened.file_url, opened.note, opened.html) == (
        f"/api/resources/{rid}/file",
        "Try page one",
        "",
    )
    db.call(resources.file_for, actor(riya), rid, now=later)
    [share] = _shares(rid)
    assert (share.first_opened_at, share.last_opened_at) == (first, later)
    assert _portal(actor(riya))[0].is_new is False
    assert [r.was_opened for r in _shared_with(owner_actor, rid)] == [True]
    [row] = _shared_with(owner_actor, rid)
    assert row.opened == "opened on 2 Mar 2026, 10:00 am"
    assert _library(owner_actor)[0].opened_count == 1
    assert db.call(resources.unopened_count, actor(riya)) == 0
    with pytest.raises(PermissionDenied):
        db.call(resources.unopened_count, owner_actor)


def test_adding_from_the_page_dispatches_by_kind_and_asks_for_a_missing_file(
    owner_actor, assistant_actor, small_limit
):
    with pytest.raises(InvalidInput) as no_file:
        db.call(resources.add, owner_actor, "file", data=None, **_details())
    assert no_file.value.errors == {"file": "Choose a file to upload."}
    with pytest.raises(InvalidInput) as too_big:
        resources.check_upload_size(1_500_000)
    assert too_big.value.errors == {"file": "This file is 1.5 MB; the limit is 1 MB."}
    resources.check_upload_size(
        None
    )  # a browser that sent no size: read, then checked by its bytes
    file_id = db.call(
        resources.add, owner_actor, "file", file_name="guide.pdf", data=_pdf(), **_details()
    )
    text_id = db.call(resources.add, owner_actor, "text", body="Breathe.", **_details(title="Box"))
    link_id = db.call(
        resources.add, owner_actor, "link", url="https://example.org/", **_details(title="Site")
    )
    assert [_row(i).kind for i in (file_id, text_id, link_id)] == ["file", "text", "link"]
    with pytest.raises(PermissionDenied):
        db.call(resources.add, assistant_actor, "file", data=None, **_details())


def test_a_client_reaches_only_what_was_shared_with_them(owner_actor, riya, kabir, browser):
    data = _pdf("For Riya only")
    shared = _add_file(owner_actor, data)
    unshared = _add_file(owner_actor, title="Not shared")
    text = _add_text(owner_actor)
    db.call(resources.share, owner_actor, shared, [riya])
    db.call(resources.share, owner_actor, text, [riya])

    response = browser(riya).get(f"/api/resources/{shared}/file")
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert (
        response.headers["cache-control"] == "no-store"
        and response.headers["x-content-type-options"] == "nosniff"
    )
    assert (
        response.headers["content-disposition"] == "inline; filename*=utf-8''Grounding%20guide.pdf"
    )

    assert _portal(actor(kabir)) == []
    for who, rid in ((kabir, shared), (riya, unshared), (kabir, text)):
        with pytest.raises(NotFound):
            _opened(actor(who), rid)
        with pytest.raises(NotFound):
            db.call(resources.file_for, actor(who), rid)
    for who, path in (
        (kabir, shared),
        (riya, unshared),
        (riya, text),
        (None, shared),
        (riya, "abc"),
        (riya, 99_999),
    ):
        assert browser(who).get(f"/api/resources/{path}/file").status_code == 404, (who, path)
    for service in (resources.library, resources.shares_of):
        with pytest.raises(PermissionDenied):
            db.call(service, actor(riya), *([shared] if service is resources.shares_of else []))
    with pytest.raises(PermissionDenied):
        db.call(resources.share, actor(riya), shared, [kabir])
    assert _titles(_portal(actor(riya))) == ["Box breathing", "Grounding guide"]


def test_a_therapist_cannot_see_or_share_another_therapists_own_resource(
    owner_actor, therapist_actor, riya, meera, browser
):
    ashas = _add_file(owner_actor, title="Asha's own notes")
    vikrams = _add_text(therapist_actor, title="Vikram's worksheet")
    assert _titles(_library(therapist_actor)) == ["Vikram's worksheet"]
    assert _titles(_library(owner_actor)) == ["Asha's own notes"]
    for call in (
        lambda: _shared_with(therapist_actor, ashas),
        lambda: db.call(resources.share, therapist_actor, ashas, [meera]),
        lambda: _opened(therapist_actor, ashas),
        lambda: db.call(resources.file_for, therapist_actor, ashas),
        lambda: db.call(resources.update, therapist_actor, ashas, **_details()),
        lambda: db.call(resources.delete, therapist_actor, ashas),
        lambda: db.call(
            resources.set_rule, therapist_actor, ShareTrigger.MISSED_SESSION, ashas, True
        ),
    ):
        with pytest.raises(NotFound):
            call()
    assert browser(therapist_actor.user_id).get(f"/api/resources/{ashas}/file").status_code == 404
    with pytest.raises(NotFound):  # one client out of reach refuses the whole share
        db.call(resources.share, therapist_actor, vikrams, [meera, riya])
    assert _shares(vikrams) == []
    assert db.call(resources.share, therapist_actor, vikrams, [meera]) == 1
    assert _row(ashas).title == "Asha's own notes"


def test_practice_library_items_are_seen_by_the_team_and_shares_stay_within_each_caseload(
    owner_actor, therapist_actor, assistant_actor, riya, meera
):
    library_item = _add_text(owner_actor, title="Anxiety 101", practice_wide=True)
    vikrams_shared = _add_text(therapist_actor, title="Vikram's handout", practice_wide=True)
    [seen] = [i for i in _library(therapist_actor) if i.id == library_item]
    assert (seen.scope, seen.mine) == ("Practice library", False)
    assert _titles(_library(assistant_actor)) == ["Vikram's handout", "Anxiety 101"]

    db.call(resources.share, owner_actor, library_item, [riya])
    db.call(resources.share, therapist_actor, library_item, [meera], "For our next session")
    assert [r.client for r in _shared_with(therapist_actor, library_item)] == ["Meera Iyer"]
    assert sorted(r.client for r in _shared_with(owner_actor, library_item)) == [
        "Meera Iyer",
        "Riya Sharma",
    ]
    assert sorted(r.client for r in _shared_with(assistant_actor, library_item)) == [
        "Meera Iyer",
        "Riya Sharma",
    ]
    therapist_view = [i for i in _library(therapist_actor) if i.id == library_item]
    assert therapist_view[0].shared_count == 1

    with pytest.raises(PermissionDenied):  # only who added it, or the owner, changes a library item
        db.call(resources.update, therapist_actor, library_item, **_details(practice_wide=True))
    db.call(
        resources.update,
        owner_actor,
        vikrams_shared,
        body="Edited by Asha",
        **_details(title="Vikram's handout", practice_wide=True),
    )
    assert _row(vikrams_shared).body == "Edited by Asha"
    for call in (
        lambda: _add_text(assistant_actor, practice_wide=True),
        lambda: db.call(resources.share, assistant_actor, library_item, [riya]),
        lambda: db.call(resources.delete, assistant_actor, library_item),
        lambda: db.call(
            resources.set_rule, assistant_actor, ShareTrigger.MISSED_SESSION, library_item, True
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert _rules(assistant_actor) == []


def test_deleting_removes_the_shares_the_rules_and_the_file(owner_actor, riya, browser):
    rid = _add_file(owner_actor)
    path = config.get_settings().resources_dir / _row(rid).stored_name
    db.call(resources.share, owner_actor, rid, [riya])
    db.call(resources.set_rule, owner_actor, ShareTrigger.MISSED_SESSION, rid, True)
    db.call(resources.delete, owner_actor, rid)
    assert not path.exists() and _row(rid) is None and _shares(rid) == []
    assert db.call(lambda s: s.exec(select(AutoShareRule)).all()) == []
    assert _portal(actor(riya)) == []
    assert browser(riya).get(f"/api/resources/{rid}/file").status_code == 404


def test_a_file_missing_on_disk_is_not_found(owner_actor, riya, browser):
    rid = _add_file(owner_actor)
    db.call(resources.share, owner_actor, rid, [riya])
    (config.get_settings().resources_dir / _row(rid).stored_name).unlink()
    with pytest.raises(NotFound):
        db.call(resources.file_for, actor(riya), rid)
    assert browser(riya).get(f"/api/resources/{rid}/file").status_code == 404
    db.call(resources.delete, owner_actor, rid)  # a missing file is fine when deleting
    assert _row(rid) is None


# Starter library ---------------------------------------------------------------------------------


def test_the_starter_library_installs_once_and_between_sessions_follows_the_charter(
    owner_actor, therapist_actor, riya
):
    extra = "On the second Saturday of every month I am away and reply the next working day."
    vikrams = db.call(
        charter.save,
        therapist_actor,
        charter.CharterSettings(extra_text=extra, whatsapp_for=("scheduling",)),
    )
    assert db.call(starter_library.install, owner_actor) == len(starter_library.STARTER) >= 6
    assert db.call(starter_library.install, owner_actor) == 0
    owners = {i.title: i for i in _library(owner_actor)}
    assert {
        "5-4-3-2-1 grounding",
        "Box breathing",
        "Thought record worksheet",
        "Sleeping better",
        "Between sessions",
    } <= set(owners)
    assert (
        owners["Box breathing"].scope == "Practice library"
        and owners["Box breathing"].starter is True
    )
    assert owners["Between sessions"].scope == "Mine"
    assert all(item.language == "English" and item.tags for item in owners.values())

    # Vikram already sees the practice's copies: only his own "Between sessions" is added.
    assert db.call(starter_library.install, therapist_actor) == 1
    assert db.call(starter_library.install, therapist_actor) == 0
    his = db.call(
        lambda s: s.exec(select(Resource).where(Resource.owner_id == therapist_actor.user_id)).one()
    )
    assert his.title == "Between sessions" and not his.practice_wide
    assert vikrams.statement in his.body and extra in his.body
    assert (
        "14416" in his.body
        and "112" in his.body
        and "WhatsApp is only for scheduling issues." in his.body
    )

    thought = owners["Thought record worksheet"].id
    db.call(resources.share, owner_actor, thought, [riya])
    html = _opened(actor(riya), thought).html
    assert "<table>" in html and "<th>Situation</th>" in html
    with pytest.raises(PermissionDenied):
        db.call(starter_library.install, actor(riya))


# Automatic sharing -------------------------------------------------------------------------------


def test_a_missed_session_shares_the_rule_resources_once(owner_actor, riya, kabir, therapy, outbox):
    missed = _add_text(owner_actor, title="When a session is missed")
    off = _add_text(owner_actor, title="Switched off")
    db.call(resources.set_rule, owner_actor, ShareTrigger.MISSED_SESSION, missed, True)
    db.call(resources.set_rule, owner_actor, ShareTrigger.MISSED_SESSION, off, True)
    db.call(resources.set_rule, owner_actor, ShareTrigger.MISSED_SESSION, off, False)
    assert [(r.trigger_label, r.title, r.enabled) for r in _rules(owner_actor)] == [
        ("After a missed session", "Switched off", False),
        ("After a missed session", "When a session is missed", True),
    ]
    with pytest.raises(InvalidInput):
        db.call(resources.set_rule, owner_actor, "full_moon", missed, True)

    first = db.call(
        appointments.book,
        owner_actor,
        client_id=riya,
        session_type_id=therapy,
        starts_at=TUE_11,
        confirmed=True,
        now=T0,
    )
    attended = db.call(
        appointments.book,
        owner_actor,
        client_id=kabir,
        session_type_id=therapy,
        starts_at=ist(3, 3, 14),
        confirmed=True,
        now=T0,
    )
    db.call(appointments.mark, owner_actor, first, "no_show", now=AFTER)
    db.call(appointments.mark, owner_actor, attended, "completed", now=ist(3, 3, 15))
    assert _titles(_portal(actor(riya))) == ["When a session is missed"]
    assert _portal(actor(kabir)) == []
    second = db.call(
        appointments.book,
        owner_actor,
        client_id=riya,
        session_type_id=therapy,
        starts_at=ist(3, 4, 11),
        confirmed=True,
        now=T0,
    )
    db.call(appointments.mark, owner_actor, second, "no_show", now=ist(3, 4, 12))
    assert len(_shares(missed)) == 1
    assert [e.to_address for e in outbox("resource_shared")] == ["riya@example.com"]


def test_adding_leave_shares_with_the_therapists_active_clients(
    therapist_actor, add_client, riya, meera, outbox
):
    paused = add_client(therapist_actor, "Sonia Paul", "sonia@example.com", status="paused")
    note = _add_text(therapist_actor, title="While I am on leave")
    db.call(resources.set_rule, therapist_actor, ShareTrigger.BEFORE_LEAVE, note, True)
    db.call(
        scheduling.add_time_off,
        therapist_actor,
        date(2026, 4, 6),
        date(2026, 4, 10),
        "Family wedding",
    )
    assert [s.client_id for s in _shares(note)] == [meera]
    assert _portal(actor(paused)) == []
    assert _portal(actor(riya)) == []  # Asha's client
    db.call(scheduling.add_time_off, therapist_actor, date(2026, 5, 4), date(2026, 5, 4))
    assert [e.to_address for e in outbox("resource_shared")] == ["meera@example.com"]


def test_an_intake_trigger_shares_once_with_the_clients_own_therapist(
    owner_actor, therapist_actor, riya, meera, outbox
):
    welcome = _add_text(therapist_actor, title="Welcome to therapy", practice_wide=True)
    ashas = _add_text(owner_actor, title="Asha's welcome")
    db.call(resources.set_rule, therapist_actor, ShareTrigger.INTAKE_SUBMITTED, welcome, True)
    db.call(resources.set_rule, owner_actor, ShareTrigger.INTAKE_SUBMITTED, ashas, True)
    assert (
        db.call(resources.on_trigger, meera, ShareTrigger.INTAKE_SUBMITTED, therapist_actor.user_id)
        == 1
    )
    assert (
        db.call(resources.on_trigger, meera, ShareTrigger.INTAKE_SUBMITTED, therapist_actor.user_id)
        == 0
    )
    assert db.call(resources.on_trigger, meera, ShareTrigger.MISSED_SESSION) == 0
    assert _titles(_portal(actor(meera))) == ["Welcome to therapy"]
    assert db.call(resources.on_trigger, riya, ShareTrigger.INTAKE_SUBMITTED) == 1
    assert _titles(_portal(actor(riya))) == ["Asha's welcome"]
    assert sorted(e.to_address for e in outbox("resource_shared")) == [
        "meera@example.com",
        "riya@example.com",
    ]
    assert all("welcome" not in e.body_text.lower() for e in outbox("resource_shared"))


@pytest.mark.parametrize("wanted", [True, False])
def test_first_run_setup_adds_the_starter_library_when_asked(engine, wanted):
    from practipal_app.onboarding import setup as practice

    db.call(
        practice.set_up,
        client_token="tab-1",
        starter_library=wanted,
        practice_name="Sunrise Counselling",
        timezone="Asia/Kolkata",
        owner_name="Asha Rao",
        email="asha@example.com",
        password="Calm-Harbour-Tea-42",
    )
    titles = db.call(
        lambda s: list(s.exec(select(Resource.title).where(Resource.starter_key != "")).all())
    )
    assert ("Between sessions" in titles and len(titles) >= 6) if wanted else titles == []


# The pages' states, driven as a browser would -----------------------------------------------------


def _tab(state_class, user_id: int, path: str):
    return open_page(state_class, user_id, path)


_run = run


class _Upload:
    """What Reflex hands an upload handler: a name, a size, and the bytes."""

    def __init__(self, data: bytes, filename: str = "guide.pdf", size: int | None = None):
        self.data, self.filename, self.size = data, filename, len(data) if size is None else size

    async def read(self) -> bytes:
        return self.data


async def test_the_library_page_adds_shares_and_unshares_by_id(owner_actor, riya, kabir):
    pending = config.get_settings().uploads_dir / "pending"
    page = _tab(ResourcesState, owner_actor.user_id, "/app/resources")
    await _run(page, "load")
    assert (page.items, page.has_starters) == ([], False)
    assert [o.label for o in page.client_options] == ["Kabir Das", "Riya Sharma"]

    await _run(page, "toggle_add")
    await _run(page, "add", {"title": "Guide", "category": "worksheet"})
    assert page.errors == {"file": "Choose a file to upload."}
    await _run(page, "receive_file", [_Upload(b"", size=30_000_000)])
    assert (
        page.errors == {"file": "This file is 30 MB; the limit is 20 MB."} and page.file_label == ""
    )
    await _run(page, "receive_file", [_Upload(_pdf())])
    assert page.file_label == f"guide.pdf ({resources.size_label(len(_pdf()))})"
    assert len(list(pending.iterdir())) == 1
    await _run(page, "add", {"title": " Guide ", "category": "worksheet", "practice_wide": "on"})
    assert (page.errors, page.notice, page.adding) == ({}, "Added “Guide” to the library.", False)
    assert list(pending.iterdir()) == []  # the staged upload is gone once kept
    [item] = page.items
    assert (item.title, item.kind, item.scope, item.mine) == (
        "Guide",
        "file",
        "Practice library",
        True,
    )

    await _run(page, "open_sharing", str(item.id))
    assert page.sharing == item and page.shares == []
    await _run(page, "share", {f"client_{riya}": "on", f"client_{kabir}": "on", "note": "Page one"})
    assert page.notice == "Shared with 2 clients."
    assert [(s.client, s.was_opened, s.note) for s in page.shares] == [
        ("Kabir Das", False, "Page one"),
        ("Riya Sharma", False, "Page one"),
    ]
    assert page.items[0].shared_count == 2
    await _run(page, "unshare", str(kabir))
    assert [s.client for s in page.shares] == ["Riya Sharma"]
    await _run(page, "unshare", "kabir")
    assert page.share_error == "Not found."

    await _run(page, "open_sharing", "999999")
    assert (page.sharing, page.error) == (None, "No such resource.")
    await _run(page, "preview", "x")
    assert (page.previewing, page.error) == (None, "Not found.")

    await _run(page, "add_rule", {"trigger": "missed_session", "resource_id": ""})
    assert page.error == "Choose when and what to share."
    await _run(page, "add_rule", {"trigger": "missed_session", "resource_id": str(item.id)})
    assert [(r.trigger_label, r.resource_id, r.enabled) for r in page.rules] == [
        ("After a missed session", item.id, True)
    ]
    await _run(page, "toggle_rule", "missed_session", str(item.id), False)
    assert page.rules[0].enabled is False

    shelf = _tab(PortalResourcesState, riya, "/portal/resources")
    await _run(shelf, "load")
    [mine] = shelf.items
    assert (mine.title, mine.is_new, mine.note) == ("Guide", True, "Page one")
    await _run(shelf, "open", str(mine.id))
    assert (
        shelf.opened.file_url == f"/api/resources/{item.id}/file" and shelf.items[0].is_new is False
    )
    await _run(shelf, "open", str(item.id + 1000))
    assert (shelf.opened, shelf.error) == (None, "That resource is no longer shared with you.")
