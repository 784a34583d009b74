import reflex as rx

from practipal_app.components.forms import field, form_error, select_field
from practipal_app.components.layout import workspace_shell
from practipal_app.scheduling.rules import DAY_NAMES
from practipal_app.state.availability import NEW_TYPE
from practipal_app.state.availability import AvailabilityState as S

MODES = [("video", "Video"), ("in_person", "In person"), ("phone", "Phone")]


def _section(title: str, *children, description: str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.text(description, size="2", color_scheme="gray") if description else rx.fragment(),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _hours() -> rx.Component:
    return _section(
        "Weekly hours",
        rx.form(
            rx.vstack(
                rx.grid(
                    *[
                        field(
                            f"{name} hours",
                            f"day_{i}",
                            default_value=S.hours[i],
                            error=S.errors.get(f"day_{i}", ""),
                            placeholder="Day off",
                        )
                        for i, name in enumerate(DAY_NAMES)
                    ],
                    columns="4",
                    spacing="3",
                    width="100%",
                ),
                rx.button("Save hours", type="submit", size="3"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_hours,
            key=S.form_key,
            width="100%",
        ),
        description=(
            "Ranges in your practice's timezone, like 10:00-13:00, 14:00-18:00. Leave a day empty "
            "for a day off."
        ),
    )


def _policies() -> rx.Component:
    p, e = S.policies, S.errors
    return _section(
        "Booking rules and caps",
        rx.form(
            rx.vstack(
                rx.grid(
                    field(
                        "Minimum notice (hours)",
                        "min_notice_hours",
                        type="number",
                        default_value=p.min_notice_hours,
                        error=e.get("min_notice_hours", ""),
                    ),
                    field(
                        "Booking horizon (days)",
                        "horizon_days",
                        type="number",
                        default_value=p.horizon_days,
                        error=e.get("horizon_days", ""),
                    ),
                    field(
                        "Cancellation window (hours)",
                        "cancellation_window_hours",
                        type="number",
                        default_value=p.cancellation_window_hours,
                        error=e.get("cancellation_window_hours", ""),
                    ),
                    field(
                        "At most sessions a day",
                        "daily_cap",
                        type="number",
                        default_value=p.daily_cap,
                        error=e.get("daily_cap", ""),
                        hint="Self-booking never goes past your caps.",
                    ),
                    field(
                        "At most sessions a week",
                        "weekly_cap",
                        type="number",
                        default_value=p.weekly_cap,
                        error=e.get("weekly_cap", ""),
                    ),
                    field(
                        "Reminder emails (hours before)",
                        "reminder_hours",
                        default_value=p.reminder_hours,
                        error=e.get("reminder_hours", ""),
                        hint="For example 24, 1",
                    ),
                    columns="3",
                    spacing="3",
                    width="100%",
                ),
                field(
                    "Your video room link (optional)",
                    "video_room_url",
                    default_value=p.video_room_url,
                    error=e.get("video_room_url", ""),
                    hint="Without one, each video session gets its own private Jitsi Meet room.",
                ),
                field(
                    "Address for in-person sessions",
                    "office_address",
                    default_value=p.office_address,
                ),
                rx.el.label(
                    rx.hstack(
                        rx.el.input(
                            type="checkbox",
                            name="daily_agenda_email",
                            id="field-daily_agenda_email",
                            default_checked=p.daily_agenda_email,
                        ),
                        rx.text("Email me my day's agenda each morning", size="2"),
                        spacing="2",
                        align="center",
                    ),
                    html_for="field-daily_agenda_email",
                ),
                rx.button("Save rules", type="submit", size="3"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_policies,
            key=S.form_key,
            width="100%",
        ),
    )


def _type_form(t=None) -> rx.Component:
    e = S.errors
    return rx.form(
        rx.grid(
            field(
                "Name",
                "name",
                default_value=t.name if t is not None else "",
                error=e.get("name", ""),
            ),
            field(
                "Minutes",
                "duration_minutes",
                type="number",
                default_value=t.duration if t is not None else "50",
                error=e.get("duration_minutes", ""),
            ),
            field(
                "Fee (₹)",
                "fee_rupees",
                default_value=t.fee if t is not None else "",
                error=e.get("fee_rupees", ""),
            ),
            select_field(
                "Mode",
                "mode",
                [rx.el.option(label, value=v) for v, label in MODES],
                default_value=t.mode if t is not None else "video",
            ),
            field(
                "Buffer after (minutes)",
                "buffer_minutes",
                type="number",
                default_value=t.buffer if t is not None else "10",
                error=e.get("buffer_minutes", ""),
            ),
            rx.box(rx.button("Save type", type="submit", size="3"), align_self="end"),
            columns="6",
            spacing="3",
            width="100%",
        ),
        on_submit=S.save_type,
        key=S.form_key,
        width="100%",
    )


def _type_row(t) -> rx.Component:
    return rx.cond(
        S.editing_type == t.id,
        _type_form(t),
        rx.hstack(
            rx.text(t.name, weight="medium"),
            rx.text(
                t.duration,
                " min · ₹",
                t.fee,
                " · ",
                t.mode,
                " · buffer ",
                t.buffer,
                " min",
                size="2",
                color_scheme="gray",
            ),
            rx.spacer(),
            rx.button("Edit", variant="soft", size="1", on_click=S.edit_type(t.id)),
            rx.button(
                "Remove",
                variant="soft",
                color_scheme="red",
                size="1",
                on_click=S.archive_type(t.id),
            ),
            width="100%",
            align="center",
        ),
    )


def _types() -> rx.Component:
    return _section(
        "Session types",
        rx.foreach(S.types, _type_row),
        rx.cond(
            S.editing_type == NEW_TYPE,
            _type_form(),
            rx.button(
                rx.icon("plus", size=16),
                "Add a session type",
                variant="soft",
                on_click=S.edit_type(NEW_TYPE),
            ),
        ),
    )


def _leave() -> rx.Component:
    return _section(
        "Leave",
        rx.foreach(
            S.leave,
            lambda t: rx.hstack(
                rx.icon("plane", size=16),
                rx.text(t.first, " – ", t.last, weight="medium"),
                rx.text(t.note, size="2", color_scheme="gray"),
                rx.spacer(),
                rx.button(
                    "Remove",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.remove_leave(t.id),
                ),
                width="100%",
                align="center",
            ),
        ),
        rx.cond(
            S.affected.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.text(
                        "These sessions fall in your leave. Move or cancel them from the calendar:",
                        weight="bold",
                    ),
                    rx.foreach(
                        S.affected,
                        lambda a: rx.link(
                            a.when,
                            " — ",
                            a.client,
                            href="/app/clients/" + a.client_id.to_string(),
                            size="2",
                        ),
                    ),
                    spacing="1",
                ),
                icon="triangle_alert",
                color_scheme="amber",
                width="100%",
            ),
        ),
        rx.form(
            rx.hstack(
                field("First day", "first_day", type="date", error=S.errors.get("first_day", "")),
                field("Last day", "last_day", type="date", error=S.errors.get("last_day", "")),
                field("Note (only you see it)", "note"),
                rx.button("Add leave", type="submit", size="3"),
                align="end",
                spacing="3",
                width="100%",
            ),
            on_submit=S.add_leave,
            key=S.form_key,
            width="100%",
        ),
        description=(
            "Clients cannot book during leave, and clients with a session then see a notice in "
            "their portal."
        ),
    )


def _feed() -> rx.Component:
    # Plain HTML forms posting to HTTP routes: the subscription link is shown once by the server,
    # never placed in page state.
    return _section(
        "Calendar subscription",
        rx.text(
            rx.cond(
                S.feed_active,
                rx.cond(
                    S.feed_full_names,
                    "A subscription link is active and shows full names.",
                    "A subscription link is active and shows initials only.",
                ),
                "No subscription link yet.",
            ),
            size="2",
        ),
        rx.el.form(
            rx.hstack(
                rx.el.label(
                    rx.hstack(
                        rx.el.input(
                            type="checkbox", name="full_names", value="1", id="field-full_names"
                        ),
                        rx.text("Show clients' full names", size="2"),
                        spacing="2",
                        align="center",
                    ),
                    html_for="field-full_names",
                ),
                rx.button(
                    rx.cond(S.feed_active, "Make a new link", "Create a subscription link"),
                    type="submit",
                ),
                spacing="4",
                align="center",
            ),
            method="post",
            action="/api/calendar/feed",
        ),
        rx.cond(
            S.feed_active,
            rx.el.form(
                rx.button("Stop the link", type="submit", variant="soft", color_scheme="red"),
                method="post",
                action="/api/calendar/feed/revoke",
            ),
        ),
        description=(
            "Subscribe from Google or Apple Calendar. By default events show initials and the "
            "session type only."
        ),
    )


@rx.page(
    route="/app/settings/availability",
    title="Availability · PractiPal",
    on_load=S.load,
)
def availability_page() -> rx.Component:
    return workspace_shell(
        "Availability and booking",
        rx.cond(
            S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green", width="100%")
        ),
        form_error(S.errors.get("form", "")),
        _hours(),
        _policies(),
        _types(),
        _leave(),
        _feed(),
    )
