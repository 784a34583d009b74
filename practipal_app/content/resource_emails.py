"""The email a client gets when something is shared with them: a portal link only, never the
resource's title, note or content."""

from __future__ import annotations

import secrets

from sqlmodel import Session

from practipal_app.models import ClientProfile, Practice, User
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email

SUBJECT = "Your therapist shared something with you"


def shared(session: Session, client_id: int, base_url: str) -> None:
    user, profile = session.get(User, client_id), session.get(ClientProfile, client_id)
    practice = session.get(Practice, profile.practice_id)
    body = (
        f"Hello {profile.preferred_name or user.name},\n\n"
        f"Your therapist at {practice.name} shared a resource with you. "
        f"You can open it in your portal: {base_url}/portal/resources\n"
    )
    # A share can be undone and made again, so the key carries a random part to stay unique.
    outbox.enqueue(
        session,
        practice_id=profile.practice_id,
        kind="resource_shared",
        to=user.email,
        email=Email(SUBJECT, body),
        key=f"resource_shared:{client_id}:{secrets.token_hex(8)}",
    )
