import reflex as rx

from practipal_app.components.layout import portal_shell
from practipal_app.state.portal_schedule import BookState as S


def _slot_button(slot) -> rx.Component:
    selected = S.chosen == slot.value
    return rx.button(
        slot.label,
        size="3",
        variant=rx.cond(selected, "solid", "outline"),
        on_click=S.choose(slot.value, slot.full),
        aria_pressed=selected,
    )


def _day(day) -> rx.Component:
    return rx.vstack(
        rx.heading(day.day, size="3", as_="h2"),
        rx.flex(rx.foreach(day.slots, _slot_button), wrap="wrap", gap="8px"),
        spacing="2",
        width="100%",
    )


def _confirm_bar() -> rx.Component:
    return rx.cond(
        S.chosen != "",
        rx.box(
            rx.vstack(
                rx.text(
                    rx.cond(S.moving_id != 0, "Move to ", "Book "),
                    rx.text.strong(S.chosen_label),
                    "?",
                ),
                rx.text(S.policy, size="1", color_scheme="gray"),
                rx.cond(
                    S.needs_late_confirm != "",
                    rx.callout(
                        S.needs_late_confirm,
                        icon="triangle_alert",
                        color_scheme="orange",
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.button(
                        rx.cond(
                            S.needs_late_confirm != "",
                            "Yes, go ahead",
                            rx.cond(S.moving_id != 0, "Confirm move", "Confirm booking"),
                        ),
                        size="3",
                        on_click=S.confirm,
                    ),
                    rx.button(
                        "Change",
                        variant="soft",
                        color_scheme="gray",
                        size="3",
                        on_click=S.clear_choice,
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            position="fixed",
            bottom="64px",
            left="0",
            right="0",
            padding="12px 16px",
            background=rx.color("gray", 1),
            border_top=f"1px solid {rx.color('gray', 5)}",
            z_index="11",
            box_shadow="0 -4px 12px rgba(0,0,0,0.08)",
        ),
    )


@rx.page(
    route="/portal/book",
    title="Book a session · PractiPal",
    on_load=S.load,
)
def portal_book() -> rx.Component:
    return portal_shell(
        rx.heading(
            rx.cond(S.moving_id != 0, "Move your session", "Book a session"), size="7", as_="h1"
        ),
        rx.cond(S.moving_id != 0, rx.text("Now booked: ", S.moving_label, ". Pick a new time.")),
        rx.cond(
            S.error != "",
            rx.callout(
                rx.vstack(
                    rx.text(S.error),
                    rx.flex(rx.foreach(S.alternatives, _slot_button), wrap="wrap", gap="8px"),
                    spacing="2",
                ),
                icon="triangle_alert",
                color_scheme="orange",
                width="100%",
                role="alert",
            ),
        ),
        rx.cond(
            S.types.length() > 1,
            rx.vstack(
                rx.el.label(
                    "Session type",
                    html_for="field-type",
                    style={"fontWeight": "500", "fontSize": "14px"},
                ),
                rx.el.select(
                    rx.foreach(S.types, lambda t: rx.el.option(t.label, value=t.value)),
                    id="field-type",
                    value=S.type_id,
                    on_change=S.pick_type,
                    style={"height": "44px", "fontSize": "16px", "width": "100%"},
                ),
                width="100%",
                spacing="1",
            ),
            rx.foreach(S.types, lambda t: rx.text(t.label, size="2", color_scheme="gray")),
        ),
        rx.text(S.zone_note, size="2", color_scheme="gray"),
        rx.cond(
            S.days.length() > 0,
            rx.vstack(rx.foreach(S.days, _day), spacing="4", width="100%"),
            rx.cond(
                S.loaded,
                rx.card(
                    rx.text("No free times in the coming weeks. Please message your therapist."),
                    width="100%",
                ),
            ),
        ),
        rx.box(height="120px"),
        _confirm_bar(),
    )
