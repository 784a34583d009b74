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


def status_label(status: str, smtp_configured: bool) -> str:
    """An email's status as the owner reads it: "held" while no mail server is configured."""
    if status == "pending" and not smtp_configured:
        return "held"
    return status


def outbox_rows(emails: list[OutboxEmail], timezone: str, smtp_configured: bool) -> list[OutboxRow]:
    return [
        OutboxRow(
            e.id,
            e.kind,
            e.to_address,
            e.subject,
            status_label(e.status, smtp_configured),
            e.last_error,
            format_local(e.created_at, timezone),
        )
        for e in emails
    ]
