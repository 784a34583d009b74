"""iCalendar files: one appointment as an invitation, and a therapist's private feed."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

PRODID = "-//PractiPal//Practice calendar//EN"


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def _event(
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    *,
    description: str = "",
    location: str = "",
    url: str = "",
    sequence: int = 0,
    cancelled: bool = False,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", start)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("sequence", sequence)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if cancelled:
        event.add("status", "CANCELLED")
    return event


def initials(name: str) -> str:
    """'Riya Sharma' -> 'R.S.': how a client is named where their full name should not travel."""
    letters = [next((ch for ch in word if ch.isalnum()), "") for word in name.split()]
    letters = [ch.upper() for ch in letters if ch][:4]
    return "".join(f"{ch}." for ch in letters) or "Client"


def appointment_uid(appointment_id: int) -> str:
    return f"appointment-{appointment_id}@practipal"


def invitation(
    appointment_id: int,
    start: datetime,
    end: datetime,
    summary: str,
    *,
    location: str = "",
    url: str = "",
    description: str = "",
    sequence: int = 0,
    cancelled: bool = False,
) -> str:
    """A one-event .ics a client can add to their calendar (or that removes it, when cancelled)."""
    cal = _calendar("CANCEL" if cancelled else "PUBLISH")
    cal.add_component(
        _event(
            appointment_uid(appointment_id),
            start,
            end,
            summary,
            description=description,
            location=location,
            url=url,
            sequence=sequence,
            cancelled=cancelled,
        )
    )
    return cal.to_ical().decode()


def feed(events: list[dict], name: str) -> str:
    """A subscribable calendar of several events: dicts with id, start, end, summary, location,
    url."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    for e in events:
        cal.add_component(
            _event(
                appointment_uid(e["id"]),
                e["start"],
                e["end"],
                e["summary"],
                location=e.get("location", ""),
                url=e.get("url", ""),
            )
        )
    return cal.to_ical().decode()
