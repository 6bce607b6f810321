"""What the home page and the dashboard show of Participation."""

from django.utils import timezone

from . import selectors
from .models import Interest


def home_context(request) -> dict:
    return {
        "events": selectors.upcoming_events(timezone.now())[:3],
        "opportunities": selectors.open_opportunities(timezone.localdate())[:2],
    }


def dashboard_context(request) -> dict | None:
    """Forum staff's queue: events that need attendance recorded, interest waiting for a decision."""
    user = request.user
    if not user.has_perm("participation.manage_events"):
        return None
    now = timezone.now()
    events_to_record = (
        selectors.events_for_staff().filter(status="published", ends_at__lt=now, attendance_recorded_at__isnull=True)
    )[:5]
    interests_waiting = (
        Interest.objects.filter(status=Interest.Status.WAITING)
        .select_related("opportunity", "user")
        .order_by("created_at")
    )[:5]
    return {"events_to_record": events_to_record, "interests_waiting": interests_waiting}
