"""The WhatsApp Business kit: texts the therapist pastes into WhatsApp, generated from their
charter, and the optional click-to-chat link for scheduling and tech problems. No WhatsApp API."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlmodel import Session

from practipal_app.boundaries import charter
from practipal_app.core import audit
from practipal_app.core.errors import InvalidInput, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.phones import parse_phone
from practipal_app.models import ClientProfile, Role, TherapistProfile


@dataclass(frozen=True)
class Kit:
    away_message: str
    greeting: str
    quick_replies: list[tuple[str, str]]
    #: As stored (E.164), or "" when none is saved.
    whatsapp_number: str
    click_to_chat: bool


def texts(
    view: charter.CharterView, therapist_name: str, base_url: str
) -> tuple[str, str, list[tuple[str, str]]]:
    s = view.settings
    days = charter.format_days(s.working_days)
    when = "every day" if days == "every day" else f"on working days ({days})"
    portal = f"{base_url}/portal"
    away = (
        f"Thank you for your message. I read messages {when} around "
        f"{charter.format_clock(s.check_time)}. For anything about our work together, please use "
        f"your client portal: {portal} . If you are in crisis, call Tele-MANAS 14416 or 112 now."
    )
    greeting = (
        f"Hello, this is {therapist_name}'s practice number. It is for scheduling and tech "
        f"problems before a session. Your sessions, messages and help are in your portal: {portal}"
    )
    quick = [
        ("/portal", f"Your client portal has your sessions, join links and messages: {portal}"),
        (
            "/reschedule",
            f"You can move or cancel a session yourself here: {base_url}/portal/sessions",
        ),
        (
            "/crisis",
            "If you are in danger, please call Tele-MANAS 14416 (free, 24×7) or 112 now. "
            "This number is not watched around the clock.",
        ),
        (
            "/message",
            "Let's continue this in the portal, where I reply "
            f"{charter.response_promise(s.response_days)}: {base_url}/portal/messages",
        ),
    ]
    return away, greeting, quick


def kit(session: Session, actor: Actor, base_url: str) -> Kit:
    if not actor.is_clinician:
        raise PermissionDenied()
    profile = session.get(TherapistProfile, actor.user_id) or TherapistProfile(
        user_id=actor.user_id
    )
    away, greeting, quick = texts(
        charter.current_for_therapist(session, actor.user_id), actor.name, base_url
    )
    return Kit(away, greeting, quick, profile.whatsapp_number, profile.click_to_chat)


def save_number(session: Session, actor: Actor, number: str, click_to_chat: bool) -> None:
    if not actor.is_clinician:
        raise PermissionDenied()
    parsed = ""
    if number.strip():
        try:
            parsed = parse_phone(number)
        except ValueError as exc:
            raise InvalidInput({"whatsapp_number": str(exc)}) from exc
    if click_to_chat and not parsed:
        raise InvalidInput({"whatsapp_number": "Add the WhatsApp number clients should use."})
    profile = session.get(TherapistProfile, actor.user_id) or TherapistProfile(
        user_id=actor.user_id
    )
    profile.whatsapp_number, profile.click_to_chat = parsed, click_to_chat
    session.add(profile)
    audit.record(
        session,
        "whatsapp.settings_changed",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        click_to_chat=click_to_chat,
    )


def click_to_chat_link(session: Session, actor: Actor) -> str:
    """The client's 'WhatsApp — scheduling or tech only' link, or '' when the therapist has none."""
    if actor.role != Role.CLIENT:
        raise PermissionDenied()
    therapist = session.get(
        TherapistProfile, session.get(ClientProfile, actor.user_id).therapist_id
    )
    if therapist is None or not therapist.click_to_chat or not therapist.whatsapp_number:
        return ""
    return f"https://wa.me/{therapist.whatsapp_number.lstrip('+')}?text={quote('Scheduling: ')}"
