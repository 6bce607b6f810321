import logging

import pytest

from forum_portal.audit.models import AuditEvent
from forum_portal.audit.services import record_event
from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from forum_portal.notify.services import queue_email
from forum_portal.people import retention, services
from forum_portal.people.models import DataExport, User
from forum_portal.people.tasks import apply_retention_task
from tests.factories import ParentCarerFactory, UserFactory

pytestmark = pytest.mark.django_db

KERNEL_RULES = ["unverified_accounts", "data_exports", "email_bodies", "audit_addresses"]


def test_the_kernel_registers_its_rules_each_with_a_period_setting(settings):
    rules = {rule.key: rule for rule in retention.rules()}

    assert set(KERNEL_RULES) <= set(rules)
    assert rules["audit_addresses"].period == settings.RETAIN_AUDIT
    assert rules["unverified_accounts"].period == settings.RETAIN_UNVERIFIED_ACCOUNTS


def test_apply_retention_records_what_each_rule_removed(time_machine, caplog):
    time_machine.move_to("2026-01-01 12:00Z")
    UserFactory(verified=False)
    services.build_data_export(services.request_data_export(ParentCarerFactory()))
    time_machine.move_to("2026-02-15 12:00Z")
    caplog.set_level(logging.INFO, logger="forum_portal.people.retention")

    removed = retention.apply_retention()

    kernel = {key: removed[key] for key in KERNEL_RULES}
    # The never-verified account, the download, and the mail they were each sent (none past a year).
    assert kernel == {"unverified_accounts": 1, "data_exports": 1, "email_bodies": 0, "audit_addresses": 0}
    event = AuditEvent.objects.get(action="retention.applied")
    assert (event.actor, event.detail) == (None, {"removed": removed, "failed": []})
    assert "Retention: unverified_accounts 1, data_exports 1, email_bodies 0, audit_addresses 0" in caplog.text


def test_a_failing_rule_is_reported_and_the_others_still_run(monkeypatch, time_machine, caplog):
    def broken(*, now):
        raise RuntimeError("the table is locked")

    monkeypatch.setitem(retention._RULES, "broken", retention.RetentionRule("broken", "Broken", "RETAIN_AUDIT", broken))
    time_machine.move_to("2026-01-01 12:00Z")
    UserFactory(verified=False)
    time_machine.move_to("2026-02-15 12:00Z")

    removed = retention.apply_retention()

    assert (removed["broken"], removed["unverified_accounts"]) == (None, 1)
    assert AuditEvent.objects.get(action="retention.applied").detail["failed"] == ["broken"]
    assert "Retention rule broken failed." in caplog.text


def test_the_nightly_task_applies_retention():
    apply_retention_task.apply()

    assert AuditEvent.objects.filter(action="retention.applied").count() == 1


def test_unverified_accounts_are_deleted_as_delete_my_account_would(time_machine):
    time_machine.move_to("2026-01-01 12:00Z")
    never_verified = UserFactory(email="typo@example.org", verified=False)
    queue_email(kind="account", to="typo@example.org", subject="Confirm", body_text="Your link", dedupe_key="confirm:1")
    EmailOptOut.objects.create(email="typo@example.org", kind="any_news")
    time_machine.move_to("2026-02-15 12:00Z")

    deleted = services.delete_unverified_accounts()

    assert deleted == 1
    assert not User.objects.filter(pk=never_verified.pk).exists()
    # The confirmation link they were sent no longer says to whom or what; no email goes to them.
    assert list(OutgoingEmail.objects.values_list("recipient", "body_text")) == [("deleted@invalid", "")]
    assert not EmailOptOut.objects.exists()
    assert AuditEvent.objects.get(action="account.deleted").detail == {
        "account_id": never_verified.pk,
        "on_request": False,
        "reason": "never verified",
    }


def test_audit_addresses_are_forgotten_after_the_retention_period(settings, time_machine):
    settings.RETAIN_AUDIT = settings.RETAIN_AUDIT.__class__(days=730)
    admin = UserFactory(email="admin@example.org")
    time_machine.move_to("2024-01-01 12:00Z")
    old = record_event("consultation.approved", actor=admin)
    AuditEvent.objects.filter(pk=old.pk).update(ip_address="203.0.113.9")
    time_machine.move_to("2025-06-01 12:00Z")
    recent = record_event("consultation.approved", actor=admin)
    AuditEvent.objects.filter(pk=recent.pk).update(ip_address="203.0.113.10")
    time_machine.move_to("2026-01-02 12:00Z")

    forgotten = retention.apply_retention()["audit_addresses"]

    assert forgotten == 1
    assert list(
        AuditEvent.objects.filter(action="consultation.approved")
        .order_by("at")
        .values_list("actor_email", "ip_address", "actor")
    ) == [("", None, admin.pk), ("admin@example.org", "203.0.113.10", admin.pk)]


def test_expired_data_downloads_are_removed_by_the_retention_run(time_machine):
    time_machine.move_to("2026-03-01 10:00Z")
    services.build_data_export(services.request_data_export(ParentCarerFactory()))
    time_machine.move_to("2026-03-08 10:01Z")

    assert retention.apply_retention()["data_exports"] == 1
    assert not DataExport.objects.exists()
