"""Invoices: drafts, issuing with a number from the practice's financial-year series, voiding,
automatic invoices for sessions, monthly invoices, and who may see which.

Numbers come from `DocumentCounter` by one UPDATE … RETURNING inside the issuing transaction: on
PostgreSQL the row lock queues concurrent issuers, on SQLite the write lock taken at BEGIN does.
A number is used only if its transaction commits, so the series has no gaps, and a void invoice
keeps its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from practipal_app.billing import emails as billing_emails
from practipal_app.billing import gst, upi
from practipal_app.billing import settings as billing_settings
from practipal_app.config import get_settings
from practipal_app.core import audit, money
from practipal_app.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.core.timefmt import format_local
from practipal_app.models import (
    Appointment,
    AppointmentStatus,
    BillingSettings,
    ClientProfile,
    DocumentCounter,
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Practice,
    Role,
    User,
)
from practipal_app.models.base import utcnow
from practipal_app.people import clients

MAX_LINES = 50
#: Rows of the new-invoice form in the workspace.
FORM_LINES = 8
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID)
BILLABLE_SESSIONS = (AppointmentStatus.COMPLETED, AppointmentStatus.LATE_CANCELLED)


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: int
    unit_paise: int
    appointment_id: int | None = None


@dataclass(frozen=True)
class InvoiceForm:
    """The new-invoice form, read: who, what, and whether to issue it now or keep a draft."""

    client_id: int
    lines: list[LineInput]
    issue_now: bool
    note: str


def local_today(session: Session, practice_id: int, now: datetime | None = None) -> date:
    zone = ZoneInfo(session.get(Practice, practice_id).timezone)
    return (now or utcnow()).astimezone(zone).date()


# Number series -----------------------------------------------------------------------------------


def next_sequence(session: Session, practice_id: int, series: str, fy_start: int) -> int:
    """The next number of a series, taken inside the caller's transaction."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(DocumentCounter)
        .values(practice_id=practice_id, series=series, fy_start=fy_start, last_number=0)
        .on_conflict_do_nothing()
    )
    return session.execute(
        update(DocumentCounter)
        .where(
            DocumentCounter.practice_id == practice_id,
            DocumentCounter.series == series,
            DocumentCounter.fy_start == fy_start,
        )
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
    ).scalar_one()


def document_number(
    session: Session, practice_id: int, series: str, prefix: str, day: date
) -> tuple[str, int, int]:
    """(number, financial year, sequence) for a document dated `day`."""
    fy = gst.financial_year(day)
    sequence = next_sequence(session, practice_id, series, fy)
    return gst.document_number(prefix, fy, sequence), fy, sequence


# Access ------------------------------------------------------------------------------------------


def invoice_for(session: Session, actor: Actor, invoice_id: int) -> Invoice:
    """The invoice if the actor may see it: its client (not drafts), its therapist, or the
    owner/assistant of its practice. NotFound otherwise."""
    inv = session.get(Invoice, invoice_id)
    if inv is None or inv.practice_id != actor.practice_id:
        raise NotFound("No such invoice.")
    if actor.role == Role.CLIENT and (
        inv.client_id != actor.user_id or inv.status == InvoiceStatus.DRAFT
    ):
        raise NotFound("No such invoice.")
    if actor.role == Role.THERAPIST and inv.therapist_id != actor.user_id:
        raise NotFound("No such invoice.")
    return inv


def _staff_invoice(session: Session, actor: Actor, invoice_id: int) -> Invoice:
    if not actor.is_staff:
        raise PermissionDenied()
    return invoice_for(session, actor, invoice_id)


def lines_of(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return list(
        session.exec(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice_id)
            .order_by(InvoiceLine.position, InvoiceLine.id)
        ).all()
    )


def balance(invoice: Invoice) -> int:
    """What is still due on an invoice, in paise (0 for drafts, paid and void invoices)."""
    if invoice.status not in OPEN_STATUSES:
        return 0
    return invoice.total_paise - invoice.paid_paise


def payment_link(invoice: Invoice, upi_id: str) -> str:
    """The UPI link for what is still due, or '' (nothing due, or no UPI ID in billing settings)."""
    due = balance(invoice)
    if not upi_id or due <= 0:
        return ""
    return upi.payment_link(upi_id, invoice.seller.get("name", ""), due, invoice.number)


# Drafts and issuing ------------------------------------------------------------------------------


