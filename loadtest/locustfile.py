"""The load scenario: visitors reading, parent carers browsing their account and the rungs, officers
and forum staff signing in with two-factor and working through their dashboard.

Started by ``make drills`` (loadtest/run.py), which makes the accounts and passes them in
LOAD_ACCOUNTS (a JSON file). Each simulated person takes an account of their own.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time
from itertools import count
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text()) if os.environ.get("LOAD_ACCOUNTS") else {}
_next = {role: count() for role in ("parent", "officer", "staff")}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PUBLIC_PAGES = ["/", "/about/", "/privacy/", "/accessibility/"]


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows (RFC 6238: 30-second steps, SHA-1)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at or time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Person(HttpUser):
    """Someone with an account. Most start signed in (a session made beforehand): signing in is
    limited to 30 a minute for one address, and every simulated person comes from 127.0.0.1."""

    abstract = True
    wait_time = between(1, 3)
    role = ""
    signs_in = False

    def on_start(self):
        self.account = ACCOUNTS[self.role][next(_next[self.role]) % len(ACCOUNTS[self.role])]
        if self.signs_in:
            self.sign_in()
        else:
            self.client.cookies.set("sessionid", self.account["session"])

    def token(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else self.client.cookies.get("csrftoken", "")

    def post_form(self, path: str, data: dict, *, name: str | None = None):
        """Open the page holding the form for its CSRF token, then post it as a browser would.
        A page showing no form (email choices before any kind can be switched off) is only read."""
        page = self.client.get(path, name=name)
        if not CSRF.search(page.text):
            return page
        return self.client.post(path, {**data, "csrfmiddlewaretoken": self.token(page.text)}, name=name)

    def sign_in(self):
        page = self.client.get("/accounts/login/", name="sign in")
        credentials = {"login": self.account["email"], "password": self.account["password"]}
        with self.client.post(
            "/accounts/login/",
            {**credentials, "csrfmiddlewaretoken": self.token(page.text)},
            name="sign in",
            catch_response=True,
        ) as response:
            if "totp_secret" not in self.account:
                if "/account/" not in response.url:
                    response.failure(f"sign-in ended at {response.url}")
                return
        code = {"code": totp_code(self.account["totp_secret"]), "csrfmiddlewaretoken": self.token(response.text)}
        with self.client.post(
            "/accounts/2fa/authenticate/", code, name="sign in: two-factor code", catch_response=True
        ) as response:
            if "/account/" not in response.url and "/dashboard/" not in response.url:
                response.failure(f"two-factor sign-in ended at {response.url}")


class Visitor(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    @task(4)
    def read_public_pages(self):
        for path in PUBLIC_PAGES:
            self.client.get(path)

    @task(1)
    def open_sign_in(self):
        self.client.get("/accounts/login/")


class ParentCarer(Person):
    weight = 5
    role = "parent"

    @task(3)
    def read_home(self):
        self.client.get("/")

    @task(2)
    def look_at_account(self):
        self.client.get("/account/")
        self.client.get("/account/forum/profile/")

    @task(1)
    def change_email_choices(self):
        self.post_form("/email/preferences/", {}, name="/email/preferences/ (save)")

    @task(1)
    def update_profile(self):
        self.post_form(
            "/account/forum/profile/",
            {"postcode_consent": "on", "postcode_district": "BS16"},
            name="/account/forum/profile/ (save)",
        )


class SigningInParentCarer(Person):
    """Signs out and in again now and then, at a pace the sign-in limit allows."""

    weight = 1
    role = "parent"
    signs_in = True
    wait_time = between(15, 30)

    @task
    def sign_out_and_in(self):
        self.post_form("/accounts/logout/", {}, name="sign out")
        self.sign_in()


class Officer(Person):
    """Signs in with a password and a two-factor code, then works from the dashboard."""

    weight = 1
    role = "officer"
    signs_in = True

    @task
    def work_through_dashboard(self):
        self.client.get("/dashboard/")


class ForumStaff(Person):
    weight = 1
    role = "staff"

    @task
    def work_through_dashboard(self):
        self.client.get("/dashboard/")
