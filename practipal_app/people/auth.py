"""Sign-in, sessions, sign-in tickets and password reset.

The browser never sees a session token in page state: a successful sign-in leaves a short-lived
ticket bound to the browser tab's own Reflex client token, and the HTTP route `/auth/session`
redeems it for an HttpOnly cookie. Only SHA-256 hashes of tokens are stored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session, select

from practipal_app.core import audit
from practipal_app.core.errors import InvalidInput, LinkInvalid, SignInRefused
from practipal_app.core.identity import Actor
from practipal_app.core.tokens import hash_token, new_token
from practipal_app.models import (
    AuthSession,
    ClientProfile,
    OneTimeToken,
    Practice,
    Role,
    TokenPurpose,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.notifications import outbox, templates
from practipal_app.people import passwords


@dataclass(frozen=True)
class SessionPolicy:
    absolute: timedelta
    idle: timedelta


STAFF_POLICY = SessionPolicy(absolute=timedelta(hours=12), idle=timedelta(minutes=30))
CLIENT_POLICY = SessionPolicy(absolute=timedelta(days=30), idle=timedelta(days=7))
LOCK_AFTER_FAILURES = 10
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
TICKET_LIFETIME = timedelta(minutes=2)
RESET_LIFETIME = timedelta(hours=1)
TOUCH_EVERY = timedelta(seconds=60)

# Cookie names. All are HttpOnly and set only by HTTP responses (api/routes.py).
SESSION_COOKIE = "pp_session"
INVITE_COOKIE = "pp_invite"
RESET_COOKIE = "pp_reset"

WRONG_CREDENTIALS = "That email and password do not match. Check both and try again."
RESET_EXPIRED = (
    "This reset link has expired or was already used. Ask for a new one from the sign-in page."
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def email_problem(email: str) -> str | None:
    if not email:
        return "Enter an email address."
    if len(email) > 254 or not _EMAIL.match(email):
        return "Enter an email address like name@example.com."
    return None


def home_path(role: str) -> str:
    return "/portal" if role == Role.CLIENT else "/app"


def safe_next(next_path: str | None, role: str) -> str:
    """The page to return to after signing in: same site only, and within the role's own area."""
    home = home_path(role)
    path = (next_path or "").strip()
    if not path.startswith("/") or path.startswith("//") or "\\" in path or "://" in path:
        return home
    return (
        path if path == home or path.startswith(home + "/") or path.startswith(home + "?") else home
    )


def policy_for(role: str) -> SessionPolicy:
    return CLIENT_POLICY if role == Role.CLIENT else STAFF_POLICY


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.practice_id, Role(user.role), user.name, user.email)


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def _register_failure(user: User, now: datetime) -> None:
    if user.failed_signins_since is None or now - user.failed_signins_since > LOCK_WINDOW:
        user.failed_signins, user.failed_signins_since = 0, now
    user.failed_signins += 1
    if user.failed_signins >= LOCK_AFTER_FAILURES:
        user.locked_until = now + LOCK_DURATION
        user.failed_signins, user.failed_signins_since = 0, None


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (
        "Too many failed attempts for this account. Sign-in is paused for "
        f"{minutes} more minute{'s' if minutes != 1 else ''}. You can also reset your password."
    )


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> User:
    """The user whose email and password these are, or SignInRefused with a message to show.

    An unknown email costs the same hashing work as a wrong password and gets the same message.
    A refusal commits the failure count and its audit event before raising: the caller's
    transaction is rolled back on any error, which would otherwise erase them (and the lockout).
    """
    now = now or utcnow()
    user = find_user(session, email)
    if user is None or not user.active or not user.password_hash:
        passwords.burn_equal_work(password)
        audit.record(
            session,
            "auth.signin_failed",
            practice_id=user.practice_id if user else None,
            actor_id=user.id if user else None,
            reason="unknown",
        )
        session.commit()
        raise SignInRefused(WRONG_CREDENTIALS)
    if user.locked_until and now < user.locked_until:
        passwords.burn_equal_work(password)
        raise SignInRefused(_locked_message(user.locked_until, now))
    ok, new_hash = passwords.verify(password, user.password_hash)
    if not ok:
        _register_failure(user, now)
        audit.record(
            session,
            "auth.signin_failed",
            practice_id=user.practice_id,
            actor_id=user.id,
            reason="password",
        )
        session.add(user)
        session.commit()
        if user.locked_until and now < user.locked_until:
            raise SignInRefused(_locked_message(user.locked_until, now))
        raise SignInRefused(WRONG_CREDENTIALS)
    if new_hash:
        user.password_hash = new_hash
    user.failed_signins, user.failed_signins_since, user.locked_until = 0, None, None
    user.last_login_at = now
    session.add(user)
    audit.record(session, "auth.signin", practice_id=user.practice_id, actor_id=user.id)
    return user


