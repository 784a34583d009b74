"""The communication charter: settings, the statement generated from them, versions,
acknowledgements."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from practipal_app.core import audit
from practipal_app.core.errors import InvalidInput, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import CLINICIAN_ROLES, Charter, CharterAcknowledgement, ClientProfile

WHATSAPP_FOR = {
    "scheduling": "scheduling issues",
    "tech": "tech problems before a session",
    "running_late": "letting me know you are running late",
    "payments": "payment questions",
}
WHATSAPP_NOT_FOR = {
    "emotional": "emotional processing",
    "crisis": "crisis support",
    "therapy": "therapy discussions",
    "homework": "questions about homework",
}
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}

TELE_MANAS = {"label": "Tele-MANAS (free, 24×7)", "phone": "14416"}
TELE_MANAS_TOLL_FREE = {"label": "Tele-MANAS toll-free", "phone": "1-800-891-4416"}
EMERGENCY = {"label": "Emergency", "phone": "112"}
DEFAULT_CRISIS_CONTACTS = (TELE_MANAS, TELE_MANAS_TOLL_FREE, EMERGENCY)

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class CharterSettings:
    whatsapp_for: tuple[str, ...] = ("scheduling", "tech")
    whatsapp_not_for: tuple[str, ...] = ("emotional", "crisis", "therapy")
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    check_time: str = "18:00"
    response_days: int = 1
    crisis_contacts: tuple[dict, ...] = field(default=DEFAULT_CRISIS_CONTACTS)
    extra_text: str = ""


@dataclass(frozen=True)
class CharterView:
    """What a page shows of a charter."""

    version: int
    statement: str
    settings: CharterSettings
    own_contacts: tuple[dict, ...]


def format_days(days: tuple[int, ...] | list[int]) -> str:
    ordered = sorted(set(days))
    if len(ordered) == 7:
        return "every day"
    if not ordered:
        return "no fixed days"
    contiguous = ordered == list(range(ordered[0], ordered[-1] + 1))
    if contiguous and len(ordered) >= 3:
        return f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ordered)


def format_clock(hhmm: str) -> str:
    hour, minute = (int(p) for p in hhmm.split(":"))
    suffix = "am" if hour < 12 else "pm"
    hour12 = hour % 12 or 12
    if hour == 12 and minute == 0:
        return "12 noon"
    return f"{hour12} {suffix}" if minute == 0 else f"{hour12}:{minute:02d} {suffix}"


def _join(items: list[str], last: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def response_promise(days: int) -> str:
    word = NUMBER_WORDS.get(days, str(days))
    return f"within {word} working day{'s' if days != 1 else ''}"


def generate_statement(s: CharterSettings) -> str:
    """The boundary statement in the therapist's voice, from their settings."""
    days = format_days(s.working_days)
    clock = format_clock(s.check_time)
    when = (
        f"every day, around {clock},"
        if days == "every day"
        else f"on working days ({days}, around {clock})"
    )
    parts = [
        f"I check portal messages once daily {when} and reply {response_promise(s.response_days)}."
    ]
    allowed = [WHATSAPP_FOR[k] for k in s.whatsapp_for if k in WHATSAPP_FOR]
    refused = [WHATSAPP_NOT_FOR[k] for k in s.whatsapp_not_for if k in WHATSAPP_NOT_FOR]
    if allowed:
        sentence = f"WhatsApp is only for {_join(allowed)}"
        if refused:
            sentence += f" — not for {_join(refused, 'or')}"
        parts.append(sentence + ".")
    elif refused:
        parts.append(f"Please do not use WhatsApp for {_join(refused, 'or')}.")
    parts.append(
        "I cannot respond to messages in real time. In a crisis, call Tele-MANAS on 14416 "
        "(free, 24×7) or 112 for emergencies."
    )
    if s.extra_text.strip():
        parts.append(s.extra_text.strip())
    return " ".join(parts)


def draft(
    *,
    whatsapp_for: Iterable[str],
    whatsapp_not_for: Iterable[str],
    working_days: Iterable[int],
    check_time: str,
    response_days: int,
    own_contacts: Iterable[tuple[str, str]],
    extra_text: str,
) -> CharterSettings:
    """The settings as the charter page holds them: choices in the page's order, the national lines
    first, and contact rows left blank dropped."""
    chosen_for, chosen_not_for = set(whatsapp_for), set(whatsapp_not_for)
    own = [
        {"label": label.strip(), "phone": phone.strip()}
        for label, phone in own_contacts
        if label.strip() or phone.strip()
    ]
    return CharterSettings(
        whatsapp_for=tuple(k for k in WHATSAPP_FOR if k in chosen_for),
        whatsapp_not_for=tuple(k for k in WHATSAPP_NOT_FOR if k in chosen_not_for),
        working_days=tuple(sorted(set(working_days))),
        check_time=check_time,
        response_days=response_days,
        crisis_contacts=(*(dict(c) for c in DEFAULT_CRISIS_CONTACTS), *own),
        extra_text=extra_text,
    )


def preview(s: CharterSettings) -> str:
    """The statement these settings make; "" while the check time is not a time yet."""
    try:
        return generate_statement(s)
    except ValueError:
        return ""


def parse_response_days(value: object) -> int:
    """The reply promise's number of working days, as the page's select sends it."""
    text = str(value).strip()
    if not text.isdigit():
        raise InvalidInput({"response_days": "Choose a number of days."})
    return int(text)


