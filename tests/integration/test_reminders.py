"""Reminders, the daily agenda and booking confirmations, delivered to a real SMTP server.

The clock is controlled: `enqueue_due(now)` is what the worker calls on every poll, and
`deliver_due` sends whatever is queued. Each test checks what the mail server received.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from icalendar import Calendar
from mailserver import smtp_settings
from scheduling_helpers import T0, actor, appointment, ist, outbox_keys, session_type_id

from practipal_app import db, worker
from practipal_app.models.base import utcnow
from practipal_app.scheduling import appointments, reminders
from practipal_app.scheduling import rules as scheduling
from practipal_app.scheduling.rules import SessionTypeForm

WED_11 = ist(3, 4, 11)
HOUR = timedelta(hours=1)


@pytest.fixture
def smtp(mail_server, data_dir):
    server = mail_server()
    return server, smtp_settings(server.port, data_dir)


@pytest.fixture
def riya(owner_actor, add_client) -> int:
    return add_client(owner_actor, "Riya Sharma", "riya@example.com", phone="98765 43210")


def _book(who, client_id: int, kind: int, start, now=T0) -> int:
    return db.call(
        appointments.book,
        who,
        client_id=client_id,
        session_type_id=kind,
        starts_at=start,
        confirmed=True,
        now=now,
    )


def _reminders_received(server) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in server.accepted if m["Subject"].startswith("Reminder")]


def _text(message) -> str:
    [part] = [
        p for p in message.walk() if p.get_content_type() == "text/plain" and not p.get_filename()
    ]
    return part.get_payload(decode=True).decode()


async def _tick(settings, base_url: str, now, name: str = "worker-a") -> tuple[int, int]:
    """One poll of the worker at `now`: queue what is due, then send. (queued, sent)."""
    queued = await asyncio.to_thread(db.call, reminders.enqueue_due, now, base_url)
    return queued, await worker.deliver_due(settings, name)


# Reminders ----------------------------------------------------------------------------------------


async def test_the_24h_and_1h_reminders_are_each_sent_once_at_their_time(
    owner_actor, riya, therapy, smtp, base_url
):
    server, settings = smtp
    appt_id = _book(owner_actor, riya, therapy, WED_11)

    assert await _tick(settings, base_url, WED_11 - 25 * HOUR) == (0, 1)  # the booking confirmation
    assert await _tick(settings, base_url, WED_11 - 24 * HOUR) == (1, 1)
    assert await _tick(settings, base_url, WED_11 - 23 * HOUR) == (0, 0)
    assert await _tick(settings, base_url, WED_11 - 2 * HOUR) == (0, 0)
    assert await _tick(settings, base_url, WED_11 - HOUR) == (1, 1)
    assert await _tick(settings, base_url, WED_11 - timedelta(minutes=10)) == (0, 0)
    # A restarted worker, polling again later, finds nothing new to queue or send.
    assert await _tick(settings, base_url, WED_11 - timedelta(minutes=5), "worker-restarted") == (
        0,
        0,
    )

    assert _reminders_received(server) == [
        ("riya@example.com", "Reminder: your session tomorrow"),
        ("riya@example.com", "Reminder: your session in 1 hour"),
    ]
    stamp = int(WED_11.timestamp())
    assert outbox_keys("reminder") == [
        f"reminder:{appt_id}:24h:{stamp}",
        f"reminder:{appt_id}:1h:{stamp}",
    ]
    body = _text(server.accepted[-1])
    assert "Wednesday 4 March 2026, 11:00 am (Asia/Kolkata)" in body
    assert f"{base_url}/portal/sessions" in body
    assert "98765" not in body  # nothing about the client beyond their name


async def test_no_reminder_for_a_cancelled_session(owner_actor, riya, therapy, smtp, base_url):
    server, settings = smtp
    appt_id = _book(owner_actor, riya, therapy, WED_11)
    db.call(appointments.cancel, owner_actor, appt_id, now=T0)

    for before in (24, 1):
        assert (await _tick(settings, base_url, WED_11 - before * HOUR))[0] == 0
    assert _reminders_received(server) == []
    assert outbox_keys("reminder") == []
    assert Counter(m["Subject"].split(":")[0] for m in server.accepted) == Counter(
        {"Session booked": 1, "Session cancelled": 2}
    )  # client and therapist


async def test_a_session_booked_two_hours_ahead_gets_only_the_1h_reminder(
    owner_actor, riya, therapy, smtp, base_url
):
    server, settings = smtp
    booked_at = WED_11 - 2 * HOUR
    _book(owner_actor, riya, therapy, WED_11, now=booked_at)

    assert (await _tick(settings, base_url, booked_at + timedelta(minutes=1)))[0] == 0
    assert (await _tick(settings, base_url, WED_11 - HOUR))[0] == 1
    assert _reminders_received(server) == [("riya@example.com", "Reminder: your session in 1 hour")]


async def test_a_moved_session_is_reminded_of_its_new_time_only(
    owner_actor, riya, therapy, smtp, base_url
):
    server, settings = smtp
    appt_id = _book(owner_actor, riya, therapy, WED_11)
    assert (await _tick(settings, base_url, WED_11 - 24 * HOUR))[0] == 1
    friday = ist(3, 6, 11)
    db.call(appointments.reschedule, owner_actor, appt_id, friday, now=WED_11 - 23 * HOUR)

    assert (await _tick(settings, base_url, WED_11 - HOUR))[0] == 0  # the old time: nothing
    assert (await _tick(settings, base_url, friday - 24 * HOUR))[0] == 1
    assert (await _tick(settings, base_url, friday - HOUR))[0] == 1
    assert outbox_keys("reminder") == [
        f"reminder:{appt_id}:24h:{int(WED_11.timestamp())}",
        f"reminder:{appt_id}:24h:{int(friday.timestamp())}",
        f"reminder:{appt_id}:1h:{int(friday.timestamp())}",
    ]
    assert len(_reminders_received(server)) == 3


async def test_a_worker_that_was_down_does_not_send_stale_reminders(
    owner_actor, riya, therapy, smtp, base_url
):
    server, settings = smtp
    _book(owner_actor, riya, therapy, WED_11)
    # Down from 25 h before until 30 minutes before: the "tomorrow" email would be wrong now.
    assert (await _tick(settings, base_url, WED_11 - timedelta(minutes=30)))[0] == 1
    assert _reminders_received(server) == [("riya@example.com", "Reminder: your session in 1 hour")]


async def test_each_therapists_own_reminder_hours_are_used(
    owner_actor, therapist, therapist_actor, riya, add_client, therapy, smtp, base_url
):
    server, settings = smtp
    db.call(scheduling.save_policies, therapist_actor, {"reminder_hours": "48"})
    kabir = add_client(therapist_actor, "Kabir Das", "kabir@example.com")
    _book(therapist_actor, kabir, session_type_id(therapist.id), ist(3, 6, 11))
    _book(owner_actor, riya, therapy, ist(3, 6, 15))

    assert (await _tick(settings, base_url, ist(3, 4, 11)))[0] == 1  # Kabir's, 48 h before
    assert (await _tick(settings, base_url, ist(3, 5, 11)))[0] == 0  # Kabir has no 24 h reminder
    assert (await _tick(settings, base_url, ist(3, 5, 15)))[0] == 1  # Riya's default 24 h
    assert _reminders_received(server) == [
        ("kabir@example.com", "Reminder: your session in 48 hours"),
        ("riya@example.com", "Reminder: your session tomorrow"),
    ]


async def test_two_workers_and_several_threads_racing_queue_and_send_each_reminder_once(
    owner_actor,
    add_client,
    therapy,
    smtp,
    base_url,
):
    server, settings = smtp
    clients = [add_client(owner_actor) for _ in range(6)]
    for hour, client in zip(range(10, 16), clients, strict=True):
        _book(owner_actor, client, therapy, ist(3, 4, hour))
    await worker.deliver_due(settings, "worker-a")  # the six booking confirmations
    server.accepted.clear()
    now = ist(3, 3, 15)  # every 24 h reminder is due
    callers = 6
    together = threading.Barrier(callers, timeout=30)

    def enqueue() -> int:
        together.wait()
        return db.call(reminders.enqueue_due, now, base_url)

    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(callers) as pool:
        results = await asyncio.gather(
            _tick(settings, base_url, now, "worker-a"),
            _tick(settings, base_url, now, "worker-b"),
            *[loop.run_in_executor(pool, enqueue) for _ in range(callers)],
        )
    queued = sum(r[0] for r in results[:2]) + sum(results[2:])
    sent = sum(r[1] for r in results[:2])
    sent += await worker.deliver_due(settings, "worker-a")

    assert queued == 6 and sent == 6
    assert len(outbox_keys("reminder")) == 6
    assert len(server.accepted) == 6 and set(server.message_ids().values()) == {1}
    # A restart later that day queues and sends nothing more.
    assert await _tick(settings, base_url, now + 3 * HOUR, "worker-after-restart") == (0, 0)
    assert len(server.accepted) == 6


async def test_the_running_worker_queues_and_sends_reminders_itself(
    owner_actor, riya, therapy, smtp, base_url
):
    """run_forever, on the real clock: a session 23 h away, booked two hours ago."""
    server, settings = smtp
    now = utcnow().replace(second=0, microsecond=0)
    _book(owner_actor, riya, therapy, now + 23 * HOUR, now=now - 2 * HOUR)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(settings, poll_seconds=0.05, stop=stop))
    try:
        for _ in range(200):
            if _reminders_received(server):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    assert _reminders_received(server) == [("riya@example.com", "Reminder: your session tomorrow")]


# Daily agenda -------------------------------------------------------------------------------------


async def test_the_daily_agenda_comes_once_a_day_after_seven_with_initials_only(
    owner_actor,
    therapist,
    therapist_actor,
    riya,
    add_client,
    therapy,
    smtp,
    base_url,
):
    server, settings = smtp
    db.call(scheduling.save_policies, owner_actor, {"daily_agenda_email": "on"})
    in_person = db.call(
        scheduling.save_session_type,
        owner_actor,
        None,
        SessionTypeForm("In-person session", 50, "2500", "in_person", 10),
    )
    arjun = add_client(owner_actor, "Arjun Mehta", "arjun@example.com")
    meera = add_client(owner_actor, "Meera Iyer", "meera@example.com")
    kabir = add_client(therapist_actor, "Kabir Das", "kabir@example.com")
    _book(owner_actor, riya, therapy, WED_11)
    _book(owner_actor, arjun, in_person, ist(3, 4, 14))
    cancelled = _book(owner_actor, meera, therapy, ist(3, 4, 16))
    db.call(appointments.cancel, owner_actor, cancelled, now=T0)
    _book(owner_actor, meera, therapy, ist(3, 5, 11))  # Thursday
    _book(therapist_actor, kabir, session_type_id(therapist.id), WED_11)  # Vikram did not opt in
    await worker.deliver_due(settings, "worker-a")
    server.accepted.clear()

    await _tick(settings, base_url, ist(3, 4, 6, 59))
    assert outbox_keys("daily_agenda") == []
    await _tick(settings, base_url, ist(3, 4, 7))
    await _tick(settings, base_url, ist(3, 4, 18), "worker-b")
    await _tick(settings, base_url, ist(3, 5, 7, 30))

    assert outbox_keys("daily_agenda") == [
        f"agenda:{owner_actor.user_id}:2026-03-04",
        f"agenda:{owner_actor.user_id}:2026-03-05",
    ]
    agendas = [m for m in server.accepted if m["Subject"].startswith("Today")]
    assert [(m["To"], m["Subject"]) for m in agendas] == [
        ("asha@example.com", "Today: 2 sessions"),
        ("asha@example.com", "Today: 1 session"),
    ]
    wednesday = _text(agendas[0])
    assert "Wednesday 4 March 2026" in wednesday
    assert "11:00 am  R.S.  video" in wednesday
    assert "2:00 pm  A.M.  in person" in wednesday
    assert f"{base_url}/app/calendar" in wednesday
    for detail in (
        "Riya",
        "Sharma",
        "Arjun",
        "Mehta",
        "Meera",
        "M.I.",
        "@example.com",
        "98765",
        "K.D.",
    ):
        assert detail not in wednesday
    assert "11:00 am  M.I.  video" in _text(agendas[1])


# Booking confirmation -----------------------------------------------------------------------------


async def test_the_booking_confirmation_carries_an_ics_file_at_the_right_time(
    owner_actor, riya, therapy, smtp, base_url
):
    server, settings = smtp
    client = actor(riya)
    appt_id = db.call(
        appointments.book, client, client_id=riya, session_type_id=therapy, starts_at=WED_11, now=T0
    )

    assert await worker.deliver_due(settings, "worker-a") == 1

    [message] = server.accepted
    assert message["To"] == "riya@example.com"
    assert message.get_content_type() == "multipart/mixed"
    assert "is booked for Wednesday 4 March 2026, 11:00 am (Asia/Kolkata)" in _text(message)
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "session.ics"
    assert part.get("Content-Disposition", "").startswith("attachment")
    [event] = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert event.decoded("dtstart") == WED_11
    assert event.decoded("dtend") == WED_11 + timedelta(minutes=50)
    assert str(event["uid"]) == f"appointment-{appt_id}@practipal"
    assert str(event["summary"]) == "Therapy session with Asha Rao"
    assert str(event["url"]) == appointment(appt_id).join_url
