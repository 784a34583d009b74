"""Audit trail writer."""

from __future__ import annotations

from sqlmodel import Session

from practipal_app.models import AuditEvent


def record(
    session: Session,
    kind: str,
    *,
    practice_id: int | None,
    actor_id: int | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    **detail: object,
) -> None:
    session.add(
        AuditEvent(
            practice_id=practice_id,
            actor_id=actor_id,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=dict(detail),
        )
    )
