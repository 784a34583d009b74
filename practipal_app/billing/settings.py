"""The practice's billing details (owner) and per-client fees (sliding scale)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from practipal_app.billing import gst, upi
from practipal_app.core import audit, money
from practipal_app.core.errors import InvalidInput, NotFound, PermissionDenied
from practipal_app.core.identity import Actor
from practipal_app.models import BillingSettings, ClientFee, Practice, Role, SessionType
from practipal_app.people import clients

TRUE_WORDS = (True, "on", "true", "1", "yes")
#: The settings form's checkboxes: an unticked box is not sent at all, so the form reads them
#: itself.
FLAGS = ("taxable", "invoice_on_completed", "invoice_on_late_cancel")


def settings_for(session: Session, practice_id: int) -> BillingSettings:
    """The saved settings, or the defaults (named after the practice) when none are saved yet."""
    row = session.get(BillingSettings, practice_id)
    if row is None:
        practice = session.get(Practice, practice_id)
        row = BillingSettings(
            practice_id=practice_id,
            legal_name=practice.name if practice else "",
            address=practice.address if practice else "",
        )
    return row


def read(session: Session, actor: Actor) -> BillingSettings:
    if not actor.is_staff:
        raise PermissionDenied()
    return settings_for(session, actor.practice_id)


def _percent_bp(text: str) -> int:
    """'18' or '12.5' → basis points."""
    whole, _, fraction = str(text).strip().rstrip("%").strip().partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise ValueError("Enter the rate as a percentage, like 18.")
    return int(whole) * 100 + int((fraction + "00")[:2])


def save(session: Session, actor: Actor, values: dict) -> BillingSettings:
    """Change the practice's billing details. Owner only; every field is checked before any is
    kept."""
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only the practice owner can change billing settings.")
    row = settings_for(session, actor.practice_id)
    text = {k: str(v).strip() for k, v in values.items() if k not in ("taxable",)}
    errors: dict[str, str] = {}
    legal_name = text.get("legal_name", row.legal_name)
    if not legal_name:
        errors["legal_name"] = "Enter the name that should appear on invoices."
    state_code = text.get("state_code", row.state_code)
    if state_code and state_code not in gst.STATES:
        errors["state_code"] = "Choose your state."
    gstin = gst.normalize_gstin(text.get("gstin", row.gstin))
    if gstin and (problem := gst.gstin_problem(gstin)):
        errors["gstin"] = problem
    elif gstin and state_code and gst.gstin_state(gstin) != state_code:
        errors["gstin"] = "This GSTIN belongs to another state than the one chosen."
    upi_id = text.get("upi_id", row.upi_id)
    if upi_id and (problem := upi.upi_id_problem(upi_id)):
        errors["upi_id"] = problem
    prefix = text.get("invoice_prefix", row.invoice_prefix).upper()
    if problem := gst.prefix_problem(prefix):
        errors["invoice_prefix"] = problem
    taxable = values.get("taxable", row.taxable) in TRUE_WORDS
    try:
        rate_bp = _percent_bp(text["tax_rate"]) if "tax_rate" in text else row.tax_rate_bp
        if not 0 < rate_bp <= 2800:
            raise ValueError("The rate is between 0.01% and 28%.")
    except ValueError as exc:
        errors["tax_rate"], rate_bp = str(exc), row.tax_rate_bp
    sac = text.get("sac_code", row.sac_code)
    if not (sac.isdigit() and 4 <= len(sac) <= 8):
        errors["sac_code"] = "A SAC code is 4 to 8 digits, like 999312."
    if taxable and not gstin:
        errors["gstin"] = "Tax invoices need your GSTIN."
    if taxable and not state_code:
        errors["state_code"] = "Tax invoices need your state (it decides CGST and SGST or IGST)."
    terms = text.get("payment_terms_days", str(row.payment_terms_days))
    if not (terms.isdigit() and 0 <= int(terms) <= 90):
        errors["payment_terms_days"] = "Payment terms are 0 to 90 days."
    if errors:
        raise InvalidInput(errors)
    row.legal_name, row.address, row.state_code = (
        legal_name[:200],
        text.get("address", row.address)[:500],
        state_code,
    )
    row.gstin, row.upi_id, row.invoice_prefix, row.sac_code = gstin, upi_id, prefix, sac
    row.taxable, row.tax_rate_bp, row.payment_terms_days = taxable, rate_bp, int(terms)
    for flag in ("invoice_on_completed", "invoice_on_late_cancel"):
        if flag in values:
            setattr(row, flag, values[flag] in TRUE_WORDS)
    session.add(row)
    audit.record(
        session, "billing.settings_changed", practice_id=actor.practice_id, actor_id=actor.user_id
    )
    return row


# Fees --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeRow:
    session_type_id: int
    name: str
    standard_paise: int
    client_paise: int | None  # None: the standard fee applies


def fee_for(
    session: Session, client_id: int, session_type_id: int | None, standard_paise: int
) -> int:
    """What this client pays for one session of this type."""
    if session_type_id is None:
        return standard_paise
    override = session.exec(
        select(ClientFee.fee_paise).where(
            ClientFee.client_id == client_id, ClientFee.session_type_id == session_type_id
        )
    ).first()
    return standard_paise if override is None else override


def client_fees(session: Session, actor: Actor, client_id: int) -> list[FeeRow]:
    profile = clients.scoped_profile(session, actor, client_id)
    overrides = dict(
        session.exec(
            select(ClientFee.session_type_id, ClientFee.fee_paise).where(
                ClientFee.client_id == client_id
            )
        ).all()
    )
    types = session.exec(
        select(SessionType)
        .where(SessionType.therapist_id == profile.therapist_id, SessionType.active)
        .order_by(SessionType.id)
    ).all()
    return [FeeRow(t.id, t.name, t.fee_paise, overrides.get(t.id)) for t in types]


def set_client_fee(
    session: Session, actor: Actor, client_id: int, session_type_id: int, text: str
) -> None:
    """A client's own fee for a session type; an empty text goes back to the standard fee."""
    if not actor.is_clinician and not actor.sees_whole_practice:
        raise PermissionDenied()
    profile = clients.scoped_profile(session, actor, client_id)
    kind = session.get(SessionType, session_type_id)
    if kind is None or kind.therapist_id != profile.therapist_id:
        raise NotFound("No such session type.")
    existing = session.exec(
        select(ClientFee).where(
            ClientFee.client_id == client_id, ClientFee.session_type_id == session_type_id
        )
    ).first()
    if not str(text).strip():
        if existing is not None:
            session.delete(existing)
        return
    try:
        fee = money.parse_rupees(text)
    except ValueError as exc:
        raise InvalidInput({"fee": str(exc)}) from exc
    row = existing or ClientFee(client_id=client_id, session_type_id=session_type_id, fee_paise=fee)
    row.fee_paise = fee
    session.add(row)
    audit.record(
        session,
        "billing.client_fee_set",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=client_id,
        session_type_id=session_type_id,
    )


