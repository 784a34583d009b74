"""Billing pages: /app/billing, /app/settings/billing, the billing card on a client's page, /portal/invoices.

Invoice PDFs, receipts, QR codes and CSVs are HTTP routes (api/routes.py); the state holds only
what the page shows.
"""

from __future__ import annotations

from datetime import date

import reflex as rx

from practipal_app import db
from practipal_app.billing import gst, invoices, payments
from practipal_app.billing import settings as billing_settings
from practipal_app.billing import views as billing_views
from practipal_app.billing.invoices import LineInput
from practipal_app.core import money
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.people import clients
from practipal_app.state.session import CLIENTS, OWNER, STAFF, page_id, page_params, require

MAX_FORM_LINES = 8
STATE_OPTIONS = [["", "Not set"], *[[code, f"{name} ({code})"] for code, name in
                                      sorted(gst.STATES.items(), key=lambda kv: kv[1])]]


def _lines(form: dict) -> list[LineInput]:
    """The filled rows of the new-invoice form; a row with nothing typed is skipped."""
    lines = []
    for i in range(MAX_FORM_LINES):
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


def _chosen_client(form: dict) -> int:
    raw = str(form.get("client_id", "")).strip()
    if not raw.isdigit():
        raise DomainError("Choose a client.")
    return int(raw)


