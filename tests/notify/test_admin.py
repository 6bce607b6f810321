from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum_portal.notify import services
from forum_portal.notify.models import OutgoingEmail
from tests.factories import UserFactory, activate_totp

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:notify_outgoingemail_changelist")
Status = OutgoingEmail.Status


@pytest.fixture
def admin_client(client):
    """A forum admin with two-factor sign-in, signed in."""
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    activate_totp(admin)
    client.force_login(admin)
    return client


def outgoing(number, *, status=Status.QUEUED, kind="account", created_at="2026-07-15 10:00"):
    """A row as the outbox holds it, queued at ``created_at`` (UTC) and then moved to ``status``."""
    with time_machine.travel(datetime.fromisoformat(created_at).replace(tzinfo=UTC), tick=False):
        email = services.queue_email(
            kind=kind, to=f"person{number}@example.org", dedupe_key=f"test:{number}", subject=f"Email {number}"
        )
        sent_at = email.created_at if status == Status.SENT else None
        OutgoingEmail.objects.filter(pk=email.pk).update(status=status, sent_at=sent_at)
    return email


def listed(response):
    return [email.subject for email in response.context["cl"].result_list]


def test_changelist_shows_emails_and_counts_per_day(admin_client):
    outgoing(1, status=Status.SENT, created_at="2026-07-14 09:00")
    outgoing(2, status=Status.FAILED, created_at="2026-07-15 09:00")
    outgoing(3, status=Status.QUEUED, created_at="2026-07-15 10:00")

    response = admin_client.get(CHANGELIST_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == ["Email 3", "Email 2", "Email 1"]
    assert list(response.context["counts_by_day"]) == [
        {"day": date(2026, 7, 15), "queued": 1, "sent": 0, "failed": 1, "cancelled": 0},
        {"day": date(2026, 7, 14), "queued": 0, "sent": 1, "failed": 0, "cancelled": 0},
    ]
    assert "<td>15 Jul 2026</td><td>1</td><td>0</td><td>1</td><td>0</td>" in content
    assert "<td>14 Jul 2026</td><td>0</td><td>1</td><td>0</td><td>0</td>" in content


def test_changelist_without_two_factor_is_refused(client):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(CHANGELIST_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_changelist_filters_by_status(admin_client):
    outgoing(1, status=Status.SENT)
    outgoing(2, status=Status.FAILED)
    outgoing(3, status=Status.FAILED)

    response = admin_client.get(CHANGELIST_URL, {"status__exact": "failed"})

    assert listed(response) == ["Email 3", "Email 2"]


def test_changelist_filters_by_kind(admin_client, test_kinds):
    outgoing(1, kind="account")
    outgoing(2, kind="test_news")

    response = admin_client.get(CHANGELIST_URL, {"kind": "test_news"})

    assert listed(response) == ["Email 2"]


def test_changelist_query_count_is_the_same_for_1_and_5_rows(admin_client):
    outgoing(1, status=Status.SENT)
    admin_client.get(CHANGELIST_URL)  # process-wide caches (content types) fill on the first request
    with CaptureQueriesContext(connection) as one:
        admin_client.get(CHANGELIST_URL)
    for number in range(2, 6):
        outgoing(number, status=Status.FAILED)

    with CaptureQueriesContext(connection) as five:
        response = admin_client.get(CHANGELIST_URL)

    assert len(listed(response)) == 5
    assert len(five) == len(one)


def test_resend_action_requeues_failed_rows_only(admin_client, memory_broker, django_capture_on_commit_callbacks):
    failed = outgoing(1, status=Status.FAILED)
    sent = outgoing(2, status=Status.SENT)
    OutgoingEmail.objects.filter(pk=failed.pk).update(attempts=5)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST_URL, {"action": "resend", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )

    assert "1 failed email(s) queued again." in response.content.decode()
    assert list(OutgoingEmail.objects.order_by("pk").values_list("subject", "status", "attempts")) == [
        ("Email 1", Status.QUEUED, 0),
        ("Email 2", Status.SENT, 0),
    ]
    assert memory_broker.published_ids() == [failed.pk]


def test_resend_action_broker_away_still_answers(admin_client, broker_away, django_capture_on_commit_callbacks):
    failed = outgoing(1, status=Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(CHANGELIST_URL, {"action": "resend", "_selected_action": [failed.pk]})

    failed.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST_URL
    assert len(callbacks) == 1
    assert (failed.status, failed.dispatched_at) == (Status.QUEUED, None)


def test_changelist_offers_resend_and_not_delete(admin_client):
    outgoing(1)

    response = admin_client.get(CHANGELIST_URL)

    assert response.context["action_form"].fields["action"].choices == [
        ("", "---------"),
        ("resend", "Send the selected failed emails again"),
    ]


def test_admin_cannot_edit_an_outgoing_email(admin_client):
    email = outgoing(1, status=Status.FAILED)
    change_url = reverse("admin:notify_outgoingemail_change", args=[email.pk])

    page = admin_client.get(change_url)
    response = admin_client.post(change_url, {"subject": "Changed", "status": "queued"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "Email 1" in page.content.decode()
    assert response.status_code == 403
    assert list(OutgoingEmail.objects.values_list("subject", "status")) == [("Email 1", Status.FAILED)]


@pytest.mark.parametrize("url_name", ["admin:notify_outgoingemail_add", "admin:notify_outgoingemail_delete"])
def test_admin_cannot_add_or_delete_an_outgoing_email(admin_client, url_name):
    email = outgoing(1, status=Status.SENT)
    url = reverse(url_name) if url_name.endswith("_add") else reverse(url_name, args=[email.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [email.pk]