#: Set on a database session whose transaction ends sign-in sessions (see session_cache).
SESSIONS_ENDED = "practipal_sessions_ended"


def sessions_ended(session: Session) -> None:
    """Mark the transaction: once it commits, the session cache must forget what it knew."""
    session.info[SESSIONS_ENDED] = True


# Sessions ------------------------------------------------------------------------------------


def start_session(
    session: Session, user: User, user_agent: str = "", now: datetime | None = None
) -> str:
    """A new session for the user; returns the raw token for the cookie (stored only hashed)."""
    now = now or utcnow()
    policy = policy_for(user.role)
    token = new_token()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.absolute,
            idle_timeout_seconds=int(policy.idle.total_seconds()),
            user_agent=user_agent[:300],
        )
    )
    return token


@dataclass(frozen=True)
class LiveSession:
    """A live session's actor and the times that decide how long it stays live."""

    actor: Actor
    expires_at: datetime
    last_seen_at: datetime
    idle_timeout: timedelta

    def live_at(self, now: datetime) -> bool:
        return now < self.expires_at and now - self.last_seen_at <= self.idle_timeout

    def due_touch(self, now: datetime) -> bool:
        return now - self.last_seen_at > TOUCH_EVERY


def look_up(session: Session, token_hash: str, now: datetime) -> LiveSession | None:
    """The live session with this token hash, read without writing anything."""
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == token_hash)).first()
    if row is None or not is_live(row, now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return LiveSession(
        actor=replace(actor_for(user), session_id=row.id),
        expires_at=row.expires_at,
        last_seen_at=row.last_seen_at,
        idle_timeout=timedelta(seconds=row.idle_timeout_seconds),
    )


def touch(session: Session, session_id: int, now: datetime) -> None:
    """Record that the session was used (what its idle timeout counts from)."""
    row = session.get(AuthSession, session_id)
    if row is not None and row.revoked_at is None and row.last_seen_at < now:
        row.last_seen_at = now
        session.add(row)


def resolve(session: Session, token: str | None, now: datetime | None = None) -> Actor | None:
    """The signed-in actor for a session token, or None when it is unknown, ended or timed out."""
    if not token:
        return None
    now = now or utcnow()
    live = look_up(session, hash_token(token), now)
    if live is None:
        return None
    if live.due_touch(now):
        touch(session, live.actor.session_id, now)
    return live.actor


def is_live(row: AuthSession, now: datetime) -> bool:
    """Not signed out, and neither past its absolute lifetime nor idle too long."""
    return (
        row.revoked_at is None
        and now < row.expires_at
        and now - row.last_seen_at <= timedelta(seconds=row.idle_timeout_seconds)
    )


def end_session(session: Session, token: str | None, now: datetime | None = None) -> None:
    if not token:
        return
    row = session.exec(
        select(AuthSession).where(AuthSession.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = now or utcnow()
    session.add(row)
    sessions_ended(session)
    user = session.get(User, row.user_id)
    audit.record(
        session,
        "auth.signout",
        practice_id=user.practice_id if user else None,
        actor_id=row.user_id,
    )


def end_all_sessions(session: Session, user_id: int, now: datetime | None = None) -> int:
    """End every open session of a user. Returns how many were open."""
    now = now or utcnow()
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at == None)  # noqa: E711
    ).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    sessions_ended(session)
    return len(rows)


def sign_out_everywhere(session: Session, actor: Actor) -> int:
    count = end_all_sessions(session, actor.user_id)
    audit.record(
        session,
        "auth.signout_everywhere",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        sessions=count,
    )
    return count


# Sign-in tickets -------------------------------------------------------------------------------


def _ticket_hash(client_token: str) -> str:
    return hash_token(f"sign-in:{client_token}")


def issue_ticket(
    session: Session,
    user: User,
    client_token: str,
    next_path: str = "",
    now: datetime | None = None,
) -> None:
    """Let the browser tab holding `client_token` collect a session cookie within two minutes."""
    if not client_token:
        raise SignInRefused("Your browser did not identify itself. Reload the page and try again.")
    now = now or utcnow()
    digest = _ticket_hash(client_token)
    for old in session.exec(select(OneTimeToken).where(OneTimeToken.token_hash == digest)).all():
        session.delete(old)
    session.flush()
    session.add(
        OneTimeToken(
            purpose=TokenPurpose.SIGN_IN,
            token_hash=digest,
            user_id=user.id,
            created_at=now,
            expires_at=now + TICKET_LIFETIME,
            next_path=safe_next(next_path, user.role),
        )
    )


def redeem_ticket(
    session: Session, client_token: str, user_agent: str = "", now: datetime | None = None
) -> tuple[str, str]:
    """(session token, where to go) for a tab's pending sign-in; LinkInvalid when there is none."""
    now = now or utcnow()
    row = session.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == _ticket_hash(client_token or ""),
            OneTimeToken.purpose == TokenPurpose.SIGN_IN,
        )
    ).first()
    if row is None or row.used_at is not None or now >= row.expires_at:
        raise LinkInvalid("Your sign-in took too long. Please sign in again.")
    row.used_at = now
    session.add(row)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise LinkInvalid("This account is not active.")
    return start_session(session, user, user_agent, now), row.next_path or home_path(user.role)


