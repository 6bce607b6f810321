"""Reads of the outbox."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from .models import OutgoingEmail


def outbox_counts_by_day(queryset: QuerySet[OutgoingEmail] | None = None) -> QuerySet:
    """Queued, sent and failed emails per day of queueing, newest day first."""
    queryset = OutgoingEmail.objects.all() if queryset is None else queryset
    return (
        queryset.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            queued=Count("id", filter=Q(status=OutgoingEmail.Status.QUEUED) | Q(status=OutgoingEmail.Status.SENDING)),
            sent=Count("id", filter=Q(status=OutgoingEmail.Status.SENT)),
            failed=Count("id", filter=Q(status=OutgoingEmail.Status.FAILED)),
        )
        .order_by("-day")
    )
