"""Browser tests: real Chromium, driven by Playwright, against a live server.

Every page a test visits is checked with ``check(page)``: axe-core for WCAG 2.2 AA, the Nu HTML
checker for valid HTML, and reflow at 320 CSS pixels. Adding a page to the checks is that one line
after the visit. The ``browser`` and ``page`` fixtures come from ``tests/browser.py``.
"""

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import last_document

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(autouse=True)
def _send_mail_in_process(settings):
    """Mail queued during a browser test is sent at once, to Django's test outbox."""
    from forum_portal.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


class HtmlChecker:
    """The Nu HTML checker, run once as a local web service for the whole session."""

    def __init__(self):
        if shutil.which("java") is None:
            pytest.skip("Java is not installed, so the Nu HTML checker cannot run (.ci/run installs it)")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                "java",
                "-Xss16m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 180  # a loaded machine starts Java slowly
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        self.close()
        raise RuntimeError("The Nu HTML checker did not start within 180 s")

    def errors(self, html: str) -> list[str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            messages = json.load(response)["messages"]
        return [
            f"line {message.get('lastLine', '?')}: {message['message']}"
            for message in messages
            if message["type"] == "error" or message.get("subType") == "fatal"
        ]

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def html_checker():
    checker = HtmlChecker()
    yield checker
    checker.close()


# The page's width, and the innermost elements reaching past the screen's right edge.
TOO_WIDE_JS = """() => {
  const wide = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 320.5);
  const innermost = wide.filter(e => !wide.some(other => other !== e && e.contains(other)));
  return [document.documentElement.scrollWidth,
          innermost.slice(0, 5).map(e => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}">`)];
}"""


@pytest.fixture
def check(html_checker):
    """Check the page now showing: 0 axe violations (WCAG 2.2 AA), 0 HTML errors, and no sideways
    scrolling at 320 CSS pixels wide."""
    axe_source = AXE_JS.read_text()

    def check_page(page: Page) -> None:
        page.wait_for_load_state("load")
        # Run axe through evaluate, which the page's Content-Security-Policy does not block.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        violations = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in result["violations"]
        ]
        assert violations == [], f"axe found problems on {page.url}:\n" + "\n".join(violations)

        # WCAG 1.4.10 Reflow: on a phone 320 CSS pixels wide (or 1280 at 400 % zoom) the page
        # never scrolls sideways; a wide table scrolls in its own box.
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": size["height"]})
        try:
            width, wide = page.evaluate(TOO_WIDE_JS)
        finally:
            page.set_viewport_size(size)
        assert width <= 320, f"{page.url} is {width} CSS pixels wide on a 320-pixel screen: " + ", ".join(wide)

        # The HTML the server sent for this page, as a browser first parsed it.
        html = last_document(page).text()
        errors = html_checker.errors(html)
        assert errors == [], f"The HTML checker found errors on {page.url}:\n" + "\n".join(errors)

    return check_page
