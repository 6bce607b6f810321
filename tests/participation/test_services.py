import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from forum_portal.audit.models import AuditEvent
from forum_portal.notify.models import OutgoingEmail
from participation import services
from participation.models import Activity, Booking, Event, GroupMember, Interest, LadderStep, RepReport, RepSeat
from tests.factories.participation import (
    BookingFactory,
    EventFactory,
    GroupFactory,
    InterestFactory,
    OpportunityFactory,
    RepSeatFactory,
)
from tests.factories.people import ForumStaffFactory, OrganisationFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db


def test_save_event_renders_the_description_once_and_keeps_it_a_draft():
    staff = ForumStaffFactory()
    start = timezone.now() + timedelta(days=3)
    event = services.save_event(
        by=staff,
        title="Transition workshop",
        kind=Event.Kind.WORKSHOP,
        description="**Moving** to secondary school",
        organisation=OrganisationFactory(),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        is_online=True,
        online_link="https://meet.example.org/abc",
        capacity=12,
    )

    assert event.status == Event.Status.DRAFT
    assert event.description_html == '<p class="govuk-body"><strong>Moving</strong> to secondary school</p>'
    assert event.created_by == staff


def test_publish_event_publishes_a_draft_once_and_is_audited():
    staff = ForumStaffFactory()
    event = EventFactory(status=Event.Status.DRAFT, published_at=None)

    services.publish_event(event, by=staff)

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="participation.event_published", actor=staff).count() == 1
    with pytest.raises(ValidationError):
        services.publish_event(event, by=staff)


def test_book_place_books_while_places_last_then_waitlists(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    parents = ParentCarerFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=True):
        bookings = [services.book_place(event, user=parent, access_needs=["bsl"]) for parent in parents]

    assert [booking.status for booking in bookings] == ["booked", "booked", "waitlisted"]
    assert bookings[0].access_needs == ["bsl"]
    subjects = list(OutgoingEmail.objects.order_by("id").values_list("recipient", "subject"))
    assert subjects == [
        (parents[0].email, f"Your place at {event.title}"),
        (parents[1].email, f"Your place at {event.title}"),
        (parents[2].email, f"You are on the waiting list for {event.title}"),
    ]


def test_book_place_twice_is_refused():
    event = EventFactory()
    parent = ParentCarerFactory()
    services.book_place(event, user=parent)

    with pytest.raises(ValidationError, match="already have a booking"):
        services.book_place(event, user=parent)
    assert Booking.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Event.Status.DRAFT},
        {"status": Event.Status.CANCELLED},
        {"booking_deadline": timezone.now() - timedelta(minutes=1)},
    ],
)
def test_book_place_is_refused_when_the_event_is_not_taking_bookings(changes):
    event = EventFactory(**changes)

    with pytest.raises(ValidationError, match="not taking bookings"):
        services.book_place(event, user=ParentCarerFactory())
    assert Booking.objects.count() == 0


def test_cancel_booking_promotes_the_first_on_the_waiting_list_and_emails_them(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    booked = BookingFactory(event=event)
    first = BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(hours=2))
    second = BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booked, by=booked.user)

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {booked.pk: "cancelled", first.pk: "booked", second.pk: "waitlisted"}
    email = OutgoingEmail.objects.get()
    assert (email.recipient, email.subject) == (first.user.email, f"A place came up: you are booked on {event.title}")


def test_after_staff_lower_the_places_a_cancellation_promotes_nobody_until_there_is_room(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=3)
    booked = BookingFactory.create_batch(3, event=event)
    waiting = BookingFactory(event=event, status="waitlisted")
    fields = {name: getattr(event, name) for name in services.EVENT_FIELDS} | {"capacity": 1}
    services.save_event(event, by=ForumStaffFactory(), **fields)

    services.cancel_booking(booked[0], by=booked[0].user)
    services.cancel_booking(booked[1], by=booked[1].user)

    assert Booking.objects.filter(event=event, status="booked").count() == 1
    assert Booking.objects.get(pk=waiting.pk).status == "waitlisted"
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booked[2], by=booked[2].user)
    assert Booking.objects.get(pk=waiting.pk).status == "booked"
    assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [waiting.user.email]


def test_fill_free_places_never_books_more_than_the_places():
    event = EventFactory(capacity=2)
    BookingFactory(event=event)
    first, second = (
        BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(minutes=n))
        for n in (20, 10)
    )

    assert services.fill_free_places(event) == [first]
    assert services.fill_free_places(event) == []
    assert Booking.objects.get(pk=second.pk).status == "waitlisted"


def test_fill_free_places_promotes_nobody_once_the_event_has_started():
    start = timezone.now() - timedelta(minutes=5)
    event = EventFactory(capacity=2, starts_at=start, ends_at=start + timedelta(hours=1))
    waiting = BookingFactory(event=event, status="waitlisted")

    assert services.fill_free_places(event) == []
    assert Booking.objects.get(pk=waiting.pk).status == "waitlisted"


