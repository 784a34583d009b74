"""Pages of the production build answer at their own address, with no redirect first.

The built frontend is served the way Reflex serves it in production (its PrecompressedStaticFiles,
StaticFiles with `html=True`, which answers a directory page such as `/portal` with a 307 to
`/portal/`), wrapped in the guard as practipal_app.py wraps it. On a phone every redirect is a round
trip before the page can load.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.routing import Mount

from practipal_app.api import http_guard

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PAGES = ("/portal", "/portal/messages", "/portal/sessions", "/app", "/app/settings/charter")


@pytest.fixture
def built(tmp_path) -> Path:
    """A stand-in for the frontend build: the root page, nested pages, and an asset folder."""
    root = tmp_path / "client"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><html><body>root</body></html>")
    (root / "assets" / "app-1a2b.js").write_text("console.log('app');")
    for page in PAGES:
        folder = root / page.lstrip("/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(f"<!doctype html><html><body>page {page}</body></html>")
    return root


def _frontend(built: Path) -> Starlette:
    return Starlette(routes=[Mount("/", PrecompressedStaticFiles(directory=built, html=True))])


@pytest.fixture
def http(built) -> Iterator[TestClient]:
    guarded = http_guard.HttpGuard(_frontend(built), built)
    with TestClient(guarded, base_url="http://localhost:3000", follow_redirects=False) as client:
        yield client


def test_without_the_guard_the_static_server_redirects(built):
    """What the guard is for: the bare static server answers `/portal` with a redirect."""
    with TestClient(_frontend(built), follow_redirects=False) as client:
        response = client.get("/portal")
    assert response.status_code == 307
    assert response.headers["location"].endswith("/portal/")


@pytest.mark.parametrize("page", PAGES)
def test_each_page_answers_200_at_its_own_address(http, page):
    response = http.get(page)
    assert response.status_code == 200, response.headers.get("location")
    assert f"page {page}" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("page", ["/portal", "/app/settings/charter"])
def test_the_trailing_slash_form_and_a_query_string_answer_the_same_page(http, page):
    for url in (page + "/", page + "?from=email", page + "/?from=email"):
        response = http.get(url)
        assert response.status_code == 200, url
        assert f"page {page}" in response.text, url


def test_head_answers_without_redirect(http):
    response = http.head("/portal/messages")
    assert response.status_code == 200


def test_paths_that_are_not_built_pages_are_left_alone(http):
    assert http.get("/").text.endswith("root</body></html>")
    assert http.get("/assets/app-1a2b.js").status_code == 200
    # A folder of the build without a page of its own is not turned into one.
    assert http.get("/assets").status_code == 404
    assert http.get("/portal/nowhere").status_code == 404
    # Only reads are rewritten: a POST reaches the app at the address it was sent to.
    assert http.post("/portal").status_code == 405
