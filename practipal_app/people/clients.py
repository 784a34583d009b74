"""Clients: listing, adding, changing — always inside what the acting user may see."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from zoneinfo import available_timezones

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from practipal_app.core import audit
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.phones import parse_phone
from practipal_app.models import (
    CLINICIAN_ROLES,
    ClientProfile,
    ClientStatus,
    Practice,
    Role,
    User,
)
from practipal_app.people.auth import email_problem, find_user, normalize_email

PAGE_SIZE = 25


@dataclass(frozen=True)
class ClientForm:
    """What the add/edit form sends, as typed."""

    name: str = ""
    email: str = ""
    phone: str = ""
    preferred_name: str = ""
    timezone: str = "Asia/Kolkata"
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    emergency_contact_relation: str = ""
    status: str = ClientStatus.ACTIVE
    therapist_id: int | None = None

    @classmethod
    def from_dict(cls, data: dict) -> ClientForm:
        names = {f.name for f in fields(cls)}
        values = {
            k: (str(v).strip() if k != "therapist_id" else v) for k, v in data.items() if k in names
        }
        if values.get("therapist_id") in ("", None):
            values["therapist_id"] = None
        else:
            try:
                values["therapist_id"] = int(values["therapist_id"])
            except (TypeError, ValueError):
                values["therapist_id"] = -1
        return cls(**values)


@dataclass(frozen=True)
class ClientRecord:
    """One client as stored: account, profile and therapist. Phones are E.164 (or ""), times UTC;
    `people.views` shapes them for a page."""

    id: int
    name: str
    preferred_name: str
    email: str
    phone: str
    timezone: str
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relation: str
    status: str
    #: "Active", "Invited" or "Not invited": whether the client has joined the portal.
    portal: str
    invited_at: datetime | None
    accepted_at: datetime | None
    therapist_id: int
    therapist_name: str
    #: The practice's zone, in which the invite and join times are shown.
    practice_timezone: str


def portal_status(profile: ClientProfile) -> str:
    if profile.accepted_at:
        return "Active"
    if profile.invited_at:
        return "Invited"
    return "Not invited"


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied()


def _scope(actor: Actor):
    """The clients this actor may see: all of the practice's for owner and assistant, else their
    own."""
    _require_staff(actor)
    if actor.sees_whole_practice:
        return ClientProfile.practice_id == actor.practice_id
    return (ClientProfile.practice_id == actor.practice_id) & (
        ClientProfile.therapist_id == actor.user_id
    )


def scoped_profile(session: Session, actor: Actor, client_id: int) -> ClientProfile:
    """The client's profile if the actor may see it; NotFound otherwise (never a hint that it
    exists)."""
    profile = session.exec(
        select(ClientProfile).where(ClientProfile.user_id == client_id, _scope(actor))
    ).first()
    if profile is None:
        raise NotFound("No such client.")
    return profile


def names(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of every client the actor may see, by name."""
    return list(
        session.exec(
            select(User.id, User.name)
            .join(ClientProfile, ClientProfile.user_id == User.id)
            .where(_scope(actor))
            .order_by(User.name)
            .limit(1000)
        ).all()
    )


