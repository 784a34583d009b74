"""Every page's component tree builds and renders, so a typed row read by a field it does not have
(or a state var used the wrong way) fails here in seconds instead of in the frontend build."""

from __future__ import annotations

import pytest

from practipal_app.practipal_app import app

app._apply_decorated_pages()
ROUTES = sorted(app._unevaluated_pages)


def test_every_route_of_design_md_is_a_page():
    assert {
        "setup",
        "login",
        "app",
        "app/clients",
        "app/calendar",
        "app/inbox",
        "app/billing",
        "portal",
        "portal/book",
        "portal/messages",
        "portal/help",
    } <= set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_the_page_renders(route):
    app._compile_page(route, save_page=True)
    assert app._pages[route].render()