def test_cancelling_a_waiting_list_place_promotes_nobody():
    event = EventFactory(capacity=1)
    BookingFactory(event=event)
    waiting = BookingFactory(event=event, status="waitlisted")
    other = BookingFactory(event=event, status="waitlisted")

    services.cancel_booking(waiting, by=waiting.user)

    assert Booking.objects.get(pk=other.pk).status == "waitlisted"
    assert OutgoingEmail.objects.count() == 0


def test_booking_again_after_cancelling_goes_to_the_back_of_the_queue():
    event = EventFactory(capacity=1)
    BookingFactory(event=event)
    mine = BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(days=1))
    BookingFactory(event=event, status="waitlisted")
    services.cancel_booking(mine, by=mine.user)

    again = services.book_place(event, user=mine.user)

    assert again.pk == mine.pk
    assert again.status == "waitlisted"
    first_waiting = Booking.objects.filter(event=event, status="waitlisted").order_by("requested_at").first()
    assert first_waiting.user != mine.user


@pytest.mark.django_db(transaction=True)
def test_fifty_people_booking_the_last_ten_places_at_once_never_overbook():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL")
    event = EventFactory(capacity=12)
    BookingFactory.create_batch(2, event=event)
    parents = ParentCarerFactory.create_batch(50)
    start = threading.Barrier(50)
    errors = []

    def book(parent):
        try:
            start.wait()
            services.book_place(event, user=parent)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(parent,)) for parent in parents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [thread for thread in threads if thread.is_alive()] == []
    assert errors == []
    counts = {status: Booking.objects.filter(event=event, status=status).count() for status in ["booked", "waitlisted"]}
    assert counts == {"booked": 12, "waitlisted": 40}


def test_queue_event_reminders_emails_people_booked_tomorrow_once():
    now = timezone.now()
    tomorrow = EventFactory(starts_at=now + timedelta(hours=20))
    next_week = EventFactory(starts_at=now + timedelta(days=7))
    booked = BookingFactory(event=tomorrow)
    BookingFactory(event=tomorrow, status="waitlisted")
    BookingFactory(event=tomorrow, status="cancelled")
    BookingFactory(event=next_week)

    assert services.queue_event_reminders(now=now) == 1
    assert services.queue_event_reminders(now=now + timedelta(hours=1)) == 0

    email = OutgoingEmail.objects.get()
    assert (email.recipient, email.kind, email.subject) == (
        booked.user.email,
        "participation_event_reminders",
        f"Tomorrow: {tomorrow.title}",
    )


def test_record_attendance_marks_who_came_and_logs_the_event_once():
    staff = ForumStaffFactory()
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2, minutes=30))
    came, missed = BookingFactory.create_batch(2, event=event)

    services.record_attendance(event, attended=[came.user], outcome="Ideas for the Local Offer", by=staff)
    activity = services.record_attendance(event, attended=[came.user], outcome="Ideas, updated", by=staff)

    assert dict(Booking.objects.values_list("pk", "attended")) == {came.pk: True, missed.pk: False}
    assert Activity.objects.count() == 1
    assert (activity.parent_carers_involved, str(activity.hours), activity.impact, activity.ladder_step) == (
        1,
        "2.5",
        "Ideas, updated",
        LadderStep.PARTICIPATION,
    )
    assert list(activity.participants.all()) == [came.user]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({}, "You can record attendance once the event has started."),
        ({"status": Event.Status.DRAFT}, "Attendance is recorded only for a published event."),
    ],
)
def test_record_attendance_is_refused_before_the_event_starts_or_for_a_draft(changes, message):
    event = EventFactory(**changes)
    booking = BookingFactory(event=event)

    with pytest.raises(ValidationError) as refused:
        services.record_attendance(event, attended=[booking.user], outcome="Too early", by=ForumStaffFactory())

    assert refused.value.messages == [message]
    assert (Activity.objects.count(), Booking.objects.get(pk=booking.pk).attended) == (0, None)


def test_express_interest_once_while_open():
    opportunity = OpportunityFactory()
    parent = ParentCarerFactory()

    interest = services.express_interest(opportunity, user=parent, statement="I can help.")

    assert interest.status == Interest.Status.WAITING
    with pytest.raises(ValidationError, match="already"):
        services.express_interest(opportunity, user=parent, statement="Again.")
    closed = OpportunityFactory(closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="closed"):
        services.express_interest(closed, user=parent, statement="Late.")


@pytest.mark.django_db(transaction=True)
def test_expressing_interest_twice_at_the_same_moment_keeps_one_and_explains():
    if connection.vendor != "postgresql":
        pytest.skip("Needs two real connections")
    opportunity = OpportunityFactory()
    parent = ParentCarerFactory()
    start = threading.Barrier(2)
    outcomes = []

    def express():
        try:
            start.wait()
            services.express_interest(opportunity, user=parent, statement="I can help.")
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=express) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["You have already expressed interest in this.", "saved"]
    assert Interest.objects.filter(opportunity=opportunity, user=parent).count() == 1


