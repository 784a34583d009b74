"""What the owner's outbox page shows of each email. Pure: no database here."""

from __future__ import annotations

from dataclasses import dataclass

from practipal_app.core.timefmt import format_local
from practipal_app.models import OutboxEmail


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    recipient: str
    subject: str
    #: "held" while no mail server is configured: nothing is on its way until one is.
    status: str
    error: str
    created: str


def outbox_rows(emails: list[OutboxEmail], timezone: str, smtp_configured: bool) -> list[OutboxRow]:
    waiting = "pending" if smtp_configured else "held"
    return [
        OutboxRow(
            e.id,
            e.kind,
            e.to_address,
            e.subject,
            waiting if e.status == "pending" else e.status,
            e.last_error,
            format_local(e.created_at, timezone),
        )
        for e in emails
    ]
