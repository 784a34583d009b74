"""Billing: the practice's billing settings, per-client fees, invoices, payments and number
series."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from practipal_app.models.base import UTCDateTime, utcnow


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    VOID = "void"


class PaymentMethod(StrEnum):
    UPI = "upi"
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    OTHER = "other"


class DocumentKind(StrEnum):
    BILL_OF_SUPPLY = "bill_of_supply"
    TAX_INVOICE = "tax_invoice"


class BillingSettings(SQLModel, table=True):
    """One row per practice, set by the owner. Issued invoices keep their own copy of these
    details."""

    practice_id: int = Field(foreign_key="practice.id", primary_key=True)
    legal_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=500)
    state_code: str = Field(default="", max_length=2)
    gstin: str = Field(default="", max_length=15)
    upi_id: str = Field(default="", max_length=256)
    invoice_prefix: str = Field(default="INV", max_length=4)
    # False: GST-exempt, documents are a "Bill of Supply". True: "Tax Invoice" at tax_rate_bp.
    taxable: bool = False
    tax_rate_bp: int = 1800
    sac_code: str = Field(default="999312", max_length=8)
    invoice_on_completed: bool = True
    invoice_on_late_cancel: bool = True
    payment_terms_days: int = 7


class ClientFee(SQLModel, table=True):
    """A client's own fee for one session type (a sliding scale)."""

    __table_args__ = (sa.UniqueConstraint("client_id", "session_type_id"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    session_type_id: int = Field(foreign_key="sessiontype.id")
    fee_paise: int


class DocumentCounter(SQLModel, table=True):
    """The next number of a series (invoices, receipts) for one practice and financial year."""

    practice_id: int = Field(foreign_key="practice.id", primary_key=True)
    series: str = Field(max_length=12, primary_key=True)
    fy_start: int = Field(primary_key=True)
    last_number: int = 0


class Invoice(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("practice_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    therapist_id: int = Field(foreign_key="user.id", index=True)
    # Given when issued; a draft has none. Never reused: a void invoice keeps its number.
    number: str | None = Field(default=None, max_length=16)
    fy_start: int | None = None
    sequence: int | None = None
    status: str = Field(default=InvoiceStatus.DRAFT, max_length=16, index=True)
    kind: str = Field(default=DocumentKind.BILL_OF_SUPPLY, max_length=16)
    issue_date: date | None = None
    due_date: date | None = None
    # Seller and buyer as they were when the invoice was issued (name, address, state, GSTIN).
    seller: dict = Field(default_factory=dict, sa_type=sa.JSON)
    buyer: dict = Field(default_factory=dict, sa_type=sa.JSON)
    place_of_supply: str = Field(default="", max_length=2)
    tax_rate_bp: int = 0
    taxable_paise: int = 0
    cgst_paise: int = 0
    sgst_paise: int = 0
    igst_paise: int = 0
    total_paise: int = 0
    paid_paise: int = 0
    note: str = Field(default="", max_length=500)
    void_reason: str = Field(default="", max_length=300)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InvoiceLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int = 0
    description: str = Field(max_length=300)
    sac: str = Field(default="", max_length=8)
    quantity: int = 1
    unit_paise: int = 0
    amount_paise: int = 0
    # The session this line bills; a session is on at most one invoice that is not void.
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id", index=True)


class Payment(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("practice_id", "receipt_number"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    amount_paise: int
    paid_on: date
    method: str = Field(max_length=16)
    reference: str = Field(default="", max_length=100)
    receipt_number: str = Field(max_length=16)
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
