"""Who is acting. Every service that reads or changes data takes one."""

from __future__ import annotations

from dataclasses import dataclass

from practipal_app.models import CLINICIAN_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    practice_id: int
    role: Role
    name: str
    email: str
    #: The sign-in session acting (0 when the actor was not read from a session cookie).
    session_id: int = 0

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_clinician(self) -> bool:
        return self.role in CLINICIAN_ROLES

    @property
    def sees_whole_practice(self) -> bool:
        return self.role in (Role.OWNER, Role.ASSISTANT)