class BillingState(rx.State):
    outstanding: str = ""
    ageing: list[dict[str, str]] = []
    by_client: list[dict[str, str]] = []
    revenue: list[dict[str, str]] = []
    invoices: list[dict[str, str]] = []
    client_options: list[dict[str, str]] = []
    status_filter: str = ""
    client_filter: str = ""
    notice: str = ""
    error: str = ""
    # Recording a payment against one invoice.
    paying: dict[str, str] = {}
    pay_errors: dict[str, str] = {}
    today: str = ""
    last_month: str = ""
    # Voiding one invoice (asks for a reason).
    voiding: dict[str, str] = {}
    void_error: str = ""
    # New invoices.
    show_new: bool = False
    line_count: int = 1
    new_errors: dict[str, str] = {}
    loaded: bool = False

    async def _refresh(self, actor) -> None:
        client_id = int(self.client_filter) if self.client_filter.isdigit() else None
        view = await db.aread(billing_views.overview, actor, self.status_filter, client_id)
        self.outstanding, self.ageing, self.by_client = view.outstanding, view.ageing, view.by_client
        self.revenue, self.invoices = view.revenue, view.invoices
        today = await db.aread(invoices.local_today, actor.practice_id)
        self.today, self.last_month = today.isoformat(), month_value(today)
        self.loaded = True

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.notice, self.error, self.paying, self.voiding, self.show_new = "", "", {}, {}, False
        self.client_filter = str(page_params(self).get("client", ""))
        self.client_options = await db.aread(clients.options, actor)
        await self._refresh(actor)

    @rx.event
    async def filter_status(self, value: str | list[str]):
        return await self._filter(status=str(value))

    @rx.event
    async def filter_client(self, value: str):
        return await self._filter(client=str(value))

    async def _filter(self, status: str | None = None, client: str | None = None):
        actor, away = await require(self, STAFF)
        if away:
            return away
        if status is not None:
            self.status_filter = "" if status == "all" else status
        if client is not None:
            self.client_filter = "" if client == "all" else client
        await self._refresh(actor)
        return None

    # Payments

    @rx.event
    def start_payment(self, row: dict):
        self.paying = {"id": str(row["id"]), "number": str(row["number"]), "client": str(row["client"]),
                       "balance": str(row["balance"]), "amount": str(row["balance_rupees"])}
        self.pay_errors, self.voiding, self.notice, self.error = {}, {}, "", ""

    @rx.event
    def cancel_payment(self):
        self.paying, self.pay_errors = {}, {}

    @rx.event
    async def record_payment(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.pay_errors = {}
        try:
            await db.acall(payments.record, actor, int(self.paying.get("id", "0")),
                                        amount=str(form.get("amount", "")), paid_on=str(form.get("paid_on", "")),
                                        method=str(form.get("method", "")), reference=str(form.get("reference", "")))
        except InvalidInput as exc:
            self.pay_errors = exc.errors
            return
        except (DomainError, ValueError) as exc:
            self.pay_errors = {"form": getattr(exc, "message", "That payment could not be recorded.")}
            return
        self.notice = f"Payment recorded against {self.paying['number']}. The client has been emailed a receipt."
        self.paying = {}
        await self._refresh(actor)

    # Drafts and voids

    async def _act(self, fn, *args, done: str):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.notice, self.error = "", ""
        try:
            await db.acall(fn, actor, *args)
        except (DomainError, ValueError) as exc:
            self.error = getattr(exc, "message", "That change is not possible.")
            return None
        self.notice = done
        await self._refresh(actor)
        return None

    @rx.event
    async def issue(self, invoice_id: str):
        return await self._act(invoices.issue, int(invoice_id), done="Issued. The client has been emailed.")

    @rx.event
    async def discard(self, invoice_id: str):
        return await self._act(invoices.discard_draft, int(invoice_id), done="Draft discarded.")

    @rx.event
    def start_void(self, row: dict):
        self.voiding = {"id": str(row["id"]), "number": str(row["number"])}
        self.void_error, self.paying = "", {}

    @rx.event
    def cancel_void(self):
        self.voiding, self.void_error = {}, ""

    @rx.event
    async def void(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        try:
            await db.acall(invoices.void, actor, int(self.voiding.get("id", "0")), str(form.get("reason", "")))
        except (DomainError, ValueError) as exc:
            self.void_error = getattr(exc, "message", "That invoice cannot be voided.")
            return
        self.notice = f"{self.voiding['number']} is void. It keeps its number on record."
        self.voiding = {}
        await self._refresh(actor)

    # New invoices

    @rx.event
    def toggle_new(self):
        self.show_new, self.new_errors, self.line_count = not self.show_new, {}, 1

    @rx.event
    def add_line(self):
        self.line_count = min(self.line_count + 1, MAX_FORM_LINES)

    @rx.event
    async def create(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.new_errors = {}
        try:
            client_id = _chosen_client(form)
            lines = _lines(form)
            issue_now = str(form.get("action", "issue")) != "draft"
            await db.acall(invoices.create, actor, client_id, lines, issue_now=issue_now,
                           note=str(form.get("note", "")))
        except InvalidInput as exc:
            self.new_errors = exc.errors
            return
        except (DomainError, ValueError) as exc:
            self.new_errors = {"form": getattr(exc, "message", "Choose a client.")}
            return
        self.show_new, self.notice = False, ("Invoice issued. The client has been emailed." if issue_now
                                             else "Draft saved. Issue it when it is ready.")
        await self._refresh(actor)

    @rx.event
    async def create_monthly(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.new_errors = {}
        try:
            year, month = (int(p) for p in str(form.get("month", "")).split("-"))
            await db.acall(invoices.monthly, actor, _chosen_client(form), year, month)
        except (DomainError, ValueError) as exc:
            self.new_errors = {"monthly": getattr(exc, "message", "Choose a client and a month.")}
            return
        self.show_new, self.notice = False, "Monthly invoice issued. The client has been emailed."
        await self._refresh(actor)


class BillingSettingsState(rx.State):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    notice: str = ""
    loaded: bool = False

    def _show(self, row) -> None:
        self.values = {
            "legal_name": row.legal_name, "address": row.address, "state_code": row.state_code, "gstin": row.gstin,
            "upi_id": row.upi_id, "invoice_prefix": row.invoice_prefix, "sac_code": row.sac_code,
            "taxable": "1" if row.taxable else "0",
            "tax_rate": f"{row.tax_rate_bp // 100}" + (f".{row.tax_rate_bp % 100:02d}" if row.tax_rate_bp % 100 else ""),
            "invoice_on_completed": "1" if row.invoice_on_completed else "0",
            "invoice_on_late_cancel": "1" if row.invoice_on_late_cancel else "0",
            "payment_terms_days": str(row.payment_terms_days),
        }

    @rx.event
    async def load(self):
        actor, away = await require(self, OWNER)
        if away:
            return away
        self.errors, self.notice = {}, ""
        self._show(await db.aread(billing_settings.read, actor))
        self.loaded = True

    @rx.event
    async def save(self, form: dict):
        actor, away = await require(self, OWNER)
        if away:
            return away
        self.errors, self.notice = {}, ""
        values = {k: str(v) for k, v in form.items()}
        for flag in ("taxable", "invoice_on_completed", "invoice_on_late_cancel"):
            values[flag] = "1" if values.get(flag) in ("on", "1", "true") else "0"
        try:
            row = await db.acall(billing_settings.save, actor, values)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        self._show(row)
        self.notice = "Billing settings saved. New invoices use them; issued ones keep what they were issued with."


class ClientBillingState(rx.State):
    """The billing card on a client's page: address and state for invoices, and the client's own fees."""

    address: str = ""
    state_code: str = ""
    fees: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    notice: str = ""

    def _client_id(self) -> int:
        return page_id(self, "client_id")

    async def _refresh(self, actor) -> None:
        self.address, self.state_code = await db.aread(billing_settings.client_billing, actor, self._client_id())
        rows = await db.aread(billing_settings.client_fees, actor, self._client_id())
        self.fees = [{"type_id": str(r.session_type_id), "name": r.name, "standard": money.format_inr(r.standard_paise),
                      "own": "" if r.client_paise is None else money.plain_rupees(r.client_paise)} for r in rows]

    @rx.event
    async def load(self):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.errors, self.notice = {}, ""
        try:
            await self._refresh(actor)
        except DomainError:
            self.fees = []

    @rx.event
    async def save(self, form: dict):
        actor, away = await require(self, STAFF)
        if away:
            return away
        self.errors, self.notice = {}, ""
        client_id = self._client_id()
        fees = {int(fee["type_id"]): str(form.get(f"fee_{fee['type_id']}", "")) for fee in self.fees}
        try:
            await db.acall(billing_settings.save_client_billing, actor, client_id, str(form.get("address", "")),
                           str(form.get("state_code", "")), fees)
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        await self._refresh(actor)
        self.notice = "Billing details saved."


class PortalInvoicesState(rx.State):
    outstanding: str = ""
    has_outstanding: bool = False
    invoices: list[dict[str, str]] = []
    receipts: list[dict[str, str]] = []
    qr_for: str = ""
    loaded: bool = False

    @rx.event
    async def load(self):
        actor, away = await require(self, CLIENTS)
        if away:
            return away
        page = await db.aread(billing_views.for_client, actor)
        self.outstanding, self.has_outstanding = page.outstanding, page.outstanding_paise > 0
        self.invoices, self.receipts = page.invoices, page.receipts
        self.qr_for, self.loaded = "", True

    @rx.event
    def toggle_qr(self, invoice_id: str):
        self.qr_for = "" if self.qr_for == invoice_id else str(invoice_id)


def month_value(day: date) -> str:
    """The previous month as <input type=month> wants it: the usual month to bill."""
    first = day.replace(day=1)
    return f"{first.year - (first.month == 1)}-{(first.month - 2) % 12 + 1:02d}"
