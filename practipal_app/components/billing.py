"""The billing card on a client's page: address and state for invoices, the client's own fees."""

from __future__ import annotations

import reflex as rx

from practipal_app.billing.views import STATE_OPTIONS
from practipal_app.components.forms import (
    error_text,
    form_error,
    select_field,
    textarea_field,
)
from practipal_app.state.billing import ClientBillingState as B
from practipal_app.state.clients import ClientDetailState


def _fee_row(fee) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(fee.name, weight="medium"),
            rx.text("Standard fee ", fee.standard, size="1", color_scheme="gray"),
            spacing="0",
            flex="1",
        ),
        rx.box(
            rx.el.label(
                "Fee for this client (₹)",
                html_for="fee-" + fee.type_id.to_string(),
                class_name="rt-r-size-1",
                style={"fontSize": "12px"},
            ),
            rx.input(
                id="fee-" + fee.type_id.to_string(),
                name="fee_" + fee.type_id.to_string(),
                default_value=fee.own,
                placeholder="Standard",
                input_mode="decimal",
                max_length=12,
                size="2",
            ),
            error_text(B.errors.get("fee_" + fee.type_id.to_string(), "")),
            width="200px",
        ),
        width="100%",
        align="center",
    )


def billing_card() -> rx.Component:
    client_id = ClientDetailState.client.id.to_string()
    return rx.card(
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.heading("Billing", size="4", as_="h2"),
                    rx.spacer(),
                    rx.link(
                        "Invoices and payments", href="/app/billing?client=" + client_id, size="2"
                    ),
                    width="100%",
                    align="center",
                ),
                rx.foreach(B.fees, _fee_row),
                rx.text(
                    "Leave a fee empty to charge the standard fee (a sliding scale: set a lower "
                    "one).",
                    size="1",
                    color_scheme="gray",
                ),
                rx.hstack(
                    rx.box(
                        textarea_field(
                            "Billing address", "address", default_value=B.address, rows="2"
                        ),
                        flex="2",
                    ),
                    rx.box(
                        select_field(
                            "State (place of supply)",
                            "state_code",
                            [rx.el.option(o.label, value=o.value) for o in STATE_OPTIONS],
                            default_value=B.state_code,
                            error=B.errors.get("state_code", ""),
                        ),
                        flex="1",
                    ),
                    spacing="4",
                    width="100%",
                    align="start",
                ),
                form_error(B.errors.get("form", "")),
                rx.hstack(
                    rx.button("Save billing details", type="submit", variant="soft"),
                    rx.cond(B.notice != "", rx.text(B.notice, color_scheme="green", size="2")),
                    align="center",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=B.save,
            reset_on_submit=False,
            key=B.address + B.state_code + B.fees.length().to(str),
        ),
        width="100%",
    )
