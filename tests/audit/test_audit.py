import pytest
from django.urls import reverse

from forum_portal.audit.models import AuditEvent
from forum_portal.audit.services import record_event
from forum_portal.notify.models import OutgoingEmail
from forum_portal.people import services
from forum_portal.people.models import Membership
from tests.factories import OrganisationFactory, ParentCarerFactory, UserFactory, activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum_admin():
    user = UserFactory(is_staff=True, is_superuser=True, email="admin@example.org")
    activate_totp(user)
    return user


def events():
    return list(AuditEvent.objects.order_by("id").values_list("actor_email", "action", "object_repr"))


def test_record_event_keeps_who_what_and_the_request_address(client, forum_admin):
    organisation = OrganisationFactory(name="Brookshire Council")
    member = UserFactory(email="officer@example.org")
    client.force_login(forum_admin)

    client.post(
        reverse("admin:people_membership_add"),
        {
            "user": member.pk,
            "organisation": organisation.pk,
            "role": "member",
            "job_title": "",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
        REMOTE_ADDR="203.0.113.9",
    )

    membership = Membership.objects.get(user=member)
    event = AuditEvent.objects.get(action="membership.added")
    assert (event.actor, event.object_id, event.ip_address) == (forum_admin, str(membership.pk), "203.0.113.9")
    assert event.detail == {"role": "member"}


def test_record_event_outside_a_request_has_no_address():
    event = record_event("system.check")

    assert (event.actor, event.ip_address, event.object_repr) == (None, None, "")


def test_data_export_and_account_deletion_are_in_the_trail(forum_admin):
    parent = ParentCarerFactory(email="robin@example.org")
    parent_id = parent.pk
    services.request_data_export(parent)

    services.delete_account(parent, by=forum_admin)

    # What was done stays in the trail; who did it, as an email address, does not.
    assert [(email, action) for email, action, _ in events()] == [
        ("", "data_export.requested"),
        ("admin@example.org", "account.deleted"),
    ]
    assert [repr_ for _, _, repr_ in events()] == ["a deleted account", ""]
    assert AuditEvent.objects.filter(ip_address__isnull=False).count() == 0
    deletion = AuditEvent.objects.get(action="account.deleted")
    assert deletion.detail == {"account_id": parent_id, "on_request": True}
    assert "robin" not in deletion.object_repr


def test_resending_failed_mail_is_in_the_trail(client, forum_admin):
    email = OutgoingEmail.objects.create(
        kind="account", recipient="x@example.org", subject="S", body_text="B", dedupe_key="k", status="failed"
    )
    client.force_login(forum_admin)

    client.post(reverse("admin:notify_outgoingemail_changelist"), {"action": "resend", "_selected_action": [email.pk]})

    assert events() == [("admin@example.org", "email.resent", str(email))]


def test_admin_shows_the_trail_read_only(client, forum_admin):
    event = record_event("system.check", actor=forum_admin)
    client.force_login(forum_admin)

    listing = client.get(reverse("admin:audit_auditevent_changelist"), {"q": "system.check"})
    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "edited"})
    delete = client.get(reverse("admin:audit_auditevent_delete", args=[event.pk]))

    assert [row.pk for row in listing.context["cl"].result_list] == [event.pk]
    assert AuditEvent.objects.get(pk=event.pk).action == "system.check"
    assert change.status_code == 403
    assert delete.status_code == 403


def test_client_address_comes_from_the_proxy_header_when_configured(client, forum_admin, settings):
    settings.AUDIT_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    email = OutgoingEmail.objects.create(
        kind="account", recipient="x@example.org", subject="S", body_text="B", dedupe_key="k", status="failed"
    )
    client.force_login(forum_admin)

    client.post(
        reverse("admin:notify_outgoingemail_changelist"),
        {"action": "resend", "_selected_action": [email.pk]},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_REAL_IP="198.51.100.7",
    )

    assert AuditEvent.objects.get(action="email.resent").ip_address == "198.51.100.7"
