"""The 'Outside the portal' card on a client's page."""

from __future__ import annotations

import reflex as rx

from practipal_app.config import MEGABYTE, get_settings
from practipal_app.messaging.contact_log import BULK_MAX_FILES
from practipal_app.state.contacts import TOPICS
from practipal_app.state.contacts import BulkImportState as B
from practipal_app.state.contacts import ContactsState as S


def _count(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="4", weight="bold"),
        spacing="0",
        align="start",
    )


def _log_buttons(channel: str, label: str) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", weight="medium", min_width="120px"),
        *[
            rx.button(
                t,
                size="1",
                variant="soft",
                on_click=S.log(channel, t),
                aria_label=f"Log {label}: {t}",
            )
            for t in TOPICS
        ],
        wrap="wrap",
        spacing="2",
        align="center",
    )


def _import() -> rx.Component:
    return rx.cond(
        S.chat_file != "",
        rx.form(
            rx.vstack(
                rx.text("Read ", rx.text.strong(S.chat_file), ". Which name is yours?"),
                rx.el.select(
                    rx.foreach(S.chat_senders, lambda n: rx.el.option(n, value=n)),
                    name="therapist_sender",
                    id="field-therapist_sender",
                    aria_label="Your name in the chat",
                    style={"height": "40px", "minWidth": "240px"},
                ),
                rx.hstack(
                    rx.button("Import counts", type="submit"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.cancel_import,
                    ),
                ),
                spacing="2",
            ),
            on_submit=S.import_chat,
        ),
        rx.hstack(
            rx.upload(
                rx.button(
                    rx.icon("upload", size=16),
                    "Choose exported chat (.txt or .zip)",
                    variant="soft",
                    type="button",
                ),
                id="whatsapp_export",
                accept={"text/plain": [".txt"], "application/zip": [".zip"]},
                max_files=1,
                max_size=get_settings().max_upload_bytes,
                on_drop=S.read_chat(rx.upload_files(upload_id="whatsapp_export")),
                on_drop_rejected=S.refuse_files,
                border="none",
                padding="0",
            ),
            rx.text(
                "In WhatsApp: the chat → More → Export chat → Without media.",
                size="1",
                color_scheme="gray",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
    )


def outside_portal_card() -> rx.Component:
    v = S.volume
    counts = rx.hstack(
        _count("Imported WhatsApp", v.imported.to_string()),
        _count("Logged WhatsApp", v.whatsapp.to_string()),
        _count("Logged calls", v.phone.to_string()),
        _count("After hours", v.after_hours.to_string()),
        spacing="6",
    )
    return rx.card(
        rx.vstack(
            rx.heading("Outside the portal", size="4", as_="h2"),
            rx.text(
                "Counts only: when, which way, and whether after hours. Message text is never "
                "stored.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(v.is_not_none(), counts),
            rx.cond(
                S.notice != "",
                rx.callout(S.notice, icon="check", color_scheme="green", width="100%"),
            ),
            rx.cond(
                S.error != "",
                rx.callout(
                    S.error, icon="triangle_alert", color_scheme="red", width="100%", role="alert"
                ),
            ),
            rx.heading("Log a contact", size="3", as_="h3"),
            _log_buttons("whatsapp_logged", "WhatsApp"),
            _log_buttons("phone_logged", "Phone call"),
            rx.heading("Import WhatsApp history", size="3", as_="h3"),
            _import(),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _bulk_row(f, i) -> rx.Component:
    name = f.name
    return rx.table.row(
        rx.table.cell(name),
        rx.table.cell(
            rx.el.select(
                rx.el.option("Choose…", value=""),
                rx.foreach(B.clients, lambda c: rx.el.option(c.label, value=c.value)),
                name="client_" + i.to_string(),
                default_value=rx.cond(f.client_id > 0, f.client_id.to_string(), ""),
                aria_label="Client for " + name,
                style={"height": "36px"},
            )
        ),
        rx.table.cell(
            rx.el.select(
                rx.foreach(f.senders, lambda n: rx.el.option(n, value=n)),
                name="me_" + i.to_string(),
                default_value=f.me,
                aria_label="Your name in " + name,
                style={"height": "36px"},
            )
        ),
    )


#: One upload carries every chosen chat, so the upload limit is for all of them together.
BULK_LIMIT = f"{get_settings().max_upload_bytes / MEGABYTE:g} MB in all"


def bulk_import_card() -> rx.Component:
    return rx.el.details(
        rx.el.summary(
            "Import WhatsApp chats in bulk", style={"cursor": "pointer", "fontWeight": "500"}
        ),
        rx.vstack(
            rx.text(
                f"Choose up to {BULK_MAX_FILES} exported chats (.txt or .zip), "
                + BULK_LIMIT
                + ". Each is matched to a client by name; check the matches, then import. Only "
                "counts are kept, never message text.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                B.notice != "",
                rx.callout(B.notice, icon="check", color_scheme="green", width="100%"),
            ),
            rx.cond(
                B.error != "",
                rx.callout(
                    B.error, icon="triangle_alert", color_scheme="red", width="100%", role="alert"
                ),
            ),
            rx.cond(
                B.files.length() > 0,
                rx.form(
                    rx.vstack(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    rx.table.column_header_cell("File"),
                                    rx.table.column_header_cell("Client"),
                                    rx.table.column_header_cell("Your name in the chat"),
                                )
                            ),
                            rx.table.body(rx.foreach(B.files, _bulk_row)),
                            width="100%",
                        ),
                        rx.hstack(
                            rx.button("Import all", type="submit"),
                            rx.button(
                                "Cancel",
                                type="button",
                                variant="soft",
                                color_scheme="gray",
                                on_click=B.clear,
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=B.import_all,
                    width="100%",
                ),
                rx.upload(
                    rx.button(
                        rx.icon("upload", size=16),
                        "Choose exported chats",
                        variant="soft",
                        type="button",
                    ),
                    id="whatsapp_bulk",
                    accept={"text/plain": [".txt"], "application/zip": [".zip"]},
                    max_files=BULK_MAX_FILES,
                    max_size=get_settings().max_upload_bytes,
                    multiple=True,
                    on_drop=B.read_chats(rx.upload_files(upload_id="whatsapp_bulk")),
                    on_drop_rejected=B.refuse_files,
                    border="none",
                    padding="0",
                ),
            ),
            spacing="3",
            width="100%",
            padding_top="8px",
        ),
        style={"width": "100%"},
    )
