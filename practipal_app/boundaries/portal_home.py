"""What a signed-in client sees on their portal home and help page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from practipal_app.boundaries import charter
from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import ClientProfile, Role, User


@dataclass(frozen=True)
class PortalHome:
    first_name: str
    therapist_name: str
    statement: str
    charter_version: int
    needs_acknowledgement: bool
    own_contacts: tuple[dict, ...]


def _profile(session: Session, actor: Actor) -> ClientProfile:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    profile = session.get(ClientProfile, actor.user_id)
    if profile is None:
        raise PermissionDenied()
    return profile


def home(session: Session, actor: Actor) -> PortalHome:
    profile = _profile(session, actor)
    therapist = session.get(User, profile.therapist_id)
    view = charter.current_for_therapist(session, profile.therapist_id)
    name = profile.preferred_name or actor.name.split(" ")[0]
    return PortalHome(
        first_name=name,
        therapist_name=therapist.name,
        statement=view.statement,
        charter_version=view.version,
        # Version 0 is the defaults, before the therapist saves a charter: nothing to acknowledge.
        needs_acknowledgement=view.version > 0
        and charter.acknowledged_version(session, actor.user_id) < view.version,
        own_contacts=view.own_contacts,
    )


def own_crisis_contacts(session: Session, actor: Actor) -> tuple[dict, ...]:
    """The crisis contacts the client's therapist added to their charter."""
    return charter.current_for_therapist(
        session, _profile(session, actor).therapist_id
    ).own_contacts


def acknowledge(session: Session, actor: Actor, version: int) -> None:
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    charter.acknowledge(session, actor.user_id, version)
