"""Fixtures for tests that drive real Chromium through Playwright against a live server.

One browser serves the whole session, whichever folder a test lives in (the e2e walks and the
XSS tests alike): Playwright's sync API keeps its event loop running in the test thread while the
browser is open, so a second ``sync_playwright()`` in the same session would refuse to start.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe, which it is here (one thread, no await).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The document each page was last sent: the HTML checker reads what the server sent, not the page
# as the browser rebuilt it (which would hide stray or unclosed tags).
_DOCUMENTS = {}


def _keep_document(response) -> None:
    if (
        response.request.is_navigation_request()
        and response.frame.parent_frame is None
        and not 300 <= response.status < 400
        and "text/html" in response.headers.get("content-type", "")
    ):
        _DOCUMENTS[response.frame.page] = response


def last_document(page):
    """The response that brought the page its current document."""
    try:
        return _DOCUMENTS[page]
    except KeyError:
        raise LookupError(f"No document was loaded into {page.url}") from None


class SessionBrowser:
    """The session's Chromium: every context a test opens (one per person in a walk) keeps the
    documents its pages are sent, for ``check(page)``."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("response", _keep_document)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield SessionBrowser(browser)
        browser.close()
        _DOCUMENTS.clear()


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
    _DOCUMENTS.pop(page, None)
