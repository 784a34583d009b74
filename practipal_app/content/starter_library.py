"""The starter library: a few text resources a new therapist can share from day one.

Most are fixed texts in data/starter/. "Between sessions" is written from the therapist's own
communication charter, so it is always their personal item, never the practice library's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, or_, select

from practipal_app.boundaries import charter
from practipal_app.content import resources
from practipal_app.core.errors import PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import Resource, ResourceCategory, Role

STARTER_DIR = Path(__file__).resolve().parent.parent / "data" / "starter"
BETWEEN_SESSIONS = "between_sessions"


@dataclass(frozen=True)
class Starter:
    key: str
    title: str
    category: str
    tags: tuple[str, ...]

    @property
    def personal(self) -> bool:
        return self.key == BETWEEN_SESSIONS

    def body(self, session: Session, therapist_id: int) -> str:
        if self.personal:
            return between_sessions(session, therapist_id)
        return (STARTER_DIR / f"{self.key}.md").read_text(encoding="utf-8")


STARTER: tuple[Starter, ...] = (
    Starter(
        "grounding_54321",
        "5-4-3-2-1 grounding",
        ResourceCategory.GROUNDING,
        ("anxiety", "panic", "grounding"),
    ),
    Starter(
        "box_breathing",
        "Box breathing",
        ResourceCategory.GROUNDING,
        ("breathing", "anxiety", "calm"),
    ),
    Starter(
        "thought_record",
        "Thought record worksheet",
        ResourceCategory.WORKSHEET,
        ("CBT", "thoughts", "worksheet"),
    ),
    Starter(
        "values_reflection",
        "What matters to me: values reflection",
        ResourceCategory.REFLECTION,
        ("values", "reflection", "journaling"),
    ),
    Starter(
        "sleep_hygiene", "Sleeping better", ResourceCategory.PSYCHOEDUCATION, ("sleep", "routine")
    ),
    Starter(
        BETWEEN_SESSIONS,
        "Between sessions",
        ResourceCategory.OTHER,
        ("portal", "messages", "crisis"),
    ),
)


def _plain(text: str) -> str:
    """Text that Markdown shows as typed."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _crisis_lines(contacts: tuple[dict, ...]) -> list[str]:
    """The therapist's crisis contacts, with the national lines always among them."""
    seen, lines = set(), []
    for contact in (*charter.DEFAULT_CRISIS_CONTACTS, *contacts):
        if contact.get("phone") and contact["phone"] not in seen:
            seen.add(contact["phone"])
            lines.append(
                f"- {_plain(str(contact.get('label', '')))}: **{_plain(contact['phone'])}**"
            )
    return lines


def _whatsapp(settings: charter.CharterSettings) -> str:
    allowed = [charter.WHATSAPP_FOR[k] for k in settings.whatsapp_for if k in charter.WHATSAPP_FOR]
    if not allowed:
        return (
            "Please do not use WhatsApp for anything about our work together; use the portal "
            "instead."
        )
    listed = allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} and {allowed[-1]}"
    return (
        f"WhatsApp is only for {listed}. Anything about how you are feeling, or what we talk about "
        "in therapy, belongs in the portal or in our sessions, where it is private and gets the "
        "attention it deserves."
    )


def between_sessions(session: Session, therapist_id: int) -> str:
    """How to reach the therapist between sessions, from their current charter."""
    view = charter.current_for_therapist(session, therapist_id)
    statement = "\n".join(
        f"> {_plain(line)}" if line.strip() else ">" for line in view.statement.splitlines()
    )
    return "\n".join(
        [
            "Therapy happens in our sessions, but life carries on in between. This note explains "
            "how to reach me between sessions, and where to get help quickly if you need it.",
            "",
            "## How I reply",
            "",
            statement,
            "",
            "## What the portal is for",
            "",
            "Your client portal is the place for everything between sessions:",
            "",
            "- sending me a message (I read them as described above)",
            "- seeing, booking or moving your sessions",
            "- opening things I share with you, like this note",
            "- filling in forms and seeing your invoices",
            "",
            "## WhatsApp",
            "",
            _whatsapp(view.settings),
            "",
            "## If you are in crisis",
            "",
            "The portal is not watched round the clock, and I may not see a message for a day or "
            "more. If you are in danger or thinking of harming yourself, please call one of these "
            "numbers now:",
            "",
            *_crisis_lines(view.settings.crisis_contacts),
            "",
            "The Help page in your portal always has these numbers, one tap away.",
        ]
    )


def _keys_had(session: Session, actor: Actor) -> set[str]:
    """Starter items the actor already has: their own, or in the practice library."""
    return set(
        session.exec(
            select(Resource.starter_key).where(
                Resource.practice_id == actor.practice_id,
                Resource.starter_key != "",
                or_(Resource.owner_id == actor.user_id, col(Resource.practice_wide)),
            )
        ).all()
    )


def install(session: Session, actor: Actor) -> int:
    """Add the starter items this clinician does not have yet; how many were added. The owner's go
    to the practice library (except "Between sessions", which speaks for one therapist)."""
    if not actor.is_clinician:
        raise PermissionDenied("Only therapists add resources.")
    had = _keys_had(session, actor)
    added = 0
    for item in STARTER:
        if item.key in had:
            continue
        resources.add_text(
            session,
            actor,
            title=item.title,
            category=item.category,
            tags=list(item.tags),
            language="English",
            practice_wide=actor.role == Role.OWNER and not item.personal,
            body=item.body(session, actor.user_id),
            starter_key=item.key,
        )
        added += 1
    return added
