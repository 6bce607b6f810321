"""Recording audit events. Services call ``record_event`` in the same transaction as the change."""

from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

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
