"""What the charter page, the WhatsApp kit and a client's crisis cards show. Pure: no database,
no reflex."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from practipal_app.boundaries.whatsapp_kit import Kit
from practipal_app.core.phones import display_phone


@dataclass(frozen=True)
class CrisisContact:
    """A crisis or emergency line as shown (and, on the charter page, as typed)."""

    label: str = ""
    phone: str = ""


@dataclass(frozen=True)
class QuickReply:
    """A WhatsApp Business quick reply: the shortcut typed after "/" and the text it pastes."""

    shortcut: str
    text: str


@dataclass(frozen=True)
class KitView:
    away: str
    greeting: str
    quick: list[QuickReply]
    #: Readable: "+91 98765 43210"; "" when none is saved.
    number: str
    click_to_chat: bool


def crisis_contacts(contacts: Iterable[dict]) -> list[CrisisContact]:
    """The charter's stored contacts ({"label", "phone"}) as rows."""
    return [CrisisContact(str(c.get("label", "")), str(c.get("phone", ""))) for c in contacts]


def kit_view(kit: Kit) -> KitView:
    quick = [QuickReply(key, text) for key, text in kit.quick_replies]
    return KitView(
        kit.away_message, kit.greeting, quick, display_phone(kit.whatsapp_number), kit.click_to_chat
    )