def list_clients(
    session: Session,
    actor: Actor,
    query: str = "",
    status: str = "",
    page: int = 0,
) -> tuple[list[ClientRecord], int]:
    therapist = aliased(User)
    where = [_scope(actor)]
    if status in {s.value for s in ClientStatus}:
        where.append(ClientProfile.status == status)
    text = query.strip().lower()
    if text:
        # Escape LIKE wildcards so "kabir_das" or "100%" match as typed.
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        digits = "".join(ch for ch in text if ch.isdigit())
        matches = [
            func.lower(User.name).like(like, escape="\\"),
            User.email.like(like, escape="\\"),
            func.lower(ClientProfile.preferred_name).like(like, escape="\\"),
        ]
        if len(digits) >= 3:
            matches.append(User.phone.like(f"%{digits}%"))
        where.append(or_(*matches))
    base = (
        select(User, ClientProfile, therapist.name)
        .join(ClientProfile, ClientProfile.user_id == User.id)
        .join(therapist, therapist.id == ClientProfile.therapist_id)
        .where(*where)
    )
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(
        base.order_by(func.lower(User.name), User.id)
        .offset(max(page, 0) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    tz = session.get(Practice, actor.practice_id).timezone
    return [_record(u, p, t_name, tz) for u, p, t_name in rows], total


def _record(
    user: User,
    profile: ClientProfile,
    therapist_name: str,
    practice_timezone: str,
) -> ClientRecord:
    return ClientRecord(
        id=user.id,
        name=user.name,
        preferred_name=profile.preferred_name,
        email=user.email,
        phone=user.phone,
        timezone=profile.timezone,
        emergency_contact_name=profile.emergency_contact_name,
        emergency_contact_phone=profile.emergency_contact_phone,
        emergency_contact_relation=profile.emergency_contact_relation,
        status=profile.status,
        portal=portal_status(profile),
        invited_at=profile.invited_at,
        accepted_at=profile.accepted_at,
        therapist_id=profile.therapist_id,
        therapist_name=therapist_name,
        practice_timezone=practice_timezone,
    )


def get_client(session: Session, actor: Actor, client_id: int) -> ClientRecord:
    profile = scoped_profile(session, actor, client_id)
    user = session.get(User, client_id)
    therapist = session.get(User, profile.therapist_id)
    tz = session.get(Practice, profile.practice_id).timezone
    return _record(user, profile, therapist.name, tz)


def therapists(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Who a client can be assigned to: yourself, or anyone clinical if you run the practice."""
    _require_staff(actor)
    where = [
        User.practice_id == actor.practice_id,
        col(User.role).in_(list(CLINICIAN_ROLES)),
        User.active,
    ]
    if not actor.sees_whole_practice:
        where.append(User.id == actor.user_id)
    return [
        (u.id, u.name) for u in session.exec(select(User).where(*where).order_by(User.name)).all()
    ]


def _validate(session: Session, actor: Actor, form: ClientForm, editing: int | None) -> dict:
    """Field errors, plus the parsed phones under '_phone' and '_ec_phone'."""
    errors: dict[str, str] = {}
    if not form.name:
        errors["name"] = "Enter the client's name."
    email = normalize_email(form.email)
    if problem := email_problem(email):
        errors["email"] = problem
    else:
        existing = find_user(session, email)
        if existing is not None and existing.id != editing:
            errors["email"] = "Someone in this practice already uses this email."
    parsed = {"_phone": "", "_ec_phone": ""}
    for key, field in (("_phone", "phone"), ("_ec_phone", "emergency_contact_phone")):
        raw = getattr(form, field)
        if raw:
            try:
                parsed[key] = parse_phone(raw)
            except ValueError as exc:
                errors[field] = str(exc)
    if form.timezone not in available_timezones():
        errors["timezone"] = "Choose a timezone from the list."
    if form.status not in {s.value for s in ClientStatus}:
        errors["status"] = "Choose a status."
    if form.therapist_id is not None and form.therapist_id not in dict(therapists(session, actor)):
        errors["therapist_id"] = "Choose a therapist from the list."
    if errors:
        raise InvalidInput(errors)
    return parsed


def _assigned_therapist(actor: Actor, form: ClientForm) -> int:
    if form.therapist_id is not None:
        return form.therapist_id
    if actor.role in CLINICIAN_ROLES:
        return actor.user_id
    raise InvalidInput({"therapist_id": "Choose the client's therapist."})


def add_client(session: Session, actor: Actor, form: ClientForm) -> int:
    _require_staff(actor)
    phones = _validate(session, actor, form, editing=None)
    therapist_id = _assigned_therapist(actor, form)
    user = User(
        practice_id=actor.practice_id,
        email=normalize_email(form.email),
        name=form.name,
        phone=phones["_phone"],
        role=Role.CLIENT,
    )
    session.add(user)
    session.flush()
    session.add(
        ClientProfile(
            user_id=user.id,
            practice_id=actor.practice_id,
            therapist_id=therapist_id,
            preferred_name=form.preferred_name,
            timezone=form.timezone,
            emergency_contact_name=form.emergency_contact_name,
            emergency_contact_phone=phones["_ec_phone"],
            emergency_contact_relation=form.emergency_contact_relation,
            status=form.status,
        )
    )
    audit.record(
        session,
        "client.created",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=user.id,
    )
    return user.id


def update_client(session: Session, actor: Actor, client_id: int, form: ClientForm) -> ClientRecord:
    profile = scoped_profile(session, actor, client_id)
    phones = _validate(session, actor, form, editing=client_id)
    user = session.get(User, client_id)
    # A list, not a dict: table rows are unhashable.
    changes = [
        (user, "name", form.name),
        (user, "email", normalize_email(form.email)),
        (user, "phone", phones["_phone"]),
        (profile, "preferred_name", form.preferred_name),
        (profile, "timezone", form.timezone),
        (profile, "emergency_contact_name", form.emergency_contact_name),
        (profile, "emergency_contact_phone", phones["_ec_phone"]),
        (profile, "emergency_contact_relation", form.emergency_contact_relation),
        (profile, "status", form.status),
    ]
    if form.therapist_id is not None:
        changes.append((profile, "therapist_id", form.therapist_id))
    changed = [name for obj, name, value in changes if getattr(obj, name) != value]
    for obj, name, value in changes:
        setattr(obj, name, value)
    session.add_all([user, profile])
    if changed:
        audit.record(
            session,
            "client.changed",
            practice_id=actor.practice_id,
            actor_id=actor.user_id,
            subject_type="client",
            subject_id=client_id,
            fields=sorted(changed),
        )
    session.flush()
    return get_client(session, actor, client_id)


@dataclass(frozen=True)
class Overview:
    clients: int
    on_portal: int
    invited: int


def overview(session: Session, actor: Actor) -> Overview:
    """Counts for the workspace home, within what the actor may see."""
    rows = session.exec(
        select(ClientProfile.accepted_at, ClientProfile.invited_at).where(
            _scope(actor), ClientProfile.status != ClientStatus.DISCHARGED
        )
    ).all()
    on_portal = sum(1 for accepted, _ in rows if accepted)
    invited = sum(1 for accepted, invited in rows if invited and not accepted)
    return Overview(clients=len(rows), on_portal=on_portal, invited=invited)