def validate(s: CharterSettings, statement: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not s.working_days:
        errors["working_days"] = "Choose at least one working day."
    elif any(isinstance(d, bool) or d not in range(7) for d in s.working_days):
        errors["working_days"] = "Choose working days from Monday to Sunday."
    if not _TIME.match(s.check_time):
        errors["check_time"] = "Use a time like 18:00."
    if not 1 <= s.response_days <= 5:
        errors["response_days"] = "Choose between one and five working days."
    if len(s.extra_text) > 1000:
        errors["extra_text"] = "Keep the extra text under 1,000 characters."
    for contact in s.crisis_contacts:
        if not isinstance(contact, dict):
            errors["crisis_contacts"] = "Each contact needs a name and a phone number."
        elif not str(contact.get("label", "")).strip() or not str(contact.get("phone", "")).strip():
            errors["crisis_contacts"] = "Each contact needs a name and a phone number."
    if statement is not None and not statement.strip():
        errors["statement"] = "The statement cannot be empty."
    if statement is not None and len(statement) > 4000:
        errors["statement"] = "Keep the statement under 4,000 characters."
    return errors


def own_contacts(contacts: tuple[dict, ...] | list[dict]) -> tuple[dict, ...]:
    """The therapist's own contacts: everything but the national lines shown everywhere anyway."""
    national = {c["phone"] for c in DEFAULT_CRISIS_CONTACTS}
    return tuple(c for c in contacts if c.get("phone") not in national)


def _view(row: Charter | None) -> CharterView:
    if row is None:
        settings = CharterSettings()
        return CharterView(0, generate_statement(settings), settings, ())
    settings = CharterSettings(
        whatsapp_for=tuple(row.whatsapp_for),
        whatsapp_not_for=tuple(row.whatsapp_not_for),
        working_days=tuple(row.working_days),
        check_time=row.check_time,
        response_days=row.response_days,
        crisis_contacts=tuple(row.crisis_contacts),
        extra_text=row.extra_text,
    )
    return CharterView(row.version, row.statement, settings, own_contacts(row.crisis_contacts))


def _latest(session: Session, therapist_id: int) -> Charter | None:
    return session.exec(
        select(Charter)
        .where(Charter.therapist_id == therapist_id)
        .order_by(col(Charter.version).desc())
    ).first()


def current_for_therapist(session: Session, therapist_id: int) -> CharterView:
    """The charter in force (version 0, the defaults, before the therapist saves one)."""
    return _view(_latest(session, therapist_id))


def my_charter(session: Session, actor: Actor) -> CharterView:
    if actor.role not in CLINICIAN_ROLES:
        raise PermissionDenied("Only therapists have a communication charter.")
    return current_for_therapist(session, actor.user_id)


def ensure_saved(session: Session, therapist_id: int) -> Charter:
    """The latest charter row, saving the defaults as version 1 when there is none yet."""
    row = _latest(session, therapist_id)
    if row is None:
        row = _insert(session, therapist_id, CharterSettings(), None, version=1)
    return row


def _insert(
    session: Session, therapist_id: int, s: CharterSettings, statement: str | None, version: int
) -> Charter:
    generated = generate_statement(s)
    final = statement.strip() if statement and statement.strip() else generated
    row = Charter(
        therapist_id=therapist_id,
        version=version,
        whatsapp_for=list(s.whatsapp_for),
        whatsapp_not_for=list(s.whatsapp_not_for),
        working_days=sorted(set(s.working_days)),
        check_time=s.check_time,
        response_days=s.response_days,
        crisis_contacts=[dict(c) for c in s.crisis_contacts],
        extra_text=s.extra_text.strip(),
        statement=final,
        statement_edited=final != generated,
    )
    session.add(row)
    session.flush()
    return row


def save(
    session: Session, actor: Actor, s: CharterSettings, statement: str | None = None
) -> CharterView:
    """Save a new version. `statement` is the therapist's own wording, or None for the generated
    one."""
    if actor.role not in CLINICIAN_ROLES:
        raise PermissionDenied("Only therapists have a communication charter.")
    errors = validate(s, statement)
    if errors:
        raise InvalidInput(errors)
    latest = _latest(session, actor.user_id)
    row = _insert(
        session, actor.user_id, s, statement, version=(latest.version if latest else 0) + 1
    )
    audit.record(
        session,
        "charter.changed",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="charter",
        subject_id=row.id,
        version=row.version,
    )
    return _view(row)


def for_client(session: Session, client_id: int) -> CharterView:
    profile = session.get(ClientProfile, client_id)
    if profile is None:
        raise PermissionDenied()
    return current_for_therapist(session, profile.therapist_id)


def acknowledged_version(session: Session, client_id: int) -> int:
    row = session.exec(
        select(CharterAcknowledgement)
        .where(CharterAcknowledgement.client_id == client_id)
        .order_by(col(CharterAcknowledgement.charter_version).desc())
    ).first()
    return row.charter_version if row else 0


def needs_acknowledgement(session: Session, client_id: int) -> bool:
    profile = session.get(ClientProfile, client_id)
    if profile is None:
        return False
    latest = _latest(session, profile.therapist_id)
    return latest is not None and acknowledged_version(session, client_id) < latest.version


def acknowledge(session: Session, client_id: int, version: int) -> None:
    """Record that the client read `version` of their therapist's charter (the one they were
    shown)."""
    profile = session.get(ClientProfile, client_id)
    if profile is None:
        raise PermissionDenied()
    row = session.exec(
        select(Charter).where(
            Charter.therapist_id == profile.therapist_id, Charter.version == version
        )
    ).first()
    if row is None:
        row = ensure_saved(session, profile.therapist_id)
    session.add(
        CharterAcknowledgement(client_id=client_id, charter_id=row.id, charter_version=row.version)
    )
    audit.record(
        session,
        "charter.acknowledged",
        practice_id=profile.practice_id,
        actor_id=client_id,
        subject_type="charter",
        subject_id=row.id,
        version=row.version,
    )
