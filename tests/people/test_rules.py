"""Who is who, as a matrix of people against predicates and permissions."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from forum_portal.people.models import Organisation
from forum_portal.people.rules import is_forum_staff, is_officer, is_officer_of, is_parent_carer, needs_two_factor
from tests.factories import ForumStaffFactory, OfficerFactory, OrganisationFactory, ParentCarerFactory, UserFactory
from tests.factories.people import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    council = OrganisationFactory(name="Council", slug="council")
    return {
        "visitor": AnonymousUser(),
        "signed_in": UserFactory(),
        "parent": ParentCarerFactory(),
        "officer": OfficerFactory(membership__organisation=council),
        "officer_no_2fa": OfficerFactory(membership__organisation=council, two_factor=False),
        "other_officer": OfficerFactory(
            membership__organisation=OrganisationFactory(name="NHS", slug="nhs", kind=Organisation.Kind.NHS)
        ),
        "staff": ForumStaffFactory(),
        "staff_no_2fa": ForumStaffFactory(two_factor=False),
        "council": council,
    }


# person: (is_parent_carer, is_forum_staff, is_officer, is_officer_of council, needs_two_factor)
PREDICATES = {
    "visitor": (False, False, False, False, False),
    "signed_in": (False, False, False, False, False),
    "parent": (True, False, False, False, False),
    "officer": (False, False, True, True, True),
    "officer_no_2fa": (False, False, True, True, True),
    "other_officer": (False, False, True, False, True),
    "staff": (False, True, False, False, True),
    "staff_no_2fa": (False, True, False, False, True),
}


@pytest.mark.parametrize("person", PREDICATES)
def test_predicates_for_each_person(people, person):
    user = people[person]

    answers = (
        is_parent_carer(user),
        is_forum_staff(user),
        is_officer(user),
        is_officer_of(user, people["council"]),
        needs_two_factor(user),
    )

    assert answers == PREDICATES[person]


# person: (view_own_account, join_forum, change_own_profile, view_dashboard, change_own_preferences)
PERMISSIONS = {
    "visitor": (False, False, False, False, False),
    "signed_in": (True, True, False, False, True),
    "parent": (True, False, True, False, True),
    "officer": (True, True, False, True, True),
    "officer_no_2fa": (True, True, False, False, True),
    "other_officer": (True, True, False, True, True),
    "staff": (True, True, False, True, True),
    "staff_no_2fa": (True, True, False, False, True),
}


@pytest.mark.parametrize("person", PERMISSIONS)
def test_permissions_for_each_person(people, person):
    user = people[person]
    perms = [
        "people.view_own_account",
        "people.join_forum",
        "people.change_own_profile",
        "people.view_dashboard",
        "notify.change_own_preferences",
    ]

    assert tuple(user.has_perm(perm) for perm in perms) == PERMISSIONS[person]


def test_forum_organisation_is_not_a_partner_for_is_officer_of(people):
    forum = Organisation.objects.get(kind=Organisation.Kind.FORUM)

    assert is_officer_of(people["staff"], forum) is False


def test_a_model_permission_given_in_the_admin_opens_no_portal_page_and_stays_for_the_admin_site():
    """Groups and per-user permissions are the Django admin's. Someone who cannot enter it gets no
    portal permission from one, nor does an admin without two-factor sign-in; a forum admin
    (is_staff) with it keeps it for the admin site."""
    add_article = Permission.objects.get(content_type__app_label="information", codename="add_article")
    parent, admin_without_code, admin = ParentCarerFactory(), UserFactory(is_staff=True), UserFactory(is_staff=True)
    activate_totp(admin)
    allowed = {}
    for person in (parent, admin_without_code, admin):
        person.user_permissions.add(add_article)
        fresh = type(person).objects.get(pk=person.pk)  # Django keeps what it read of permissions on the object
        allowed[person] = fresh.has_perm("information.add_article")  # a rule: forum staff with two-factor

    assert allowed == {parent: False, admin_without_code: False, admin: True}
