"""Emails about forms: a link to the portal or the workspace, never the form's questions or
answers."""

from __future__ import annotations

from sqlmodel import Session

from practipal_app.models import ClientProfile, FormResponse, User
from practipal_app.notifications import outbox
from practipal_app.notifications.templates import Email


def form_sent(session: Session, response: FormResponse, base_url: str) -> None:
    """Tell the client a form waits in their portal (not which form: its title can say too much)."""
    user, profile = (
        session.get(User, response.client_id),
        session.get(ClientProfile, response.client_id),
    )
    therapist = session.get(User, profile.therapist_id)
    name = profile.preferred_name or user.name
    body = (
        f"Hello {name},\n\n"
        f"{therapist.name} has sent you a form.\n\n"
        f"You have a form to fill in your portal: {base_url}/portal/forms\n\n"
        "You can save it and finish it later.\n"
    )
    outbox.enqueue(
        session,
        practice_id=response.practice_id,
        kind="form_sent",
        to=user.email,
        email=Email("You have a form to fill in", body),
        key=f"form_sent:{response.id}",
    )


def form_submitted(
    session: Session, response: FormResponse, therapist_id: int, base_url: str
) -> None:
    """Tell the therapist a client submitted a form (no name, no answers: they read it signed
    in)."""
    therapist = session.get(User, therapist_id)
    body = (
        f"Hello {therapist.name},\n\n"
        "A client has submitted a form.\n\n"
        f"Read it in your workspace: {base_url}/app/clients/{response.client_id}\n"
    )
    outbox.enqueue(
        session,
        practice_id=response.practice_id,
        kind="form_submitted",
        to=therapist.email,
        email=Email("A client submitted a form", body),
        key=f"form_submitted:{response.id}",
    )
