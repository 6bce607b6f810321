import pytest
from django.urls import reverse

from forum_portal.audit.models import AuditEvent
from participation.models import Group, GroupMember
from tests.factories.participation import GroupFactory
from tests.factories.people import ForumStaffFactory, OrganisationFactory, ParentCarerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(ForumStaffFactory())
    return client


def test_staff_create_a_group_with_its_purpose_rendered(staff_client):
    organisation = OrganisationFactory()

    response = staff_client.post(
        reverse("participation:group-create"),
        {
            "name": "Preparing for adulthood group",
            "slug": "preparing-for-adulthood",
            "kind": "working_group",
            "organisation": organisation.pk,
            "purpose": "- transport\n- work",
            "meeting_pattern": "Termly",
            "is_active": "on",
        },
    )

    group = Group.objects.get()
    assert response.url == reverse("participation:group-manage", args=[group.pk])
    assert group.purpose_html == '<ul class="govuk-list govuk-list--bullet">\n<li>transport</li>\n<li>work</li>\n</ul>'


def test_group_slug_must_be_unique(staff_client):
    existing = GroupFactory(slug="taken")

    response = staff_client.post(
        reverse("participation:group-create"),
        {"name": "Another", "slug": "taken", "kind": "panel", "organisation": existing.organisation_id, "purpose": "x"},
    )

    assert "Another group already uses this web address name" in response.content.decode()
    assert Group.objects.count() == 1


def test_staff_add_a_member_by_email_and_remove_them(staff_client):
    group = GroupFactory()
    parent = ParentCarerFactory(email="jo@example.org")

    staff_client.post(reverse("participation:group-manage", args=[group.pk]), {"email": "JO@example.org"})
    member = GroupMember.objects.get(group=group)
    assert member.user == parent

    staff_client.post(reverse("participation:group-member-remove", args=[member.pk]))
    assert GroupMember.objects.count() == 0
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "participation.group_member_added",
        "participation.group_member_removed",
    ]


def test_only_forum_members_can_be_added(staff_client):
    group = GroupFactory()
    UserFactory(email="not.member@example.org")

    response = staff_client.post(
        reverse("participation:group-manage", args=[group.pk]), {"email": "not.member@example.org"}
    )

    content = response.content.decode()
    assert "There is no forum member with this email address" in content
    assert 'value="not.member@example.org"' in content
    assert GroupMember.objects.count() == 0


@pytest.mark.parametrize("count", [1, 5])
def test_group_manage_page_queries(staff_client, django_assert_num_queries, count):
    group = GroupFactory()
    for _ in range(count):
        GroupMember.objects.create(group=group, user=ParentCarerFactory())

    with django_assert_num_queries(6):
        response = staff_client.get(reverse("participation:group-manage", args=[group.pk]))

    assert f"Members ({count})" in response.content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_staff_group_list_queries(staff_client, django_assert_num_queries, count):
    GroupFactory.create_batch(count)

    with django_assert_num_queries(5):
        response = staff_client.get(reverse("participation:group-manage-list"))

    assert response.content.decode().count("Short breaks working group") == count


def test_group_pages_refused_to_members(client):
    client.force_login(ParentCarerFactory())
    group = GroupFactory()
    assert client.get(reverse("participation:group-manage", args=[group.pk])).status_code == 403
    assert client.get(reverse("participation:group-create")).status_code == 403
