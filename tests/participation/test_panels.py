from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.participation import EventFactory, InterestFactory, OpportunityFactory
from tests.factories.people import ForumStaffFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_home_page_shows_coming_events_and_calls_for_reps(client):
    EventFactory(title="Sleep workshop")
    EventFactory(title="Draft workshop", status="draft")
    OpportunityFactory(title="Parent rep for the SEND board")

    content = client.get(reverse("home")).content.decode()

    assert "Sleep workshop" in content
    assert "Draft workshop" not in content
    assert "Parent rep for the SEND board" in content


def test_staff_dashboard_lists_events_to_record_and_interest_to_decide(client):
    past = timezone.now() - timedelta(days=2)
    EventFactory(title="Past coffee morning", starts_at=past, ends_at=past + timedelta(hours=1))
    EventFactory(title="Recorded one", starts_at=past, ends_at=past + timedelta(hours=1), attendance_recorded_at=past)
    InterestFactory(user__full_name="Jo Bennett")
    client.force_login(ForumStaffFactory())

    content = client.get(reverse("dashboard")).content.decode()

    assert "Past coffee morning" in content
    assert "Recorded one" not in content
    assert "Jo Bennett</a> for Parent rep for board" in content


def test_officer_dashboard_has_no_participation_panel(client):
    client.force_login(OfficerFactory())

    content = client.get(reverse("dashboard")).content.decode()

    assert "Events and parent reps" not in content
