"""The portal as a whole: public pages, health, security settings, demo data."""

import os
import re
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import include, path, reverse

from forum_portal.people.models import Membership, Organisation, ParentCarerProfile, User
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


def _a_view_with_a_bug(request):
    raise RuntimeError("a bug")


# The portal's URLs plus one view that fails, for the 500 page (used with @pytest.mark.urls).
urlpatterns = [path("bug/", _a_view_with_a_bug), path("", include("forum_portal.urls"))]
handler500 = "forum_portal.views.server_error"


@pytest.mark.parametrize("name", ["home", "about", "accessibility", "privacy"])
def test_public_page_sets_no_cookies_and_has_security_headers(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.cookies == {}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_home_page_explains_the_four_steps(client):
    content = client.get(reverse("home")).content.decode()

    for step in ["Find information", "Have your say", "Take part", "Work as equal partners"]:
        assert f'<h3 class="govuk-heading-m">{step}</h3>' in content


def test_privacy_notice_states_the_periods_in_the_settings(client, settings):
    settings.RETAIN_UNVERIFIED_ACCOUNTS = timedelta(days=14)
    settings.RETAIN_EMAIL_RECORDS = timedelta(days=730)
    settings.RETAIN_DATA_EXPORTS = timedelta(days=3)
    settings.RETAIN_AUDIT = timedelta(days=365)
    settings.RETAIN_ANSWER_LINK = timedelta(days=1095)

    content = client.get(reverse("privacy")).content.decode()

    for sentence in [
        "we delete the account after 14 days",
        "what the emails we sent you said is deleted after 2 years",
        "a copy of your data you asked for is deleted 3 days after it is ready",
        "email and IP addresses in our record of changes are deleted after 1 year",
        "your name and email address are taken off your consultation answers 3 years after the reply is published",
    ]:
        assert sentence in content


def test_privacy_notice_covers_everything_the_portal_keeps(client):
    content = client.get(reverse("privacy")).content.decode()

    headings = re.findall(r'<h2 class="govuk-heading-m">([^<]+)</h2>', content)
    assert headings == [
        "What we keep when you create an account",
        "What we keep when you join the forum",
        "Your answers to consultations",
        "Events, groups and parent reps",
        "Working together on a project (co-production)",
        "Emails we send you",
        "Our record of changes (the audit trail)",
        "Copies of your data",
        "Who can see your information",
        "Cookies",
        "How long we keep things",
        "Your rights",
        "How to complain",
    ]
    assert "unless you tick the box to share your name with them" in content
    assert "any access needs you tell us about" in content
    assert "the internet address (IP address) of the computer they used" in content


def test_delete_account_page_says_what_happens_to_email_records(client):
    client.force_login(UserFactory())

    content = client.get(reverse("people:account-delete")).content.decode()

    assert "we take your email address off the emails we sent you and delete what they said" in content
    assert "we take your email address and IP addresses off our record of changes" in content
    assert "we delete the record of which emails we sent you" not in content


def test_403_page_is_in_the_layout_and_says_what_to_do(client):
    client.force_login(UserFactory())

    response = client.get(reverse("dashboard"))

    content = response.content.decode()
    assert response.status_code == 403
    assert "<title>You cannot see this page – Brookshire Parent Carer Forum</title>" in content
    assert '<span class="portal-header__name">Brookshire Parent Carer Forum</span>' in content
    assert '<h1 class="govuk-heading-l">You cannot see this page</h1>' in content
    assert '<a class="govuk-link" href="/account/">Go to your account</a>' in content


def test_403_page_asks_a_visitor_to_sign_in(rf):
    from django.contrib.auth.models import AnonymousUser

    from forum_portal.views import permission_denied

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()

    response = permission_denied(request)

    assert response.status_code == 403
    assert '<a class="govuk-link" href="/accounts/login/">Sign in</a> and try again.' in response.content.decode()


@pytest.mark.urls(__name__)
def test_500_page_is_in_the_layout_when_a_view_fails(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/bug/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "<title>Sorry, something went wrong – Brookshire Parent Carer Forum</title>" in content
    assert '<span class="portal-header__name">Brookshire Parent Carer Forum</span>' in content
    assert "This is a problem on our side, not yours." in content
    assert '<a class="govuk-link" href="/">Go to the home page</a>' in content


@pytest.fixture
def broker_away():
    """Point Celery at a port where nothing listens, as if the broker were down."""
    from forum_portal.celery import app as celery_app

    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_url = original


def test_healthz_reports_database_and_broker_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_with_the_broker_away_still_answers_200(client, broker_away):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unavailable"}


@pytest.fixture
def broker_that_hangs_up():
    """A port on 127.0.0.1 that accepts each connection and closes it at once, counting them."""
    from forum_portal.celery import app as celery_app

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    accepted = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            accepted.append(connection)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    yield accepted
    celery_app.conf.broker_url = original
    stop.set()
    thread.join()
    server.close()


def test_healthz_tries_the_broker_once_without_retrying(client, broker_that_hangs_up):
    response = client.get("/healthz")

    assert response.json() == {"database": "ok", "broker": "unavailable"}
    # Each retry would add a connection and a sleep to the probe's wait.
    assert len(broker_that_hangs_up) == 1


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    # Django's connection is replaced, not the portal's code: the view must cope with any refusal.
    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_unknown_confirmation_link_says_so_and_offers_a_new_one(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "This link has expired or is not valid" in content


def test_sign_in_is_refused_after_five_failures_even_with_the_right_password(client):
    User.objects.create_user("limited@example.org", "the-right-password")
    login = reverse("account_login")
    for _ in range(5):
        client.post(login, {"login": "limited@example.org", "password": "wrong"})

    response = client.post(login, {"login": "limited@example.org", "password": "the-right-password"})

    assert response.status_code == 200
    assert "Too many failed attempts to sign in. Wait 5 minutes and try again" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")


def test_seed_demo_twice_creates_the_same_people(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == counts
    assert Organisation.objects.filter(kind=Organisation.Kind.FORUM).count() == 1
    assert ParentCarerProfile.objects.count() == 5
    output = capsys.readouterr().out
    assert "parent@example.org" in output
    assert "officer@council.example.org" in output
    assert "staff@example.org" in output
    assert "two-factor secret:" in output


def test_check_deploy_is_clean_with_production_settings():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-production-like-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_a_secret_key_in_production():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.update(DJANGO_DEBUG="0")

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "security.W009" in result.stderr + result.stdout


DEMO_ON_SQLITE = r"""
import django

django.setup()

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from forum_portal.people.management.commands.seed_demo import seed_people

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
call_command("seed_demo", verbosity=0)
people = seed_people()  # the same people again: seeding is repeatable

pages = {
    None: ["home", "privacy", "information:index", "consultations:consultation-list", "participation:index",
           "coproduction:project-list"],
    people.parents[0]: ["people:account", "people:profile", "people:data-export", "notify:preferences",
                        "participation:involvement", "consultations:consultation-list", "coproduction:project-list"],
    people.council_officer: ["dashboard", "people:account", "consultations:consultation-create",
                             "consultations:accountability", "coproduction:project-list"],
    people.nhs_officer: ["dashboard"],
    people.staff: ["dashboard", "information:article-manage", "information:topic-manage",
                   "consultations:review-queue", "participation:event-manage-list",
                   "participation:group-manage-list", "participation:opportunity-manage-list",
                   "participation:activity-list", "participation:member-list", "participation:representativeness",
                   "participation:report", "coproduction:project-list"],
    people.admin: ["dashboard", "admin:index", "admin:people_user_changelist"],
}
for user, names in pages.items():
    client = Client(SERVER_NAME="127.0.0.1")
    if user is not None:
        client.force_login(user)
    for name in names:
        response = client.get(reverse(name))
        print(user.email if user else "visitor", name, response.status_code)
"""


def test_the_demo_works_on_sqlite(tmp_path):
    """What `make run` serves: SQLite, no Redis, DEBUG on, the demo data, each demo account's pages."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL") and not key.startswith(("DJANGO_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="forum_portal.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )

    result = subprocess.run(
        [sys.executable, "-c", DEMO_ON_SQLITE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    visits = [line.rsplit(" ", 2) for line in result.stdout.splitlines() if line.count(" ") == 2]
    assert len(visits) == 34
    assert [visit for visit in visits if visit[2] != "200"] == []
