import reflex as rx

from practipal_app.components.forms import field
from practipal_app.components.layout import workspace_shell
from practipal_app.components.paging import load_older
from practipal_app.state.messages import InboxState as S


def _thread_row(t) -> rx.Component:
    settled = S.settled.contains(t.id)  # answered or done since the list was read
    flagged = t.flagged & ~settled
    return rx.box(
        rx.hstack(
            rx.cond(flagged, rx.icon("siren", color=rx.color("red", 9), size=16)),
            rx.text(t.client, weight="bold"),
            rx.spacer(),
            rx.cond(t.unread > 0, rx.badge(t.unread.to_string(), color_scheme="teal")),
            width="100%",
            align="center",
        ),
        rx.cond(
            (t.due != "") & ~settled,
            rx.text(
                rx.cond(t.overdue, "Overdue since ", "Reply due by "),
                t.due,
                size="1",
                color_scheme=rx.cond(t.overdue, "red", "gray"),
            ),
            rx.text("Nothing waiting", size="1", color_scheme="gray"),
        ),
        on_click=S.open(t.id),
        role="button",
        aria_label="Conversation with " + t.client,
        padding="10px",
        border_radius="8px",
        cursor="pointer",
        background=rx.cond(
            S.head.is_not_none() & (S.head.id == t.id), rx.color("teal", 3), "transparent"
        ),
        border=rx.cond(
            flagged, f"1px solid {rx.color('red', 7)}", f"1px solid {rx.color('gray', 4)}"
        ),
        width="100%",
    )


def _message(m) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(
                rx.match(m.kind, ("client", "Client"), ("note", "Automatic note"), "You"),
                size="1",
                weight="bold",
            ),
            rx.cond(m.topic != "", rx.badge(m.topic, size="1", color_scheme="gray")),
            rx.cond(m.risk, rx.badge("Risk words", size="1", color_scheme="red")),
            rx.cond(m.bring, rx.badge("For next session", size="1")),
            rx.spacer(),
            rx.text(m.when, size="1", color_scheme="gray"),
            width="100%",
        ),
        rx.text(m.body, style={"whiteSpace": "pre-wrap"}),
        padding="10px 12px",
        border_radius="10px",
        background=rx.match(
            m.kind,
            ("client", rx.color("gray", 1)),
            ("note", rx.color("gray", 3)),
            rx.color("teal", 3),
        ),
        border=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )


def _conversation() -> rx.Component:
    # column-reverse keeps the box scrolled to its end: the newest message and a reply just sent
    # are in view, and older pages loaded above do not move what is being read.
    return rx.box(
        rx.vstack(
            load_older(S.has_older, S.load_older, size="1"),
            rx.foreach(S.messages, _message),
            rx.foreach(S.sent, _message),
            spacing="2",
            width="100%",
        ),
        role="region",
        aria_label="Messages in this conversation",
        tab_index=0,  # a scrolling box is reached by keyboard too
        display="flex",
        flex_direction="column-reverse",
        max_height="360px",
        overflow_y="auto",
        width="100%",
    )


def _thread() -> rx.Component:
    return rx.cond(
        S.head.is_not_none(),
        rx.vstack(
            rx.hstack(
                rx.heading(S.head.client, size="5", as_="h2"),
                rx.spacer(),
                rx.link(
                    "Client page", href="/app/clients/" + S.head.client_id.to_string(), size="2"
                ),
                rx.button("Mark as done", variant="soft", on_click=S.done),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.head.flagged,
                rx.callout(
                    "This conversation has risk words. The client was shown crisis lines at once.",
                    icon="siren",
                    color_scheme="red",
                    width="100%",
                ),
            ),
            _conversation(),
            rx.flex(
                rx.foreach(
                    S.snippets,
                    lambda s: rx.button(
                        s.title, size="1", variant="soft", on_click=S.use_snippet(s.id)
                    ),
                ),
                gap="6px",
                wrap="wrap",
            ),
            rx.el.label(
                "Reply", html_for="field-reply", style={"fontWeight": "500", "fontSize": "14px"}
            ),
            rx.text_area(
                id="field-reply",
                value=S.draft,
                on_change=S.set_draft,
                debounce_timeout=250,
                rows="4",
                width="100%",
            ),
            rx.cond(
                S.bring,
                rx.text("The client's last message goes on the next session's agenda.", size="1"),
            ),
            rx.button(rx.icon("send", size=16), "Send reply", on_click=S.send),
            spacing="3",
            width="100%",
        ),
        rx.card(rx.text("Choose a conversation."), width="100%"),
    )


def _pager() -> rx.Component:
    return rx.cond(
        S.pages > 1,
        rx.el.nav(
            rx.hstack(
                rx.button(
                    "Previous",
                    size="1",
                    variant="soft",
                    high_contrast=True,
                    disabled=S.page <= 1,
                    on_click=S.go_to_page(S.page - 1),
                ),
                rx.text("Page ", S.page, " of ", S.pages, size="2"),
                rx.button(
                    "Next",
                    size="1",
                    variant="soft",
                    high_contrast=True,
                    disabled=S.page >= S.pages,
                    on_click=S.go_to_page(S.page + 1),
                ),
                align="center",
                justify="between",
                width="100%",
            ),
            aria_label="Inbox pages",
            style={"width": "100%"},
        ),
    )


def _snippets_editor() -> rx.Component:
    return rx.el.details(
        rx.el.summary("Quick replies", style={"cursor": "pointer", "fontWeight": "500"}),
        rx.vstack(
            rx.foreach(
                S.snippets,
                lambda s: rx.hstack(
                    rx.text(s.title, weight="medium", size="2"),
                    rx.text(s.body, size="1", color_scheme="gray"),
                    rx.spacer(),
                    rx.button(
                        "Delete",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=S.delete_snippet(s.id),
                        aria_label="Delete " + s.title,
                    ),
                    width="100%",
                    align="center",
                ),
            ),
            rx.form(
                rx.vstack(
                    field("Title", "title"),
                    field("Text", "body"),
                    rx.checkbox(
                        "Also put the client's message on the next session's agenda", name="bring"
                    ),
                    rx.button("Save quick reply", type="submit", size="2"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.add_snippet,
                reset_on_submit=True,
                width="100%",
            ),
            spacing="2",
            width="100%",
            padding_top="8px",
        ),
        style={"width": "100%"},
    )


@rx.page(route="/app/inbox", title="Inbox · PractiPal", on_load=S.load)
def inbox_page() -> rx.Component:
    return workspace_shell(
        "Inbox",
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle_alert", color_scheme="red", width="100%"),
        ),
        rx.grid(
            rx.vstack(
                rx.cond(
                    S.threads.length() > 0,
                    rx.foreach(S.threads, _thread_row),
                    rx.text("No messages yet.", color_scheme="gray"),
                ),
                _pager(),
                _snippets_editor(),
                spacing="2",
                width="100%",
            ),
            rx.box(_thread(), grid_column="span 2"),
            columns="3",
            spacing="4",
            width="100%",
        ),
    )
