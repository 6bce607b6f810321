"""Hostile and bad input: every POST needs its CSRF token, no page sends people to another site,
and generated data posted to every form of the portal never breaks it."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories.people import PASSWORD

from .forms import Form, forms_to_fuzz
from .walker import load_tables, request_leaving_no_trace, signed_in_clients

ROOT = Path(__file__).resolve().parents[2]

# Views that take a POST without a CSRF token, and why that is safe.
CSRF_EXEMPT = {
    # Mail programs make the one-click unsubscribe (RFC 8058) without a token; the signed link in
    # the address authorises it, and it can only switch mail off.
    "notify:unsubscribe": "one-click unsubscribe",
}
# The Open Referral UK API only reads, for callers on other sites (open CORS): it takes no
# cookies' authority, so it is exempt from CSRF and answers a POST with 405.
CSRF_EXEMPT_PREFIXES = {"openreferral:": "the read-only Open Referral UK API"}

EVIL_NEXTS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "\\\\evil.example\\",
    "http://testserver@evil.example/",
]


# The admin's own pages that take ``next``; its model pages only send people to sign in.
ADMIN_PAGES_WITH_NEXT = {"admin:index", "admin:login", "admin:logout", "admin:password_change"}


def one_row_per_url(tables, *, admin_pages_with_next_only: bool = False):
    """The first row of each URL (its first state), table by table."""
    seen = set()
    for name, table in tables.items():
        for row in table.rows:
            if admin_pages_with_next_only and name == "admin" and row.key not in ADMIN_PAGES_WITH_NEXT:
                continue
            if row.key not in seen:
                seen.add(row.key)
                yield row


def leaves_the_site(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    target = urlsplit(urljoin("http://testserver/", response["Location"].replace("\\", "/")))
    return target.hostname not in ("testserver", None)


# --- CSRF --------------------------------------------------------------------------------------------


def test_every_post_without_a_csrf_token_is_refused(world):
    tables = load_tables(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.parent)

    wrong = []
    for row in one_row_per_url(tables):
        url = row.url(world)
        response = request_leaving_no_trace(client, url, method="post", data={"anything": "1"})
        refused = response.status_code == 403 and b"CSRF verification failed" in response.content
        if row.key.startswith(tuple(CSRF_EXEMPT_PREFIXES)):
            if response.status_code != 405:
                wrong.append(f"{row.key} {url}: the read-only API answered a POST with {response.status_code}")
        elif row.key in CSRF_EXEMPT:
            if refused:
                wrong.append(f"{row.key} {url}: listed as exempt ({CSRF_EXEMPT[row.key]}) but refused")
        elif not refused:
            wrong.append(f"{row.key} {url}: a POST without a token got {response.status_code}, not the CSRF 403")

    assert wrong == [], "\n".join(wrong)


# --- Open redirects ------------------------------------------------------------------------------


def test_no_page_redirects_to_another_site_given_next(world):
    tables = load_tables(world)
    clients = signed_in_clients(world)

    wrong = []
    for row in one_row_per_url(tables, admin_pages_with_next_only=True):
        url = row.url(world)
        for role in ("visitor", "parent", "admin"):
            for evil in EVIL_NEXTS[:1]:
                response = request_leaving_no_trace(clients[role], url, data={"next": evil})
                if leaves_the_site(response):
                    wrong.append(f"{row.key} {url}?next={evil} as {role}: redirects to {response['Location']}")

    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_signing_in_with_next_to_another_site_stays_on_the_portal(client, world, evil):
    credentials = {"login": world.parent.email, "password": PASSWORD}

    response = client.post(f"{reverse('account_login')}?next={evil}", credentials)

    assert response.status_code == 302
    assert not leaves_the_site(response), response["Location"]
    assert client.session["_auth_user_id"] == str(world.parent.pk)


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_signing_out_with_next_to_another_site_stays_on_the_portal(client, world, evil):
    client.force_login(world.parent)

    response = client.post(reverse("account_logout"), {"next": evil})

    assert response.status_code == 302
    assert not leaves_the_site(response), response["Location"]
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_with_next_to_another_site_ends_on_the_portal(client, world):
    """The admin hands ``next`` on to the portal's sign-in, which must not follow it off-site."""
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    sign_in = response["Location"]

    response = client.post(sign_in, {"login": world.parent.email, "password": PASSWORD})

    assert response.status_code == 302
    assert not leaves_the_site(response), response["Location"]