def _check_lines(lines: list[LineInput]) -> None:
    if not lines:
        raise InvalidInput({"lines": "Add at least one line."})
    if len(lines) > MAX_LINES:
        raise InvalidInput({"lines": f"An invoice has at most {MAX_LINES} lines."})
    for line in lines:
        if not line.description.strip():
            raise InvalidInput({"lines": "Every line needs a description."})
        if not 1 <= line.quantity <= 1000:
            raise InvalidInput({"lines": "Quantities are 1 to 1000."})
        if not 0 <= line.unit_paise <= 10_000_000_00:
            raise InvalidInput({"lines": "A rate is between ₹0 and ₹1,00,00,000."})
    if sum(line.quantity * line.unit_paise for line in lines) <= 0:
        raise InvalidInput({"lines": "The invoice total must be more than ₹0."})


def _add_lines(session: Session, invoice: Invoice, lines: list[LineInput], sac: str) -> None:
    for position, line in enumerate(lines):
        session.add(
            InvoiceLine(
                invoice_id=invoice.id,
                position=position,
                description=line.description.strip()[:300],
                sac=sac,
                quantity=line.quantity,
                unit_paise=line.unit_paise,
                amount_paise=line.quantity * line.unit_paise,
                appointment_id=line.appointment_id,
            )
        )
    invoice.taxable_paise = sum(line.quantity * line.unit_paise for line in lines)
    invoice.total_paise = invoice.taxable_paise


def create(
    session: Session,
    actor: Actor,
    client_id: int,
    lines: list[LineInput],
    *,
    issue_now: bool,
    note: str = "",
    now: datetime | None = None,
) -> int:
    """A new invoice with free lines, kept as a draft or issued at once."""
    if not actor.is_staff:
        raise PermissionDenied()
    profile = clients.scoped_profile(session, actor, client_id)
    _check_lines(lines)
    settings = billing_settings.settings_for(session, actor.practice_id)
    invoice = Invoice(
        practice_id=profile.practice_id,
        client_id=client_id,
        therapist_id=profile.therapist_id,
        note=note.strip()[:500],
        created_by=actor.user_id,
    )
    session.add(invoice)
    session.flush()
    _add_lines(session, invoice, lines, settings.sac_code)
    session.add(invoice)
    audit.record(
        session,
        "invoice.created",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="invoice",
        subject_id=invoice.id,
    )
    if issue_now:
        _issue(session, invoice, settings, actor.user_id, now or utcnow())
    return invoice.id


def seller_details(settings: BillingSettings) -> dict:
    return {
        "name": settings.legal_name,
        "address": settings.address,
        "state_code": settings.state_code,
        "gstin": settings.gstin,
    }


def buyer_details(session: Session, client_id: int) -> dict:
    user, profile = session.get(User, client_id), session.get(ClientProfile, client_id)
    return {
        "name": user.name,
        "address": profile.address,
        "state_code": profile.state_code,
        "email": user.email,
        "phone": user.phone,
    }


def _issue(
    session: Session, invoice: Invoice, settings: BillingSettings, actor_id: int, now: datetime
) -> None:
    """Number, date, parties and taxes are fixed at issue and never change afterwards."""
    if settings.taxable and not (settings.gstin and settings.state_code):
        raise DomainError(
            "Add your GSTIN and state in billing settings before issuing tax invoices."
        )
    today = local_today(session, invoice.practice_id, now)
    invoice.number, invoice.fy_start, invoice.sequence = document_number(
        session, invoice.practice_id, "invoice", settings.invoice_prefix, today
    )
    invoice.issue_date, invoice.due_date = (
        today,
        today + timedelta(days=settings.payment_terms_days),
    )
    invoice.seller, invoice.buyer = (
        seller_details(settings),
        buyer_details(session, invoice.client_id),
    )
    invoice.place_of_supply = invoice.buyer["state_code"] or settings.state_code
    if settings.taxable:
        invoice.kind, invoice.tax_rate_bp = DocumentKind.TAX_INVOICE, settings.tax_rate_bp
        taxes = gst.compute_taxes(
            invoice.taxable_paise,
            settings.tax_rate_bp,
            intra_state=invoice.place_of_supply == settings.state_code,
        )
    else:
        invoice.kind, invoice.tax_rate_bp, taxes = DocumentKind.BILL_OF_SUPPLY, 0, gst.Taxes()
    invoice.cgst_paise, invoice.sgst_paise, invoice.igst_paise = taxes.cgst, taxes.sgst, taxes.igst
    invoice.total_paise = invoice.taxable_paise + taxes.total
    invoice.status, invoice.issued_at = InvoiceStatus.ISSUED, now
    session.add(invoice)
    session.flush()
    billing_emails.invoice_issued(session, invoice, get_settings().base_url)
    audit.record(
        session,
        "invoice.issued",
        practice_id=invoice.practice_id,
        actor_id=actor_id,
        subject_type="invoice",
        subject_id=invoice.id,
        number=invoice.number,
    )