# A client's billing details ----------------------------------------------------------------------


def client_billing(session: Session, actor: Actor, client_id: int) -> tuple[str, str]:
    """(postal address, GST state code) printed on the client's invoices."""
    profile = clients.scoped_profile(session, actor, client_id)
    return profile.address, profile.state_code


def save_client_billing(
    session: Session,
    actor: Actor,
    client_id: int,
    address: str,
    state_code: str,
    fees: dict[int, str] | None = None,
) -> None:
    """Address, state and own fees (type id → rupees, "" for the standard fee), all kept or none."""
    profile = clients.scoped_profile(session, actor, client_id)
    state_code = str(state_code).strip()
    errors: dict[str, str] = {}
    if state_code and state_code not in gst.STATES:
        errors["state_code"] = "Choose the client's state."
    for type_id, text in (fees or {}).items():
        try:
            money.parse_rupees(text)
        except ValueError as exc:
            errors[f"fee_{type_id}"] = str(exc)
    if errors:
        raise InvalidInput(errors)
    profile.address, profile.state_code = str(address).strip()[:500], state_code
    session.add(profile)
    for type_id, text in (fees or {}).items():
        set_client_fee(session, actor, client_id, type_id, text)
    audit.record(
        session,
        "client.billing_details_changed",
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        subject_type="client",
        subject_id=client_id,
    )


def fee_fields(form: dict) -> dict[int, str]:
    """The client billing form's own fees: its `fee_<session type id>` fields, type id -> as
    typed."""
    fees = {}
    for key, value in form.items():
        type_id = str(key).removeprefix("fee_")
        if (
            str(key).startswith("fee_")
            and type_id.isascii()
            and type_id.isdigit()
            and len(type_id) <= 18
        ):
            fees[int(type_id)] = str(value)
    return fees


def save_client_billing_form(session: Session, actor: Actor, client_id: int, form: dict) -> None:
    """The billing card of a client's page as submitted: address, state_code and fee_<type id>."""
    save_client_billing(
        session,
        actor,
        client_id,
        str(form.get("address", "")),
        str(form.get("state_code", "")),
        fee_fields(form),
    )
