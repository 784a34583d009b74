"""/app/forms (the list), /app/forms/[form_id] (builder with a phone-size preview, sending),
/app/forms/responses/[response_id] (one client's answers)."""

import reflex as rx

from practipal_app.components.form_fields import question
from practipal_app.components.forms import checkbox, error_text, field, form_error
from practipal_app.components.layout import workspace_shell
from practipal_app.content.forms import FIELD_TYPES, LABEL_MAX, MAX_TITLE, OPTIONS_MAX, TEXT_MAX
from practipal_app.state.forms import FormEditorState, FormsListState, ResponseState

E = FormEditorState


def _form_row(f) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon(
                rx.cond(f.is_intake, "clipboard-check", "clipboard-list"), color=rx.color("teal", 9)
            ),
            rx.vstack(
                rx.link(f.title, href="/app/forms/" + f.id.to_string(), weight="bold"),
                rx.text(
                    "Version ",
                    f.version.to_string(),
                    " · ",
                    f.questions.to_string(),
                    " questions · sent ",
                    f.sent.to_string(),
                    ", answered ",
                    f.answered.to_string(),
                    size="2",
                    color_scheme="gray",
                ),
                spacing="0",
                align="start",
                flex="1",
            ),
            rx.link(
                rx.button("Edit and send", variant="soft", size="2"),
                href="/app/forms/" + f.id.to_string(),
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@rx.page(
    route="/app/forms",
    title="Forms · PractiPal",
    on_load=FormsListState.load,
)
def forms_page() -> rx.Component:
    L = FormsListState
    return workspace_shell(
        "Forms",
        rx.text(
            "Intake and consent forms clients fill on their phone. Every new client meets your "
            "charter, the emergency-contact questions and the data notice in the Intake.",
            color_scheme="gray",
        ),
        rx.vstack(rx.foreach(L.items, _form_row), spacing="2", width="100%"),
        rx.card(
            rx.form(
                rx.hstack(
                    rx.box(
                        field("New form title", "title", placeholder="e.g. Session feedback"),
                        flex="1",
                    ),
                    rx.button("Create form", type="submit", size="3"),
                    spacing="3",
                    align="end",
                    width="100%",
                ),
                on_submit=L.create,
                reset_on_submit=False,
            ),
            form_error(L.error),
            width="100%",
        ),
    )


# Builder -----------------------------------------------------------------------------------------


def _field_editor(f, i) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(f.type_label, variant="soft"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("arrow-up", size=14),
                    size="1",
                    variant="ghost",
                    on_click=E.move(i, -1),
                    aria_label="Move question " + (i + 1).to(str) + " up",
                ),
                rx.icon_button(
                    rx.icon("arrow-down", size=14),
                    size="1",
                    variant="ghost",
                    on_click=E.move(i, 1),
                    aria_label="Move question " + (i + 1).to(str) + " down",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=E.remove(i),
                    aria_label="Remove question " + (i + 1).to(str),
                ),
                width="100%",
                align="center",
            ),
            rx.el.label(
                "Question " + (i + 1).to(str),
                html_for="label-" + i.to(str),
                style={"fontSize": "13px"},
            ),
            rx.input(
                id="label-" + i.to(str),
                default_value=f.label,
                on_blur=lambda v: E.set_field(i, "label", v),
                max_length=LABEL_MAX,
                width="100%",
            ),
            rx.cond(
                (f.type == "info") | (f.type == "consent") | (f.type == "charter"),
                rx.text_area(
                    default_value=f.text,
                    on_blur=lambda v: E.set_field(i, "text", v),
                    max_length=TEXT_MAX,
                    rows="4",
                    width="100%",
                    aria_label="Text of question " + (i + 1).to(str),
                ),
            ),
            rx.cond(
                (f.type == "single_choice") | (f.type == "multiple_choice"),
                rx.text_area(
                    default_value=f.options.join("\n"),
                    rows="3",
                    width="100%",
                    max_length=OPTIONS_MAX,
                    on_blur=lambda v: E.set_field(i, "options", v),
                    aria_label="Options of question " + (i + 1).to(str) + ", one per line",
                ),
            ),
            rx.cond(
                f.type != "info",
                rx.hstack(
                    rx.el.label(
                        rx.checkbox(
                            checked=f.required, on_change=lambda v: E.set_field(i, "required", v)
                        ),
                        "Required",
                        style={"display": "flex", "gap": "6px", "alignItems": "center"},
                    ),
                    rx.cond(
                        f.type == "yes_no",
                        rx.el.label(
                            rx.checkbox(
                                checked=f.risk, on_change=lambda v: E.set_field(i, "risk", v)
                            ),
                            "Show crisis lines when the answer is yes",
                            style={"display": "flex", "gap": "6px", "alignItems": "center"},
                        ),
                    ),
                    spacing="4",
                ),
            ),
            error_text(E.errors.get("field_" + i.to(str), "")),
            spacing="2",
            width="100%",
        ),
        width="100%",
        key=f.key + "-" + i.to(str),
    )


def _add_buttons() -> rx.Component:
    return rx.flex(
        *[
            rx.button(
                rx.icon("plus", size=12),
                label,
                size="1",
                variant="soft",
                on_click=E.add_question(kind),
            )
            for kind, label in FIELD_TYPES.items()
        ],
        gap="6px",
        wrap="wrap",
    )


