"""The outbox worker against a real SMTP server (aiosmtpd on 127.0.0.1).

Each test queues email the way the app does, runs the worker, and checks what the mail server
received and what the outbox row says — the two things an owner would look at.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from mailserver import smtp_env as _env
from mailserver import smtp_settings as _settings
from sqlalchemy import update
from sqlmodel import select

from practipal_app import db, worker
from practipal_app.models import OutboxEmail, OutboxStatus
from practipal_app.models.base import utcnow
from practipal_app.notifications import outbox, templates
from practipal_app.notifications.sender import Outgoing, build_message
from practipal_app.onboarding import invites


@pytest.fixture
def queue(owner) -> Callable[[int], list[int]]:
    """queue(n) -> ids of n invite emails written to the outbox."""
    numbers = iter(range(1, 1000))

    def add(n: int) -> list[int]:
        ids = []
        for _ in range(n):
            i = next(numbers)
            mail = templates.invite(
                f"Client {i}", "Asha Rao", "Sunrise Counselling", f"https://x.example/invite/t{i}"
            )
            row = db.call(
                outbox.enqueue,
                practice_id=owner.practice_id,
                kind="invite",
                to=f"client{i}@example.com",
                email=mail,
                key=f"test:{i}",
            )
            ids.append(row.id)
        return ids

    return add


def _row(row_id: int) -> OutboxEmail:
    return db.call(lambda s: s.get(OutboxEmail, row_id))


def _expected_message_id(row: OutboxEmail) -> str:
    outgoing = Outgoing(row.id, row.idempotency_key, row.to_address, row.subject, row.body_text)
    return build_message(outgoing, "x@example.in")["Message-ID"]


def _time_passes(row_id: int) -> None:
    """Make a waiting retry due now, as if its backoff had elapsed."""
    db.call(
        lambda s: s.exec(
            update(OutboxEmail)
            .where(OutboxEmail.id == row_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    )


def _all_rows() -> list[OutboxEmail]:
    return db.call(lambda s: s.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all())


def _statuses() -> Counter:
    return Counter(r.status for r in _all_rows())


# Delivery ----------------------------------------------------------------------------------------


async def test_invite_is_delivered_once_with_a_stable_message_id(
    owner_actor,
    add_client,
    base_url,
    emailed_tokens,
    mail_server,
    data_dir,
):
    server = mail_server()
    settings = _settings(server.port, data_dir)
    riya = add_client(owner_actor, "Riya Sharma", "riya@example.com")
    db.call(invites.send_invite, owner_actor, riya, base_url)
    [token] = emailed_tokens("invite")

    assert await worker.deliver_due(settings, "worker-a") == 1

    [message] = server.accepted
    assert message["To"] == "riya@example.com"
    assert message["From"] == "Sunrise Counselling <no-reply@sunrise.example>"
    assert message["Subject"] == "Asha Rao invited you to the Sunrise Counselling client portal"
    assert f"{base_url}/invite/{token}" in message.get_payload(decode=True).decode()
    [row] = _all_rows()
    assert (row.status, row.attempts, row.last_error, row.claimed_by) == (
        OutboxStatus.SENT,
        1,
        "",
        "",
    )
    assert row.sent_at is not None
    assert message["Message-ID"] == _expected_message_id(row)

    assert await worker.deliver_due(settings, "worker-a") == 0
    assert len(server.accepted) == 1


async def test_unreachable_server_means_retry_later_then_exactly_one_delivery(
    queue, mail_server, data_dir
):
    server = mail_server(start=False)  # nothing listens on its port yet
    settings = _settings(server.port, data_dir)
    [row_id] = queue(1)
    before = utcnow()

    assert await worker.deliver_due(settings, "worker-a") == 0

    row = _row(row_id)
    assert (row.status, row.attempts, row.claimed_by) == (OutboxStatus.PENDING, 1, "")
    assert before + timedelta(seconds=29) < row.next_attempt_at < utcnow() + timedelta(seconds=31)
    assert str(server.port) in row.last_error

    server.start()
    assert await worker.deliver_due(settings, "worker-a") == 0  # the retry waits for its backoff
    assert server.accepted == []

    _time_passes(row_id)
    assert await worker.deliver_due(settings, "worker-a") == 1
    assert await worker.deliver_due(settings, "worker-a") == 0

    row = _row(row_id)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, "")
    assert server.message_ids() == Counter({_expected_message_id(row): 1})


@pytest.mark.parametrize("stage", ["rcpt", "data"])
async def test_permanent_refusal_fails_the_email_with_the_reason(
    stage, queue, mail_server, data_dir
):
    server = mail_server()
    setattr(server, f"{stage}_reply", "550 5.1.1 mailbox unavailable")
    settings = _settings(server.port, data_dir)
    [row_id] = queue(1)

    assert await worker.deliver_due(settings, "worker-a") == 0

    row = _row(row_id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in row.last_error and "mailbox unavailable" in row.last_error
    calls = (server.rcpt_calls, server.data_calls)
    _time_passes(row_id)
    assert await worker.deliver_due(settings, "worker-a") == 0
    assert (server.rcpt_calls, server.data_calls) == calls  # never tried again
    assert server.accepted == []


@pytest.mark.parametrize("stage", ["rcpt", "data"])
async def test_temporary_refusal_is_retried_with_the_same_message_id(
    stage, queue, mail_server, data_dir
):
    server = mail_server()
    setattr(server, f"{stage}_reply", "451 4.3.0 try again later")
    settings = _settings(server.port, data_dir)
    [row_id] = queue(1)

    assert await worker.deliver_due(settings, "worker-a") == 0
    row = _row(row_id)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "451" in row.last_error and "try again later" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=25)

    setattr(server, f"{stage}_reply", None)
    _time_passes(row_id)
    assert await worker.deliver_due(settings, "worker-a") == 1

    row = _row(row_id)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert server.message_ids() == Counter({_expected_message_id(row): 1})
    if stage == "data":
        assert server.refused[0]["Message-ID"] == server.accepted[0]["Message-ID"]


async def test_a_server_that_keeps_deferring_makes_the_email_fail_after_eight_tries(
    queue, mail_server, data_dir
):
    server = mail_server()
    server.rcpt_reply = "451 4.7.1 greylisted"
    settings = _settings(server.port, data_dir)
    [row_id] = queue(1)
    waits = []
    for _ in range(worker.MAX_ATTEMPTS):
        started = utcnow()
        assert await worker.deliver_due(settings, "worker-a") == 0
        row = _row(row_id)
        if row.status == OutboxStatus.PENDING:
            waits.append(row.next_attempt_at - started)
            _time_passes(row_id)
    row = _row(row_id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, worker.MAX_ATTEMPTS)
    assert row.last_error.startswith("gave up after 8 attempts: 451")
    assert len(waits) == worker.MAX_ATTEMPTS - 1
    assert all(later > earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert server.rcpt_calls == worker.MAX_ATTEMPTS


# Several workers ---------------------------------------------------------------------------------


async def test_two_workers_racing_for_the_same_batch_send_each_email_once(
    queue, mail_server, data_dir
):
    server = mail_server(delay=0.02)
    settings = _settings(server.port, data_dir)
    ids = queue(8)

    a, b = await asyncio.gather(
        worker.deliver_due(settings, "worker-a"), worker.deliver_due(settings, "worker-b")
    )

    assert a + b == 8
    assert len(server.accepted) == 8
    assert set(server.message_ids().values()) == {1}
    assert _statuses() == Counter({OutboxStatus.SENT: 8})
    assert {_row(i).attempts for i in ids} == {1}


async def test_two_workers_sharing_a_queue_in_small_batches_send_each_email_once(
    queue, mail_server, data_dir
):
    server = mail_server(delay=0.05)
    settings = _settings(server.port, data_dir)
    queue(9)

    async def drain(name: str) -> int:
        """Poll like the worker does until nothing is waiting (a lost claim race just sends 0)."""
        total = 0
        for _ in range(40):
            if OutboxStatus.PENDING not in await asyncio.to_thread(_statuses):
                break
            total += await worker.deliver_due(settings, name, limit=2)
        return total

    a, b = await asyncio.gather(drain("worker-a"), drain("worker-b"))

    assert a + b == 9 and a > 0 and b > 0
    assert len(server.accepted) == 9
    assert set(server.message_ids().values()) == {1}
    assert _statuses() == Counter({OutboxStatus.SENT: 9})


# A worker process killed mid-batch ---------------------------------------------------------------


def _practipal_command() -> list[str]:
    script = Path(sys.executable).with_name("practipal")
    return [str(script)] if script.exists() else [sys.executable, "-m", "practipal_app.cli"]


def _start_worker(database, port: int, data_dir: str, log: Path) -> subprocess.Popen:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PRACTIPAL_")}
    env = {**inherited, **_env(port, data_dir), "PRACTIPAL_DATABASE_URL": database.url}
    env["PRACTIPAL_BACKUP_TIME"] = "off"  # no daily backup of the shared test database here
    with log.open("ab") as out:  # the child keeps its own copy of the file
        return subprocess.Popen(
            [*_practipal_command(), "worker", "--poll", "0.2", "--lease", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )


def _wait_for(
    condition: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(
                f"worker exited ({proc.returncode}) before {what}: {log.read_text()[-2000:]}"
            )
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_worker_killed_mid_batch_and_restarted_sends_every_email_exactly_once(
    database,
    queue,
    mail_server,
    data_dir,
    tmp_path,
):
    server = mail_server(delay=0.3)
    ids = queue(10)
    log = tmp_path / "worker.log"

    first = _start_worker(database, server.port, data_dir, log)
    try:
        # Kill it while the fourth email is being handed over, three having been accepted.
        _wait_for(
            lambda: len(server.accepted) >= 3 and server.data_calls >= 4,
            30,
            "three deliveries",
            first,
            log,
        )
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait(10)
    time.sleep(0.4)  # let the server notice the dropped connection
    assert len(server.accepted) == 3
    # The email in flight stays claimed by the dead worker until its lease ends; the rest wait.
    assert _statuses() == Counter(
        {OutboxStatus.SENT: 3, OutboxStatus.SENDING: 1, OutboxStatus.PENDING: 6}
    )

    second = _start_worker(database, server.port, data_dir, log)
    try:
        _wait_for(
            lambda: _statuses() == Counter({OutboxStatus.SENT: 10}),
            40,
            "every row to be sent",
            second,
            log,
        )
    finally:
        second.terminate()
        second.wait(10)

    assert len(server.accepted) == 10
    assert server.message_ids() == Counter({_expected_message_id(_row(i)): 1 for i in ids})
    assert sorted(_row(i).attempts for i in ids) == [1] * 9 + [2]  # only the interrupted one twice