def issue(session: Session, actor: Actor, invoice_id: int, now: datetime | None = None) -> str:
    invoice = _staff_invoice(session, actor, invoice_id)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError("This invoice has already been issued.")
    _issue(
        session,
        invoice,
        billing_settings.settings_for(session, invoice.practice_id),
        actor.user_id,
        now or utcnow(),
    )
    return invoice.number


def discard_draft(session: Session, actor: Actor, invoice_id: int) -> None:
    invoice = _staff_invoice(session, actor, invoice_id)
    if invoice.status != InvoiceStatus.DRAFT:
        raise DomainError("Only a draft can be discarded; an issued invoice can be voided.")
    for line in lines_of(session, invoice.id):
        session.delete(line)
    session.flush()  # the lines go first: the tables have no ORM relationship to order the deletes
    session.delete(invoice)


def void(
    session: Session, actor: Actor, invoice_id: int, reason: str, now: datetime | None = None
) -> None:
    """Cancel an issued invoice. It keeps its number; its sessions can be billed again."""
    invoice = _staff_invoice(session, actor, invoice_id)
    if invoice.status == InvoiceStatus.DRAFT:
        raise DomainError("A draft has no number yet: discard it instead.")
    if invoice.status == InvoiceStatus.VOID:
        raise DomainError("This invoice is already void.")
    if invoice.paid_paise:
        raise DomainError("This invoice has payments recorded against it, so it cannot be voided.")
    if not reason.strip():
        raise InvalidInput({"reason": "Say why the invoice is void (it is kept on record)."})
    invoice.status, invoice.voided_at, invoice.void_reason = (
        InvoiceStatus.VOID,
        now or utcnow(),
        reason.strip()[:300],
    )
    session.add(invoice)
    audit.record(
        session,
        "invoice.voided",
        practice_id=invoice.practice_id,
        actor_id=actor.user_id,
        subject_type="invoice",
        subject_id=invoice.id,
        number=invoice.number,
    )


# Sessions ----------------------------------------------------------------------------------------


def _billed_appointments(session: Session, appointment_ids: list[int]) -> set[int]:
    """Which of these sessions are already on an invoice that is not void."""
    if not appointment_ids:
        return set()
    return set(
        session.exec(
            select(InvoiceLine.appointment_id)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                col(InvoiceLine.appointment_id).in_(appointment_ids),
                Invoice.status != InvoiceStatus.VOID,
            )
        ).all()
    )


def session_line(session: Session, appt: Appointment, tz: str) -> LineInput:
    when = format_local(appt.starts_at, tz)
    what = (
        f"Late cancellation: {appt.title}"
        if appt.status == AppointmentStatus.LATE_CANCELLED
        else appt.title
    )
    fee = billing_settings.fee_for(session, appt.client_id, appt.session_type_id, appt.fee_paise)
    return LineInput(f"{what} — {when}", 1, fee, appt.id)


def on_session_status(
    session: Session, appt: Appointment, actor_id: int, now: datetime | None = None
) -> int | None:
    """After a session is marked: issue its invoice if the practice bills this status automatically.
    Returns the invoice id, or None when nothing was billed."""
    settings = billing_settings.settings_for(session, appt.practice_id)
    wanted = (appt.status == AppointmentStatus.COMPLETED and settings.invoice_on_completed) or (
        appt.status == AppointmentStatus.LATE_CANCELLED and settings.invoice_on_late_cancel
    )
    if not wanted or _billed_appointments(session, [appt.id]):
        return None
    tz = session.get(Practice, appt.practice_id).timezone
    line = session_line(session, appt, tz)
    if line.unit_paise <= 0:
        return None
    invoice = Invoice(
        practice_id=appt.practice_id,
        client_id=appt.client_id,
        therapist_id=appt.therapist_id,
        created_by=actor_id,
    )
    session.add(invoice)
    session.flush()
    _add_lines(session, invoice, [line], settings.sac_code)
    _issue(session, invoice, settings, actor_id, now or utcnow())
    return invoice.id


