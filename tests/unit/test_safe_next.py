"""Where the browser goes after signing in: never off-site, never outside the person's own area."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from practipal_app.models import Role
from practipal_app.people.auth import home_path, safe_next


@pytest.mark.parametrize(
    ("next_path", "role", "goes_to"),
    [
        ("/app/clients", Role.THERAPIST, "/app/clients"),
        ("/app/clients/12?tab=notes", Role.OWNER, "/app/clients/12?tab=notes"),
        ("/app", Role.ASSISTANT, "/app"),
        ("/app?day=2026-03-02", Role.THERAPIST, "/app?day=2026-03-02"),
        ("  /app/inbox  ", Role.THERAPIST, "/app/inbox"),
        ("/portal/messages", Role.CLIENT, "/portal/messages"),
        (None, Role.THERAPIST, "/app"),
        ("", Role.CLIENT, "/portal"),
        ("https://evil.example/app", Role.THERAPIST, "/app"),
        ("http://evil.example", Role.CLIENT, "/portal"),
        ("//evil.example/app", Role.THERAPIST, "/app"),
        ("/\\evil.example", Role.THERAPIST, "/app"),
        ("/app\\..\\..\\evil", Role.THERAPIST, "/app"),
        ("/app/redirect?to=https://evil.example", Role.THERAPIST, "/app"),
        ("javascript:alert(1)", Role.CLIENT, "/portal"),
        ("evil.example/app", Role.THERAPIST, "/app"),
        ("/portal/messages", Role.THERAPIST, "/app"),
        ("/app/clients", Role.CLIENT, "/portal"),
        ("/application", Role.THERAPIST, "/app"),
        ("/portalx", Role.CLIENT, "/portal"),
    ],
)
def test_next_path_cases(next_path, role, goes_to):
    assert safe_next(next_path, role) == goes_to


roles = st.sampled_from(list(Role))
paths = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(["/app", "/portal", "/", "//", "/app/", "/portal?", "http://", "\\"]),
        st.text(max_size=30),
    ),
)


@given(paths, roles)
@example("/app/\t/evil.example", Role.THERAPIST)
@example("/\t/evil.example", Role.THERAPIST)
def test_result_is_always_inside_the_roles_own_area(next_path, role):
    home = home_path(role)
    result = safe_next(next_path, role)
    assert result == home or result.startswith((home + "/", home + "?"))
    assert result in (home, next_path.strip())
    assert "://" not in result and "\\" not in result and not result.startswith("//")
