"""The load scenario: visitors reading; parent carers browsing their account and the rungs and
answering the open consultation; officers signing in with two-factor and reading results; forum
staff approving consultations waiting for review; a load balancer polling /healthz.

Started by ``make drills`` (loadtest/run.py), which makes the accounts and passes them in
LOAD_ACCOUNTS (a JSON file). Each simulated person takes an account of their own. A change is a
success only when the portal says it was made (the page it redirects to), never a 200 showing the
form again. What was done is counted and written to LOAD_OUTCOMES (JSON) at the end, for run.py
to hold against the database; with LOAD_REQUEST_LOG set, every request is written there too (one
JSON line each: start, seconds, name, status, the 500 page or not, success), for the fault drills.
"""

import json
import os
import random
import re
import sys
from collections import Counter
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadtest.pages import answers_for, csrf_token, is_error_page, totp_code  # noqa: E402

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text()) if os.environ.get("LOAD_ACCOUNTS") else {}
PLACES = ACCOUNTS.get("places", {})
PUBLIC_PAGES = ["/", "/information/", "/information/guides/", "/consultations/", "/get-involved/events/", "/about/"]
REVIEW_LINK = re.compile(r'href="/consultations/(\d+)/review/"')
APPROVE = {
    "plain_english": "on",
    "documents_accessible": "on",
    "enough_time": "on",
    "options_described": "on",
    "decision": "approve",
}
_next = {role: count() for role in ("parent", "officer", "staff")}
OUTCOMES: Counter[str] = Counter()


def path_of(url: str) -> str:
    return urlsplit(url).path


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
        return csrf_token(html) or self.client.cookies.get("csrftoken", "")

    def read(self, path: str, *, name: str | None = None):
        """A page of a signed-in person: a success only if it was shown, not the sign-in page."""
        with self.client.get(path, name=name, catch_response=True) as page:
            if page.ok and path_of(page.url).startswith("/accounts/"):
                page.failure(f"sent to {path_of(page.url)}")
        return page

    def save_form(self, path: str, data: dict, *, name: str, saved: str) -> None:
        """Open the page holding the form, post it as a browser would, and count it a success only
        if the portal redirected and said ``saved``."""
        page = self.read(path, name=name)
        if page.status_code != 200:
            return
        with self.client.post(
            path, {**data, "csrfmiddlewaretoken": self.token(page.text)}, name=f"{name} (save)", catch_response=True
        ) as response:
            if response.ok and not (response.history and saved in response.text):
                response.failure(f"not saved: {response.status_code} at {path_of(response.url)}")

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
        self.read("/account/")
        self.read("/account/forum/profile/")

    @task(1)
    def change_email_choices(self):
        self.save_form("/email/preferences/", {}, name="/email/preferences/", saved="Your email choices are saved.")

    @task(2)
    def read_the_rungs(self):
        for path in ("/information/", "/information/guides/", "/consultations/", "/get-involved/events/"):
            self.client.get(path)

    @task(2)
    def answer_the_open_consultation(self):
        """Answer every question, page after page, then check and send (or change a sent answer):
        a success is the "sent" page, never the questions shown again with an error."""
        answer_the_consultation(self, PLACES["open_consultation"])

    @task(1)
    def update_profile(self):
        self.save_form(
            "/account/forum/profile/",
            {"postcode_consent": "on", "postcode_district": "BS16"},
            name="/account/forum/profile/",
            saved="Your details are saved.",
        )


def answer_the_consultation(person: Person, consultation: int) -> bool:
    """Go through the questions and send them; True once the portal shows the "sent" page."""
    client, token = person.client, person.token
    answering = f"/consultations/{consultation}/answer/"
    page = person.read(answering, name="/consultations/[id]/answer/")
    for _ in range(5):  # a page of questions after another, then the check page
        if page.status_code != 200 or not path_of(page.url).startswith(answering):
            return False
        if path_of(page.url) == f"{answering}check/":
            break
        before = page.url
        with client.post(
            page.url,
            {**answers_for(page.text), "continue": "", "csrfmiddlewaretoken": token(page.text)},
            name="/consultations/[id]/answer/ (continue)",
            catch_response=True,
        ) as page:
            if page.ok and page.url == before:
                page.failure("the answers were shown again, not taken")
                return False
    else:
        return False
    with client.post(
        page.url,
        {"csrfmiddlewaretoken": token(page.text)},
        name="/consultations/[id]/answer/check/ (send)",
        catch_response=True,
    ) as sent:
        if sent.ok and path_of(sent.url) != f"{answering}sent/":
            sent.failure(f"not sent: ended at {path_of(sent.url)}")
    if not sent.ok or path_of(sent.url) != f"{answering}sent/":
        return False
    OUTCOMES["answers sent"] += 1
    return True


