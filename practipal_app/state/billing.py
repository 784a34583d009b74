"""Billing pages: /app/billing, /app/settings/billing, the billing card on a client's page,
/portal/invoices.

Invoice PDFs, receipts, QR codes and CSVs are HTTP routes (api/routes.py); the state holds only
what the page shows.
"""

from __future__ import annotations

import reflex as rx

from practipal_app import db
from practipal_app.billing import invoices, payments, reports
from practipal_app.billing import settings as billing_settings
from practipal_app.billing import views as billing_views
from practipal_app.billing.views import (
    FeeFormRow,
    InvoiceRow,
    PageRow,
    PortalInvoices,
    SettingsValues,
)
from practipal_app.core.errors import DomainError, InvalidInput
from practipal_app.core.identity import Actor
from practipal_app.core.views import Option, options
from practipal_app.people import clients
from practipal_app.state.guard import guarded
from practipal_app.state.session import CLIENTS, OWNER, STAFF, as_id, page_id, page_params, ticked


def page_step(step: object) -> int:
    """1 (older) or -1 (newer) as the page sent it; anything else stays on the page."""
    return {"1": 1, "-1": -1}.get(str(step).strip(), 0)


class BillingState(rx.State):
    outstanding: str = ""
    ageing: list[billing_views.AgeingRow] = []
    by_client: list[billing_views.OwedRow] = []
    revenue: list[billing_views.RevenueRow] = []
    invoices: list[InvoiceRow] = []
    paging: PageRow = PageRow()
    client_options: list[Option] = []
    status_filter: str = ""
    client_filter: str = ""
    notice: str = ""
    error: str = ""
    # Recording a payment against one invoice (the blank row: no panel).
    paying: InvoiceRow = InvoiceRow()
    pay_errors: dict[str, str] = {}
    today: str = ""
    last_month: str = ""
    # Voiding one invoice (asks for a reason).
    voiding: InvoiceRow = InvoiceRow()
    void_error: str = ""
    # New invoices.
    show_new: bool = False
    line_count: int = 1
    new_errors: dict[str, str] = {}
    loaded: bool = False

    async def _refresh(self, actor: Actor) -> None:
        wanted = self.client_filter
        client_id = (
            int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18 else None
        )
        view = billing_views.workspace_billing(
            await db.aread(
                reports.overview,
                actor,
                self.status_filter,
                client_id,
                page=self.paging.page,
            )
        )
        self.outstanding, self.ageing = view.outstanding, view.ageing
        self.by_client, self.revenue, self.invoices = view.by_client, view.revenue, view.invoices
        self.paging = view.paging
        self.today, self.last_month = view.today, view.last_month
        self.loaded = True

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.notice, self.error, self.show_new = "", "", False
        self.paying, self.voiding = InvoiceRow(), InvoiceRow()
        self.client_filter = str(page_params(self).get("client", ""))[:20]
        self.paging = PageRow()
        self.client_options = options(await db.aread(clients.names, actor))
        await self._refresh(actor)

    @guarded(STAFF)
    async def filter_status(self, actor: Actor, value: str | list[str]):
        self.status_filter = "" if value == "all" else str(value)[:20]
        self.paging = PageRow()
        await self._refresh(actor)

    @guarded(STAFF)
    async def filter_client(self, actor: Actor, value: str):
        self.client_filter = "" if value == "all" else str(value)[:20]
        self.paging = PageRow()
        await self._refresh(actor)

    @guarded(STAFF)
    async def turn_page(self, actor: Actor, step: int):
        """Older invoices for step 1, newer for -1 (the service keeps the page in range)."""
        self.paging = PageRow(page=self.paging.page + page_step(step))
        await self._refresh(actor)

    # Payments

    @guarded(STAFF)
    def start_payment(self, actor: Actor, invoice_id: int):
        """Open the payment form for a listed invoice (an id not listed opens nothing)."""
        try:
            self.paying = billing_views.find(self.invoices, as_id(invoice_id))
        except DomainError:
            self.paying = InvoiceRow()
        self.pay_errors, self.voiding, self.notice, self.error = {}, InvoiceRow(), "", ""

    @rx.event
    def cancel_payment(self):
        self.paying, self.pay_errors = InvoiceRow(), {}

    @guarded(STAFF)
    async def record_payment(self, actor: Actor, form: dict):
        self.pay_errors = {}
        try:
            await db.acall(
                payments.record,
                actor,
                self.paying.id,
                amount=str(form.get("amount", "")),
                paid_on=str(form.get("paid_on", "")),
                method=str(form.get("method", "")),
                reference=str(form.get("reference", "")),
            )
        except InvalidInput as exc:
            self.pay_errors = exc.errors
            return
        except DomainError as exc:
            self.pay_errors = {"form": exc.message}
            return
        self.notice = (
            f"Payment recorded against {self.paying.number}. The client has been emailed a receipt."
        )
        self.paying = InvoiceRow()
        await self._refresh(actor)

    # Drafts and voids

    async def _act(self, actor: Actor, fn, invoice_id: int, done: str) -> None:
        self.notice, self.error = "", ""
        try:
            await db.acall(fn, actor, as_id(invoice_id))
        except DomainError as exc:
            self.error = exc.message
            return
        self.notice = done
        await self._refresh(actor)

    @guarded(STAFF)
    async def issue(self, actor: Actor, invoice_id: int):
        await self._act(actor, invoices.issue, invoice_id, "Issued. The client has been emailed.")

    @guarded(STAFF)
    async def discard(self, actor: Actor, invoice_id: int):
        await self._act(actor, invoices.discard_draft, invoice_id, "Draft discarded.")

    @guarded(STAFF)
    def start_void(self, actor: Actor, invoice_id: int):
        """Ask for the reason to void a listed invoice (an id not listed opens nothing)."""
        try:
            self.voiding = billing_views.find(self.invoices, as_id(invoice_id))
        except DomainError:
            self.voiding = InvoiceRow()
        self.void_error, self.paying = "", InvoiceRow()

    @rx.event
    def cancel_void(self):
        self.voiding, self.void_error = InvoiceRow(), ""

    @guarded(STAFF)
    async def void(self, actor: Actor, form: dict):
        try:
            await db.acall(invoices.void, actor, self.voiding.id, str(form.get("reason", "")))
        except DomainError as exc:
            self.void_error = exc.message
            return
        self.notice = f"{self.voiding.number} is void. It keeps its number on record."
        self.voiding = InvoiceRow()
        await self._refresh(actor)

    # New invoices

    @rx.event
    def toggle_new(self):
        self.show_new, self.new_errors, self.line_count = not self.show_new, {}, 1

    @rx.event
    def add_line(self):
        self.line_count = min(self.line_count + 1, invoices.FORM_LINES)

    @guarded(STAFF)
    async def create(self, actor: Actor, form: dict):
        self.new_errors = {}
        try:
            created = await db.acall(invoices.create_from_form, actor, form)
        except InvalidInput as exc:
            self.new_errors = exc.errors
            return
        except DomainError as exc:
            self.new_errors = {"form": exc.message}
            return
        self.show_new, self.notice = (
            False,
            (
                "Invoice issued. The client has been emailed."
                if created.issue_now
                else "Draft saved. Issue it when it is ready."
            ),
        )
        await self._refresh(actor)

    @guarded(STAFF)
    async def create_monthly(self, actor: Actor, form: dict):
        self.new_errors = {}
        try:
            await db.acall(invoices.monthly_from_form, actor, form)
        except DomainError as exc:
            self.new_errors = {"monthly": exc.message}
            return
        self.show_new, self.notice = False, "Monthly invoice issued. The client has been emailed."
        await self._refresh(actor)


