"""The production build as a phone first meets it: every page answers at its own address with no
redirect first, and the portal's page asks for a few shared script files, none of them the charts'
plotly (components/bundle.py, api/http_guard.py)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.e2e

PAGES = (
    "/portal",
    "/portal/messages",
    "/portal/sessions",
    "/portal/help",
    "/app",
    "/app/settings/charter",
    "/login",
)
#: Scripts the portal page names (preloads and module scripts). Before the chunk groups: 53.
MOST_PORTAL_SCRIPTS = 20
_SCRIPT_URL = re.compile(r'(?:href|src)="(/assets/[^"]+\.js)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of one request, a redirect answered as it is."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status, response.headers.get("content-type", ""), body
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("content-type", ""), ""


@pytest.mark.parametrize("page", PAGES)
def test_each_page_answers_at_its_own_address(server, page):
    status, content_type, body = _get(server.base_url + page)
    assert status == 200, f"{page} answered {status}"
    assert content_type.startswith("text/html")
    assert "<html" in body.lower()


def test_the_portal_page_names_a_few_shared_scripts_and_no_chart_library(server):
    _, _, body = _get(server.base_url + "/portal")
    scripts = set(_SCRIPT_URL.findall(body))
    assert scripts, "the portal page names no script: not a production build?"
    assert len(scripts) <= MOST_PORTAL_SCRIPTS, sorted(scripts)
    assert not [s for s in scripts if "plotly" in s.lower()]
    for script in scripts:
        status, content_type, _ = _get(server.base_url + script)
        assert status == 200, script
        assert "javascript" in content_type, script
