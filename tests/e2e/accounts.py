"""Signing in through the real sign-in pages, the way a person does, for the browser walks."""

import re

from playwright.sync_api import expect

from tests.factories.people import PASSWORD
from tests.totp import totp_code


def sign_in(page, user, *, code=False):
    """Email and password, then (for officers and staff) a code from their authenticator app."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if code:
        page.get_by_label("Code").fill(totp_code(user.totp_secret))
        page.get_by_role("button", name="Sign in").click()
    signed_in(page)


def signed_in(page):
    """Wait until the sign-in (and its code) has been accepted and the next page has loaded, so the
    next step does not cut it short."""
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa/authenticate)/"))
