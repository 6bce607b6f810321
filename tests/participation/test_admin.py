"""Saving through the Django admin keeps what the portal derives from the text people write."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum_portal.notify.models import OutgoingEmail
from participation.models import Booking, Event, Group, Opportunity
from tests.factories.participation import (
    BookingFactory,
    EventFactory,
    GroupFactory,
    OpportunityFactory,
    forum_organisation,
)
from tests.factories.people import UserFactory, activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin)
    client.force_login(admin)
    return client


def inline(prefix: str) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_data(**changes) -> dict:
    start = timezone.localtime() + timedelta(days=4)
    return {
        "title": "Sleep workshop",
        "kind": "workshop",
        "description": "Tips for **better** sleep",
        "organisation": forum_organisation().pk,
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": "10:00:00",
        "ends_at_0": start.strftime("%Y-%m-%d"),
        "ends_at_1": "12:00:00",
        "address": "Community centre",
        "capacity": "10",
        "status": "draft",
        "created_at_0": start.strftime("%Y-%m-%d"),
        "created_at_1": "09:00:00",
        **inline("bookings"),
        **changes,
    }


def test_an_event_added_in_the_admin_shows_its_description(admin_client):
    response = admin_client.post(reverse("admin:participation_event_add"), event_data())

    assert response.status_code == 302
    event = Event.objects.get(title="Sleep workshop")
    assert event.description_html == '<p class="govuk-body">Tips for <strong>better</strong> sleep</p>'


def test_an_event_changed_in_the_admin_shows_the_new_description(admin_client):
    event = EventFactory(status="draft", published_at=None)

    response = admin_client.post(
        reverse("admin:participation_event_change", args=[event.pk]), event_data(description="New *words*")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.description_html == '<p class="govuk-body">New <em>words</em></p>'


def test_more_places_given_in_the_admin_go_to_the_people_waiting(admin_client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    BookingFactory(event=event)
    first, second, third = (
        BookingFactory(event=event, status="waitlisted", requested_at=timezone.now() - timedelta(minutes=n))
        for n in (30, 20, 10)
    )
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    data = event_data(
        title=event.title,
        status="published",
        capacity="3",
        starts_at_0=start.strftime("%Y-%m-%d"),
        starts_at_1=start.strftime("%H:%M:%S"),
        ends_at_0=end.strftime("%Y-%m-%d"),
        ends_at_1=end.strftime("%H:%M:%S"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:participation_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    statuses = dict(Booking.objects.filter(status="waitlisted").values_list("pk", "status"))
    assert statuses == {third.pk: "waitlisted"}
    assert sorted(OutgoingEmail.objects.values_list("recipient", flat=True)) == sorted(
        [first.user.email, second.user.email]
    )


def test_a_group_changed_in_the_admin_shows_the_new_purpose(admin_client):
    group = GroupFactory()
    data = {
        "name": group.name,
        "slug": group.slug,
        "kind": group.kind,
        "organisation": group.organisation_id,
        "purpose": "Shape **respite** care",
        "meeting_pattern": "",
        "is_active": "on",
        "created_at_0": "2026-01-05",
        "created_at_1": "09:00:00",
        **inline("memberships"),
    }

    response = admin_client.post(reverse("admin:participation_group_change", args=[group.pk]), data)

    assert response.status_code == 302
    purpose_html = Group.objects.get(pk=group.pk).purpose_html
    assert purpose_html == '<p class="govuk-body">Shape <strong>respite</strong> care</p>'


def test_an_opportunity_changed_in_the_admin_shows_the_new_description(admin_client):
    opportunity = OpportunityFactory()
    data = {
        "title": opportunity.title,
        "group": opportunity.group_id,
        "description": "Meets *four* times a year",
        "closes_on": opportunity.closes_on.isoformat(),
        "seat_term_months": "12",
        "created_at_0": "2026-01-05",
        "created_at_1": "09:00:00",
    }

    response = admin_client.post(reverse("admin:participation_opportunity_change", args=[opportunity.pk]), data)

    assert response.status_code == 302
    assert (
        Opportunity.objects.get(pk=opportunity.pk).description_html
        == '<p class="govuk-body">Meets <em>four</em> times a year</p>'
    )
