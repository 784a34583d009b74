"""Browser tabs bound to the sign-in session that filled them.

Reflex keeps each tab's state on the server under the tab's client token, and hands it to whoever
connects with that token. A tab is bound to the session that first acted in it; when that session
ends (sign-out, sign-out everywhere, a password change, idle or absolute expiry) the state layer
empties the tab, and an upload names a tab only together with the session that owns it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from practipal_app.models import AuthSession, TabBinding
from practipal_app.models.base import utcnow
from practipal_app.people import auth


def bind(session: Session, session_id: int, client_token: str) -> None:
    """Record that `session_id` acted in the tab `client_token` (once)."""
    exists = session.exec(
        select(TabBinding.id).where(
            TabBinding.session_id == session_id, TabBinding.client_token == client_token
        )
    ).first()
    if exists is None:
        session.add(TabBinding(session_id=session_id, client_token=client_token[:64]))


def ended(session: Session, now: datetime | None = None) -> list[TabBinding]:
    """Bindings whose session has ended: their tabs still hold the person's data."""
    now = now or utcnow()
    rows = session.exec(
        select(TabBinding, AuthSession).join(AuthSession, TabBinding.session_id == AuthSession.id)
    ).all()
    return [binding for binding, auth_session in rows if not auth.is_live(auth_session, now)]


def forget(session: Session, binding_ids: list[int]) -> None:
    if binding_ids:
        session.exec(delete(TabBinding).where(col(TabBinding.id).in_(binding_ids)))


def owns(session: Session, cookie_token: str | None, client_token: str) -> bool:
    """Whether the live session of this cookie acted in the tab `client_token`."""
    actor = auth.resolve(session, cookie_token)
    if actor is None or not client_token:
        return False
    return (
        session.exec(
            select(TabBinding.id).where(
                TabBinding.session_id == actor.session_id, TabBinding.client_token == client_token
            )
        ).first()
        is not None
    )
