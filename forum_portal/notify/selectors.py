"""Reads of the outbox."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from .models import EmailOptOut, OutgoingEmail


def opted_out_kinds(address: str) -> set[str]:
    """Keys of the kinds of email ``address`` has switched off (opt-outs are kept lower-case)."""
    return set(EmailOptOut.objects.filter(email=address.lower()).values_list("kind", flat=True))


def outbox_counts_by_day(queryset: QuerySet[OutgoingEmail] | None = None) -> QuerySet:
    """Queued, sent, failed and cancelled (no longer due) emails per day of queueing, newest day first."""
    queryset = OutgoingEmail.objects.all() if queryset is None else queryset
    return (
        queryset.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            queued=Count("id", filter=Q(status=OutgoingEmail.Status.QUEUED) | Q(status=OutgoingEmail.Status.SENDING)),
            sent=Count("id", filter=Q(status=OutgoingEmail.Status.SENT)),
            failed=Count("id", filter=Q(status=OutgoingEmail.Status.FAILED)),
            cancelled=Count("id", filter=Q(status=OutgoingEmail.Status.CANCELLED)),
        )
        .order_by("-day")
    )