class SigningInParentCarer(Person):
    """Signs out and in again now and then, at a pace the sign-in limit allows."""

    weight = 1
    role = "parent"
    signs_in = True
    wait_time = between(15, 30)

    @task
    def sign_out_and_in(self):
        page = self.client.get("/accounts/logout/", name="sign out")
        if csrf_token(page.text):
            self.client.post("/accounts/logout/", {"csrfmiddlewaretoken": self.token(page.text)}, name="sign out")
        self.sign_in()


class Officer(Person):
    """Signs in with a password and a two-factor code, then works from the dashboard and reads
    the results of the council's closed consultation."""

    weight = 1
    role = "officer"
    signs_in = True

    @task
    def work_through_dashboard(self):
        self.read("/dashboard/")

    @task(2)
    def read_results(self):
        self.read(f"/consultations/{PLACES['closed_consultation']}/results/", name="/consultations/[id]/results/")


class ForumStaff(Person):
    weight = 1
    role = "staff"

    @task
    def work_through_dashboard(self):
        self.read("/dashboard/")

    @task(2)
    def look_at_the_queues(self):
        for path in ("/consultations/review/", "/information/manage/", "/get-involved/manage/events/"):
            self.read(path)

    @task(2)
    def approve_a_consultation(self):
        """Open the review queue, take one of the oldest consultations waiting and approve it.
        Another staff member may have approved it first (the review page is then gone, or the
        approval is refused): that is the portal working, not a failure."""
        queue = self.read("/consultations/review/")
        waiting = REVIEW_LINK.findall(queue.text) if queue.ok else []
        if not waiting:
            OUTCOMES["review queue found empty"] += 1
            return
        review = f"/consultations/{random.choice(waiting[:5])}/review/"
        with self.client.get(review, name="/consultations/[id]/review/", catch_response=True) as page:
            if page.status_code == 404:
                page.success()
                OUTCOMES["approvals taken by another"] += 1
                return
            if page.ok and path_of(page.url) != review:
                page.failure(f"sent to {path_of(page.url)}")
        if not page.ok or path_of(page.url) != review:
            return
        with self.client.post(
            review,
            {**APPROVE, "csrfmiddlewaretoken": self.token(page.text)},
            name="/consultations/[id]/review/ (approve)",
            catch_response=True,
        ) as response:
            if response.status_code == 404:  # approved by another while this page was open
                response.success()
                OUTCOMES["approvals taken by another"] += 1
            elif path_of(response.url) == "/consultations/review/" and "is approved." in response.text:
                OUTCOMES["approvals"] += 1
            elif response.ok:
                response.failure(f"not approved: ended at {path_of(response.url)}")


class LoadBalancer(HttpUser):
    """Polls the health check once a second, as a load balancer in front of gunicorn would."""

    fixed_count = 1
    wait_time = constant(1)

    @task
    def check_health(self):
        with self.client.get("/healthz", catch_response=True) as response:
            if response.status_code == 503:
                response.failure("unhealthy")


# --- What was done, and every request for the drills ---------------------------------------------

_request_log = open(os.environ["LOAD_REQUEST_LOG"], "a") if os.environ.get("LOAD_REQUEST_LOG") else None  # noqa: SIM115


@events.request.add_listener
def _log_request(request_type, name, response_time, response, exception, start_time=None, **_):
    if _request_log is None:
        return
    status = getattr(response, "status_code", 0) or 0
    text = getattr(response, "text", "") if status >= 500 else ""
    entry = {
        "at": start_time,
        "seconds": round(response_time / 1000, 4),
        "name": f"{request_type} {name}",
        "status": status,
        "error_page": is_error_page(text),
        "ok": exception is None,
    }
    _request_log.write(json.dumps(entry) + "\n")


@events.test_stop.add_listener
def _write_outcomes(**_):
    if _request_log is not None:
        _request_log.flush()
    if os.environ.get("LOAD_OUTCOMES"):
        Path(os.environ["LOAD_OUTCOMES"]).write_text(json.dumps(dict(OUTCOMES), indent=1) + "\n")
