"""Writing to and reading the outbox. Rows are added inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from practipal_app.core import audit
from practipal_app.core.errors import NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import OutboxEmail, Practice, Role
from practipal_app.notifications.templates import HANDED_OVER_KINDS, RECIPIENT_ONLY_KINDS, Email


def enqueue(
    session: Session, *, practice_id: int, kind: str, to: str, email: Email, key: str
) -> OutboxEmail:
    """Queue one email. `key` makes the row unique: the same key is never queued twice."""
    row = OutboxEmail(
        practice_id=practice_id,
        idempotency_key=key,
        kind=kind,
        to_address=to,
        subject=email.subject,
        body_text=email.body,
    )
    session.add(row)
    session.flush()
    return row


PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxPage:
    emails: list[OutboxEmail]
    total: int
    timezone: str


def list_for_owner(session: Session, actor: Actor, page: int = 0) -> OutboxPage:
    """The practice's outbox, newest first, for the owner only (it holds invite links)."""
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only the practice owner can read the outbox.")
    where = OutboxEmail.practice_id == actor.practice_id
    total = session.exec(select(func.count()).select_from(OutboxEmail).where(where)).one()
    emails = session.exec(
        select(OutboxEmail)
        .where(where)
        .order_by(col(OutboxEmail.id).desc())
        .offset(max(page, 0) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return OutboxPage(list(emails), total, session.get(Practice, actor.practice_id).timezone)


@dataclass(frozen=True)
class OpenedEmail:
    """One email as the owner may read it."""

    kind: str
    to_address: str
    subject: str
    status: str
    #: None for an email whose sign-in link is meant for its recipient alone.
    body_text: str | None


def body_for_owner(session: Session, actor: Actor, email_id: int) -> OpenedEmail:
    """One email of the practice's outbox, for the owner: whole, unless its link signs in its
    recipient (then without its body). Opening a client invite, whose link the owner may copy and
    hand over, is an audit event."""
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only the practice owner can read the outbox.")
    row = session.get(OutboxEmail, email_id)
    if row is None or row.practice_id != actor.practice_id:
        raise NotFound("No such email.")
    if row.kind in HANDED_OVER_KINDS:
        audit.record(
            session,
            "outbox.link_opened",
            practice_id=actor.practice_id,
            actor_id=actor.user_id,
            subject_type="outbox_email",
            subject_id=row.id,
            email_kind=row.kind,
        )
    body = None if row.kind in RECIPIENT_ONLY_KINDS else row.body_text
    return OpenedEmail(row.kind, row.to_address, row.subject, row.status, body)
