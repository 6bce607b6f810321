"""Writes of Participation. Each service states the rule it protects."""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from consultations.models import Consultation, Response
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
    "consultation",
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

    More places on a published event go to the people waiting, first come first served. Fewer
    places take no place away: nobody is promoted until cancellations bring the booked places
    below the new number.
    """
    event = Event.objects.select_for_update().get(pk=event.pk) if event is not None else Event(created_by=by)
    for name, value in fields.items():
        setattr(event, name, value)
    if event.published_at is not None:
        event.sequence += 1
    event.description_html = render_markdown(event.description)
    event.full_clean()
    event.save()
    _fill_free_places(event)
    return event


@transaction.atomic
def cancel_event(event: Event, *, by: User) -> Event:
    """Cancel a published event and tell everyone booked or waiting. Bookings stay, for the record."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError("Only a published event can be cancelled.")
    event.status = Event.Status.CANCELLED
    event.sequence += 1
    event.save(update_fields=["status", "sequence"])
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
    who is told by email, unless the event still has as many people booked as it has places
    (staff may have lowered the number of places)."""
    event = Event.objects.select_for_update().get(pk=booking.event_id)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError("This booking is already cancelled.")
    freed_a_place = booking.status == Booking.Status.BOOKED
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    if freed_a_place:
        _fill_free_places(event)
    return booking


@transaction.atomic
def fill_free_places(event: Event) -> list[Booking]:
    """Give the free places of ``event`` to the people waiting, first come first served, and email
    them; never more people booked than the event has places.

    For changes made outside the booking services: a booking deleted with its account, or places
    and bookings changed in the admin.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    return _fill_free_places(event)


def _fill_free_places(event: Event) -> list[Booking]:
    """Called with the event row locked, so the count of places taken cannot change meanwhile.
    Only a published event that has not started promotes anyone."""
    if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        return []
    free = event.capacity - Booking.objects.filter(event=event, status=Booking.Status.BOOKED).count()
    if free <= 0:
        return []
    promoted = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(event=event, status=Booking.Status.WAITLISTED)
        .order_by("requested_at", "id")
        .select_related("user")[:free]
    )
    now = timezone.now()
    for booking in promoted:
        booking.status = Booking.Status.BOOKED
        booking.promoted_at = now
        booking.save(update_fields=["status", "promoted_at"])
        queue_email(
            kind="participation_bookings",
            to=booking.user,
            dedupe_key=f"participation:promoted:{booking.pk}:{now.isoformat()}",
            template="participation_promoted",
            context={"event": event, "booking": booking},
        )
    return promoted


def queue_event_reminders(*, now=None) -> int:
    """Email everyone booked on an event starting within the next 24 hours, once per person and
    start time.

    The job runs hourly, so each event is reminded about roughly a day ahead; a job that runs late,
    or twice, still reminds everyone exactly once (the dedupe key names the event, the person and
    the event's start, so a moved event is reminded about again).
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
    per event, updated when attendance is recorded again). Only a published event that has
    started has attendance: nobody can have come to one that has not."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError("Attendance is recorded only for a published event.")
    if event.starts_at > timezone.now():
        raise ValidationError("You can record attendance once the event has started.")
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
    """Publish or change a call; its description is rendered to HTML here, once. Seats already
    given keep their terms."""
    opportunity = opportunity or Opportunity(created_by=by)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.description_html = render_markdown(opportunity.description)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


def express_interest(opportunity: Opportunity, *, user: User, statement: str) -> Interest:
    """A member may say they are interested once, while the opportunity is open.

    "Once" is the database's unique constraint, so two submissions at the same moment (a double
    click) give one interest and a message, not an error page.
    """
    if not opportunity.is_open():
        raise ValidationError("This opportunity has closed.")
    try:
        with transaction.atomic():
            return Interest.objects.create(opportunity=opportunity, user=user, statement=statement)
    except IntegrityError as error:
        raise ValidationError("You have already expressed interest in this.") from error


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


@transaction.atomic
def file_rep_report(seat: RepSeat, *, meeting_on: date, took_in: str, decided: str, report_back: str) -> RepReport:
    """A rep's report after a meeting, published to members and logged as participation with one
    parent carer. Only while the seat's term runs, and for a meeting held within the term (not
    before it began, not in the future)."""
    seat = RepSeat.objects.select_related("group__organisation", "user").get(pk=seat.pk)
    today = timezone.localdate()
    if seat.user_id is None or not seat.is_current(today):
        raise ValidationError("Reports can be written only while the rep's term runs.")
    if not seat.starts_on <= meeting_on <= today:
        began = date_format(seat.starts_on, "j F Y")
        message = f"The meeting date must be between {began}, when your term began, and today"
        raise ValidationError({"meeting_on": message})
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
    record_event("participation.rep_report_filed", actor=seat.user, obj=report, group=seat.group_id)
    return report


# --- The participation log --------------------------------------------------------------------------


def log_closed_consultations(*, now=None) -> int:
    """Put each closed consultation in the participation log, once: ladder step consultation, the
    consultation's organisation, as many parent carers as sent answers, and the members among them
    named (answers without an account count but have no name). Returns how many were logged.

    The activity's link to its consultation is unique, so a job that runs late, twice, or twice at
    the same moment still logs each consultation once.
    """
    now = now or timezone.now()
    closed = (
        Consultation.objects.closed_at(now)
        .filter(participation_activity__isnull=True)
        .select_related("organisation")
        .order_by("closes_at", "pk")
    )
    return sum(_log_consultation(consultation) for consultation in closed)


@transaction.atomic
def _log_consultation(consultation: Consultation) -> bool:
    sent = Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                title=consultation.title,
                kind=Activity.Kind.CONSULTATION,
                happened_on=timezone.localtime(consultation.closes_at).date(),
                organisation=consultation.organisation,
                ladder_step=LadderStep.CONSULTATION,
                parent_carers_involved=sent.count(),
                hours=Decimal("0"),
                consultation=consultation,
            )
    except IntegrityError:
        return False  # logged meanwhile by another run of the job
    activity.participants.set(sent.filter(user__isnull=False).values_list("user", flat=True))
    return True


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
