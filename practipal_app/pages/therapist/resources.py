"""/app/resources: the library (practice-wide and personal), adding, sharing, "opened" tracking,
automatic sharing rules."""

import reflex as rx

from practipal_app.components.forms import (
    checkbox,
    error_text,
    field,
    form_error,
    select_field,
    textarea_field,
)
from practipal_app.components.layout import PROSE, workspace_shell
from practipal_app.content.resources import CATEGORY_LABELS, MAX_TITLE, TRIGGER_LABELS
from practipal_app.state.resources import ResourcesState

S = ResourcesState
KIND_ICONS = (("file", "file-text"), ("text", "notebook-text"), ("link", "link"), "file")
UPLOAD_ID = "resource_file"


def _category_options(blank: str = "") -> list[rx.Component]:
    first = [rx.el.option(blank, value="")] if blank else []
    return first + [rx.el.option(label, value=value) for value, label in CATEGORY_LABELS.items()]


def _file_input() -> rx.Component:
    return rx.vstack(
        rx.upload(
            rx.button(
                rx.icon("upload", size=16),
                "Choose a file (PDF, PNG, JPEG, MP3 or M4A)",
                variant="soft",
                type="button",
            ),
            id=UPLOAD_ID,
            multiple=False,
            no_drag=True,
            border="none",
            padding="0",
            on_drop=S.receive_file(rx.upload_files(upload_id=UPLOAD_ID)),
        ),
        rx.cond(S.file_label != "", rx.text("Ready: ", S.file_label, size="2")),
        error_text(S.errors.get("file", "")),
        spacing="1",
    )


def _add_form() -> rx.Component:
    kinds = rx.segmented_control.root(
        rx.segmented_control.item("File", value="file"),
        rx.segmented_control.item("Text", value="text"),
        rx.segmented_control.item("Link", value="link"),
        value=S.kind,
        on_change=S.choose_kind,
    )
    return rx.cond(
        S.adding,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Add a resource", size="4", as_="h2"),
                    kinds,
                    field("Title", "title", error=S.errors.get("title", "")),
                    rx.hstack(
                        rx.box(
                            select_field(
                                "Category",
                                "category",
                                _category_options(),
                                error=S.errors.get("category", ""),
                            ),
                            flex="1",
                        ),
                        rx.box(
                            field(
                                "Tags",
                                "tags",
                                hint="Separated by commas, e.g. anxiety, sleep",
                                error=S.errors.get("tags", ""),
                            ),
                            flex="2",
                        ),
                        rx.box(
                            field(
                                "Language",
                                "language",
                                default_value="English",
                                error=S.errors.get("language", ""),
                            ),
                            flex="1",
                        ),
                        spacing="3",
                        width="100%",
                        align="start",
                    ),
                    rx.match(
                        S.kind,
                        ("file", _file_input()),
                        (
                            "text",
                            textarea_field(
                                "Text (Markdown: # heading, **bold**, - list)",
                                "body",
                                rows="10",
                                error=S.errors.get("body", ""),
                            ),
                        ),
                        field("Link (https://…)", "url", type="url", error=S.errors.get("url", "")),
                    ),
                    checkbox(
                        "Add to the practice library (the whole team can use it)", "practice_wide"
                    ),
                    form_error(S.errors.get("form", "")),
                    rx.hstack(
                        rx.button("Save resource", type="submit", size="3"),
                        rx.button(
                            "Cancel", type="button", variant="soft", size="3", on_click=S.toggle_add
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.add,
                reset_on_submit=False,
            ),
            width="100%",
        ),
    )


def _share_row(s) -> rx.Component:
    return rx.table.row(
        rx.table.cell(s.client),
        rx.table.cell(s.shared),
        rx.table.cell(rx.text(s.opened, color_scheme=rx.cond(s.was_opened, "green", "gray"))),
        rx.table.cell(
            rx.button(
                "Unshare",
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=S.unshare(s.client_id.to_string()),
            )
        ),
    )


