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


def test_every_page_is_rendered_by_its_page_function():
    """A helper slipped between `@rx.page` and the page's function would become the page."""
    helpers = {r: page.component.__name__ for r, page in app._unevaluated_pages.items()}
    assert not {r: name for r, name in helpers.items() if name.startswith("_")}


#: Elements a person types text into.
TEXT_ENTRY = {"RadixThemesTextField.Root", "RadixThemesTextArea", '"input"', '"textarea"'}
#: Inputs that take no free text.
NOT_TEXT = {"checkbox", "radio", "hidden", "file", "number", "date", "time", "color", "range"}


def _text_entries(node) -> list[dict]:
    """Every text field and text area in a rendered page (inside conditions and loops too)."""
    found = []
    if isinstance(node, dict):
        props = " ".join(str(p) for p in node.get("props", []))
        kind = next((t for t in NOT_TEXT if f'type:"{t}"' in props), None)
        if node.get("name") in TEXT_ENTRY and kind is None:
            found.append(node)
        for value in node.values():
            found.extend(_text_entries(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_text_entries(item))
    return found


@pytest.mark.parametrize("route", ROUTES)
def test_the_page_renders_and_every_text_field_carries_its_length_limit(route):
    """The server cuts what it keeps; the page says so first, so nobody types past the limit."""
    app._compile_page(route, save_page=True)
    rendered = app._pages[route].render()
    assert rendered
    unlimited = [
        " ".join(str(p) for p in node["props"] if str(p).startswith(("name:", "id:")))
        for node in _text_entries(rendered)
        if not any(str(p).startswith("maxLength:") for p in node["props"])
    ]
    assert unlimited == []
