"""Recording audit events. Services call ``record_event`` in the same transaction as the change."""

from collections.abc import Iterable
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .models import AuditEvent

# The address of the web request being served, set by AuditContextMiddleware (None in tasks).
# Behind a proxy, REMOTE_ADDR is the proxy's unless the proxy sets it (see docs/operations.md).
request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def record_event(action: str, *, actor=None, obj: models.Model | None = None, **detail) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj`` now, from the current request's address."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail,
        ip_address=request_ip.get(),
    )


def forget_old_addresses(*, now: datetime | None = None) -> int:
    """Blank the actor's email and the IP address of events older than RETAIN_AUDIT.

    What was done, to what and when stays; who did it stays only as the account (while it exists).
    """
    now = now or timezone.now()
    return (
        AuditEvent.objects.filter(at__lt=now - settings.RETAIN_AUDIT)
        .exclude(actor_email="", ip_address=None)
        .update(actor_email="", ip_address=None)
    )


def forget_person(user, *, subjects: Iterable[models.Model] = ()) -> int:
    """Take ``user``'s email and IP addresses out of the trail before their account is deleted.

    Events they caused keep what was done, but no longer say who or from where; events about the
    account itself or ``subjects`` (their profile, memberships, downloads) no longer name them.
    """
    by_them = AuditEvent.objects.filter(Q(actor=user) | Q(actor_email__iexact=user.email))
    changed = by_them.update(actor_email="", ip_address=None)
    about_them = Q(object_repr__icontains=user.email) | Q(
        object_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    )
    for subject in subjects:
        about_them |= Q(object_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk))
    changed += AuditEvent.objects.filter(about_them).update(object_repr="a deleted account")
    return changed