class BillingSettingsState(rx.State):
    values: SettingsValues = SettingsValues()
    errors: dict[str, str] = {}
    notice: str = ""
    loaded: bool = False

    @guarded(OWNER)
    async def load(self, actor: Actor):
        self.errors, self.notice = {}, ""
        self.values = billing_views.settings_values(await db.aread(billing_settings.read, actor))
        self.loaded = True

    @guarded(OWNER)
    async def save(self, actor: Actor, form: dict):
        self.errors, self.notice = {}, ""
        flags = {name: ticked(form, name) for name in billing_settings.FLAGS}
        try:
            row = await db.acall(billing_settings.save, actor, {**form, **flags})
        except InvalidInput as exc:
            self.errors = exc.errors
            return
        except DomainError as exc:
            self.errors = {"form": exc.message}
            return
        self.values = billing_views.settings_values(row)
        self.notice = (
            "Billing settings saved. New invoices use them; issued ones keep what they were issued "
            "with."
        )


class ClientBillingState(rx.State):
    """The billing card on a client's page: address and state for invoices, and the client's own
    fees."""

    address: str = ""
    state_code: str = ""
    fees: list[FeeFormRow] = []
    errors: dict[str, str] = {}
    notice: str = ""

    def _client_id(self) -> int:
        return page_id(self, "client_id")

    async def _refresh(self, actor: Actor) -> None:
        self.address, self.state_code = await db.aread(
            billing_settings.client_billing, actor, self._client_id()
        )
        self.fees = billing_views.fee_rows(
            await db.aread(billing_settings.client_fees, actor, self._client_id())
        )

    @guarded(STAFF)
    async def load(self, actor: Actor):
        self.errors, self.notice = {}, ""
        try:
            await self._refresh(actor)
        except DomainError:
            self.fees = []

    @guarded(STAFF)
    async def save(self, actor: Actor, form: dict):
        self.errors, self.notice = {}, ""
        try:
            await db.acall(
                billing_settings.save_client_billing_form, actor, self._client_id(), form
            )
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
    invoices: list[InvoiceRow] = []
    receipts: list[billing_views.ReceiptRow] = []
    paging: PageRow = PageRow()
    #: The invoice whose QR code is open on a phone (0: none).
    qr_for: int = 0
    loaded: bool = False

    def _show(self, page: PortalInvoices) -> None:
        self.outstanding, self.has_outstanding = page.outstanding, page.has_outstanding
        self.invoices, self.receipts = page.invoices, page.receipts
        self.paging = page.paging

    async def _refresh(self, actor: Actor, page: int) -> None:
        self._show(billing_views.portal_invoices(await db.aread(reports.for_client, actor, page)))

    @guarded(CLIENTS)
    async def load(self, actor: Actor):
        await self._refresh(actor, 0)
        self.qr_for, self.loaded = 0, True

    @guarded(CLIENTS)
    async def turn_page(self, actor: Actor, step: int):
        """Older invoices for step 1, newer for -1."""
        await self._refresh(actor, self.paging.page + page_step(step))
        self.qr_for = 0

    @guarded(CLIENTS)
    def toggle_qr(self, actor: Actor, invoice_id: int):
        try:
            wanted = as_id(invoice_id)
        except DomainError:
            return
        self.qr_for = 0 if self.qr_for == wanted else wanted
