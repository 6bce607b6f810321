"""XSS payloads typed into every field that a page shows, opened in real Chromium with the
Content-Security-Policy on: no script runs, nothing is blocked by the policy (which would mean
markup got through), and plain text fields show the payload as text."""

import pytest
from django.conf import settings
from django.test import Client

from .conftest import make_world
from .xss_targets import PAYLOADS, TARGETS

pytestmark = pytest.mark.e2e

# Scripts the page may run: its own files only.
FOREIGN_MARKUP = """() => {
  const html = element => element.outerHTML.slice(0, 120);
  const all = [...document.querySelectorAll('*')];
  const foreign = s => !s.src || new URL(s.src).origin !== location.origin;
  return {
    handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).map(html),
    scripts: [...document.scripts].filter(foreign).map(html),
    frames: [...document.querySelectorAll('iframe, object, embed')].map(html),
    links: [...document.querySelectorAll('a[href]')].filter(a => !/^(https?|mailto|tel):/.test(a.href)).map(html),
  };
}"""


def is_script_error(message) -> bool:
    # The admin's pages have no icon, so Chromium's own request for /favicon.ico fails there.
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def sign_in_browser(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("target", TARGETS, ids=[target.name for target in TARGETS])
def test_payloads_do_not_run(page, live_server, target, transactional_db):
    world = make_world()
    paths = target.plant(world, PAYLOADS)
    if target.viewer != "visitor":
        sign_in_browser(page, live_server, world.people[target.viewer])
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: errors.append(message.text) if is_script_error(message) else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A request the next navigation cut short (the icon, say) is not a page's failure.
    page.on(
        "requestfailed",
        lambda request: (
            None
            if request.failure == "net::ERR_ABORTED"
            else errors.append(f"request failed: {request.url} ({request.failure})")
        ),
    )
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )

    problems = []
    for path in paths:
        errors.clear()
        response = page.goto(path)
        page.wait_for_load_state("load")
        if response.status != 200:
            problems.append(f"{path}: answered {response.status}")
        found = page.evaluate(FOREIGN_MARKUP)
        problems += [f"{path}: {kind}: {items}" for kind, items in found.items() if items]
        # A script the policy blocked is markup that got through.
        problems += [f"{path}: console: {error}" for error in errors]
        if not target.markdown:
            shown = page.locator("body").inner_text()
            if not any(payload in shown for payload in PAYLOADS):
                problems.append(f"{path}: no payload shown as text")
    assert dialogs == [], f"script ran: {dialogs}"
    assert problems == [], "\n".join(problems)