def _preview() -> rx.Component:
    return rx.vstack(
        rx.text("Preview at phone size", size="2", weight="medium", color_scheme="gray"),
        rx.box(
            rx.vstack(
                rx.heading(E.title, size="5"),
                rx.foreach(E.fields, lambda f: question(f, live=False)),
                spacing="4",
                width="100%",
            ),
            width="390px",
            max_height="760px",
            overflow_y="auto",
            padding="16px",
            border=f"8px solid {rx.color('gray', 12)}",
            border_radius="28px",
            background=rx.color("gray", 1),
            aria_label="Phone preview",
        ),
        position="sticky",
        top="16px",
        spacing="2",
    )


def _send() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Send to clients", size="4", as_="h2"),
                rx.flex(
                    rx.foreach(E.client_options, lambda c: checkbox(c.label, "client_" + c.value)),
                    gap="16px",
                    wrap="wrap",
                ),
                rx.button("Send form", type="submit", size="3"),
                rx.cond(E.send_notice != "", rx.text(E.send_notice, size="2")),
                spacing="3",
                width="100%",
            ),
            on_submit=E.send,
            reset_on_submit=True,
        ),
        width="100%",
    )


@rx.page(
    route="/app/forms/[form_id]",
    title="Form · PractiPal",
    on_load=E.load,
)
def form_editor_page() -> rx.Component:
    return workspace_shell(
        "Edit form",
        rx.cond(
            E.missing,
            rx.text("This form does not exist or is not yours."),
            rx.hstack(
                rx.vstack(
                    rx.el.label("Form title", html_for="form-title", style={"fontWeight": "500"}),
                    rx.input(
                        id="form-title",
                        value=E.title,
                        on_change=E.set_title,
                        max_length=MAX_TITLE,
                        size="3",
                        width="100%",
                    ),
                    rx.text(
                        "Version ",
                        E.version,
                        rx.cond(E.has_answers, " · has answers: saving makes a new version", ""),
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.foreach(E.fields, _field_editor),
                    rx.text("Add a question", weight="medium", size="2"),
                    _add_buttons(),
                    error_text(E.errors.get("fields", "")),
                    form_error(E.errors.get("form", "")),
                    rx.cond(
                        E.notice != "",
                        rx.callout(E.notice, icon="check", color_scheme="green", width="100%"),
                    ),
                    rx.button("Save form", size="3", on_click=E.save),
                    _send(),
                    spacing="3",
                    flex="1",
                    min_width="420px",
                ),
                _preview(),
                spacing="5",
                align="start",
                width="100%",
            ),
        ),
    )


# A response --------------------------------------------------------------------------------------

R = ResponseState


@rx.page(
    route="/app/forms/responses/[response_id]",
    title="Form answers · PractiPal",
    on_load=R.load,
)
def response_page() -> rx.Component:
    d = R.detail
    return workspace_shell(
        "Form answers",
        rx.cond(
            R.missing,
            rx.text("This response does not exist or is not yours."),
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.heading(d.title, size="5", as_="h2"),
                        rx.text(
                            d.client,
                            " · version ",
                            d.version.to_string(),
                            " · submitted ",
                            d.submitted,
                            color_scheme="gray",
                        ),
                        spacing="1",
                    ),
                    rx.spacer(),
                    rx.el.a(
                        rx.button(rx.icon("download", size=16), "PDF", variant="soft"),
                        href="/api/forms/responses/" + d.id.to_string() + ".pdf",
                        reload_document=True,
                    ),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    d.risk_flag,
                    rx.callout(
                        "The risk question was answered yes.",
                        icon="triangle_alert",
                        color_scheme="red",
                        width="100%",
                    ),
                ),
                rx.cond(
                    d.charter_version > 0,
                    rx.callout(
                        "Communication charter acknowledged: version "
                        + d.charter_version.to_string(),
                        icon="scroll-text",
                        color_scheme="teal",
                        width="100%",
                    ),
                ),
                rx.cond(
                    d.update_rows.length() > 0,
                    rx.card(
                        rx.vstack(
                            rx.text("The client gave an emergency contact:", weight="medium"),
                            rx.foreach(
                                d.update_rows, lambda row: rx.text(row.label, ": ", row.value)
                            ),
                            rx.cond(
                                d.update_applied,
                                rx.text("Applied to the profile.", color_scheme="green"),
                                rx.button(
                                    "Use it in the client's profile", on_click=R.apply_update
                                ),
                            ),
                            rx.cond(R.notice != "", rx.text(R.notice, size="2")),
                            spacing="2",
                        ),
                        width="100%",
                    ),
                ),
                rx.card(
                    rx.vstack(
                        rx.foreach(
                            d.answers,
                            lambda item: rx.vstack(
                                rx.text(item.label, weight="medium", size="2", color_scheme="gray"),
                                rx.text(item.answer, style={"whiteSpace": "pre-wrap"}),
                                spacing="0",
                                width="100%",
                                padding_y="6px",
                                border_bottom=f"1px solid {rx.color('gray', 4)}",
                            ),
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )
