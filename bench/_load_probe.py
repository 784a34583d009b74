"""Run by `portal_load.py` inside a copy of the app (cwd and PYTHONPATH point at the copy, the
environment at its database): seeds the large demo, names the states and handlers the load clients
call, and starts sessions for portal clients. Prints JSON on stdout.

    python _load_probe.py seed | describe | sessions N
"""

from __future__ import annotations

import json
import sys
from itertools import zip_longest

#: The portal pages a load client opens, in its order.
PORTAL_PAGES = (
    "/portal",
    "/portal/sessions",
    "/portal/messages",
    "/portal/invoices",
    "/portal/resources",
)


def seed() -> dict:
    from practipal_app import db
    from practipal_app.config import get_settings
    from practipal_app.demo import large as demo_large

    db.call(demo_large.seed_large, get_settings().base_url)
    return {"seeded": True}


def _handler_name(handler) -> str:
    from reflex_base.utils.format import format_event_handler

    return format_event_handler(getattr(handler, "event_handler", handler))


def describe() -> dict:
    import reflex as rx
    from reflex.state import OnLoadInternalState

    import practipal_app
    from practipal_app.people import auth
    from practipal_app.practipal_app import app
    from practipal_app.state.messages import PortalMessagesState

    app._apply_decorated_pages()
    pages = {
        route: [_handler_name(h) for h in app.get_load_events(route)] for route in PORTAL_PAGES
    }
    return {
        "module": practipal_app.__file__,
        "cookie": auth.SESSION_COOKIE,
        "hydrate": f"{rx.State.get_full_name()}.hydrate_and_load",
        "on_load_internal": f"{OnLoadInternalState.get_full_name()}.on_load_internal",
        "pages": pages,
        "messages_state": PortalMessagesState.get_full_name(),
    }


def _portal_clients(session) -> list[int]:
    """Active clients who accepted their invite, taken from each therapist in turn."""
    from sqlmodel import select

    from practipal_app.models import ClientProfile, ClientStatus

    rows = session.exec(
        select(ClientProfile.therapist_id, ClientProfile.user_id)
        .where(ClientProfile.status == ClientStatus.ACTIVE)
        .where(ClientProfile.accepted_at.is_not(None))  # type: ignore[union-attr]
        .order_by(ClientProfile.therapist_id, ClientProfile.user_id)
    ).all()
    by_therapist: dict[int, list[int]] = {}
    for therapist_id, user_id in rows:
        by_therapist.setdefault(therapist_id, []).append(user_id)
    turns = zip_longest(*by_therapist.values())
    return [user_id for turn in turns for user_id in turn if user_id is not None]


def sessions(count: int) -> dict:
    from practipal_app import db
    from practipal_app.models import User
    from practipal_app.people import auth

    def start(session) -> list[str]:
        ids = _portal_clients(session)
        if len(ids) < count:
            raise SystemExit(f"only {len(ids)} portal clients in the demo, {count} asked for")
        return [
            auth.start_session(session, session.get(User, user_id), "portal_load")
            for user_id in ids[:count]
        ]

    return {"tokens": db.call(start)}


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "seed":
        result = seed()
    elif command == "describe":
        result = describe()
    elif command == "sessions":
        result = sessions(int(argv[1]))
    else:
        raise SystemExit(f"unknown command {command}")
    print("@@JSON@@" + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
