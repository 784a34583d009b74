"""Builds the Reflex app: pages, API routes, lifespan tasks — nothing else."""

import reflex as rx
from reflex.utils.prerequisites import get_web_dir

from practipal_app.api import http_guard
from practipal_app.api.routes import build as build_api
from practipal_app.pages.portal import book as _portal_book  # noqa: F401
from practipal_app.pages.portal import forms as _portal_forms  # noqa: F401
from practipal_app.pages.portal import help as _portal_help  # noqa: F401
from practipal_app.pages.portal import home as _portal_home  # noqa: F401
from practipal_app.pages.portal import invoices as _portal_invoices  # noqa: F401
from practipal_app.pages.portal import messages as _portal_messages  # noqa: F401
from practipal_app.pages.portal import resources as _portal_resources  # noqa: F401
from practipal_app.pages.portal import sessions as _portal_sessions  # noqa: F401
from practipal_app.pages.public import invite as _invite  # noqa: F401
from practipal_app.pages.public import login as _login  # noqa: F401
from practipal_app.pages.public import reset as _reset  # noqa: F401
from practipal_app.pages.public import setup as _setup  # noqa: F401
from practipal_app.pages.therapist import availability as _availability  # noqa: F401
from practipal_app.pages.therapist import billing as _billing  # noqa: F401
from practipal_app.pages.therapist import calendar as _calendar  # noqa: F401
from practipal_app.pages.therapist import charter as _charter  # noqa: F401
from practipal_app.pages.therapist import client_detail as _client_detail  # noqa: F401
from practipal_app.pages.therapist import clients as _clients  # noqa: F401
from practipal_app.pages.therapist import forms as _forms  # noqa: F401
from practipal_app.pages.therapist import inbox as _inbox  # noqa: F401
from practipal_app.pages.therapist import insights as _insights  # noqa: F401
from practipal_app.pages.therapist import resources as _resources  # noqa: F401
from practipal_app.pages.therapist import settings as _settings  # noqa: F401
from practipal_app.pages.therapist import today as _today  # noqa: F401
from practipal_app.state.index import IndexState
from practipal_app.state.middleware import TabSessionMiddleware
from practipal_app.state.open_tabs import keep_open_tabs
from practipal_app.state.tab_session import empty_ended_tabs
from practipal_app.worker import run_forever as outbox_worker

#: Radix's teal is below WCAG AA's 4.5:1 for text: white on teal 9 (a solid button's label) is
#: 3.1:1, and teal 11 (outline, soft and ghost labels, callouts, badges) is 3.5:1 on the teal 5 of
#: a soft badge. Solid fills take teal 11 (4.6:1 under white) and a darker hover; accent text takes
#: #006b5e (5.0:1 on teal 5, 6.1:1 on the page). For the theme's root and every component given
#: teal itself; class and attribute together outrank Radix's own rule.
ACCENT_CONTRAST = (
    '.radix-themes[data-accent-color="teal"], .radix-themes [data-accent-color="teal"]'
    "{--accent-9: var(--teal-11); --accent-10: #00705f; --accent-11: #006b5e;"
    " --accent-a11: #006b5e;}"
)

HEAD = [
    rx.el.style(ACCENT_CONTRAST),
    rx.el.link(rel="manifest", href="/manifest.webmanifest"),
    rx.el.meta(name="theme-color", content="#0d9488"),
    rx.el.link(rel="apple-touch-icon", href="/icon-192.png"),
]


@rx.page(route="/", title="PractiPal", on_load=IndexState.route)
def index() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="100vh")


http_guard.install_log_redaction()
#: Where production serves the built pages from (their inline scripts are allowed by hash).
BUILT_PAGES = get_web_dir() / rx.constants.Dirs.STATIC
# Our routes first, then everything (Reflex's routes and the built frontend) behind the guard.
app = rx.App(
    head_components=HEAD, api_transformer=[build_api(), http_guard.guard(BUILT_PAGES.resolve())]
)
app.register_lifespan_task(outbox_worker)
app.register_lifespan_task(empty_ended_tabs)
app.register_lifespan_task(keep_open_tabs)
# First, before any event (the page's hydrate included) reads the tab's state.
app.add_middleware(TabSessionMiddleware(), index=0)
