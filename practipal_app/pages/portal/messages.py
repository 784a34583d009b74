import reflex as rx

from practipal_app.components.charter import crisis_card
from practipal_app.components.layout import portal_shell
from practipal_app.components.paging import load_older
from practipal_app.messaging.threads import TOPICS
from practipal_app.state.messages import PortalMessagesState as S


def _bubble(m) -> rx.Component:
    mine = m.kind == "client"
    return rx.box(
        rx.cond(
            m.kind == "note",
            rx.text("Automatic note", size="1", weight="bold", color_scheme="gray"),
        ),
        rx.cond(m.topic != "", rx.text(m.topic, size="1", color_scheme="gray")),
        rx.text(m.body, size="3", style={"whiteSpace": "pre-wrap"}),
        rx.cond(m.bring, rx.badge("For our next session", size="1")),
        rx.text(m.when, size="1", color_scheme="gray"),
        align_self=rx.cond(mine, "flex-end", "flex-start"),
        max_width="85%",
        padding="10px 12px",
        border_radius="14px",
        background=rx.match(
            m.kind,
            ("client", rx.color("teal", 4)),
            ("note", rx.color("gray", 3)),
            rx.color("gray", 1),
        ),
        border=f"1px solid {rx.color('gray', 5)}",
    )


def _conversation() -> rx.Component:
    return rx.vstack(
        load_older(S.has_older, S.load_older),
        rx.foreach(S.messages, _bubble),
        rx.foreach(S.sent, _bubble),
        spacing="2",
        width="100%",
    )


def _scheduling_help() -> rx.Component:
    return rx.cond(
        (S.topic == "scheduling") & S.next_session.is_not_none(),
        rx.callout(
            rx.vstack(
                rx.text("Your next session: ", S.next_session.day, ", ", S.next_session.time),
                rx.hstack(
                    rx.link(
                        rx.button("Move it", size="2"),
                        href="/portal/book?move=" + S.next_session.id.to_string(),
                    ),
                    rx.link(
                        rx.button("Cancel it", size="2", variant="soft", color_scheme="red"),
                        href="/portal/sessions",
                    ),
                ),
                rx.text("You can do this yourself, no message needed.", size="1"),
                spacing="2",
            ),
            icon="calendar",
            width="100%",
        ),
    )


def _composer() -> rx.Component:
    return rx.vstack(
        rx.callout(S.expectation, icon="clock", color_scheme="teal", width="100%"),
        rx.vstack(
            rx.el.label(
                "What is it about?",
                html_for="field-topic",
                style={"fontWeight": "500", "fontSize": "14px"},
            ),
            rx.el.select(
                rx.el.option("Choose…", value=""),
                *[rx.el.option(label, value=key) for key, label in TOPICS.items()],
                id="field-topic",
                value=S.topic,
                on_change=S.choose_topic,
                style={"height": "44px", "fontSize": "16px", "width": "100%"},
            ),
            width="100%",
            spacing="1",
        ),
        _scheduling_help(),
        rx.vstack(
            rx.el.label(
                "Message", html_for="field-body", style={"fontWeight": "500", "fontSize": "14px"}
            ),
            rx.text_area(
                id="field-body",
                value=S.draft,
                on_change=S.set_draft,
                debounce_timeout=250,
                rows="5",
                width="100%",
                size="3",
            ),
            rx.hstack(
                rx.text(S.counter, size="1", color_scheme="gray"), justify="end", width="100%"
            ),
            width="100%",
            spacing="1",
        ),
        rx.cond(S.risk_typed, crisis_card(S.own_contacts)),
        rx.checkbox(
            "I'd like to talk about this in our next session (no reply needed)",
            checked=S.bring,
            on_change=S.set_bring,
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle_alert", color_scheme="red", width="100%"),
        ),
        rx.button(rx.icon("send", size=16), "Send", size="3", width="100%", on_click=S.send),
        spacing="3",
        width="100%",
    )


@rx.page(
    route="/portal/messages",
    title="Messages · PractiPal",
    on_load=S.load,
)
def portal_messages() -> rx.Component:
    return portal_shell(
        rx.heading("Messages", size="7", as_="h1"),
        rx.cond(S.risk_sent, crisis_card(S.own_contacts)),
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        _conversation(),
        _composer(),
    )