def _sharing_panel() -> rx.Component:
    return rx.cond(
        S.sharing.is_not_none(),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Share “", S.sharing.title, "”", size="4", as_="h2"),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16),
                        variant="ghost",
                        aria_label="Close sharing",
                        on_click=S.close_sharing,
                    ),
                    width="100%",
                ),
                rx.form(
                    rx.vstack(
                        rx.text("Clients", weight="medium", size="2"),
                        rx.flex(
                            rx.foreach(
                                S.client_options, lambda c: checkbox(c.label, "client_" + c.value)
                            ),
                            gap="16px",
                            wrap="wrap",
                        ),
                        field(
                            "Note for the client (optional)",
                            "note",
                            placeholder="e.g. Try this before our next session",
                        ),
                        error_text(S.share_error),
                        rx.button("Share", type="submit", size="3"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=S.share,
                    reset_on_submit=True,
                    key=S.sharing.id.to_string(),
                ),
                rx.heading("Shared with", size="3", as_="h3"),
                rx.cond(
                    S.shares.length() > 0,
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(h)
                                    for h in ["Client", "Shared", "Opened", ""]
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(S.shares, _share_row)),
                        width="100%",
                        size="1",
                    ),
                    rx.text("Not shared with anyone yet.", size="2", color_scheme="gray"),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _preview_panel() -> rx.Component:
    p = S.previewing
    return rx.cond(
        p.is_not_none(),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(p.title, size="4", as_="h2"),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16),
                        variant="ghost",
                        aria_label="Close preview",
                        on_click=S.close_preview,
                    ),
                    width="100%",
                ),
                rx.cond(p.html != "", rx.box(rx.html(p.html), style=PROSE, max_width="680px")),
                rx.cond(p.url != "", rx.link(p.url, href=p.url, is_external=True)),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _item_card(item) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon(rx.match(item.kind, *KIND_ICONS), size=22, color=rx.color("teal", 9)),
            rx.vstack(
                rx.text(item.title, weight="bold"),
                rx.text(
                    item.category_label,
                    " · ",
                    item.scope,
                    " · ",
                    item.language,
                    rx.cond(item.tags != "", " · " + item.tags, ""),
                    size="2",
                    color_scheme="gray",
                ),
                rx.text(
                    "Shared with ",
                    item.shared_count.to_string(),
                    ", opened by ",
                    item.opened_count.to_string(),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
                align="start",
                flex="1",
            ),
            rx.cond(
                item.kind == "file",
                rx.el.a(
                    rx.button("View", size="2", variant="ghost"),
                    href="/api/resources/" + item.id.to_string() + "/file",
                    target="_blank",
                    reload_document=True,
                    aria_label="View " + item.title,
                ),
                rx.button(
                    "View",
                    size="2",
                    variant="ghost",
                    on_click=S.preview(item.id.to_string()),
                    aria_label="View " + item.title,
                ),
            ),
            rx.button(
                "Share",
                size="2",
                on_click=S.open_sharing(item.id.to_string()),
                aria_label="Share " + item.title,
            ),
            rx.cond(
                item.mine,
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(
                        rx.button(
                            "Delete",
                            size="2",
                            variant="soft",
                            color_scheme="red",
                            aria_label="Delete " + item.title,
                        )
                    ),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Delete “", item.title, "”?"),
                        rx.alert_dialog.description(
                            "Clients it was shared with will no longer see it. "
                            "A file is deleted from the server."
                        ),
                        rx.hstack(
                            rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                            rx.alert_dialog.action(
                                rx.button(
                                    "Delete",
                                    color_scheme="red",
                                    on_click=S.delete(item.id.to_string()),
                                )
                            ),
                            spacing="3",
                            justify="end",
                            margin_top="16px",
                        ),
                    ),
                ),
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _library() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.input(
                    name="query",
                    max_length=MAX_TITLE,
                    placeholder="Search titles and tags",
                    aria_label="Search",
                    size="2",
                    width="280px",
                ),
                rx.el.select(
                    *_category_options("All categories"),
                    name="category",
                    aria_label="Filter by category",
                    style={"height": "32px", "borderRadius": "6px", "padding": "0 8px"},
                ),
                rx.button("Search", type="submit", variant="soft", size="2"),
                spacing="2",
                align="center",
            ),
            on_submit=S.search,
            reset_on_submit=False,
        ),
        rx.cond(
            S.items.length() > 0,
            rx.vstack(rx.foreach(S.items, _item_card), spacing="2", width="100%"),
            rx.cond(
                S.loaded,
                rx.text(
                    "No resources yet. Add a worksheet, an audio exercise or a link, "
                    "then share it instead of typing the same reply again.",
                    color_scheme="gray",
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _rules() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Automatic sharing", size="4", as_="h2"),
            rx.text(
                "Share a resource by itself when something happens, so the client has it without "
                "asking.",
                size="2",
                color_scheme="gray",
            ),
            rx.foreach(
                S.rules,
                lambda r: rx.hstack(
                    rx.switch(
                        checked=r.enabled,
                        on_change=lambda v: S.toggle_rule(r.trigger, r.resource_id.to_string(), v),
                        aria_label=r.trigger_label + ": " + r.title,
                    ),
                    rx.text(r.trigger_label, ": ", rx.text.strong(r.title)),
                    align="center",
                    spacing="3",
                ),
            ),
            rx.form(
                rx.hstack(
                    rx.box(
                        select_field(
                            "When",
                            "trigger",
                            [
                                rx.el.option(label, value=value)
                                for value, label in TRIGGER_LABELS.items()
                            ],
                        ),
                        width="260px",
                    ),
                    rx.box(
                        select_field(
                            "Share",
                            "resource_id",
                            [
                                rx.el.option("Choose a resource", value=""),
                                rx.foreach(
                                    S.items, lambda i: rx.el.option(i.title, value=i.id.to_string())
                                ),
                            ],
                        ),
                        flex="1",
                    ),
                    rx.button("Add rule", type="submit", variant="soft", size="3"),
                    spacing="3",
                    align="end",
                    width="100%",
                ),
                on_submit=S.add_rule,
                reset_on_submit=True,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@rx.page(route="/app/resources", title="Resources · PractiPal", on_load=S.load)
def resources_page() -> rx.Component:
    return workspace_shell(
        "Resources",
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle_alert", color_scheme="red", width="100%"),
        ),
        rx.cond(
            ~S.has_starters,
            rx.callout(
                rx.hstack(
                    rx.text(
                        "Start with six ready-made resources: grounding, box breathing, a thought "
                        "record, values prompts, sleep hygiene and “Between sessions” built from "
                        "your charter."
                    ),
                    rx.button("Add the starter library", size="2", on_click=S.install_starters),
                    align="center",
                    spacing="3",
                    width="100%",
                ),
                icon="sparkles",
                width="100%",
            ),
        ),
        _add_form(),
        _sharing_panel(),
        _preview_panel(),
        _library(),
        _rules(),
        actions=rx.button(
            rx.icon("plus", size=16), "Add resource", size="3", on_click=S.toggle_add
        ),
    )
