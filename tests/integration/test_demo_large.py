"""`practipal demo --scale large`: years of history for several therapists, shaped like a real
practice, seeded once. Sized down here (3 therapists, 1 year); the shape is the same."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import SQLModel, col, func, select

from practipal_app import cli, db
from practipal_app.boundaries import charter
from practipal_app.boundaries import reply_rules as boundaries
from practipal_app.core.errors import DomainError
from practipal_app.demo import large as demo_large
from practipal_app.demo import small as demo
from practipal_app.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    ClientProfile,
    ContactRecord,
    EnergyCheckIn,
    Message,
    MessageThread,
    Role,
    SchedulingSettings,
    User,
    WhatsAppImport,
)
from practipal_app.scheduling import rules as scheduling

BASE_URL = "http://localhost:3000"
NOW = datetime(2025, 6, 4, 12, 0, tzinfo=UTC)  # a Wednesday, 17:30 in India
IST = ZoneInfo("Asia/Kolkata")
THERAPISTS = 3


pytestmark = pytest.mark.usefixtures("default_settings")


def _seed():
    return db.call(demo_large.seed_large, BASE_URL, therapists=THERAPISTS, years=1, now=NOW)


@pytest.fixture
def seeded(engine):
    return _seed()


def _clinician_ids(session) -> list[int]:
    return list(
        session.exec(
            select(User.id)
            .where(col(User.role).in_([Role.OWNER, Role.THERAPIST]))
            .order_by(User.id)
        ).all()
    )


def _all(statement):
    return db.read(lambda s: s.exec(statement).all())


def _fingerprint(session) -> dict:
    """What the dashboard would see, without row ids."""

    def rows(statement):
        return sorted(tuple(r) for r in session.exec(statement).all())

    return {
        "appointments": rows(
            select(
                Appointment.therapist_id,
                Appointment.status,
                func.count(),
                func.min(Appointment.starts_at),
                func.max(Appointment.starts_at),
            ).group_by(Appointment.therapist_id, Appointment.status)
        ),
        "messages": rows(
            select(MessageThread.therapist_id, Message.kind, Message.after_hours, func.count())
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .group_by(MessageThread.therapist_id, Message.kind, Message.after_hours)
        ),
        "contacts": rows(
            select(
                ContactRecord.therapist_id,
                ContactRecord.channel,
                ContactRecord.direction,
                ContactRecord.after_hours,
                func.count(),
                func.sum(ContactRecord.length),
            ).group_by(
                ContactRecord.therapist_id,
                ContactRecord.channel,
                ContactRecord.direction,
                ContactRecord.after_hours,
            )
        ),
        "checkins": rows(
            select(
                EnergyCheckIn.therapist_id, func.count(), func.sum(EnergyCheckIn.level)
            ).group_by(EnergyCheckIn.therapist_id)
        ),
        "adoption": rows(
            select(ClientProfile.therapist_id, func.min(ClientProfile.accepted_at)).group_by(
                ClientProfile.therapist_id
            )
        ),
        "clients": rows(
            select(ClientProfile.therapist_id, ClientProfile.status, func.count()).group_by(
                ClientProfile.therapist_id, ClientProfile.status
            )
        ),
    }


def _adoption(session) -> dict[int, datetime]:
    return dict(
        session.exec(
            select(ClientProfile.therapist_id, func.min(ClientProfile.accepted_at)).group_by(
                ClientProfile.therapist_id
            )
        ).all()
    )


def test_every_therapist_gets_a_year_of_sessions_shaped_like_a_practice(seeded):
    ids = db.read(_clinician_ids)
    assert len(ids) == THERAPISTS
    assert [login.email for login in seeded[:2]] == [
        "asha@demo.practipal.in",
        "riya@demo.practipal.in",
    ]
    assert len([login for login in seeded if login.role == "therapist"]) == THERAPISTS - 1

    appts = _all(
        select(
            Appointment.therapist_id, Appointment.starts_at, Appointment.ends_at, Appointment.status
        )
    )
    caps = dict(_all(select(SchedulingSettings.therapist_id, SchedulingSettings.weekly_cap)))
    history = [a for a in appts if a.starts_at < NOW - timedelta(days=7)]
    for therapist_id in ids:
        mine = [a for a in history if a.therapist_id == therapist_id]
        assert 950 <= len(mine) <= 1400, (therapist_id, len(mine))  # about 23 a week for a year
        weeks = Counter(a.starts_at.astimezone(IST).date().isocalendar()[:2] for a in mine)
        assert any(n > caps[therapist_id] for n in weeks.values()), (
            "some weeks go over the weekly cap"
        )
        assert min(weeks.values()) <= 3 or len(weeks) < 52, "holiday or leave weeks are near empty"

    local = [a.starts_at.astimezone(IST) for a in appts]
    assert all(
        9 * 60 <= t.hour * 60 + t.minute
        and a.ends_at.astimezone(IST).hour * 60 + a.ends_at.astimezone(IST).minute <= 20 * 60
        for t, a in zip(local, appts, strict=True)
    )
    assert 0 < sum(t.weekday() == 6 for t in local) < len(local) * 0.02, "a few sessions on Sundays"

    past = Counter(a.status for a in appts if a.starts_at < NOW)
    total = sum(past.values())
    assert past[AppointmentStatus.SCHEDULED] == 0
    assert 0.85 < past[AppointmentStatus.COMPLETED] / total < 0.93
    assert 0.03 < past[AppointmentStatus.CANCELLED_BY_CLIENT] / total < 0.07
    for status in (
        AppointmentStatus.LATE_CANCELLED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.CANCELLED_BY_THERAPIST,
    ):
        assert 0.003 < past[status] / total < 0.04, status
    # The next three weeks are booked. (The small demo's own sessions follow the real clock.)
    future = Counter(a.status for a in appts if NOW <= a.starts_at < NOW + timedelta(weeks=4))
    assert (
        set(future) == {AppointmentStatus.SCHEDULED} and future[AppointmentStatus.SCHEDULED] > 100
    )

    clients = _all(
        select(
            ClientProfile.therapist_id, ClientProfile.status, User.role, User.password_hash
        ).join(User, User.id == ClientProfile.user_id)
    )
    for therapist_id in ids:
        statuses = Counter(c.status for c in clients if c.therapist_id == therapist_id)
        assert statuses["active"] >= 18 and statuses["discharged"] >= 1, statuses
    assert {c.role for c in clients} == {Role.CLIENT}
    assert (
        sum(c.password_hash is not None for c in clients) == 1
    )  # only Riya of the small demo signs in


def test_no_therapist_is_ever_double_booked(seeded):
    held = _all(
        select(Appointment.therapist_id, Appointment.starts_at, Appointment.blocked_until)
        .where(col(Appointment.status).in_(list(ACTIVE_STATUSES)))
        .order_by(Appointment.therapist_id, Appointment.starts_at)
    )
    assert len(held) > 3000
    for before, after in zip(held, held[1:], strict=False):
        if before.therapist_id == after.therapist_id:
            assert after.starts_at >= before.blocked_until, (before, after)


def test_messages_move_to_the_portal_after_each_therapists_adoption_date(seeded):
    adoption = db.read(_adoption)
    ids = db.read(_clinician_ids)
    assert set(adoption) == set(ids) and None not in adoption.values()
    assert len(set(adoption.values())) == THERAPISTS, (
        "each therapist adopts the portal on their own date"
    )
    first = NOW - timedelta(days=366)
    assert all(
        first + timedelta(days=120) < adopted < NOW - timedelta(days=120)
        for adopted in adoption.values()
    )

    portal = _all(
        select(MessageThread.therapist_id, Message.created_at, ClientProfile.accepted_at)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .join(ClientProfile, ClientProfile.user_id == MessageThread.client_id)
    )
    outside = _all(select(ContactRecord.therapist_id, ContactRecord.at, ContactRecord.channel))
    assert all(m.created_at >= m.accepted_at for m in portal), (
        "nobody writes in the portal before joining"
    )
    for therapist_id in ids:
        adopted = adoption[therapist_id]
        mine = [m.created_at for m in portal if m.therapist_id == therapist_id]
        whatsapp = [
            c.at
            for c in outside
            if c.therapist_id == therapist_id and c.channel.startswith("whatsapp")
        ]
        assert (
            8_000
            <= len(mine) + len([c for c in outside if c.therapist_id == therapist_id])
            <= 12_000
        )

        def weekly(times, start, end):
            return sum(start <= t < end for t in times) / ((end - start) / timedelta(weeks=1))

        settled = adopted + timedelta(weeks=12)
        assert weekly(mine, first, adopted) == 0
        assert weekly(mine, settled, NOW) > weekly(mine, adopted, adopted + timedelta(weeks=4))
        assert weekly(whatsapp, settled, NOW) < 0.5 * weekly(whatsapp, first, adopted)
        assert weekly(mine, settled, NOW) > weekly(whatsapp, settled, NOW)

    imports = _all(
        select(
            WhatsAppImport.client_id,
            WhatsAppImport.added,
            WhatsAppImport.first_at,
            WhatsAppImport.last_at,
        )
    )
    imported = Counter(
        _all(select(ContactRecord.client_id).where(ContactRecord.channel == "whatsapp_import"))
    )
    assert {i.client_id: i.added for i in imports} == dict(imported)
    assert all(i.first_at <= i.last_at <= NOW for i in imports)
    keys = _all(select(ContactRecord.dedupe_key))
    assert len(set(keys)) == len(keys) and max(map(len, keys)) <= 64


def test_after_hours_follows_each_therapists_charter_and_working_hours(seeded):
    def rules(session):
        return {
            t: (
                charter.current_for_therapist(session, t).settings,
                scheduling.weekly_hours(session, t),
            )
            for t in _clinician_ids(session)
        }

    found = db.read(rules)
    portal = _all(
        select(MessageThread.therapist_id, Message.created_at, Message.after_hours).join(
            MessageThread, MessageThread.id == Message.thread_id
        )
    )
    outside = _all(select(ContactRecord.therapist_id, ContactRecord.at, ContactRecord.after_hours))
    for therapist_id, at, late in portal + outside:
        settings, hours = found[therapist_id]
        assert late == boundaries.after_hours(settings, "Asia/Kolkata", at, hours), (
            therapist_id,
            at,
        )
        assert at <= NOW
    # Monday to Friday, 09:00–19:00 in India is working time; weekends are after hours.
    monday_evening = datetime(2025, 6, 2, 19, 5, tzinfo=IST)
    assert all(
        boundaries.after_hours(s, "Asia/Kolkata", monday_evening, h) for s, h in found.values()
    )
    share = sum(late for *_, late in portal + outside) / len(portal + outside)
    assert 0.12 < share < 0.4


def test_energy_check_ins_most_weeks_lower_when_the_week_is_heavy(seeded):
    checkins = _all(
        select(
            EnergyCheckIn.therapist_id,
            EnergyCheckIn.week_start,
            EnergyCheckIn.level,
            EnergyCheckIn.answered_at,
        )
    )
    appts = _all(select(Appointment.therapist_id, Appointment.starts_at))
    load = Counter(
        (
            a.therapist_id,
            (
                a.starts_at.astimezone(IST).date()
                - timedelta(days=a.starts_at.astimezone(IST).weekday())
            ),
        )
        for a in appts
    )
    by_therapist = defaultdict(list)
    for c in checkins:
        assert c.week_start.weekday() == 0 and 1 <= c.level <= 5 and c.answered_at <= NOW
        by_therapist[c.therapist_id].append((load[(c.therapist_id, c.week_start)], c.level))
    assert set(by_therapist) == set(db.read(_clinician_ids))
    for pairs in by_therapist.values():
        assert 33 <= len(pairs) <= 50  # about four weeks in five
        heavy = sorted(pairs)[-10:]
        light = sorted(pairs)[:10]
        assert sum(level for _, level in heavy) < sum(level for _, level in light)


def test_the_same_moment_gives_the_same_practice(seeded, engine, tmp_path):
    first = db.read(_fingerprint)
    other = db.make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    SQLModel.metadata.create_all(other)
    db.set_engine(other)
    try:
        again_logins = _seed()
        again = db.read(_fingerprint)
    finally:
        db.set_engine(engine)
        other.dispose()
    assert again_logins == seeded
    assert again == first


def test_seeding_twice_is_refused_and_adds_nothing(seeded, sign_in):
    counts = db.read(
        lambda s: [
            s.exec(select(func.count()).select_from(m)).one()
            for m in (User, Appointment, Message, ContactRecord, EnergyCheckIn)
        ]
    )
    with pytest.raises(DomainError, match="already holds the large demo"):
        _seed()
    assert db.call(demo.seed, BASE_URL) == demo.logins()  # the small demo stays as it was
    assert (
        db.read(
            lambda s: [
                s.exec(select(func.count()).select_from(m)).one()
                for m in (User, Appointment, Message, ContactRecord, EnergyCheckIn)
            ]
        )
        == counts
    )

    vikram = next(login for login in seeded if login.email == "vikram@demo.practipal.in")
    assert sign_in(vikram.email, vikram.password)[1] == "/app"
    assert sign_in("riya@demo.practipal.in", "Quiet-Lantern-Sky-7")[1] == "/portal"


def test_the_large_demo_grows_around_an_existing_small_demo(engine):
    """On today's clock Riya's sessions (last three weeks and the next working day) fall inside
    the history: Asha's bulk sessions make room for them."""
    db.call(demo.seed, BASE_URL)
    riya = db.read(
        lambda s: s.exec(select(User.id).where(User.email == "riya@demo.practipal.in")).one()
    )
    hers = sorted(_all(select(Appointment.id).where(Appointment.client_id == riya)))
    db.call(demo_large.seed_large, BASE_URL, therapists=1, years=1)
    assert (
        len(hers) == 4
        and sorted(_all(select(Appointment.id).where(Appointment.client_id == riya))) == hers
    )
    held = _all(
        select(Appointment.starts_at, Appointment.blocked_until)
        .where(col(Appointment.status).in_(list(ACTIVE_STATUSES)))
        .order_by(Appointment.starts_at)
    )
    assert len(held) > 900
    assert all(b.starts_at >= a.blocked_until for a, b in zip(held, held[1:], strict=False))


def test_a_real_practice_is_never_seeded(owner):
    with pytest.raises(DomainError, match="real practice"):
        _seed()
    assert db.read(lambda s: s.exec(select(func.count()).select_from(Appointment)).one()) == 0


def test_cli_seeds_the_large_demo_and_counts_it(engine, capsys, monkeypatch):
    small = functools.partial(demo_large.seed_large, therapists=2, years=1, now=NOW)
    monkeypatch.setattr(demo_large, "seed_large", small)
    assert cli.main(["demo", "--scale", "large"]) == 0
    out = capsys.readouterr().out
    assert "Demo Practice is ready at http://localhost:3000/login" in out
    assert "vikram@demo.practipal.in" in out and "Amber-Monsoon-Kettle-19" in out
    assert "riya@demo.practipal.in" in out and "Quiet-Lantern-Sky-7" in out
    appointments = db.read(lambda s: s.exec(select(func.count()).select_from(Appointment)).one())
    assert f"2 therapists, {appointments:,} appointments, " in out

    assert cli.main(["demo", "--scale", "large"]) == 1
    assert "already holds the large demo" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["demo", "--scale", "huge"])
