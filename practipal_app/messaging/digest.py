"""One email a day, at the therapist's check time, saying how many conversations wait. No text."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from practipal_app.boundaries import charter
from practipal_app.core.timefmt import local
from practipal_app.messaging import threads as messaging
from practipal_app.models import ClientProfile, MessageThread, User
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email
from practipal_app.scheduling import rules as scheduling


def enqueue_digests(session: Session, now: datetime, base_url: str) -> int:
    """Queue today's digest for each therapist whose check time has come on a working day they are
    not on leave, and who had conversations waiting at that check time (a message written after it
    waits for the next one: no evening email). The key (therapist, date) makes it once a day,
    whichever worker."""
    therapist_ids = session.exec(
        select(ClientProfile.therapist_id)
        .join(MessageThread, MessageThread.client_id == ClientProfile.user_id)
        .where(col(MessageThread.awaiting_reply_since).is_not(None))
        .distinct()
    ).all()
    queued = 0
    for therapist_id in therapist_ids:
        therapist = session.get(User, therapist_id)
        settings = charter.current_for_therapist(session, therapist_id).settings
        today = local(now, scheduling.practice_timezone(session, therapist.practice_id))
        check = today.replace(
            hour=int(settings.check_time[:2]),
            minute=int(settings.check_time[3:]),
            second=0,
            microsecond=0,
        )
        if today.weekday() not in settings.working_days or today < check:
            continue
        if scheduling.time_off(session, therapist_id, check, check + timedelta(minutes=1)):
            continue
        waiting = messaging.waiting_count(session, therapist_id, since_before=check)
        if not waiting:
            continue
        email = Email(
            f"{waiting} conversation{'s' if waiting != 1 else ''} waiting in your inbox",
            f"Hello {therapist.name},\n\n{waiting} client "
            f"conversation{'s are' if waiting != 1 else ' is'} waiting for your reply.\n\nOpen "
            f"your inbox: {base_url}/app/inbox\n",
        )
        try:
            with session.begin_nested():
                outbox.enqueue(
                    session,
                    practice_id=therapist.practice_id,
                    kind="message_digest",
                    to=therapist.email,
                    email=email,
                    key=f"digest:{therapist_id}:{today.date().isoformat()}",
                )
        except IntegrityError:
            continue
        queued += 1
    return queued
