"""`practipal demo --scale large`: the demo practice with years of history, for trying the insights
dashboard and for the benchmarks.

On top of the small demo (`demo.seed`: Dr. Asha Rao and her three clients, Riya able to sign in)
it adds therapists up to `therapists` in all and gives every one of them, Asha included, `years`
of history ending at `now`:

* 30–45 clients over the years, about 24 at a time; clients start, and are discharged when a new
  one takes their place. Client accounts have no password (nobody signs in as them).
* About 23 sessions a week (each therapist has their own average, trend, busy spells above their
  weekly cap, leave and festival weeks near zero, a few Saturday and Sunday sessions), 50 minutes
  on the hour or half hour between 09:00 and 20:00 in the practice's zone, never overlapping.
  Past sessions are mostly completed (about 5 % cancelled by the client, 2 % late, 2 % no-shows,
  1 % cancelled by the therapist); the next three weeks are scheduled.
* About 10,000 messages a year per therapist: WhatsApp before the portal, then portal messages as
  clients accept their invites. The portal adoption date (the first client accepting) falls at a
  different date for each therapist, 40–62 % of the way through. WhatsApp history is imported
  (one `WhatsAppImport` per client) shortly before `now`; a few calls and WhatsApps are logged by
  hand once the therapist uses PractiPal. About 15–30 % of messages come after hours, more in heavy
  weeks; `after_hours` follows the therapist's charter days and weekly hours (Mon–Fri
  09:00–19:00), for the therapist's own portal messages too.
* A weekly energy check-in for about 80 % of weeks, lower in heavy weeks.

The bulk rows go in with Core inserts (10,000 rows a statement), in time order across therapists
as a real practice would have written them. No invoices and no email for the history.
`random.Random(7)` drives everything: the same `now` gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from practipal_app.boundaries import charter
from practipal_app.boundaries import reply_rules as boundaries
from practipal_app.core.errors import DomainError
from practipal_app.demo import small as demo
from practipal_app.messaging import contact_log
from practipal_app.models import (
    Appointment,
    AppointmentStatus,
    ClientProfile,
    ClientStatus,
    ContactRecord,
    EnergyCheckIn,
    Message,
    MessageThread,
    Practice,
    Role,
    User,
    WhatsAppImport,
)
from practipal_app.models.base import utcnow
from practipal_app.onboarding.setup import add_staff
from practipal_app.people.auth import actor_for, find_user
from practipal_app.scheduling import rules as scheduling

SEED = 7
CHUNK = 10_000
FUTURE_WEEKS = 3
WORKING_HOURS = ("09:00", "19:00")  # Mon–Fri, for every therapist of the large demo

THERAPISTS = (
    ("Dr. Vikram Nair", "vikram@demo.practipal.in", "Amber-Monsoon-Kettle-19"),
    ("Priya Menon", "priya@demo.practipal.in", "Silver-Mango-Ferry-23"),
    ("Kabir Khanna", "kabir@demo.practipal.in", "Quiet-Banyan-Drum-58"),
    ("Sneha Kulkarni", "sneha@demo.practipal.in", "Paper-Kite-Harbour-31"),
    ("Farah Siddiqui", "farah@demo.practipal.in", "Jasmine-Tram-Lantern-64"),
    ("Rohan Das", "rohan@demo.practipal.in", "Copper-Rain-Veranda-27"),
    ("Ananya Bose", "ananya@demo.practipal.in", "Saffron-Owl-Bicycle-45"),
    ("Joseph Thomas", "joseph@demo.practipal.in", "Coconut-Ledger-Breeze-72"),
    ("Lakshmi Narayanan", "lakshmi@demo.practipal.in", "Temple-Chalk-River-86"),
)
FIRST_NAMES = (
    "Aarav",
    "Aditi",
    "Akash",
    "Amrita",
    "Anil",
    "Anjali",
    "Arnav",
    "Bhavna",
    "Chetan",
    "Deepa",
    "Devika",
    "Dhruv",
    "Divya",
    "Gaurav",
    "Ishaan",
    "Isha",
    "Jaya",
    "Karan",
    "Kavya",
    "Lata",
    "Manish",
    "Maya",
    "Neha",
    "Nikhil",
    "Nisha",
    "Pallavi",
    "Pooja",
    "Rahul",
    "Ritu",
    "Sahil",
    "Sana",
    "Shreya",
    "Siddharth",
    "Simran",
    "Tanvi",
    "Tara",
    "Varun",
    "Vidya",
    "Yash",
    "Zoya",
)
LAST_NAMES = (
    "Agarwal",
    "Banerjee",
    "Chatterjee",
    "D'Souza",
    "Desai",
    "Fernandes",
    "Ghosh",
    "Gupta",
    "Hegde",
    "Iyengar",
    "Jain",
    "Joshi",
    "Kapoor",
    "Kaur",
    "Krishnan",
    "Malhotra",
    "Mishra",
    "Mukherjee",
    "Naidu",
    "Pandey",
    "Patel",
    "Pillai",
    "Rao",
    "Reddy",
    "Saxena",
    "Sen",
    "Shah",
    "Singh",
    "Verma",
    "Yadav",
)
TOPIC_WEIGHTS = {"scheduling": 50, "tech": 15, "homework": 15, "other": 20}
CLIENT_BODIES = {
    "scheduling": (
        "Can we move Thursday's session?",
        "Running 10 minutes late, sorry!",
        "Is there an evening slot next week?",
        "I have to cancel Friday, I have an exam.",
        "Can we do video instead of in person this week?",
        "Confirming tomorrow at 5.",
    ),
    "tech": (
        "The video link isn't opening on my phone.",
        "The call dropped, can you hear me?",
        "Which link do I use today?",
        "The portal asks me to sign in again.",
    ),
    "homework": (
        "I finished the thought record, should I bring it?",
        "Where is the breathing exercise you shared?",
        "I tried the grounding exercise twice this week.",
        "Could you share the sleep diary again?",
    ),
    "other": (
        "Thank you for today.",
        "I wanted to tell you something before our session.",
        "Can I get a receipt for last month?",
        "Had a better week, will tell you on Tuesday.",
    ),
}
THERAPIST_BODIES = (
    "Yes, Thursday 6 pm works. I've moved it.",
    "Thank you for letting me know.",
    "Let's bring this to our next session.",
    "The link is in your portal under Sessions.",
    "Thank you — I have seen this and will reply at my next check time.",
    "No problem, see you then.",
    "I've shared the worksheet again under Resources.",
    "Take care, see you next week.",
)
LOGGED_TOPICS = (
    "Rescheduling",
    "Running late",
    "Payment question",
    "Video link not working",
    "Wanted to talk",
    "Cancelling this week",
)
ENERGY_NOTES = {
    1: ("Running on empty", "Need a break", "Messages all weekend"),
    2: ("Long week", "Too many evening sessions", "Slept badly"),
    3: ("Okay week", "Supervision helped"),
    4: ("Good week", "Lighter week"),
    5: ("Back from leave, rested", "Plenty of energy"),
}
CHECK_TIMES = ("17:30", "18:00", "18:00", "18:30")
# Lakshmi Puja: the Diwali week is a holiday week; other years fall back to 1 November.
DIWALI = {
    2018: date(2018, 11, 7),
    2019: date(2019, 10, 27),
    2020: date(2020, 11, 14),
    2021: date(2021, 11, 4),
    2022: date(2022, 10, 24),
    2023: date(2023, 11, 12),
    2024: date(2024, 11, 1),
    2025: date(2025, 10, 21),
    2026: date(2026, 11, 8),
    2027: date(2027, 10, 29),
    2028: date(2028, 10, 17),
    2029: date(2029, 11, 5),
    2030: date(2030, 10, 26),
}
# Fewer sessions in the May heat and school holidays and in December.
SEASON = {
    1: 1.05,
    2: 1.06,
    3: 1.04,
    4: 1.0,
    5: 0.9,
    6: 0.95,
    7: 1.03,
    8: 1.04,
    9: 1.03,
    10: 1.0,
    11: 0.97,
    12: 0.92,
}
HOUR_WEIGHTS = {
    9: 0.5,
    10: 0.9,
    11: 1.0,
    12: 1.0,
    13: 0.6,
    14: 0.9,
    15: 1.0,
    16: 1.1,
    17: 1.2,
    18: 1.1,
    19: 0.5,
}
SUNDAY_WEIGHT = 0.08

APPOINTMENT_COLUMNS = (
    "practice_id",
    "therapist_id",
    "client_id",
    "session_type_id",
    "title",
    "starts_at",
    "ends_at",
    "blocked_until",
    "status",
    "mode",
    "join_url",
    "location",
    "agenda",
    "fee_paise",
    "series_id",
    "created_by",
    "created_at",
    "cancelled_at",
)
MESSAGE_COLUMNS = (
    "thread_id",
    "sender_id",
    "kind",
    "topic",
    "body",
    "bring_to_session",
    "risk",
    "after_hours",
    "created_at",
)
CONTACT_COLUMNS = (
    "practice_id",
    "therapist_id",
    "client_id",
    "channel",
    "direction",
    "at",
    "length",
    "after_hours",
    "topic",
    "dedupe_key",
)
CHECKIN_COLUMNS = ("therapist_id", "week_start", "level", "note", "answered_at")
IMPORT_COLUMNS = (
    "therapist_id",
    "client_id",
    "filename",
    "added",
    "skipped",
    "first_at",
    "last_at",
    "imported_at",
)


@dataclass
class _Calendar:
    """The weeks of history (Mondays in the practice's zone), the current week, three ahead."""

    tz: ZoneInfo
    now: datetime
    weeks: list[date]
    past: int  # weeks whose Monday is not after today: history, the current week last

    @classmethod
    def make(cls, tz: ZoneInfo, now: datetime, years: int) -> _Calendar:
        today = now.astimezone(tz).date()
        this_monday = today - timedelta(days=today.weekday())
        past = round(years * 365.25 / 7) + 1
        first = this_monday - timedelta(weeks=past - 1)
        return cls(tz, now, [first + timedelta(weeks=i) for i in range(past + FUTURE_WEEKS)], past)

    def at(self, day: date, minute: int, second: int = 0) -> datetime:
        """A local wall-clock time as an aware UTC datetime."""
        local = datetime.combine(day, time(minute // 60, minute % 60, second), tzinfo=self.tz)
        return local.astimezone(UTC)


@dataclass
class _Client:
    name: str
    email: str
    phone: str
    start_week: int
    end_week: int | None  # the first week without this client; None: still seen
    weight: float  # sessions: 1 weekly, 0.5 fortnightly
    chat: float  # how much they message
    created_at: datetime
    accepted_at: datetime | None = None
    invited_at: datetime | None = None
    id: int = 0
    thread: MessageThread | None = None
    imported: list = field(default_factory=lambda: [0, None, None])  # count, first, last

    def active_in(self, week: int) -> bool:
        return self.start_week <= week and (self.end_week is None or week < self.end_week)


@dataclass
class _Rows:
    appointments: list[tuple] = field(default_factory=list)
    messages: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)
    checkins: list[tuple] = field(default_factory=list)
    imports: list[tuple] = field(default_factory=list)


def seed_large(
    session: Session,
    base_url: str,
    *,
    therapists: int = 10,
    years: int = 5,
    now: datetime | None = None,
) -> list[demo.DemoLogin]:
    """The small demo, more therapists, and `years` of history for all of them, ending at `now`.
    Refuses a database with a real practice, or one that already holds more than the small demo."""
    if therapists < 1 or years < 1:
        raise DomainError("The large demo needs at least one therapist and one year.")
    now = now or utcnow()
    if now.tzinfo is None:
        raise DomainError("Give `now` with its timezone.")
    found = demo.seed(session, base_url)
    _refuse_twice(session)
    rng = random.Random(SEED)
    owner = find_user(session, demo.THERAPIST[1])
    practice = session.get(Practice, owner.practice_id)
    staff = [owner]
    for name, email, password in _more_therapists(therapists - 1):
        user = add_staff(session, practice.id, name, email, Role.THERAPIST, password)
        charter.save(
            session, actor_for(user), charter.CharterSettings(check_time=rng.choice(CHECK_TIMES))
        )
        staff.append(user)
        found.append(demo.DemoLogin("therapist", name, email, password))
    cal = _Calendar.make(ZoneInfo(practice.timezone), now.astimezone(UTC), years)
    rows = _Rows()
    numbers = iter(range(1, 1_000_000))
    for user in staff:
        _therapist_history(session, rng, cal, user, rows, numbers)
    _bulk(
        session,
        Appointment,
        APPOINTMENT_COLUMNS,
        sorted(rows.appointments, key=lambda r: (r[5], r[1])),
    )
    _bulk(session, Message, MESSAGE_COLUMNS, sorted(rows.messages, key=lambda r: (r[8], r[0])))
    _bulk(
        session, ContactRecord, CONTACT_COLUMNS, sorted(rows.contacts, key=lambda r: (r[5], r[9]))
    )
    _bulk(
        session, EnergyCheckIn, CHECKIN_COLUMNS, sorted(rows.checkins, key=lambda r: (r[1], r[0]))
    )
    _bulk(session, WhatsAppImport, IMPORT_COLUMNS, rows.imports)
    session.flush()
    return found


def counts(session: Session) -> tuple[int, int, int, int]:
    """(therapists, appointments, portal messages, messages outside the portal) in the database."""

    def count(model, *where) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return (
        count(User, col(User.role).in_([Role.OWNER, Role.THERAPIST])),
        count(Appointment),
        count(Message, col(Message.kind).in_(["client", "therapist"])),
        count(ContactRecord),
    )


def _refuse_twice(session: Session) -> None:
    clinicians = session.exec(
        select(func.count())
        .select_from(User)
        .where(col(User.role).in_([Role.OWNER, Role.THERAPIST]))
    ).one()
    history = (
        session.exec(select(func.count()).select_from(EnergyCheckIn)).one()
        or session.exec(select(func.count()).select_from(ContactRecord)).one()
    )
    if clinicians > 1 or history:
        raise DomainError(
            "This database already holds the large demo (or more than the small demo). "
            "The large demo only seeds an empty database."
        )


def _more_therapists(count: int) -> list[tuple[str, str, str]]:
    named = list(THERAPISTS[:count])
    for n in range(len(named) + 2, count + 2):
        named.append(
            (f"Therapist {n}", f"therapist{n}@demo.practipal.in", f"Demo-Harbour-Kettle-{n}")
        )
    return named


def _bulk(session: Session, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    table = model.__table__
    for start in range(0, len(rows), CHUNK):
        session.execute(
            table.insert(),
            [dict(zip(columns, row, strict=True)) for row in rows[start : start + CHUNK]],
        )


# One therapist ------------------------------------------------------------------------------------


def _therapist_history(
    session: Session, rng: random.Random, cal: _Calendar, user: User, rows: _Rows, numbers
) -> None:
    actor = actor_for(user)
    scheduling.set_weekly_hours(session, actor, {d: [WORKING_HOURS] for d in range(5)})
    mean = rng.uniform(20.5, 26.5)
    settings = scheduling.settings_for(session, user.id)
    settings.weekly_cap = round(mean + rng.uniform(1.5, 4.5))
    settings.daily_cap = rng.choice((6, 6, 7))
    session.add(settings)
    kind = scheduling.session_types(session, user.id)[0]
    late_table = contact_log.working_time(session, user.id).late_minutes()
    check_settings = charter.current_for_therapist(session, user.id).settings

    sessions = _weekly_sessions(rng, cal, mean)
    clients = _clients(rng, cal, numbers)
    adoption = _adoption(rng, cal, clients)
    _save_clients(session, user, clients, cal)
    _appointments(session, rng, cal, user, kind, sessions, clients, rows)
    late_share = rng.uniform(0.14, 0.24) + (0.09 if rng.random() < 0.3 else 0.0)
    weekly_late = _messages(
        rng,
        cal,
        user,
        sessions,
        mean,
        late_share,
        adoption,
        clients,
        late_table,
        rows,
        check_settings,
    )
    _checkins(rng, cal, user, sessions, mean, settings.weekly_cap, late_share, weekly_late, rows)


def _weekly_sessions(rng: random.Random, cal: _Calendar, mean: float) -> list[int]:
    """Sessions in each week: the therapist's average, a trend, the season, busy spells, leave."""
    count = len(cal.weeks)
    start, end = rng.uniform(0.82, 1.0), rng.uniform(0.98, 1.12)
    spells: dict[int, float] = {}
    leave: set[int] = set()
    for year_start in range(0, cal.past, 52):
        span = range(year_start, min(year_start + 52, cal.past))
        for _ in range(rng.choice((1, 1, 2))):
            first, factor = rng.choice(span), rng.uniform(1.2, 1.4)
            spells.update(dict.fromkeys(range(first, first + rng.randint(3, 8)), factor))
        first = rng.choice(span)
        leave.update(range(first, first + rng.choice((1, 1, 2))))
    found = []
    for i, monday in enumerate(cal.weeks):
        x = i / max(count - 1, 1)
        factor = (start + (end - start) * x) / ((start + end) / 2)
        factor *= SEASON[(monday + timedelta(days=3)).month] * spells.get(i, 1.0) * _holiday(monday)
        n = round(mean * factor + rng.gauss(0, 2.0))
        if i in leave and i < cal.past:
            n = rng.randint(0, 2)
        found.append(min(max(n, 0), 40))
    return found


def _holiday(monday: date) -> float:
    week = [monday + timedelta(days=d) for d in range(7)]
    diwali = DIWALI.get(monday.year, date(monday.year, 11, 1))
    if diwali in week:
        return 0.1
    if any(d.month == 12 and d.day == 25 for d in week):
        return 0.35
    if any(d.month == 1 and d.day == 1 for d in week):
        return 0.6
    return 1.0


def _clients(rng: random.Random, cal: _Calendar, numbers) -> list[_Client]:
    """About 24 clients at a time; each new client takes the place of a discharged one."""
    places = rng.randint(21, 27)
    changes = max(2, round(rng.randint(8, 19) * cal.past / 261))
    by_place: dict[int, list[int]] = {p: [] for p in range(places)}
    for _ in range(changes):
        by_place[rng.randrange(places)].append(rng.randrange(2, max(cal.past - 1, 3)))
    clients = []
    for place in range(places):
        start = 0
        for change in sorted(by_place[place]) + [None]:
            end = None if change is None else max(change, start + 1)
            clients.append(_new_client(rng, cal, next(numbers), start, end))
            if end is not None:
                start = min(end + rng.randint(0, 2), cal.past - 1)
    return clients


def _new_client(
    rng: random.Random, cal: _Calendar, number: int, start: int, end: int | None
) -> _Client:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    handle = last.lower().replace("'", "")
    created = cal.at(cal.weeks[start], 10 * 60) - timedelta(
        days=rng.uniform(1, 10) + (400 if start == 0 else 0)
    )
    return _Client(
        name=f"{first} {last}",
        email=f"{first.lower()}.{handle}.{number}@clients.demo.practipal.in",
        phone=f"+91 9{rng.randrange(1000, 9999)} {rng.randrange(10000, 99999)}",
        start_week=start,
        end_week=end,
        weight=0.5 if rng.random() < 0.2 else 1.0,
        chat=rng.lognormvariate(0, 0.6),
        created_at=created,
    )


def _adoption(rng: random.Random, cal: _Calendar, clients: list[_Client]) -> datetime:
    """The first client accepts their portal invite 40–62 % of the way through; most others follow
    within weeks, new clients soon after they start, about one in seven never."""
    week = int(cal.past * rng.uniform(0.4, 0.62))
    day = cal.weeks[week] + timedelta(days=rng.randrange(5))
    adoption = cal.at(day, 10 * 60 + rng.randrange(420))
    present = [c for c in clients if c.active_in(week)] or clients
    first = rng.choice(present)
    first.accepted_at, first.invited_at = adoption, adoption - timedelta(hours=rng.uniform(2, 48))
    for c in clients:
        if c is first:
            continue
        started = cal.at(cal.weeks[c.start_week], 9 * 60)
        left = None if c.end_week is None else cal.at(cal.weeks[c.end_week], 0)
        begin = max(adoption, started)
        if left is not None and left <= begin:
            continue
        if rng.random() < 0.86:
            mean_days = 42 if started < adoption else 10
            accepted = begin + timedelta(days=rng.expovariate(1 / mean_days))
            if accepted <= cal.now and (left is None or accepted < left):
                c.accepted_at = accepted
                c.invited_at = max(adoption, accepted - timedelta(days=rng.uniform(0.2, 4)))
                continue
        invited = begin + timedelta(days=rng.uniform(0, 20))
        if rng.random() < 0.6 and invited <= cal.now:
            c.invited_at = invited
    return adoption


def _save_clients(
    session: Session, therapist: User, clients: list[_Client], cal: _Calendar
) -> None:
    users = [
        User(
            practice_id=therapist.practice_id,
            email=c.email,
            name=c.name,
            phone=c.phone,
            role=Role.CLIENT,
            created_at=c.created_at,
        )
        for c in clients
    ]
    session.add_all(users)
    session.flush()
    for c, u in zip(clients, users, strict=True):
        c.id = u.id
    session.add_all(
        [
            ClientProfile(
                user_id=c.id,
                practice_id=therapist.practice_id,
                therapist_id=therapist.id,
                timezone=cal.tz.key,
                invited_at=c.invited_at,
                accepted_at=c.accepted_at,
                emergency_contact_name="Family member",
                emergency_contact_phone="+91 90000 00001",
                emergency_contact_relation="Parent",
                status=ClientStatus.ACTIVE if c.end_week is None else ClientStatus.DISCHARGED,
            )
            for c in clients
        ]
    )
    for c in clients:
        if c.accepted_at is not None:
            c.thread = MessageThread(
                practice_id=therapist.practice_id, client_id=c.id, therapist_id=therapist.id
            )
            session.add(c.thread)
    session.flush()


def _pick(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k items without replacement, by weight (Efraimidis–Spirakis)."""
    keyed = sorted(
        ((rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True
    )
    return [items[i] for _, i in keyed[:k]]


def _appointments(
    session: Session,
    rng: random.Random,
    cal: _Calendar,
    therapist: User,
    kind,
    sessions: list[int],
    clients: list[_Client],
    rows: _Rows,
) -> None:
    """Each week's sessions on distinct hourly slots (one per slot, 50 minutes plus a 10-minute
    buffer, so nothing overlaps), around whatever the therapist already has booked."""
    held = [
        (a.starts_at, a.blocked_until)
        for a in session.exec(
            select(Appointment).where(Appointment.therapist_id == therapist.id)
        ).all()
    ]
    saturday = rng.choice((0.0, 0.0, 0.15, 0.3))
    length = timedelta(minutes=kind.duration_minutes)
    hold = length + timedelta(minutes=kind.buffer_minutes)
    step = max(60, kind.duration_minutes + kind.buffer_minutes)
    for week, (monday, n) in enumerate(zip(cal.weeks, sessions, strict=True)):
        present = [c for c in clients if c.active_in(week)]
        if not n or not present:
            continue
        slots, weights = [], []
        for day in range(7):
            if day < 5:
                first, last, day_weight = 9 * 60 + (30 if rng.random() < 0.3 else 0), 19 * 60, 1.0
            elif day == 5:
                first, last, day_weight = 10 * 60, 14 * 60, saturday
            else:
                first, last, day_weight = 11 * 60, 12 * 60, SUNDAY_WEIGHT
            for minute in range(first, last + 1, step):
                slots.append((monday + timedelta(days=day), minute))
                weights.append(day_weight * HOUR_WEIGHTS[minute // 60])
        chosen = _pick(rng, slots, weights, n)
        who = _pick(rng, present, [c.weight for c in present], len(chosen))
        who += [rng.choice(present) for _ in range(len(chosen) - len(who))]  # some twice a week
        rng.shuffle(who)
        for (day, minute), client in zip(sorted(chosen), who, strict=True):
            starts = cal.at(day, minute)
            status, cancelled = _status(rng, starts, cal.now)
            created = starts - timedelta(days=rng.uniform(2, 14))
            if any(starts < until and begin < starts + hold for begin, until in held):
                continue  # the small demo's sessions
            rows.appointments.append(
                (
                    therapist.practice_id,
                    therapist.id,
                    client.id,
                    kind.id,
                    kind.name,
                    starts,
                    starts + length,
                    starts + hold,
                    status,
                    kind.mode,
                    "",
                    "",
                    "",
                    kind.fee_paise,
                    "",
                    therapist.id,
                    min(created, cal.now),
                    cancelled,
                )
            )


def _status(rng: random.Random, starts: datetime, now: datetime) -> tuple[str, datetime | None]:
    if starts >= now:
        return AppointmentStatus.SCHEDULED, None
    r = rng.random()
    if r < 0.05:
        return AppointmentStatus.CANCELLED_BY_CLIENT, starts - timedelta(hours=rng.uniform(26, 120))
    if r < 0.07:
        return AppointmentStatus.LATE_CANCELLED, starts - timedelta(hours=rng.uniform(1, 20))
    if r < 0.09:
        return AppointmentStatus.NO_SHOW, None
    if r < 0.10:
        return AppointmentStatus.CANCELLED_BY_THERAPIST, starts - timedelta(
            hours=rng.uniform(24, 168)
        )
    return AppointmentStatus.COMPLETED, None


def _messages(
    rng: random.Random,
    cal: _Calendar,
    therapist: User,
    sessions: list[int],
    mean: float,
    late_share: float,
    adoption: datetime,
    clients: list[_Client],
    late_table: list[list[bool]],
    rows: _Rows,
    check_settings: charter.CharterSettings,
) -> list[tuple[int, int]]:
    """Portal messages and contacts outside it, week by week; returns (all, after hours) per
    week."""
    total = 10_000 * cal.past / 52.18 * rng.uniform(0.9, 1.1)
    portal_use = rng.uniform(0.78, 0.92)
    app_start = adoption - timedelta(weeks=rng.randint(2, 10))
    import_at = max(
        cal.now - timedelta(days=rng.uniform(3, 45)),
        min(adoption + timedelta(weeks=8), cal.now - timedelta(days=1)),
    )
    weights = []
    for week in range(cal.past):
        w = (sessions[week] + 0.35 * mean) * rng.lognormvariate(0, 0.2)
        if week == cal.past - 1:  # the current week, so far
            w *= (cal.now - cal.at(cal.weeks[week], 0)) / timedelta(days=7)
        weights.append(w)
    scale = total / sum(weights)
    topics, topic_weights = list(TOPIC_WEIGHTS), list(TOPIC_WEIGHTS.values())
    keys = (f"demo:{therapist.id}:{n}" for n in range(10_000_000))
    per_week = []
    practice_id, therapist_id = therapist.practice_id, therapist.id
    first_message = len(rows.messages)
    for week in range(cal.past):
        present = [c for c in clients if c.active_in(week)]
        exact = weights[week] * scale
        count = int(exact) + (rng.random() < exact - int(exact))
        if not present or not count:
            per_week.append((0, 0))
            continue
        p_late = min(max(late_share * (0.3 + 0.7 * sessions[week] / mean), 0.03), 0.65)
        monday = cal.weeks[week]
        seen = late_seen = 0
        for client in rng.choices(present, weights=[c.chat for c in present], k=count):
            if rng.random() < p_late:
                r = rng.random()
                if r < 0.55:
                    day, minute = rng.randrange(5), rng.randrange(19 * 60, 23 * 60 + 30)
                elif r < 0.65:
                    day, minute = rng.randrange(5), rng.randrange(6 * 60 + 30, 9 * 60)
                else:
                    day, minute = 5 + rng.randrange(2), rng.randrange(8 * 60, 23 * 60)
            else:
                day, minute = rng.randrange(5), rng.randrange(9 * 60, 19 * 60)
            at = cal.at(monday + timedelta(days=day), minute, rng.randrange(60))
            incoming = rng.random() < 0.56
            if at > cal.now:
                continue
            late = late_table[day][minute]
            seen += 1
            late_seen += late
            if (
                client.accepted_at is not None
                and at >= client.accepted_at
                and rng.random() < portal_use
            ):
                if incoming:
                    topic = rng.choices(topics, topic_weights)[0]
                    rows.messages.append(
                        (
                            client.thread.id,
                            client.id,
                            "client",
                            topic,
                            rng.choice(CLIENT_BODIES[topic]),
                            rng.random() < 0.08,
                            False,
                            late,
                            at,
                        )
                    )
                else:
                    rows.messages.append(
                        (
                            client.thread.id,
                            therapist_id,
                            "therapist",
                            "",
                            rng.choice(THERAPIST_BODIES),
                            False,
                            False,
                            late,
                            at,
                        )
                    )
                continue
            r = rng.random() if at >= app_start else 1.0
            if r < 0.06:
                channel, topic = "phone_logged", rng.choice(LOGGED_TOPICS)
            elif r < 0.10 or at >= import_at:
                channel, topic = "whatsapp_logged", rng.choice(LOGGED_TOPICS)
            else:
                channel, topic = contact_log.CHANNEL_IMPORT, ""
            length = 0
            if channel == contact_log.CHANNEL_IMPORT:
                length = min(max(int(rng.lognormvariate(4.0, 0.7)), 20), 300)
                done = client.imported
                done[0] += 1
                done[1] = at if done[1] is None or at < done[1] else done[1]
                done[2] = at if done[2] is None or at > done[2] else done[2]
            rows.contacts.append(
                (
                    practice_id,
                    therapist_id,
                    client.id,
                    channel,
                    "in" if incoming else "out",
                    at,
                    length,
                    late,
                    topic,
                    next(keys),
                )
            )
        per_week.append((seen, late_seen))
    for n, client in enumerate(clients):
        count, first, last = client.imported
        if count:
            rows.imports.append(
                (
                    therapist_id,
                    client.id,
                    f"WhatsApp Chat with {client.name}.txt",
                    count,
                    0,
                    first,
                    last,
                    import_at + timedelta(minutes=n),
                )
            )
    _settle_threads(rows.messages[first_message:], clients, cal, check_settings)
    return per_week


def _settle_threads(
    messages: list[tuple],
    clients: list[_Client],
    cal: _Calendar,
    check_settings: charter.CharterSettings,
) -> None:
    """Each thread's last message; client messages of the last ten days still waiting for a
    reply."""
    threads = {c.thread.id: c.thread for c in clients if c.thread is not None}
    waiting: dict[int, list[datetime]] = {}
    for row in sorted(messages, key=lambda r: r[8]):
        thread_id, kind, at = row[0], row[2], row[8]
        threads[thread_id].last_message_at = at
        if kind == "client":
            waiting.setdefault(thread_id, []).append(at)
        else:
            waiting.pop(thread_id, None)
    for thread_id, since in waiting.items():
        if since[0] > cal.now - timedelta(days=10):
            thread = threads[thread_id]
            thread.unread_for_therapist = len(since)
            thread.awaiting_reply_since = since[0]
            thread.reply_due_at = boundaries.expected_reply(check_settings, cal.tz.key, since[0])


def _checkins(
    rng: random.Random,
    cal: _Calendar,
    therapist: User,
    sessions: list[int],
    mean: float,
    cap: int,
    late_share: float,
    weekly_late: list[tuple[int, int]],
    rows: _Rows,
) -> None:
    """About four weeks in five; lower after a heavy week or many after-hours messages."""
    for week in range(cal.past):
        if rng.random() >= 0.8:
            continue
        monday = cal.weeks[week]
        answered = cal.at(
            monday + timedelta(days=rng.choice((0, 0, 1, 4))), rng.randrange(8 * 60, 21 * 60)
        )
        seen, late = weekly_late[week]
        late_now = late / seen if seen else late_share
        level = (
            3.3
            - 4 * (sessions[week] - mean) / cap
            - 2 * (late_now - late_share)
            + rng.gauss(0, 0.9)
        )
        level = min(max(round(level), 1), 5)
        note = rng.choice(ENERGY_NOTES[level]) if rng.random() < 0.15 else ""
        if answered <= cal.now:
            rows.checkins.append((therapist.id, monday, level, note, answered))
