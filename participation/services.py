"""Writes of Participation. Each service states the rule it protects."""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum_portal.audit.services import record_event
from forum_portal.markdown import render_markdown
from forum_portal.notify.services import queue_email
from forum_portal.people.models import Organisation, User

from .models import (
    Activity,
    Booking,
    Event,
    Group,
    GroupMember,
    Interest,
    LadderStep,
    Opportunity,
    PopulationFigure,
    RepReport,
    RepSeat,
)

EVENT_FIELDS = [
    "title",
    "kind",
    "description",
    "organisation",
    "group",
    "starts_at",
    "ends_at",
    "is_online",
    "address",
    "online_link",
    "capacity",
    "booking_deadline",
    "accessibility",
]


# --- Events ---------------------------------------------------------------------------------------


@transaction.atomic
def save_event(event: Event | None = None, *, by: User, **fields) -> Event:
    """Create or change an event; its description is rendered to HTML here, once.

    More places on a published event go to the people waiting, first come first served.
    """
    event = Event.objects.select_for_update().get(pk=event.pk) if event is not None else Event(created_by=by)
    for name, value in fields.items():
        setattr(event, name, value)
    event.description_html = render_markdown(event.description)
    event.full_clean()
    event.save()
    if event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
        taken = Booking.objects.filter(event=event, status=Booking.Status.BOOKED).count()
        for _ in range(event.capacity - taken):
            if _promote_from_waiting_list(event) is None:
                break
    return event


@transaction.atomic
def cancel_event(event: Event, *, by: User) -> Event:
    """Cancel a published event and tell everyone booked or waiting. Bookings stay, for the record."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError("Only a published event can be cancelled.")
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    for booking in Booking.objects.filter(event=event).exclude(status=Booking.Status.CANCELLED).select_related("user"):
        queue_email(
            kind="participation_bookings",
            to=booking.user,
            dedupe_key=f"participation:event-cancelled:{event.pk}:{booking.user_id}",
            template="participation_event_cancelled",
            context={"event": event, "booking": booking},
        )
    record_event("participation.event_cancelled", actor=by, obj=event)
    return event


@transaction.atomic
def publish_event(event: Event, *, by: User) -> Event:
    """Only a draft is published; publishing twice changes nothing."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.DRAFT:
        raise ValidationError("Only a draft event can be published.")
    event.status = Event.Status.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at"])
    record_event("participation.event_published", actor=by, obj=event)
    return event


