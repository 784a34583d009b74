"""Password hashing parameters, rehash on parameter change, and the strength rules people meet."""

from __future__ import annotations

import re

import pytest

from practipal_app.people import passwords

STRONG = "Calm-Harbour-Tea-42"


def _params(stored_hash: str) -> dict[str, str]:
    match = re.fullmatch(
        r"\$(argon2\w+)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", stored_hash
    )
    assert match, stored_hash
    scheme, version, m, t, p = match.groups()
    return {"scheme": scheme, "v": version, "m": m, "t": t, "p": p}


def test_stored_hash_is_argon2id_with_owasp_parameters():
    stored = passwords.hash_password(STRONG)
    assert _params(stored) == {"scheme": "argon2id", "v": "19", "m": "19456", "t": "2", "p": "1"}
    assert STRONG not in stored
    # Salted: the same password never hashes to the same string twice.
    assert passwords.hash_password(STRONG) != stored


def test_verify_accepts_right_password_and_refuses_wrong_one():
    stored = passwords.hash_password(STRONG)
    assert passwords.verify(STRONG, stored) == (True, None)
    assert passwords.verify(STRONG + "x", stored) == (False, None)


def test_hash_with_older_parameters_is_replaced_on_successful_verify():
    old_context = passwords.make_context(memory_cost=8192, rounds=1, parallelism=1)
    old = passwords.hash_password(STRONG, old_context)
    assert _params(old)["m"] == "8192"

    ok, new_hash = passwords.verify(STRONG, old)

    assert ok is True
    assert new_hash is not None
    assert _params(new_hash) == {"scheme": "argon2id", "v": "19", "m": "19456", "t": "2", "p": "1"}
    assert passwords.verify(STRONG, new_hash) == (True, None)
    # A wrong password never produces a replacement hash.
    assert passwords.verify("Wrong-Harbour-Tea-42", old) == (False, None)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "Use at least 10 characters."),
        ("x" * 129, "Use at most 128 characters."),
        ("password123", "This is a very common password."),
        ("iloveyou2024", "This is similar to a commonly used password."),
        ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
        ("abcdefghij", 'Sequences like "abc" or "6543" are easy to guess.'),
    ],
)
def test_weak_password_is_refused_with_a_reason(password, reason):
    problem = passwords.strength_problem(password)
    assert problem is not None
    assert problem.startswith(reason)


def test_password_built_from_the_persons_own_email_is_refused():
    assert passwords.strength_problem("Asha@example.com1") is None
    problem = passwords.strength_problem("Asha@example.com1", ["Asha Rao", "asha@example.com"])
    assert problem is not None and "easy to guess" in problem


@pytest.mark.parametrize(
    "password", [STRONG, "correct horse battery staple", "Amber-Monsoon-Kettle-19"]
)
def test_strong_password_is_accepted(password):
    assert passwords.strength_problem(password, ["Asha Rao", "asha@example.com"]) is None


@pytest.mark.parametrize("length", [73, 100, 128])
def test_long_passphrase_up_to_the_limit_is_judged_not_crashed(length):
    # zxcvbn refuses to look at more than 72 characters by default; the app allows 128.
    strong = ("Kettle-Monsoon-Lantern-Harbour-" * 5)[:length]
    assert passwords.strength_problem(strong) is None
    weak = "a" * length
    assert passwords.strength_problem(weak) is not None
