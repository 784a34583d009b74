"""First-run setup and the staff of a practice."""

from __future__ import annotations

from zoneinfo import available_timezones

from sqlmodel import Session, func, select

from practipal_app.core import audit
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.models import Practice, Role, TherapistProfile, User
from practipal_app.people import passwords
from practipal_app.people.auth import email_problem, find_user, normalize_email
from practipal_app.scheduling import rules as scheduling

DEFAULT_TIMEZONE = "Asia/Kolkata"


def needs_setup(session: Session) -> bool:
    """True until the practice has an owner."""
    owners = session.exec(
        select(func.count()).select_from(User).where(User.role == Role.OWNER)
    ).one()
    return owners == 0


def the_practice(session: Session) -> Practice | None:
    return session.exec(select(Practice).order_by(Practice.id)).first()


def _person_errors(session: Session, name: str, email: str, password: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter a name."
    if problem := email_problem(email):
        errors["email"] = problem
    elif find_user(session, email) is not None:
        errors["email"] = "An account with this email already exists."
    if password is not None and (problem := passwords.strength_problem(password, [name, email])):
        errors["password"] = problem
    return errors


def create_practice(
    session: Session,
    *,
    practice_name: str,
    timezone: str,
    owner_name: str,
    email: str,
    password: str,
) -> User:
    """Create the practice and its owner (who is also its first therapist). Only once. Errors are
    keyed by the setup form's fields."""
    if not needs_setup(session):
        raise DomainError("This practice is already set up. Sign in instead.")
    email = normalize_email(email)
    errors = _person_errors(session, owner_name, email, password)
    if "name" in errors:  # keyed by the setup form's field
        errors["owner_name"] = errors.pop("name")
    if not practice_name.strip():
        errors["practice_name"] = "Enter the practice's name."
    if timezone not in available_timezones():
        errors["timezone"] = "Choose a timezone from the list."
    if errors:
        raise InvalidInput(errors)
    practice = Practice(name=practice_name.strip(), timezone=timezone)
    session.add(practice)
    session.flush()
    owner = add_staff(session, practice.id, owner_name, email, Role.OWNER, password)
    audit.record(session, "practice.created", practice_id=practice.id, actor_id=owner.id)
    return owner


def add_staff(
    session: Session,
    practice_id: int,
    name: str,
    email: str,
    role: Role,
    password: str | None,
) -> User:
    """A staff account; owners and therapists get a therapist profile."""
    email = normalize_email(email)
    errors = _person_errors(session, name, email, password)
    if errors:
        raise InvalidInput(errors)
    user = User(
        practice_id=practice_id,
        email=email,
        name=name.strip(),
        role=role,
        password_hash=passwords.hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    if role in (Role.OWNER, Role.THERAPIST):
        session.add(TherapistProfile(user_id=user.id))
        scheduling.ensure_defaults(session, user.id)
    return user


def practice_name(session: Session, practice_id: int) -> str:
    practice = session.get(Practice, practice_id)
    return practice.name if practice else ""


def set_up(
    session: Session, *, client_token: str, starter_library: bool = False, **details: str
) -> None:
    """First run: create the practice and its owner (with the starter resources when asked), and
    sign the owner's browser tab in."""
    from practipal_app.content import starter_library as starters
    from practipal_app.people.auth import actor_for, issue_ticket

    owner = create_practice(session, **details)
    if starter_library:
        starters.install(session, actor_for(owner))
    issue_ticket(session, owner, client_token, "/app")