# --- Security headers in production ----------------------------------------------------------------


def test_production_settings_send_hsts_and_secure_cookies():
    """With production settings, an HTTPS response carries HSTS; plain HTTP is sent to HTTPS."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-production-like-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DJANGO_SETTINGS_MODULE="forum_portal.settings",
    )
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "secure = Client().get('/healthz', secure=True, HTTP_HOST='portal.example.org')\n"
        "plain = Client().get('/about/', HTTP_HOST='portal.example.org')\n"
        "print(secure['Strict-Transport-Security'])\n"
        "print(plain.status_code, plain['Location'])\n"
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "max-age=31536000; includeSubDomains; preload",
        "301 https://portal.example.org/about/",
        "True True True",
    ]


# --- Generated data to every form ---------------------------------------------------------------

# Text that has broken web forms before: empty, blank, control characters (PostgreSQL refuses NUL),
# very long, markup, SQL, paths, numbers at the edges, right-to-left and astral characters.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "x" * 3_000,
    '"><svg onload=alert(1)>',
    "<script>alert(1)</script>",
    "'; DROP TABLE people_user; --",
    "../../../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2024-02-30",
    "\u202eevil",
    "😀" * 50,
    '=HYPERLINK("http://evil.example")',
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=200))
REFLECTION_PROBE = '"><svg onload=alert(1)>'

# Kept small and the same on every run for the test suite (a failure found by chance would make
# a run fail that changed nothing); set TRUST_EXAMPLES_PER_FORM=200 for a long, random hunt.
HUNTING = "TRUST_EXAMPLES_PER_FORM" in os.environ
EXAMPLES_PER_FORM = int(os.environ.get("TRUST_EXAMPLES_PER_FORM", "3"))


def value_for(field) -> st.SearchStrategy:
    if field.kind in ("select", "radio", "checkbox"):
        chosen = st.sampled_from(field.options) if field.options else text
        if field.multiple:
            return st.lists(st.one_of(chosen, text), max_size=4)
        return st.one_of(chosen, text).map(lambda value: [value])
    if field.kind == "hidden":
        return st.one_of(st.just(field.value), text).map(lambda value: [value])
    return text.map(lambda value: [value])


def form_data(form: Form) -> st.SearchStrategy:
    """Each field either left out, left as the page gave it, or filled with generated text."""
    strategies = {}
    for name, field in form.fields.items():
        if name == "csrfmiddlewaretoken" or field.kind == "file":
            continue
        strategies[name] = st.one_of(st.none(), value_for(field))
    return st.fixed_dictionaries(strategies).map(lambda data: {k: v for k, v in data.items() if v is not None})


def fuzz_form(form: Form, *, where: str, client: Client, action: str) -> list[str]:
    """Post generated data to one form; return what went wrong."""
    wrong = []

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        derandomize=not HUNTING,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=form_data(form))
    def post_generated(data):
        try:
            response = request_leaving_no_trace(client, action, method="post", data=data)
        except Exception as error:  # noqa: BLE001 - reported with the data that caused it
            wrong.append(f"{where}: {error!r} for {data!r:.300}")
            return
        body = response.content.decode(errors="replace")
        if response.status_code >= 500:
            wrong.append(f"{where}: {response.status_code} for {data!r:.300}")
        if REFLECTION_PROBE in body:
            wrong.append(f"{where}: the page shows {REFLECTION_PROBE!r} unescaped")
        if "govuk-error-summary" in body and 'href="#' not in body.split("govuk-error-summary", 1)[1]:
            wrong.append(f"{where}: an error summary without links to the fields")

    post_generated()
    return wrong


def test_generated_data_to_every_form_never_breaks_the_portal(world):
    tables = load_tables(world)
    clients = signed_in_clients(world)
    targets = forms_to_fuzz(world, tables, clients)
    assert len(targets) >= 10, [key for key, *_ in targets]  # the kernel alone has more than ten forms

    wrong = []
    for key, action, role, form in targets:
        wrong += fuzz_form(form, where=f"{key} {action} as {role}", client=clients[role], action=action)

    assert wrong == [], f"{len(wrong)} problem(s):\n" + "\n".join(dict.fromkeys(wrong))