def sign_in(
    session: Session,
    email: str,
    password: str,
    client_token: str,
    next_path: str = "",
    now: datetime | None = None,
) -> None:
    user = authenticate(session, email, password, now)
    issue_ticket(session, user, client_token, next_path, now)


# Password reset --------------------------------------------------------------------------------


def _valid_token(
    session: Session, token: str, purpose: TokenPurpose, now: datetime
) -> OneTimeToken | None:
    row = session.exec(
        select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(token or ""))
    ).first()
    if row is None or row.purpose != purpose or row.used_at is not None or now >= row.expires_at:
        return None
    return row


def request_reset(session: Session, email: str, base_url: str, now: datetime | None = None) -> None:
    """Email a reset link when the account exists. Says nothing either way to the caller; an
    address that is not one is InvalidInput."""
    now = now or utcnow()
    email = normalize_email(email)
    if problem := email_problem(email):
        raise InvalidInput({"email": problem})
    user = find_user(session, email)
    if user is None or not user.active:
        return
    token = new_token()
    row = OneTimeToken(
        purpose=TokenPurpose.RESET,
        token_hash=hash_token(token),
        user_id=user.id,
        created_at=now,
        expires_at=now + RESET_LIFETIME,
    )
    session.add(row)
    session.flush()
    practice = session.get(Practice, user.practice_id)
    outbox.enqueue(
        session,
        practice_id=user.practice_id,
        kind="password_reset",
        to=user.email,
        email=templates.password_reset(user.name, practice.name, f"{base_url}/reset/{token}"),
        key=f"reset:{row.id}",
    )
    audit.record(session, "auth.reset_requested", practice_id=user.practice_id, actor_id=user.id)


def reset_name(session: Session, token: str, now: datetime | None = None) -> str:
    """The name on a reset link, or LinkInvalid."""
    row = _valid_token(session, token, TokenPurpose.RESET, now or utcnow())
    if row is None:
        raise LinkInvalid(RESET_EXPIRED)
    return session.get(User, row.user_id).name


def reset_password(
    session: Session, token: str, new_password: str, client_token: str, now: datetime | None = None
) -> None:
    """Set a new password, end every other session, and sign this browser tab in."""
    now = now or utcnow()
    row = _valid_token(session, token, TokenPurpose.RESET, now)
    if row is None:
        raise LinkInvalid(RESET_EXPIRED)
    user = session.get(User, row.user_id)
    problem = passwords.strength_problem(new_password, [user.email, user.name])
    if problem:
        raise InvalidInput({"password": problem})
    user.password_hash = passwords.hash_password(new_password)
    user.failed_signins, user.failed_signins_since, user.locked_until = 0, None, None
    row.used_at = now
    session.add_all([user, row])
    profile = session.get(ClientProfile, user.id)
    if profile is not None and profile.accepted_at is None:
        # Setting a password through the emailed link joins the portal, as the invite would;
        # the portal then asks for the charter acknowledgement.
        profile.accepted_at = now
        session.add(profile)
    end_all_sessions(session, user.id, now)
    audit.record(session, "auth.password_reset", practice_id=user.practice_id, actor_id=user.id)
    issue_ticket(session, user, client_token, home_path(user.role), now)
