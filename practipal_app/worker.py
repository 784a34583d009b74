"""The background worker: housekeeping (the daily backup) on every poll and, when a mail server is
configured, the outbox: it queues due reminders, claims due rows, sends them, records the outcome.

A row is claimed (status 'sending', with a lease) before it is sent, so two workers never send
the same row; the outcome is written only by the worker holding the claim. A worker that dies
mid-send leaves its claim to expire, and the row is tried again after the lease.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from practipal_app import db
from practipal_app.backups import schedule as backup_schedule
from practipal_app.config import Settings, get_settings
from practipal_app.core import uploads
from practipal_app.messaging import digest as message_digest
from practipal_app.models import OutboxEmail, OutboxStatus
from practipal_app.models.base import utcnow
from practipal_app.notifications.sender import Outgoing, PermanentFailure, TemporaryFailure, send
from practipal_app.scheduling import reminders

log = logging.getLogger("practipal.outbox")

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=2)

#: Jobs run on every poll, mail server or not: plain functions of the current time, each run in a
#: thread, each deciding for itself whether it is due.
HOUSEKEEPING: tuple[Callable[[datetime], object], ...] = (
    backup_schedule.run_daily_backup,
    uploads.discard_stale,
)


def backoff(attempts: int, base: timedelta = BASE_BACKOFF) -> timedelta:
    """Wait before the next try: base, 2×base, 4×base, … capped at two hours."""
    return min(base * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{id(asyncio.get_running_loop()) % 10_000}"


def _claimable(now: datetime):
    return or_(
        and_(OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.next_attempt_at <= now),
        and_(OutboxEmail.status == OutboxStatus.SENDING, OutboxEmail.claimed_until < now),
    )


def claim(
    session: Session, worker: str, limit: int, lease: timedelta, now: datetime
) -> list[Outgoing]:
    """Take up to `limit` due rows for this worker. A row another worker took first is skipped."""
    # Look a little further than `limit`, so losing a race to another worker still finds work.
    ids = session.exec(
        select(OutboxEmail.id).where(_claimable(now)).order_by(col(OutboxEmail.id)).limit(limit + 4)
    ).all()
    claimed: list[Outgoing] = []
    for row_id in ids:
        if len(claimed) == limit:
            break
        result = session.exec(
            update(OutboxEmail)
            .where(OutboxEmail.id == row_id, _claimable(now))
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=worker,
                claimed_until=now + lease,
                attempts=OutboxEmail.attempts + 1,
            )
        )
        if result.rowcount == 1:
            row = session.get(OutboxEmail, row_id)
            session.refresh(row)
            claimed.append(
                Outgoing(
                    row.id,
                    row.idempotency_key,
                    row.to_address,
                    row.subject,
                    row.body_text,
                    tuple(row.attachments or ()),
                )
            )
    return claimed


def _finish(session: Session, row_id: int, worker: str, **values: object) -> bool:
    result = session.exec(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == row_id,
            OutboxEmail.claimed_by == worker,
            OutboxEmail.status == OutboxStatus.SENDING,
        )
        .values(claimed_by="", claimed_until=None, **values)
    )
    return result.rowcount == 1


def mark_sent(session: Session, row_id: int, worker: str, now: datetime) -> bool:
    return _finish(session, row_id, worker, status=OutboxStatus.SENT, sent_at=now, last_error="")


def mark_failed(session: Session, row_id: int, worker: str, reason: str) -> bool:
    return _finish(session, row_id, worker, status=OutboxStatus.FAILED, last_error=reason[:500])


def mark_retry(
    session: Session,
    row_id: int,
    worker: str,
    reason: str,
    now: datetime,
    base: timedelta = BASE_BACKOFF,
) -> bool:
    row = session.get(OutboxEmail, row_id)
    if row is None:
        return False
    if row.attempts >= MAX_ATTEMPTS:
        return mark_failed(
            session, row_id, worker, f"gave up after {row.attempts} attempts: {reason}"
        )
    return _finish(
        session,
        row_id,
        worker,
        status=OutboxStatus.PENDING,
        last_error=reason[:500],
        next_attempt_at=now + backoff(row.attempts, base),
    )


async def deliver_due(
    settings: Settings,
    worker: str,
    *,
    limit: int = 20,
    lease: timedelta = timedelta(minutes=5),
    base_backoff: timedelta = BASE_BACKOFF,
) -> int:
    """Send up to `limit` due emails. Returns how many were sent.

    Each email is claimed just before it is sent, so a lease only has to outlast one SMTP
    exchange, and a row another worker took is simply skipped for the next one.
    """
    sent = 0
    for _ in range(limit):
        claimed = await asyncio.to_thread(db.call, claim, worker, 1, lease, utcnow())
        if not claimed:
            break
        mail = claimed[0]
        try:
            await send(mail, settings)
        except PermanentFailure as exc:
            await asyncio.to_thread(db.call, mark_failed, mail.id, worker, str(exc))
            log.warning("outbox %s failed for good: %s", mail.id, exc)
        except TemporaryFailure as exc:
            await asyncio.to_thread(
                db.call, mark_retry, mail.id, worker, str(exc), utcnow(), base_backoff
            )
            log.info("outbox %s will be retried: %s", mail.id, exc)
        else:
            # Recorded at once, so a crash before the next email cannot resend this one.
            await asyncio.to_thread(db.call, mark_sent, mail.id, worker, utcnow())
            sent += 1
    return sent


async def run_housekeeping(now: datetime) -> None:
    for job in HOUSEKEEPING:
        try:
            await asyncio.to_thread(job, now)
        except Exception:  # one failed job never stops the others; it is tried on a later poll
            log.exception("%s failed", job.__name__)


async def run_mail(
    settings: Settings, worker: str, lease: timedelta, base_backoff: timedelta = BASE_BACKOFF
) -> None:
    """Queue due reminders and digests, then send what is due."""
    for scheduled in (reminders.enqueue_due, message_digest.enqueue_digests):
        try:
            await asyncio.to_thread(db.call, scheduled, utcnow(), settings.base_url)
        except Exception:  # a failed pass is retried on the next poll; keys keep it from doubling
            log.exception("%s failed", scheduled.__name__)
    try:
        await deliver_due(settings, worker, lease=lease, base_backoff=base_backoff)
    except Exception:  # keep the worker alive through a database hiccup
        log.exception("outbox batch failed")


async def poll_once(
    settings: Settings,
    worker: str = "",
    *,
    lease: timedelta = timedelta(minutes=5),
    base_backoff: timedelta = BASE_BACKOFF,
) -> None:
    """Housekeeping, then the mail (when a mail server is configured)."""
    await run_housekeeping(utcnow())
    if settings.smtp_configured:
        await run_mail(settings, worker or worker_name(), lease, base_backoff)


async def run_forever(
    settings: Settings | None = None,
    *,
    poll_seconds: float = 5.0,
    lease: timedelta = timedelta(minutes=5),
    base_backoff: timedelta = BASE_BACKOFF,
    stop: asyncio.Event | None = None,
) -> None:
    """Poll until stopped. Without SMTP settings mail stays in the outbox; housekeeping runs."""
    settings = settings or get_settings()
    if not settings.smtp_configured:
        log.info(
            "No SMTP server configured: email stays in the outbox (owner: /app/settings/outbox)."
        )
    worker = worker_name()
    stop = stop or asyncio.Event()
    while not stop.is_set():
        await poll_once(settings, worker, lease=lease, base_backoff=base_backoff)
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
        except TimeoutError:
            pass
