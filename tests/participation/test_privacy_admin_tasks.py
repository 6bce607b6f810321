from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum_portal.notify.models import OutgoingEmail
from forum_portal.people import privacy
from forum_portal.people.services import delete_account
from participation import selectors, services
from participation.models import Activity, Booking, Interest, RepReport, RepSeat
from participation.tasks import log_closed_consultations_task, queue_event_reminders_task
from tests.factories.consultations import ConsultationFactory, ResponseFactory, closed_consultation, open_consultation
from tests.factories.participation import (
    ActivityFactory,
    BookingFactory,
    EventFactory,
    GroupFactory,
    InterestFactory,
    OpportunityFactory,
    RepSeatFactory,
)
from tests.factories.people import ParentCarerFactory, UserFactory, activate_totp

pytestmark = pytest.mark.django_db


def collected(user) -> dict[str, list[dict]]:
    return {section.key: section.collect(user) for section in privacy.sections() if section.key.startswith("partic")}


def test_download_my_data_lists_bookings_groups_interests_and_activities():
    parent = ParentCarerFactory()
    booking = BookingFactory(user=parent, access_needs=["bsl"], access_needs_detail="Needs a seat near the front")
    seat = RepSeatFactory(user=parent)
    interest = InterestFactory(user=parent, statement="I would like to help")
    activity = ActivityFactory()
    activity.participants.add(parent)

    data = collected(parent)

    assert data["participation_bookings"] == [
        {
            "event": booking.event.title,
            "starts": booking.event.starts_at.isoformat(),
            "status": "Booked",
            "access_needs": "British Sign Language interpreter",
            "access_needs_detail": "Needs a seat near the front",
            "attended": None,
        }
    ]
    assert data["participation_groups"] == [
        {"group": seat.group.name, "joined": str(seat.starts_on), "role": f"Parent rep until {seat.ends_on}"}
    ]
    assert [row["statement"] for row in data["participation_interests"]] == [interest.statement]
    assert [row["activity"] for row in data["participation_activities"]] == [activity.title]


def test_deleting_the_account_removes_bookings_and_keeps_counts_and_reports():
    parent = ParentCarerFactory()
    BookingFactory(user=parent)
    InterestFactory(user=parent)
    seat = RepSeatFactory(user=parent)
    RepReport.objects.create(seat=seat, meeting_on=timezone.localdate(), took_in="a", decided="b", report_back="c")
    activity = ActivityFactory(parent_carers_involved=6)
    activity.participants.add(parent)

    delete_account(parent, by=parent)

    assert Booking.objects.count() == 0
    assert Interest.objects.count() == 0
    assert RepSeat.objects.get(pk=seat.pk).user is None
    assert RepReport.objects.count() == 1
    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.parent_carers_involved, activity.participants.count()) == (6, 0)


def test_deleting_the_account_gives_its_place_to_the_first_person_waiting(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    leaving = BookingFactory(event=event)
    first = BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(hours=2))
    second = BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(leaving.user, by=leaving.user)

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "booked", second.pk: "waitlisted"}
    promoted = OutgoingEmail.objects.filter(kind="participation_bookings")
    assert list(promoted.values_list("recipient", "subject")) == [
        (first.user.email, f"A place came up: you are booked on {event.title}")
    ]


def test_deleting_the_account_of_someone_waiting_promotes_nobody():
    event = EventFactory(capacity=1)
    BookingFactory(event=event)
    leaving = BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(hours=2))
    other = BookingFactory(event=event, status="waitlisted")

    delete_account(leaving.user, by=leaving.user)

    assert Booking.objects.get(pk=other.pk).status == "waitlisted"


def test_reminder_task_queues_reminders():
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=12))
    BookingFactory(event=event)

    assert queue_event_reminders_task.apply().get() == 1
    assert OutgoingEmail.objects.filter(kind="participation_event_reminders").count() == 1


def sent(consultation, user=None, **kwargs):
    return ResponseFactory(
        consultation=consultation, user=user, status="submitted", submitted_at=timezone.now(), **kwargs
    )


def test_closed_consultations_are_logged_once_with_the_people_who_sent_answers():
    closes_at = timezone.now() - timedelta(days=2)
    consultation = closed_consultation(title="Short breaks review", closes_at=closes_at)
    members = ParentCarerFactory.create_batch(2)
    for member in members:
        sent(consultation, member)
    sent(consultation, email="visitor@example.org")
    ResponseFactory(consultation=consultation, user=ParentCarerFactory())  # a draft, never sent
    open_consultation()
    ConsultationFactory(
        status="withdrawn", opens_at=closes_at - timedelta(weeks=6), closes_at=closes_at, withdrawn_reason="Paused"
    )

    first = log_closed_consultations_task.apply().get()
    second = log_closed_consultations_task.apply().get()

    assert (first, second) == (1, 0)
    activity = Activity.objects.get()
    assert (
        activity.title,
        activity.kind,
        activity.ladder_step,
        activity.organisation,
        activity.happened_on,
        activity.parent_carers_involved,
        activity.consultation,
    ) == (
        "Short breaks review",
        "consultation",
        "consultation",
        consultation.organisation,
        timezone.localtime(closes_at).date(),
        3,
        consultation,
    )
    assert set(activity.participants.all()) == set(members)
    # A second run that found it before the first had saved is refused by the unique link.
    assert services._log_consultation(consultation) is False
    assert Activity.objects.count() == 1


def test_people_who_answered_a_consultation_count_as_parent_carers_who_fed_in_their_views():
    consultation = closed_consultation()
    answered_and_came, answered_only = ParentCarerFactory.create_batch(2)
    sent(consultation, answered_and_came)
    sent(consultation, answered_only)
    attendance = ActivityFactory(happened_on=timezone.localdate() - timedelta(days=3))
    attendance.participants.set([answered_and_came, ParentCarerFactory()])
    today = timezone.localdate()

    before = selectors.participation_report(today - timedelta(days=30), today).unique_parent_carers
    log_closed_consultations_task.apply()
    after = selectors.participation_report(today - timedelta(days=30), today).unique_parent_carers

    assert (before, after) == (2, 3)


@pytest.mark.parametrize(
    "model",
    [
        "event",
        "booking",
        "group",
        "groupmember",
        "opportunity",
        "interest",
        "repseat",
        "repreport",
        "activity",
        "populationfigure",
    ],
)
def test_admin_lists_load_with_search(client, model):
    admin = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin)
    BookingFactory()
    InterestFactory(opportunity=OpportunityFactory(group=GroupFactory()))
    ActivityFactory()
    client.force_login(admin)

    response = client.get(reverse(f"admin:participation_{model}_changelist"), {"q": "a"})

    assert response.status_code == 200
    assert response.context["cl"].search_fields != []
    assert response.context["cl"].list_filter != []
