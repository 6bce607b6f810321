import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from forum_portal.audit.models import AuditEvent
from forum_portal.people.models import ParentCarerProfile
from information.models import TopicSubscription
from participation import selectors, services
from participation.models import Activity, Booking, Event, GroupMember, Interest, Opportunity
from tests.factories.consultations import ConsultationFactory, ResponseFactory, closed_consultation, open_consultation
from tests.factories.information import TopicFactory
from tests.factories.participation import (
    ActivityFactory,
    BookingFactory,
    EventFactory,
    GroupFactory,
    InterestFactory,
    OpportunityFactory,
    RepSeatFactory,
)
from tests.factories.people import (
    ForumStaffFactory,
    OrganisationFactory,
    ParentCarerFactory,
    UserFactory,
    activate_totp,
)
from tests.participation.tables import read_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(ForumStaffFactory())
    return client


@pytest.fixture
def forum_admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin)
    client.force_login(admin)
    return client


@pytest.fixture
def parent(client):
    parent = ParentCarerFactory()
    client.force_login(parent)
    return parent


# --- Events ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 5])
def test_event_list_queries_do_not_grow_with_events(client, django_assert_num_queries, count):
    for _ in range(count):
        BookingFactory(event=EventFactory())
    EventFactory(status="draft")

    # Rendered: the cache read, a new generation, the count and the page, and the fragment kept.
    with django_assert_num_queries(8):
        response = client.get(reverse("participation:event-list"))
    with django_assert_num_queries(1):
        assert client.get(reverse("participation:event-list")).content == response.content

    assert len(re.findall(r'href="/get-involved/events/\d+/"', response.content.decode())) == count


def test_event_list_is_paged_and_shows_a_new_booking_at_once(client):
    events = EventFactory.create_batch(21, capacity=5)
    first = client.get(reverse("participation:event-list")).content.decode()

    BookingFactory(event=events[0])
    again = client.get(reverse("participation:event-list")).content.decode()
    second = client.get(reverse("participation:event-list"), {"page": "2"}).content.decode()

    assert len(re.findall(r'href="/get-involved/events/\d+/"', first)) == 20
    assert "Page 1 of 2" in first and "5 places left." in first
    assert "4 places left." in again
    assert re.findall(r'href="/get-involved/events/(\d+)/"', second) == [str(events[-1].pk)]


@pytest.mark.parametrize("count", [1, 5])
def test_index_queries_do_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        EventFactory()
        OpportunityFactory()

    # A visitor's page, rendered (the cache read, a new generation, events, calls, groups, and the
    # fragment kept), then from the cache.
    with django_assert_num_queries(9):
        response = client.get(reverse("participation:index"))
    with django_assert_num_queries(1):
        assert client.get(reverse("participation:index")).content == response.content

    content = response.content.decode()
    assert len(re.findall(r'href="/get-involved/events/\d+/"', content)) == count
    assert len(re.findall(r'href="/get-involved/opportunities/\d+/"', content)) == count
    assert len(re.findall(r'href="/get-involved/groups/short-breaks-\d+/"', content)) == count


def test_draft_event_is_not_found_for_members(client, parent):
    event = EventFactory(status="draft")

    assert client.get(reverse("participation:event-detail", args=[event.pk])).status_code == 404
    assert client.get(reverse("participation:event-calendar", args=[event.pk])).status_code == 404


def test_online_link_is_shown_only_to_people_with_a_place(client, parent):
    event = EventFactory(is_online=True, online_link="https://meet.example.org/room", address="")
    url = reverse("participation:event-detail", args=[event.pk])

    assert "meet.example.org" not in client.get(url).content.decode()
    BookingFactory(event=event, user=parent)
    assert 'href="https://meet.example.org/room"' in client.get(url).content.decode()


def test_booking_a_place_with_access_needs(client, parent):
    event = EventFactory(capacity=1)

    response = client.post(
        reverse("participation:event-book", args=[event.pk]),
        {"access_needs": ["step_free", "quiet_space"], "access_needs_detail": "I may need to leave early"},
    )

    assert response.status_code == 302
    booking = Booking.objects.get(event=event, user=parent)
    assert (booking.status, booking.access_needs, booking.access_needs_detail) == (
        "booked",
        ["step_free", "quiet_space"],
        "I may need to leave early",
    )
    page = client.get(response.url).content.decode()
    assert "Your place is booked." in page
    assert "You have a place at this event." in page