def unbilled_sessions(
    session: Session, actor: Actor, client_id: int, year: int, month: int
) -> list[Appointment]:
    """The client's completed and late-cancelled sessions in that month (practice time) not yet
    billed."""
    profile = clients.scoped_profile(session, actor, client_id)
    zone = ZoneInfo(session.get(Practice, profile.practice_id).timezone)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    rows = list(
        session.exec(
            select(Appointment)
            .where(
                Appointment.client_id == client_id,
                col(Appointment.status).in_(list(BILLABLE_SESSIONS)),
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
            )
            .order_by(Appointment.starts_at)
        ).all()
    )
    billed = _billed_appointments(session, [r.id for r in rows])
    return [r for r in rows if r.id not in billed]


def monthly(
    session: Session,
    actor: Actor,
    client_id: int,
    year: int,
    month: int,
    *,
    issue_now: bool = True,
    now: datetime | None = None,
) -> int:
    """One invoice for every unbilled session of the client in a month."""
    if not 1 <= month <= 12:
        raise InvalidInput({"month": "Choose a month."})
    sessions = unbilled_sessions(session, actor, client_id, year, month)
    if not sessions:
        raise DomainError(f"No unbilled sessions for this client in {_month_name(year, month)}.")
    tz = session.get(Practice, actor.practice_id).timezone
    lines = [session_line(session, appt, tz) for appt in sessions]
    return create(
        session,
        actor,
        client_id,
        lines,
        issue_now=issue_now,
        note=f"Sessions in {_month_name(year, month)}.",
        now=now,
    )


# The workspace's forms ---------------------------------------------------------------------------


def _month_name(year: int, month: int) -> str:
    """'March 2026' (core.timefmt has only the short 'Mar 2026')."""
    return f"{date(year, month, 1):%B %Y}"


def chosen_client(form: dict) -> int:
    """The client picked in an invoice form."""
    raw = str(form.get("client_id", "")).strip()
    if not (raw.isascii() and raw.isdigit()):
        raise DomainError("Choose a client.")
    return int(raw)


def form_lines(form: dict, rows: int = FORM_LINES) -> list[LineInput]:
    """The filled rows of the new-invoice form (description_<i>, quantity_<i>, rate_<i>); a row with
    neither a description nor a rate is skipped."""
    lines = []
    for i in range(rows):
        description = str(form.get(f"description_{i}", "")).strip()
        rate = str(form.get(f"rate_{i}", "")).strip()
        if not description and not rate:
            continue
        try:
            quantity = int(str(form.get(f"quantity_{i}", "1")).strip() or "1")
        except ValueError as exc:
            raise InvalidInput({"lines": "Quantities are whole numbers."}) from exc
        try:
            unit = money.parse_rupees(rate)
        except ValueError as exc:
            raise InvalidInput({"lines": str(exc)}) from exc
        lines.append(LineInput(description, quantity, unit))
    return lines


def read_form(form: dict) -> InvoiceForm:
    """The new-invoice form as the workspace submits it (the button pressed is `action`)."""
    return InvoiceForm(
        client_id=chosen_client(form),
        lines=form_lines(form),
        issue_now=str(form.get("action", "issue")) != "draft",
        note=str(form.get("note", "")),
    )


def create_from_form(
    session: Session, actor: Actor, form: dict, now: datetime | None = None
) -> InvoiceForm:
    """A new invoice from the workspace's form; returns the form as read (was it issued?)."""
    wanted = read_form(form)
    create(
        session,
        actor,
        wanted.client_id,
        wanted.lines,
        issue_now=wanted.issue_now,
        note=wanted.note,
        now=now,
    )
    return wanted


def read_month(text: str) -> tuple[int, int]:
    """'2026-03' (an <input type=month>) -> (2026, 3)."""
    year, _, month = str(text).strip().partition("-")
    if not (
        year.isascii()
        and year.isdigit()
        and month.isascii()
        and month.isdigit()
        and 1 <= int(year) <= 9998
        and 1 <= int(month) <= 12
    ):
        raise InvalidInput({"month": "Choose a client and a month."})
    return int(year), int(month)


def monthly_from_form(
    session: Session, actor: Actor, form: dict, now: datetime | None = None
) -> int:
    """The monthly invoice of the workspace's form (client_id, month), issued at once."""
    year, month = read_month(str(form.get("month", "")))
    return monthly(session, actor, chosen_client(form), year, month, now=now)
