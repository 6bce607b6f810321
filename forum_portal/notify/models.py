"""The outbox: every email is a row before it is a message."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One email to one recipient.

    ``dedupe_key`` is unique, so whatever runs twice (a beat job, a retried request) queues a
    message once. The send task moves a row queued → sending → sent (or back to queued for a
    retry, or to failed, or to cancelled when its kind says it is no longer due); the sweeper
    returns rows left in sending by a dead worker to queued.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not needed any more"

    kind = models.CharField(max_length=50, db_index=True)
    recipient = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_emails",
    )
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=255, unique=True)
    about = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the email is about (ids), for its kind's last check before it is sent.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    not_before = models.DateTimeField(
        default=timezone.now, help_text="Not sent before this time (quiet hours, scheduled digests)."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the row was last handed to a worker through the broker."
    )
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
        indexes = [
            models.Index(fields=["status", "not_before"], name="outbox_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
                violation_error_message="A sent email records when it was sent.",
            )
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient}: {self.subject}"


class EmailOptOut(models.Model):
    """A kind of non-essential email someone does not want.

    Keyed by address, so visitors who left only an email address can switch mail off too; a
    signed-in person's preferences are their current address's opt-outs.
    """

    email = models.EmailField()
    kind = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email", "kind"]
        verbose_name = "email opt-out"
        constraints = [models.UniqueConstraint(fields=["email", "kind"], name="optout_once_per_kind")]

    def __str__(self):
        return f"{self.email} does not want {self.kind}"
