"""Who may do what, as role × state matrices."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.factories.participation import BookingFactory, EventFactory, OpportunityFactory, RepSeatFactory
from tests.factories.people import ForumStaffFactory, OfficerFactory, ParentCarerFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "signed_in", "parent_carer", "officer", "staff_without_2fa", "staff"]


def person(role):
    return {
        "visitor": lambda: AnonymousUser(),
        "signed_in": UserFactory,
        "parent_carer": ParentCarerFactory,
        "officer": OfficerFactory,
        "staff_without_2fa": lambda: ForumStaffFactory(two_factor=False),
        "staff": ForumStaffFactory,
    }[role]()


def event_in(state):
    past = timezone.now() - timedelta(days=1)
    return {
        "draft": lambda: EventFactory(status="draft", published_at=None),
        "published": EventFactory,
        "cancelled": lambda: EventFactory(status="cancelled"),
        "booking_closed": lambda: EventFactory(booking_deadline=timezone.now() - timedelta(minutes=5)),
        "under_way": lambda: EventFactory(
            starts_at=timezone.now() - timedelta(minutes=30), ends_at=timezone.now() + timedelta(hours=1)
        ),
        "past": lambda: EventFactory(starts_at=past, ends_at=past + timedelta(hours=1)),
    }[state]()


STATES = ["draft", "published", "cancelled", "booking_closed", "under_way", "past"]


EVENT_MATRIX = {
    # permission: {state: roles allowed}
    "participation.view_event": {
        "draft": {"staff"},
        "published": set(ROLES),
        "cancelled": {"staff"},
        "booking_closed": set(ROLES),
        "under_way": set(ROLES),
        "past": set(ROLES),
    },
    "participation.book_event": {
        "draft": set(),
        "published": {"parent_carer"},
        "cancelled": set(),
        "booking_closed": set(),
        "under_way": set(),
        "past": set(),
    },
    "participation.publish_event": {
        "draft": {"staff"},
        "published": set(),
        "cancelled": set(),
        "booking_closed": set(),
        "under_way": set(),
        "past": set(),
    },
    "participation.cancel_event": {
        "draft": set(),
        "published": {"staff"},
        "cancelled": set(),
        "booking_closed": {"staff"},
        "under_way": set(),
        "past": set(),
    },
    # Nobody can have come to an event that has not started.
    "participation.record_attendance": {
        "draft": set(),
        "published": set(),
        "cancelled": set(),
        "booking_closed": set(),
        "under_way": {"staff"},
        "past": {"staff"},
    },
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("perm", list(EVENT_MATRIX))
def test_event_permissions(perm, state):
    event = event_in(state)
    allowed = {role for role in ROLES if person(role).has_perm(perm, event)}
    assert allowed == EVENT_MATRIX[perm][state]


@pytest.mark.parametrize(
    "perm, expected",
    [
        ("participation.manage_events", {"staff"}),
        ("participation.manage_groups", {"staff"}),
        ("participation.manage_log", {"staff"}),
        ("participation.view_report", {"staff"}),
        ("participation.view_own_involvement", {"parent_carer"}),
        ("participation.view_rep_reports", {"parent_carer", "staff"}),
    ],
)
def test_role_permissions(perm, expected):
    assert {role for role in ROLES if person(role).has_perm(perm)} == expected


def test_only_the_booker_may_cancel_an_active_booking():
    booking = BookingFactory()
    cancelled = BookingFactory(status="cancelled")

    assert booking.user.has_perm("participation.cancel_booking", booking)
    assert not ParentCarerFactory().has_perm("participation.cancel_booking", booking)
    assert not ForumStaffFactory().has_perm("participation.cancel_booking", booking)
    assert not cancelled.user.has_perm("participation.cancel_booking", cancelled)


@pytest.mark.parametrize("is_open, expected", [(True, {"parent_carer"}), (False, set())])
def test_express_interest_only_members_while_open(is_open, expected):
    closes_on = timezone.localdate() + timedelta(days=1 if is_open else -1)
    opportunity = OpportunityFactory(closes_on=closes_on)
    assert {role for role in ROLES if person(role).has_perm("participation.express_interest", opportunity)} == expected


def test_only_the_rep_files_reports_for_their_seat():
    seat = RepSeatFactory()
    assert seat.user.has_perm("participation.file_rep_report", seat)
    assert not ParentCarerFactory().has_perm("participation.file_rep_report", seat)
    assert not ForumStaffFactory().has_perm("participation.file_rep_report", seat)


@pytest.mark.parametrize(
    "starts, ends, allowed",
    [(-30, 300, True), (0, 1, True), (-30, 0, True), (-400, -1, False), (1, 300, False)],
)
def test_a_rep_files_reports_only_while_the_term_runs(starts, ends, allowed):
    today = timezone.localdate()
    seat = RepSeatFactory(starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends))
    assert seat.user.has_perm("participation.file_rep_report", seat) is allowed
