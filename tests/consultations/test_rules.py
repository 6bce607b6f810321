"""Role × state matrix for every consultation permission."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from consultations.models import Consultation
from tests.factories import ForumStaffFactory, OfficerFactory, OrganisationFactory, ParentCarerFactory, UserFactory
from tests.factories.consultations import ConsultationFactory

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "signed_in", "parent", "owner", "owner_no_2fa", "other_officer", "staff", "staff_no_2fa"]
STATES = ["draft", "in_review", "upcoming", "open", "closed", "withdrawn"]


@pytest.fixture
def world():
    organisation = OrganisationFactory()
    people = {
        "visitor": AnonymousUser(),
        "signed_in": UserFactory(),
        "parent": ParentCarerFactory(),
        "owner": OfficerFactory(membership__organisation=organisation),
        "owner_no_2fa": OfficerFactory(membership__organisation=organisation, two_factor=False),
        "other_officer": OfficerFactory(),
        "staff": ForumStaffFactory(),
        "staff_no_2fa": ForumStaffFactory(two_factor=False),
    }
    now = timezone.now()
    approved = Consultation.Status.APPROVED
    dates = {
        "upcoming": (now + timedelta(days=1), now + timedelta(weeks=7)),
        "open": (now - timedelta(days=1), now + timedelta(weeks=7)),
        "closed": (now - timedelta(weeks=8), now - timedelta(days=1)),
    }
    consultations = {
        "draft": ConsultationFactory(organisation=organisation),
        "in_review": ConsultationFactory(organisation=organisation, status=Consultation.Status.IN_REVIEW),
        "withdrawn": ConsultationFactory(organisation=organisation, status=Consultation.Status.WITHDRAWN),
    }
    for state, (opens, closes) in dates.items():
        consultations[state] = ConsultationFactory(
            organisation=organisation, status=approved, opens_at=opens, closes_at=closes
        )
    return people, consultations


def allowed(world, perm):
    people, consultations = world
    return {(role, state) for role in ROLES for state in STATES if people[role].has_perm(perm, consultations[state])}


def everyone_in(*states, roles=ROLES):
    return {(role, state) for role in roles for state in states}


def test_view_consultation(world):
    assert allowed(world, "consultations.view_consultation") == (
        everyone_in("upcoming", "open", "closed", "withdrawn")
        | everyone_in("draft", "in_review", roles=["owner"])
        | {("staff", "in_review")}
    )


def test_change_consultation_only_owner_while_draft(world):
    assert allowed(world, "consultations.change_consultation") == {("owner", "draft")}


def test_manage_consultation_only_owner(world):
    assert allowed(world, "consultations.manage_consultation") == everyone_in(*STATES, roles=["owner"])


def test_review_consultation_only_staff_in_review(world):
    assert allowed(world, "consultations.review_consultation") == {("staff", "in_review")}


def test_extend_only_owner_or_staff_before_closing(world):
    assert allowed(world, "consultations.extend_consultation") == everyone_in(
        "upcoming", "open", roles=["owner", "staff"]
    )


def test_withdraw_only_staff_before_closing(world):
    assert allowed(world, "consultations.withdraw_consultation") == {("staff", "upcoming"), ("staff", "open")}


def test_answer_only_parent_carers_while_open(world):
    assert allowed(world, "consultations.answer_consultation") == {("parent", "open")}


def test_answer_without_account_where_allowed(world):
    people, consultations = world
    Consultation.objects.filter(pk=consultations["open"].pk).update(allows_visitors=True)
    consultations["open"].allows_visitors = True

    assert allowed(world, "consultations.answer_consultation") == everyone_in("open")


def test_results_and_reply_only_owner_once_closed(world):
    assert allowed(world, "consultations.view_results") == {("owner", "closed")}
    assert allowed(world, "consultations.reply_consultation") == {("owner", "closed")}


def test_starting_a_consultation_needs_an_officer_with_two_factor(world):
    people, _ = world
    assert {role for role in ROLES if people[role].has_perm("consultations.add_consultation")} == {
        "owner",
        "other_officer",
    }
    assert {role for role in ROLES if people[role].has_perm("consultations.view_review_queue")} == {"staff"}
