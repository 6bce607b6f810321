"""What the consultations rung shows on the home page and on officers' and staff's dashboards."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from forum_portal.people.rules import has_two_factor, is_forum_staff, is_officer

from .models import Consultation, LocalOfferComment, Phase, Reply
from .selectors import consultations_of, review_queue

HOME_LIMIT = 3


def home_context(request) -> dict:
    now = timezone.now()
    open_now = list(
        Consultation.objects.open_at(now).select_related("organisation").order_by("closes_at", "pk")[:HOME_LIMIT]
    )
    latest_reply = (
        Reply.objects.filter(published_at__isnull=False, consultation__status=Consultation.Status.APPROVED)
        .select_related("consultation")
        .order_by("-published_at")
        .first()
    )
    return {"open_now": open_now, "latest_reply": latest_reply, "now": now}


def dashboard_context(request) -> dict | None:
    """An officer's consultations with what to do next; forum staff's review queue."""
    user = request.user
    if not has_two_factor(user):
        return None
    context = {"now": timezone.now(), "is_officer": False, "is_staff": False}
    if is_officer(user):
        consultations = list(consultations_of(user))
        for consultation in consultations:
            consultation.next_step = next_step(consultation, context["now"])
        context.update(is_officer=True, consultations=consultations)
    if is_forum_staff(user):
        context.update(
            is_staff=True,
            review_count=review_queue().count(),
            comments_to_moderate=LocalOfferComment.objects.filter(
                moderation=LocalOfferComment.Moderation.PENDING, consultation__status=Consultation.Status.APPROVED
            ).count(),
        )
    if not (context["is_officer"] or context["is_staff"]):
        return None
    return context


def next_step(consultation: Consultation, now) -> str:
    """What the owning officer does next, in a few words."""
    phase = consultation.phase(now)
    if phase == Phase.DRAFT:
        if consultation.review_comments:
            return "Make the changes the forum asked for, then send it again"
        return "Finish the draft and send it to the forum"
    if phase == Phase.IN_REVIEW:
        return "Wait for the forum's review"
    if phase == Phase.UPCOMING:
        return "Opens on its date"
    if phase == Phase.OPEN:
        return f"Open: {consultation.days_left(now)} days left"
    if phase == Phase.CLOSED:
        state = consultation.reply_state(now)
        if state == "published":
            return "Add progress updates to the reply"
        if state == "overdue":
            return "Reply overdue: publish “You said, we did” now"
        return f"Publish “You said, we did” by {date_format(localtime(consultation.reply_due_at), 'j F Y')}"
    return "Withdrawn"
