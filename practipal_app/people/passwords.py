"""Password hashing (argon2id through passlib/libpass) and strength rules."""

from __future__ import annotations

from functools import lru_cache

from passlib.context import CryptContext
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 3

# OWASP's argon2id baseline: 19 MiB, two passes, one lane.
ARGON2_PARAMS = {"memory_cost": 19456, "rounds": 2, "parallelism": 1}


def make_context(memory_cost: int, rounds: int, parallelism: int) -> CryptContext:
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__memory_cost=memory_cost,
        argon2__rounds=rounds,
        argon2__parallelism=parallelism,
    )


CONTEXT = make_context(**ARGON2_PARAMS)


def hash_password(password: str, context: CryptContext = CONTEXT) -> str:
    return context.hash(password)


def verify(
    password: str, stored_hash: str, context: CryptContext = CONTEXT
) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one uses old parameters)."""
    return context.verify_and_update(password, stored_hash)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-for-timing")


def burn_equal_work(password: str) -> None:
    """Verify against a throwaway hash so an unknown email costs as much as a wrong password."""
    CONTEXT.verify(password, _dummy_hash())


def strength_problem(password: str, user_inputs: list[str] | None = None) -> str | None:
    """The reason a password is refused, or None when it is good enough."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    # zxcvbn raises for anything over 72 characters unless told the real limit.
    result = zxcvbn(
        password, user_inputs=[u for u in (user_inputs or []) if u], max_length=MAX_LENGTH
    )
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    reason = feedback.get("warning") or "This password is too easy to guess."
    suggestions = " ".join(feedback.get("suggestions") or [])
    return f"{reason} {suggestions}".strip()
