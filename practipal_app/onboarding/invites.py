"""Portal invites: sent by staff, accepted once by the client within seven days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from practipal_app.boundaries import charter
from practipal_app.core import audit
from practipal_app.core.errors import DomainError, InvalidInput, LinkInvalid
from practipal_app.core.identity import Actor
from practipal_app.core.tokens import hash_token, new_token
from practipal_app.models import (
    ClientProfile,
    ClientStatus,
    OneTimeToken,
    Practice,
    TokenPurpose,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.notifications import outbox, templates
from practipal_app.people import auth, passwords
from practipal_app.people.clients import scoped_profile

INVITE_LIFETIME = timedelta(days=7)
EXPIRED = "This invite link has expired — ask your therapist to send a new one."


@dataclass(frozen=True)
class InviteView:
    client_name: str
    therapist_name: str
    practice_name: str
    charter: charter.CharterView


def send_invite(
    session: Session, actor: Actor, client_id: int, base_url: str, now: datetime | None = None
) -> None:
    """Email the client a fresh invite link; any earlier unused link stops working."""
    now = now or utcnow()
    profile = scoped_profile(session, actor, client_id)
    if profile.status == ClientStatus.DISCHARGED:
        raise DomainError("This client is discharged. Change their status before inviting them.")
    user = session.get(User, client_id)
    for old in session.exec(
        select(OneTimeToken).where(
            OneTimeToken.user_id == client_id,
            OneTimeToken.purpose == TokenPurpose.INVITE,
            OneTimeToken.used_at == None,  # noqa: E711
        )
    ).all():
        old.used_at = now
        session.add(old)
    token = new_token()
    row = OneTimeToken(
        purpose=TokenPurpose.INVITE,
        token_hash=hash_token(token),
        user_id=client_id,
        created_at=now,
        expires_at=now + INVITE_LIFETIME,
    )
    session.add(row)
    session.flush()
    charter.ensure_saved(session, profile.therapist_id)
    therapist = session.get(User, profile.therapist_id)
    practice = session.get(Practice, profile.practice_id)
    outbox.enqueue(
        session,
        practice_id=profile.practice_id,
        kind="invite",
        to=user.email,
        email=templates.invite(
            user.name, therapist.name, practice.name, f"{base_url}/invite/{token}"
        ),
        key=f"invite:{row.id}",
    )
    profile.invited_at = now
    session.add(profile)
    audit.record(
        session,
        "invite.sent",
        practice_id=profile.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=client_id,
    )


def _invite(
    session: Session, token: str, now: datetime
) -> tuple[OneTimeToken, User, ClientProfile]:
    row = session.exec(
        select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(token or ""))
    ).first()
    if (
        row is None
        or row.purpose != TokenPurpose.INVITE
        or row.used_at is not None
        or now >= row.expires_at
    ):
        raise LinkInvalid(EXPIRED)
    user = session.get(User, row.user_id)
    profile = session.get(ClientProfile, row.user_id)
    if user is None or profile is None or not user.active:
        raise LinkInvalid(EXPIRED)
    return row, user, profile


def inspect(session: Session, token: str, now: datetime | None = None) -> InviteView:
    _, user, profile = _invite(session, token, now or utcnow())
    return InviteView(
        client_name=profile.preferred_name or user.name,
        therapist_name=session.get(User, profile.therapist_id).name,
        practice_name=session.get(Practice, profile.practice_id).name,
        charter=charter.current_for_therapist(session, profile.therapist_id),
    )


def accept(
    session: Session,
    token: str,
    password: str,
    acknowledged: bool,
    charter_version: int,
    client_token: str,
    now: datetime | None = None,
) -> None:
    """Set the client's password, store their charter acknowledgement, and sign this tab in."""
    now = now or utcnow()
    row, user, profile = _invite(session, token, now)
    errors: dict[str, str] = {}
    if problem := passwords.strength_problem(password, [user.email, user.name]):
        errors["password"] = problem
    if not acknowledged:
        errors["acknowledged"] = "Please confirm that you have read how messages work."
    if errors:
        raise InvalidInput(errors)
    user.password_hash = passwords.hash_password(password)
    row.used_at = now
    profile.accepted_at = now
    session.add_all([user, row, profile])
    charter.acknowledge(session, user.id, charter_version)
    audit.record(
        session,
        "invite.accepted",
        practice_id=profile.practice_id,
        actor_id=user.id,
        subject_type="client",
        subject_id=user.id,
    )
    auth.issue_ticket(session, user, client_token, "/portal", now)
