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
    token = client_token[:64]  # the browser chooses its token: keep what the column holds
    if not _bound(session, session_id, token):
        session.add(TabBinding(session_id=session_id, client_token=token))


def owns(session: Session, session_id: int, client_token: str) -> bool:
    """Whether the sign-in session `session_id` acted in the tab `client_token`."""
    return bool(client_token) and _bound(session, session_id, client_token)


def _bound(session: Session, session_id: int, client_token: str) -> bool:
    found = session.exec(
        select(TabBinding.id).where(
            TabBinding.session_id == session_id, TabBinding.client_token == client_token
        )
    ).first()
    return found is not None


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