def test_booking_with_an_unknown_access_need_shows_the_error_and_keeps_the_text(client, parent):
    event = EventFactory()

    response = client.post(
        reverse("participation:event-book", args=[event.pk]),
        {"access_needs": ["jetpack"], "access_needs_detail": "Wheelchair space"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Select a valid choice. jetpack is not one of the available choices." in content
    assert "Wheelchair space" in content
    assert Booking.objects.count() == 0


def test_booking_needs_membership(client):
    client.force_login(UserFactory())
    event = EventFactory()

    response = client.get(reverse("participation:event-book", args=[event.pk]))

    assert response.url == reverse("people:join")


def test_visitor_is_sent_to_sign_in_to_book(client):
    event = EventFactory()
    url = reverse("participation:event-book", args=[event.pk])

    response = client.get(url)

    assert response.url == f"{reverse('account_login')}?next={url}"


def test_cancelling_someone_elses_booking_is_not_found(client, parent):
    booking = BookingFactory()

    response = client.post(reverse("participation:booking-cancel", args=[booking.pk]))

    assert response.status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "booked"


def test_cancelling_my_booking(client, parent):
    booking = BookingFactory(user=parent)

    response = client.post(reverse("participation:booking-cancel", args=[booking.pk]))

    assert response.url == booking.event.get_absolute_url()
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_event_calendar_file(client, parent):
    event = EventFactory(title="Forum meeting", is_online=True, online_link="https://meet.example.org/x", address="")

    anonymous = Calendar.from_ical(client.get(reverse("participation:event-calendar", args=[event.pk])).content)
    BookingFactory(event=event, user=parent)
    booked = Calendar.from_ical(client.get(reverse("participation:event-calendar", args=[event.pk])).content)

    [entry] = anonymous.walk("VEVENT")
    assert (str(entry["summary"]), str(entry["location"])) == ("Forum meeting", "Online")
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert str(booked.walk("VEVENT")[0]["location"]) == "https://meet.example.org/x"


@pytest.mark.parametrize("count", [1, 5])
def test_event_feed_lists_published_upcoming_events(client, django_assert_num_queries, count):
    EventFactory.create_batch(count)
    EventFactory(status="draft")
    past = timezone.now() - timedelta(days=2)
    EventFactory(starts_at=past, ends_at=past + timedelta(hours=1))

    with django_assert_num_queries(1):
        response = client.get(reverse("participation:event-feed"))

    assert response["Content-Type"] == "text/calendar"
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == count


def test_event_feed_marks_an_event_cancelled_after_publishing_so_calendars_drop_it(client):
    staff = ForumStaffFactory()
    kept = EventFactory(title="Coffee morning")
    cancelled = EventFactory(title="Sleep workshop")
    services.cancel_event(cancelled, by=staff)
    fields = {name: getattr(kept, name) for name in services.EVENT_FIELDS} | {"address": "Town hall"}
    services.save_event(kept, by=staff, **fields)
    services.save_event(kept, by=staff, **fields)

    feed = Calendar.from_ical(client.get(reverse("participation:event-feed")).content)

    entries = [(str(e["summary"]), e.get("status"), e["sequence"], str(e["location"])) for e in feed.walk("VEVENT")]
    assert sorted(entries) == [
        ("Coffee morning", None, 2, "Town hall"),
        ("Sleep workshop", "CANCELLED", 1, "Brookshire Library, High Street"),
    ]


def test_staff_create_an_event_as_a_draft_and_publish_it(staff_client):
    organisation = OrganisationFactory()
    # At 10:00: a time typed in that falls in the hour the clocks change would not exist, or exist twice.
    start = (timezone.localtime() + timedelta(days=10)).replace(hour=10, minute=0, second=0, microsecond=0)
    response = staff_client.post(
        reverse("participation:event-create"),
        {
            "title": "Sleep workshop",
            "kind": "workshop",
            "description": "Tips for better sleep",
            "organisation": organisation.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "address": "Community centre",
            "capacity": "15",
        },
    )

    event = Event.objects.get(title="Sleep workshop")
    assert response.url == reverse("participation:event-manage", args=[event.pk])
    assert (event.status, event.capacity, event.starts_at) == ("draft", 15, start)

    staff_client.post(reverse("participation:event-publish", args=[event.pk]))
    assert Event.objects.get(pk=event.pk).status == "published"


def test_staff_link_an_event_to_a_public_consultation_shown_on_its_page(staff_client):
    event = EventFactory(title="Short breaks focus group")
    consultation = open_consultation(title="Short breaks review")
    draft = ConsultationFactory(title="Draft plans")
    start = timezone.localtime(event.starts_at).replace(hour=10, minute=0)  # never in the clocks' changing hour
    data = {
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "organisation": event.organisation_id,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "address": event.address,
        "capacity": "10",
    }
    url = reverse("participation:event-edit", args=[event.pk])

    form_page = staff_client.get(url).content.decode()
    refused = staff_client.post(url, data | {"consultation": draft.pk}).content.decode()
    staff_client.post(url, data | {"consultation": consultation.pk})

    assert "Short breaks review" in form_page
    assert "Draft plans" not in form_page
    assert "Select a valid choice" in refused
    assert Event.objects.get(pk=event.pk).consultation == consultation
    page = staff_client.get(event.get_absolute_url()).content.decode()
    assert (
        f'Held to hear your views for <a class="govuk-link" href="/consultations/{consultation.pk}/">'
        "Short breaks review</a>"
    ) in page


def test_event_form_errors_keep_what_was_typed(staff_client):
    response = staff_client.post(
        reverse("participation:event-create"),
        {"title": "Sleep workshop", "kind": "workshop", "is_online": "on", "capacity": "0"},
    )

    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter the link for an online event" in content
    assert 'value="Sleep workshop"' in content
    assert Event.objects.count() == 0


def test_event_staff_pages_are_refused_to_members(client, parent):
    event = EventFactory()
    for name in ["event-manage", "event-edit", "event-attendance"]:
        assert client.get(reverse(f"participation:{name}", args=[event.pk])).status_code == 403


@pytest.mark.parametrize("count", [1, 5])
def test_staff_event_list_queries(staff_client, django_assert_num_queries, count):
    for _ in range(count):
        BookingFactory(event=EventFactory())

    with django_assert_num_queries(5):
        response = staff_client.get(reverse("participation:event-manage-list"))

    assert response.content.decode().count("1 of 10") == count


@pytest.mark.parametrize("count", [1, 5])
def test_event_manage_page_queries(staff_client, django_assert_num_queries, count):
    event = EventFactory()
    BookingFactory.create_batch(count, event=event)
    BookingFactory.create_batch(count, event=event, status="waitlisted")

    with django_assert_num_queries(6):
        response = staff_client.get(reverse("participation:event-manage", args=[event.pk]))

    assert f"Booked ({count})" in response.content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_attendance_form_queries_do_not_grow(staff_client, django_assert_num_queries, count):
    start = timezone.now() - timedelta(hours=3)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    BookingFactory.create_batch(count, event=event)
    BookingFactory(event=event, status="waitlisted")

    with django_assert_num_queries(6):
        response = staff_client.get(reverse("participation:event-attendance", args=[event.pk]))

    assert response.content.decode().count('name="attended"') == count


def test_recording_attendance_puts_the_event_in_the_log(staff_client):
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    came, _ = BookingFactory.create_batch(2, event=event)

    staff_client.post(
        reverse("participation:event-attendance", args=[event.pk]),
        {"attended": [str(came.user_id)], "outcome": "Parents asked for evening sessions"},
    )

    activity = Activity.objects.get(event=event)
    assert (activity.parent_carers_involved, activity.impact) == (1, "Parents asked for evening sessions")


def test_staff_are_told_attendance_waits_until_the_event_starts(staff_client):
    event = EventFactory()

    response = staff_client.get(reverse("participation:event-attendance", args=[event.pk]))

    assert response.url == reverse("participation:event-manage", args=[event.pk])
    page = staff_client.get(response.url).content.decode()
    assert page.count("You can record attendance once the event has started.") == 2  # the message and the hint
    assert "Record attendance and outcome" not in page


def test_a_forum_admin_recording_attendance_too_early_gets_a_message(forum_admin_client):
    client = forum_admin_client
    event = EventFactory()
    booking = BookingFactory(event=event)

    response = client.post(
        reverse("participation:event-attendance", args=[event.pk]),
        {"attended": [str(booking.user_id)], "outcome": "Too early"},
    )

    assert response.url == reverse("participation:event-manage", args=[event.pk])
    assert "You can record attendance once the event has started." in client.get(response.url).content.decode()
    assert Activity.objects.count() == 0


@pytest.mark.parametrize(
    "name, changes, message",
    [
        ("event-publish", {}, "Only a draft event can be published."),
        ("event-publish", {"status": "cancelled"}, "Only a draft event can be published."),
        ("event-cancel", {"status": "draft", "published_at": None}, "Only a published event can be cancelled."),
        ("event-cancel", {"status": "cancelled"}, "Only a published event can be cancelled."),
    ],
)
def test_a_forum_admin_publishing_or_cancelling_in_the_wrong_state_gets_a_message(
    forum_admin_client, name, changes, message
):
    event = EventFactory(**changes)
    status = event.status

    response = forum_admin_client.post(reverse(f"participation:{name}", args=[event.pk]))

    assert response.status_code == 302
    assert response.url == reverse("participation:event-manage", args=[event.pk])
    page = forum_admin_client.get(response.url).content.decode()
    assert message in page
    assert Event.objects.get(pk=event.pk).status == status
    assert AuditEvent.objects.count() == 0


# --- Groups and opportunities ----------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 5])
def test_group_list_queries(client, django_assert_num_queries, count):
    GroupFactory.create_batch(count)

    with django_assert_num_queries(7):  # rendered: the cache read, a new generation, the groups, kept
        response = client.get(reverse("participation:group-list"))
    with django_assert_num_queries(1):
        assert client.get(reverse("participation:group-list")).content == response.content

    assert response.content.decode().count("Short breaks working group") == count


def test_a_visitors_cached_event_page_shows_a_booking_at_once_and_a_member_their_own(client):
    event = EventFactory(capacity=3)
    before = client.get(event.get_absolute_url()).content.decode()
    booking = BookingFactory(event=event)

    after = client.get(event.get_absolute_url()).content.decode()
    client.force_login(booking.user)
    member = client.get(event.get_absolute_url()).content.decode()

    assert "3 of 3 left" in before and "2 of 3 left" in after
    assert "Sign in</a> to book a place" in after and "Sign in</a> to book a place" not in member


@pytest.mark.parametrize("count", [1, 5])
def test_group_page_queries(client, parent, django_assert_num_queries, count):
    group = GroupFactory()
    for _ in range(count):
        seat = RepSeatFactory(group=group)
        seat.reports.create(meeting_on=timezone.localdate(), took_in="a", decided="b", report_back="c")

    with django_assert_num_queries(9):
        response = client.get(group.get_absolute_url())

    assert response.content.decode().count("What was decided") == count


def test_rep_reports_are_for_members_only(client):
    seat = RepSeatFactory()
    seat.reports.create(meeting_on=timezone.localdate(), took_in="a", decided="Budget agreed", report_back="c")

    content = client.get(seat.group.get_absolute_url()).content.decode()

    assert "Budget agreed" not in content
    assert "Join the forum</a> to read them" in content


def test_expressing_interest(client, parent):
    opportunity = OpportunityFactory()

    response = client.post(opportunity.get_absolute_url(), {"statement": "I chair my school's parent group."})

    assert response.url == opportunity.get_absolute_url()
    interest = Interest.objects.get()
    assert (interest.user, interest.statement) == (parent, "I chair my school's parent group.")


def test_expressing_interest_a_second_time_explains_and_keeps_the_first(client, parent):
    opportunity = OpportunityFactory()
    client.post(opportunity.get_absolute_url(), {"statement": "First"})

    response = client.post(opportunity.get_absolute_url(), {"statement": "Second"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "You have already expressed interest in this." in content
    assert list(Interest.objects.values_list("statement", flat=True)) == ["First"]


def test_expressing_interest_without_a_statement_explains(client, parent):
    opportunity = OpportunityFactory()

    response = client.post(opportunity.get_absolute_url(), {"statement": ""})

    assert "Tell us briefly why you are interested" in response.content.decode()
    assert Interest.objects.count() == 0


def test_staff_appoint_from_the_decide_page(staff_client):
    interest = InterestFactory()

    response = staff_client.post(reverse("participation:interest-decide", args=[interest.pk]), {"decision": "appoint"})

    assert response.url == reverse("participation:opportunity-manage", args=[interest.opportunity_id])
    assert Interest.objects.get().status == "appointed"


def test_staff_publish_an_opportunity(staff_client):
    group = GroupFactory()
    closes_on = timezone.localdate() + timedelta(days=21)

    staff_client.post(
        reverse("participation:opportunity-create"),
        {
            "title": "Parent rep for the SEND Partnership Board",
            "group": group.pk,
            "description": "Meets four times a year.",
            "closes_on": closes_on.isoformat(),
            "seat_term_months": "24",
        },
    )

    opportunity = Opportunity.objects.get()
    assert (opportunity.group, opportunity.closes_on, opportunity.seat_term_months) == (group, closes_on, 24)
    assert opportunity.description_html == '<p class="govuk-body">Meets four times a year.</p>'


def test_staff_change_an_opportunity(staff_client):
    opportunity = OpportunityFactory(title="Parent rep", closes_on=timezone.localdate() - timedelta(days=2))
    url = reverse("participation:opportunity-edit", args=[opportunity.pk])
    data = {
        "title": "Parent rep for the Autism Board",
        "group": opportunity.group_id,
        "description": "Meets *monthly*.",
        "closes_on": opportunity.closes_on.isoformat(),
        "seat_term_months": "18",
    }

    assert 'value="Parent rep"' in staff_client.get(url).content.decode()
    earlier = staff_client.post(url, data | {"closes_on": (timezone.localdate() - timedelta(days=5)).isoformat()})
    assert "The closing date must be today or in the future" in earlier.content.decode()
    response = staff_client.post(url, data)

    assert response.url == reverse("participation:opportunity-manage", args=[opportunity.pk])
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.seat_term_months, opportunity.description_html) == (
        "Parent rep for the Autism Board",
        18,
        '<p class="govuk-body">Meets <em>monthly</em>.</p>',
    )
    assert "The opportunity is saved." in staff_client.get(response.url).content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_opportunity_manage_page_queries(staff_client, django_assert_num_queries, count):
    opportunity = OpportunityFactory()
    InterestFactory.create_batch(count, opportunity=opportunity)

    with django_assert_num_queries(6):
        response = staff_client.get(reverse("participation:opportunity-manage", args=[opportunity.pk]))

    assert response.content.decode().count("I have sat on a school panel before.") == count


@pytest.mark.parametrize("count", [1, 5])
def test_staff_opportunity_list_queries(staff_client, django_assert_num_queries, count):
    OpportunityFactory.create_batch(count)

    with django_assert_num_queries(5):
        response = staff_client.get(reverse("participation:opportunity-manage-list"))

    assert response.content.decode().count("Parent rep for board") == count


def sent_response(user, consultation):
    return ResponseFactory(user=user, consultation=consultation, status="submitted", submitted_at=timezone.now())


@pytest.mark.parametrize("count", [1, 5])
def test_my_involvement_queries(client, parent, django_assert_num_queries, count):
    for _ in range(count):
        BookingFactory(user=parent)
        InterestFactory(user=parent)
        RepSeatFactory(user=parent)
        sent_response(parent, closed_consultation())
        TopicSubscription.objects.create(user=parent, topic=TopicFactory())

    with django_assert_num_queries(10):
        response = client.get(reverse("participation:involvement"))

    content = response.content.decode()
    assert content.count("Write a report") == count
    assert content.count(": sent ") == count
    assert content.count('href="/information/topics/topic-') == count


def test_my_involvement_lists_the_consultations_i_sent_and_the_topics_i_follow(client, parent):
    sent = closed_consultation(title="Short breaks review")
    sent_response(parent, sent)
    ResponseFactory(user=parent, consultation=open_consultation(title="Draft answer only"))
    sent_response(ParentCarerFactory(), open_consultation(title="Someone else's"))
    TopicSubscription.objects.create(user=parent, topic=TopicFactory(name="Education", slug="education"))
    TopicSubscription.objects.create(user=ParentCarerFactory(), topic=TopicFactory(name="Health", slug="health"))

    content = client.get(reverse("participation:involvement")).content.decode()

    link = f'<a class="govuk-link" href="/consultations/{sent.pk}/">Short breaks review</a>'
    assert f"{link}: sent {timezone.localdate():%-d %B %Y}" in content
    assert "Draft answer only" not in content
    assert "Someone else&#x27;s" not in content
    assert '<a class="govuk-link" href="/information/topics/education/">Education</a>' in content
    assert "Health" not in content


def test_rep_files_a_report(client, parent):
    seat = RepSeatFactory(user=parent)

    response = client.post(
        reverse("participation:repreport-create", args=[seat.pk]),
        {
            "meeting_on": timezone.localdate().isoformat(),
            "took_in": "Waiting lists",
            "decided": "More staff",
            "report_back": "Tell us your experience",
        },
    )

    assert response.url == seat.group.get_absolute_url()
    assert seat.reports.get().decided == "More staff"


def test_a_rep_whose_term_ended_is_told_so(client, parent):
    today = timezone.localdate()
    seat = RepSeatFactory(user=parent, starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=1))

    response = client.get(reverse("participation:repreport-create", args=[seat.pk]))

    assert response.url == seat.group.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Reports can be written only while your term as a parent rep runs." in page


def test_a_meeting_before_the_term_is_refused_next_to_its_date_and_the_text_kept(client, parent):
    seat = RepSeatFactory(user=parent)

    response = client.post(
        reverse("participation:repreport-create", args=[seat.pk]),
        {
            "meeting_on": (seat.starts_on - timedelta(days=1)).isoformat(),
            "took_in": "Waiting lists",
            "decided": "More staff",
            "report_back": "Tell us",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert content.count(f"The meeting date must be between {seat.starts_on:%-d %B %Y}, when your term began") == 2
    assert "Waiting lists" in content
    assert seat.reports.count() == 0


# --- Log and report --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 5])
def test_activity_list_queries(staff_client, django_assert_num_queries, count):
    ActivityFactory.create_batch(count)

    with django_assert_num_queries(5):
        response = staff_client.get(reverse("participation:activity-list"))

    assert response.content.decode().count("Workshop ") == count


def test_the_log_shows_the_period_chosen(staff_client):
    ActivityFactory(title="Autumn workshop", happened_on=timezone.localdate() - timedelta(days=500))
    ActivityFactory(title="Spring drop-in", happened_on=timezone.localdate())
    start = timezone.localdate() - timedelta(days=520)
    end = timezone.localdate() - timedelta(days=480)

    response = staff_client.get(reverse("participation:activity-list"), {"start": start, "end": end})

    rows = read_page(response.content.decode()).tables["Activities, latest first"]
    assert [row[1] for row in rows[1:]] == ["Autumn workshop"]
    assert f'?start={start.isoformat()}&amp;end={end.isoformat()}">Report for the funder' in response.content.decode()


def test_the_log_explains_a_wrong_period_and_keeps_it(staff_client):
    ActivityFactory(title="Spring drop-in", happened_on=timezone.localdate())

    response = staff_client.get(reverse("participation:activity-list"), {"start": "2026-05-01", "end": "2026-04-01"})

    content = response.content.decode()
    assert "There is a problem" in content
    assert content.count("The end of the period must be after its start") == 2
    assert 'value="2026-05-01"' in content
    assert "Spring drop-in" in content  # the grant year meanwhile


def test_staff_log_an_activity(staff_client):
    organisation = OrganisationFactory()

    staff_client.post(
        reverse("participation:activity-create"),
        {
            "title": "Autism pathway workshop",
            "kind": "coproduction_meeting",
            "happened_on": timezone.localdate().isoformat(),
            "organisation": organisation.pk,
            "ladder_step": "coproduction",
            "parent_carers_involved": "9",
            "hours": "2.5",
            "impact": "A new referral letter",
        },
    )

    activity = Activity.objects.get()
    assert (activity.title, activity.parent_carers_involved, str(activity.hours)) == (
        "Autism pathway workshop",
        9,
        "2.5",
    )


@pytest.mark.parametrize("count", [1, 5])
def test_report_queries_do_not_grow(staff_client, django_assert_num_queries, count):
    for n in range(count):
        ActivityFactory(organisation=OrganisationFactory(name=f"Partner {n}"), parent_carers_involved=6, hours=2)

    with django_assert_num_queries(10):
        response = staff_client.get(reverse("participation:report"))

    rows = read_page(response.content.decode()).tables["Activities by organisation"]
    assert rows[1:] == [[f"Partner {n}", "1", "6", "2.0"] for n in range(count)]


def test_report_headline_figures_count_exactly():
    today = timezone.localdate()
    start, end = today - timedelta(days=60), today - timedelta(days=10)
    in_period = timezone.now() - timedelta(days=20)
    people = ParentCarerFactory.create_batch(7)
    ParentCarerProfile.objects.filter(user__in=people).update(joined_at=in_period)
    ParentCarerFactory()  # joined after the period
    steering, other_steering = GroupFactory.create_batch(2, kind="steering_group")
    working, other_working = GroupFactory.create_batch(2, kind="working_group")
    board = GroupFactory(kind="board")
    for person in people[:5]:
        GroupMember.objects.create(group=steering, user=person, joined_at=in_period)
    GroupMember.objects.create(group=other_steering, user=people[0], joined_at=in_period)  # counted once
    GroupMember.objects.create(group=steering, user=people[5])  # joined after the period
    GroupMember.objects.create(group=working, user=people[6], joined_at=in_period)  # not a steering group
    for person in people[:5]:
        RepSeatFactory(group=working, user=person, starts_on=start, ends_on=end + timedelta(days=300))
    RepSeatFactory(group=other_working, user=people[0], starts_on=start, ends_on=end)  # the same rep again
    RepSeatFactory(group=board, user=people[5], starts_on=start, ends_on=end)  # not a working group
    RepSeatFactory(group=working, user=people[6], starts_on=start, ends_on=end - timedelta(days=1))  # ended
    RepSeatFactory(group=working, user=ParentCarerFactory(), starts_on=end + timedelta(days=1))  # not yet
    RepSeatFactory(group=working, user=None, starts_on=start, ends_on=end)  # the account was deleted
    ActivityFactory(happened_on=start).participants.set(people[:4])
    ActivityFactory(happened_on=end).participants.set(people[2:6])
    ActivityFactory(happened_on=end + timedelta(days=1)).participants.set([people[6]])  # after the period

    report = selectors.participation_report(start, end)

    assert report.headline() == [
        ("Members on the database", 7),
        ("Steering group members", 5),
        ("Parent reps on service working groups", 5),
        ("Parent carers who took part (named)", 6),
    ]


def test_report_page_shows_the_headline_chart_and_its_table(staff_client):
    council = OrganisationFactory(name="Brookshire Council")
    ActivityFactory(organisation=council, ladder_step="participation", parent_carers_involved=6, hours=2)
    ActivityFactory(organisation=council, ladder_step="participation", parent_carers_involved=8, hours=1)
    ActivityFactory(organisation=council, ladder_step="coproduction", parent_carers_involved=7, hours=3)
    members = ParentCarerFactory.create_batch(5)
    consultation = ActivityFactory(organisation=council, ladder_step="consultation", parent_carers_involved=9, hours=0)
    consultation.participants.set(members)

    page = read_page(staff_client.get(reverse("participation:report")).content.decode())

    assert page.summary[-4:] == [
        ("Members on the database", "5"),
        ("Steering group members", "0"),
        ("Parent reps on service working groups", "0"),
        ("Parent carers who took part (named)", "5"),
    ]
    assert page.svg_texts == ["Information", "0", "Consultation", "1", "Participation", "2", "Co-production", "1"]
    assert page.tables["Activities by step on the ladder"] == [
        ["Step", "Activities", "Parent carers involved", "Hours"],
        ["Information", "0", "0", "0.0"],
        ["Consultation", "1", "9", "0.0"],
        ["Participation", "2", "14", "3.0"],
        ["Co-production", "1", "7", "3.0"],
    ]


def test_report_downloads_as_csv_with_every_figure(staff_client):
    council = OrganisationFactory(name="Brookshire Council")
    nhs = OrganisationFactory(name="NHS Brookshire")
    ActivityFactory(organisation=council, ladder_step="participation", parent_carers_involved=6, hours=2)
    ActivityFactory(organisation=council, ladder_step="coproduction", parent_carers_involved=7, hours=3)
    ActivityFactory(organisation=nhs, ladder_step="consultation", parent_carers_involved=9, hours=0)
    start, end = selectors.grant_year_around(timezone.localdate())

    response = staff_client.get(
        reverse("participation:report-download", args=["csv"]), {"start": start.isoformat(), "end": end.isoformat()}
    )

    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == f'attachment; filename="participation-{start}-to-{end}.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["Participation report", f"{start} to {end}", "", ""],
        [],
        ["Members on the database", "0", "", ""],
        ["Steering group members", "0", "", ""],
        ["Parent reps on service working groups", "0", "", ""],
        ["Parent carers who took part (named)", "0", "", ""],
        [],
        ["Ladder step", "Activities", "Parent carers involved", "Hours"],
        ["Information", "0", "0", "0.0"],
        ["Consultation", "1", "9", "0.0"],
        ["Participation", "1", "6", "2.0"],
        ["Co-production", "1", "7", "3.0"],
        [],
        ["Organisation", "Activities", "Parent carers involved", "Hours"],
        ["Brookshire Council", "2", "13", "5.0"],
        ["NHS Brookshire", "1", "9", "0.0"],
    ]
    assert AuditEvent.objects.get(action="participation.report_downloaded").detail == {
        "format": "csv",
        "start": str(start),
        "end": str(end),
    }


def test_report_hides_a_small_count_and_one_more_so_the_total_cannot_give_it_away(staff_client):
    organisation = OrganisationFactory(name="=Brookshire Council")
    ActivityFactory(organisation=organisation, ladder_step="coproduction", parent_carers_involved=3, hours=2)
    ActivityFactory(organisation=organisation, ladder_step="participation", parent_carers_involved=8, hours=1)

    page = read_page(staff_client.get(reverse("participation:report")).content.decode())
    response = staff_client.get(reverse("participation:report-download", args=["xlsx"]))

    # The organisation's 11 is shown, so showing participation's 8 would give co-production's 3.
    assert page.tables["Activities by step on the ladder"][1:] == [
        ["Information", "0", "0", "0.0"],
        ["Consultation", "0", "0", "0.0"],
        ["Participation", "1", "not shown", "1.0"],
        ["Co-production", "1", "not shown", "2.0"],
    ]
    assert page.tables["Activities by organisation"][1:] == [["=Brookshire Council", "2", "11", "3.0"]]
    sheet = load_workbook(filename=io.BytesIO(response.content)).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert ("Participation", 1, "not shown", 1) in rows
    assert ("Co-production", 1, "not shown", 2) in rows
    assert ("'=Brookshire Council", 2, 11, 3) in rows
    assert AuditEvent.objects.filter(action="participation.report_downloaded").count() == 1


def test_report_refused_to_members(client, parent):
    assert client.get(reverse("participation:report")).status_code == 403
    assert client.get(reverse("participation:report-download", args=["xlsx"])).status_code == 403


def test_staff_change_an_event(staff_client):
    event = EventFactory(title="Old title")
    start = timezone.localtime(event.starts_at).replace(hour=10, minute=0)  # never in the clocks' changing hour
    data = {
        "title": "New title",
        "kind": event.kind,
        "description": "New words",
        "organisation": event.organisation_id,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "address": event.address,
        "capacity": "0",
    }

    response = staff_client.post(reverse("participation:event-edit", args=[event.pk]), data)
    assert "An event needs at least 1 place" in response.content.decode()

    staff_client.post(reverse("participation:event-edit", args=[event.pk]), data | {"capacity": "4"})
    event.refresh_from_db()
    assert (event.title, event.capacity, event.description_html) == (
        "New title",
        4,
        '<p class="govuk-body">New words</p>',
    )


def test_activity_hours_cannot_be_negative(staff_client):
    response = staff_client.post(
        reverse("participation:activity-create"),
        {
            "title": "Drop-in",
            "kind": "event",
            "happened_on": timezone.localdate().isoformat(),
            "organisation": OrganisationFactory().pk,
            "ladder_step": "participation",
            "parent_carers_involved": "3",
            "hours": "-1",
        },
    )

    assert "Hours cannot be less than 0" in response.content.decode()
    assert Activity.objects.count() == 0


def test_my_involvement_says_when_an_event_is_cancelled(client, parent):
    BookingFactory(user=parent, event=EventFactory(title="Cancelled morning", status="cancelled"))

    content = client.get(reverse("participation:involvement")).content.decode()

    assert "Cancelled morning, " in content
    assert ": the event is cancelled" in content


def test_visitor_expressing_interest_is_sent_to_sign_in(client):
    opportunity = OpportunityFactory()

    response = client.post(opportunity.get_absolute_url(), {"statement": "Hello"})

    assert response.url == f"{reverse('account_login')}?next={opportunity.get_absolute_url()}"
    assert Interest.objects.count() == 0


def test_staff_add_the_impact_to_a_logged_activity(staff_client):
    activity = ActivityFactory(impact="")
    data = {
        "title": activity.title,
        "kind": activity.kind,
        "happened_on": activity.happened_on.isoformat(),
        "organisation": activity.organisation_id,
        "ladder_step": activity.ladder_step,
        "parent_carers_involved": "6",
        "hours": "2",
        "impact": "The council added evening sessions",
    }

    response = staff_client.post(reverse("participation:activity-edit", args=[activity.pk]), data)

    assert response.url == reverse("participation:activity-list")
    assert Activity.objects.get(pk=activity.pk).impact == "The council added evening sessions"
    assert AuditEvent.objects.filter(action="participation.activity_changed").count() == 1