def test_appointing_gives_a_seat_and_a_place_in_the_group_and_emails(django_capture_on_commit_callbacks):
    staff = ForumStaffFactory()
    interest = InterestFactory(opportunity__seat_term_months=24)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_interest(interest, appoint=True, by=staff)

    interest.refresh_from_db()
    assert interest.status == "appointed"
    seat = RepSeat.objects.get(user=interest.user)
    today = timezone.localdate()
    assert seat.group == interest.opportunity.group
    assert (seat.starts_on, seat.ends_on) == (today, services._add_months(today, 24))
    assert GroupMember.objects.filter(group=seat.group, user=interest.user).count() == 1
    email = OutgoingEmail.objects.get()
    assert email.subject == f"You are appointed: {interest.opportunity.title}"
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_interest(interest, appoint=False, by=staff)


def test_not_this_time_gives_no_seat():
    interest = InterestFactory()

    services.decide_interest(interest, appoint=False, by=ForumStaffFactory())

    assert interest.user.rep_seats.count() == 0
    assert OutgoingEmail.objects.get().subject == f"{interest.opportunity.title}: our decision"


def test_add_months_keeps_to_the_end_of_short_months():
    assert services._add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services._add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_file_rep_report_is_logged_as_participation_and_audited():
    seat = RepSeatFactory()

    report = services.file_rep_report(
        seat, meeting_on=timezone.localdate(), took_in="Waiting times", decided="A new pathway", report_back="Soon"
    )

    audit = AuditEvent.objects.get(action="participation.rep_report_filed")
    assert (audit.actor, audit.object_id) == (seat.user, str(report.pk))
    activity = Activity.objects.get()
    assert (activity.kind, activity.organisation, activity.parent_carers_involved) == (
        "rep_report",
        seat.group.organisation,
        1,
    )
    assert list(activity.participants.all()) == [seat.user]


@pytest.mark.parametrize(
    "starts, ends, meeting, message",
    [
        (-400, -1, -10, "Reports can be written only while the rep's term runs."),
        (2, 300, 0, "Reports can be written only while the rep's term runs."),
        (-30, 300, -31, "The meeting date must be between {began}, when your term began, and today"),
        (-30, 300, 1, "The meeting date must be between {began}, when your term began, and today"),
    ],
)
def test_file_rep_report_only_within_the_term(starts, ends, meeting, message):
    today = timezone.localdate()
    seat = RepSeatFactory(starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends))

    with pytest.raises(ValidationError) as refused:
        services.file_rep_report(
            seat, meeting_on=today + timedelta(days=meeting), took_in="a", decided="b", report_back="c"
        )

    assert refused.value.messages == [message.format(began=f"{seat.starts_on:%-d %B %Y}")]
    assert (RepReport.objects.count(), Activity.objects.count()) == (0, 0)


def test_log_activity_is_audited():
    staff = ForumStaffFactory()
    group = GroupFactory()

    activity = services.log_activity(
        title="EHCP working group",
        kind="group_meeting",
        happened_on=timezone.localdate(),
        organisation=group.organisation,
        ladder_step=LadderStep.COPRODUCTION,
        parent_carers_involved=7,
        hours=3,
        impact="Template changed",
        by=staff,
    )

    assert AuditEvent.objects.get(action="participation.activity_logged").object_id == str(activity.pk)


def test_more_places_on_a_published_event_go_to_the_people_waiting(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    BookingFactory(event=event)
    first, second, third = (
        BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(minutes=n))
        for n in (30, 20, 10)
    )
    fields = {name: getattr(event, name) for name in services.EVENT_FIELDS} | {"capacity": 3}

    with django_capture_on_commit_callbacks(execute=True):
        services.save_event(event, by=ForumStaffFactory(), **fields)

    statuses = dict(Booking.objects.filter(status="waitlisted").values_list("pk", "status"))
    assert statuses == {third.pk: "waitlisted"}
    assert sorted(OutgoingEmail.objects.values_list("recipient", flat=True)) == sorted(
        [first.user.email, second.user.email]
    )


def test_cancel_event_tells_everyone_booked_or_waiting_once(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    booked = BookingFactory(event=event)
    waiting = BookingFactory(event=event, status="waitlisted")
    BookingFactory(event=event, status="cancelled")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event, by=ForumStaffFactory())

    assert Event.objects.get(pk=event.pk).status == "cancelled"
    assert sorted(OutgoingEmail.objects.values_list("recipient", "subject")) == sorted(
        [(booked.user.email, f"Cancelled: {event.title}"), (waiting.user.email, f"Cancelled: {event.title}")]
    )
    with pytest.raises(ValidationError):
        services.cancel_event(event, by=ForumStaffFactory())