@transaction.atomic
def book_place(event: Event, *, user: User, access_needs: list[str] = (), access_needs_detail: str = "") -> Booking:
    """Give ``user`` a place, or a place on the waiting list when the event is full.

    The event row is locked while places are counted, so people booking at the same moment are
    served one after another and the event is never overbooked.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.is_open_for_booking():
        raise ValidationError("This event is not taking bookings.")
    booking = Booking.objects.filter(event=event, user=user).first()
    if booking is not None and booking.is_active:
        raise ValidationError("You already have a booking for this event.")
    taken = Booking.objects.filter(event=event, status=Booking.Status.BOOKED).count()
    status = Booking.Status.BOOKED if taken < event.capacity else Booking.Status.WAITLISTED
    now = timezone.now()
    booking = booking or Booking(event=event, user=user)
    booking.status = status
    booking.access_needs = list(access_needs)
    booking.access_needs_detail = access_needs_detail
    booking.requested_at = now
    booking.cancelled_at = None
    booking.promoted_at = None
    booking.save()
    template = "participation_booking_confirmed" if status == Booking.Status.BOOKED else "participation_waitlisted"
    queue_email(
        kind="participation_bookings",
        to=user,
        dedupe_key=f"participation:{template}:{booking.pk}:{now.isoformat()}",
        template=template,
        context={"event": event, "booking": booking},
    )
    return booking


@transaction.atomic
def cancel_booking(booking: Booking, *, by: User) -> Booking:
    """Cancel a place or a waiting-list place. A freed place goes to the first person waiting,
    who is told by email."""
    event = Event.objects.select_for_update().get(pk=booking.event_id)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError("This booking is already cancelled.")
    freed_a_place = booking.status == Booking.Status.BOOKED
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    if freed_a_place and event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
        _promote_from_waiting_list(event)
    return booking


def _promote_from_waiting_list(event: Event) -> Booking | None:
    """Called with the event row locked."""
    first = (
        Booking.objects.select_for_update()
        .filter(event=event, status=Booking.Status.WAITLISTED)
        .order_by("requested_at", "id")
        .select_related("user")
        .first()
    )
    if first is None:
        return None
    first.status = Booking.Status.BOOKED
    first.promoted_at = timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    queue_email(
        kind="participation_bookings",
        to=first.user,
        dedupe_key=f"participation:promoted:{first.pk}:{first.promoted_at.isoformat()}",
        template="participation_promoted",
        context={"event": event, "booking": first},
    )
    return first


def queue_event_reminders(*, now=None) -> int:
    """Email everyone booked on an event starting in the next 24 to 48 hours, once per event.

    The window is wide so a job that runs late, or twice, still reminds everyone exactly once (the
    dedupe key names the event, the person and the event's start).
    """
    now = now or timezone.now()
    bookings = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(days=1),
    ).select_related("event", "user")
    queued = 0
    for booking in bookings:
        event = booking.event
        email = queue_email(
            kind="participation_event_reminders",
            to=booking.user,
            dedupe_key=f"participation:reminder:{event.pk}:{booking.user_id}:{event.starts_at.isoformat()}",
            template="participation_event_reminder",
            context={"event": event, "booking": booking},
        )
        queued += email is not None
    return queued


@transaction.atomic
def record_attendance(event: Event, *, attended: list[User], outcome: str, by: User) -> Activity:
    """Mark who came, keep the outcome, and log the event in the participation log (one entry
    per event, updated when attendance is recorded again)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    attended_ids = {user.pk for user in attended}
    booked = list(Booking.objects.filter(event=event, status=Booking.Status.BOOKED))
    for booking in booked:
        booking.attended = booking.user_id in attended_ids
    Booking.objects.bulk_update(booked, ["attended"])
    event.outcome = outcome
    event.attendance_recorded_at = timezone.now()
    event.save(update_fields=["outcome", "attendance_recorded_at"])
    hours = Decimal((event.ends_at - event.starts_at).total_seconds() / 3600).quantize(Decimal("0.1"))
    activity, _ = Activity.objects.update_or_create(
        event=event,
        defaults={
            "title": event.title,
            "kind": Activity.Kind.EVENT,
            "happened_on": timezone.localtime(event.starts_at).date(),
            "organisation": event.organisation,
            "ladder_step": LadderStep.PARTICIPATION,
            "parent_carers_involved": sum(1 for booking in booked if booking.attended),
            "hours": hours,
            "impact": outcome,
            "recorded_by": by,
        },
    )
    attendees = [booking.user_id for booking in booked if booking.attended]
    activity.participants.set(attendees)
    record_event("participation.attendance_recorded", actor=by, obj=event, attended=len(attendees))
    return activity


# --- Groups, opportunities and reps -----------------------------------------------------------------


def save_group(group: Group | None = None, *, by: User, **fields) -> Group:
    """Create or change a group; its purpose is rendered to HTML here, once."""
    group = group or Group()
    for name, value in fields.items():
        setattr(group, name, value)
    group.purpose_html = render_markdown(group.purpose)
    group.full_clean()
    group.save()
    return group


def add_group_member(group: Group, *, user: User, by: User) -> GroupMember:
    """Adding someone already in the group changes nothing."""
    member, created = GroupMember.objects.get_or_create(group=group, user=user)
    if created:
        record_event("participation.group_member_added", actor=by, obj=group, member=user.pk)
    return member


def remove_group_member(member: GroupMember, *, by: User) -> None:
    record_event("participation.group_member_removed", actor=by, obj=member.group, member=member.user_id)
    member.delete()


def save_opportunity(opportunity: Opportunity | None = None, *, by: User, **fields) -> Opportunity:
    opportunity = opportunity or Opportunity(created_by=by)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.description_html = render_markdown(opportunity.description)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


def express_interest(opportunity: Opportunity, *, user: User, statement: str) -> Interest:
    """A member may say they are interested once, while the opportunity is open."""
    if not opportunity.is_open():
        raise ValidationError("This opportunity has closed.")
    if Interest.objects.filter(opportunity=opportunity, user=user).exists():
        raise ValidationError("You have already expressed interest in this.")
    return Interest.objects.create(opportunity=opportunity, user=user, statement=statement)


@transaction.atomic
def decide_interest(interest: Interest, *, appoint: bool, by: User) -> Interest:
    """Appoint the member, or tell them "not this time". Each interest is decided once; an
    appointment to a group's opportunity gives them a rep seat and a place in the group."""
    interest = (
        Interest.objects.select_for_update(of=("self",))
        .select_related("opportunity__group", "user")
        .get(pk=interest.pk)
    )
    if interest.status != Interest.Status.WAITING:
        raise ValidationError("This has already been decided.")
    interest.status = Interest.Status.APPOINTED if appoint else Interest.Status.NOT_THIS_TIME
    interest.decided_at = timezone.now()
    interest.decided_by = by
    interest.save(update_fields=["status", "decided_at", "decided_by"])
    group = interest.opportunity.group
    if appoint and group is not None:
        starts_on = timezone.localdate()
        RepSeat.objects.create(
            group=group,
            user=interest.user,
            starts_on=starts_on,
            ends_on=_add_months(starts_on, interest.opportunity.seat_term_months),
            interest=interest,
        )
        GroupMember.objects.get_or_create(group=group, user=interest.user)
    record_event("participation.interest_decided", actor=by, obj=interest, status=interest.status)
    queue_email(
        kind="participation_decisions",
        to=interest.user,
        dedupe_key=f"participation:interest-decided:{interest.pk}",
        template="participation_interest_decided",
        context={"interest": interest, "opportunity": interest.opportunity},
    )
    return interest


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def file_rep_report(seat: RepSeat, *, meeting_on: date, took_in: str, decided: str, report_back: str) -> RepReport:
    """A rep's report after a meeting; it is also logged as participation with one parent carer."""
    report = RepReport.objects.create(
        seat=seat, meeting_on=meeting_on, took_in=took_in, decided=decided, report_back=report_back
    )
    activity = Activity.objects.create(
        title=f"Rep report: {seat.group.name}",
        kind=Activity.Kind.REP_REPORT,
        happened_on=meeting_on,
        organisation=seat.group.organisation,
        ladder_step=LadderStep.PARTICIPATION,
        parent_carers_involved=1,
        hours=Decimal("0"),
        impact=decided,
    )
    activity.participants.set([seat.user_id])
    return report


# --- The participation log --------------------------------------------------------------------------


def log_activity(
    *,
    title: str,
    kind: str,
    happened_on: date,
    organisation: Organisation,
    ladder_step: str,
    parent_carers_involved: int,
    hours: Decimal,
    impact: str = "",
    by: User,
    participants: Iterable[User] = (),
) -> Activity:
    activity = Activity(
        title=title,
        kind=kind,
        happened_on=happened_on,
        organisation=organisation,
        ladder_step=ladder_step,
        parent_carers_involved=parent_carers_involved,
        hours=hours,
        impact=impact,
        recorded_by=by,
    )
    activity.full_clean()
    activity.save()
    activity.participants.set(participants)
    record_event("participation.activity_logged", actor=by, obj=activity)
    return activity


def change_activity(activity: Activity, *, by: User, **fields) -> Activity:
    """Staff correct an entry or add its impact once it is known."""
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    record_event("participation.activity_changed", actor=by, obj=activity)
    return activity


def set_population_figure(*, dimension: str, value: str, count: int, by: User) -> PopulationFigure:
    """One figure per group: setting it again replaces the old number."""
    figure, _ = PopulationFigure.objects.update_or_create(
        dimension=dimension, value=value, defaults={"count": count, "updated_at": timezone.now()}
    )
    record_event("participation.population_figure_set", actor=by, obj=figure, count=count)
    return figure
