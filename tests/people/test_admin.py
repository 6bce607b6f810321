import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from forum_portal.people.models import ConsentRecord, Membership, Organisation, ParentCarerProfile, User
from tests.factories import OfficerFactory, OrganisationFactory, ParentCarerFactory, UserFactory, activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum_admin():
    user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(user)
    return user


@pytest.mark.parametrize(
    "model", ["user", "organisation", "membership", "parentcarerprofile", "consentrecord"], ids=str
)
def test_admin_lists_load_with_search_and_filters(client, forum_admin, model):
    ParentCarerFactory(email="findme@example.org")
    OfficerFactory()
    client.force_login(forum_admin)

    response = client.get(reverse(f"admin:people_{model}_changelist"), {"q": "findme"})

    assert response.status_code == 200
    assert response.context["cl"].search_fields != []


def test_admin_user_search_finds_by_email(client, forum_admin):
    ParentCarerFactory(email="findme@example.org")
    client.force_login(forum_admin)

    response = client.get(reverse("admin:people_user_changelist"), {"q": "findme"})

    assert [user.email for user in response.context["cl"].result_list] == ["findme@example.org"]


def test_admin_without_two_factor_is_sent_to_set_it_up(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:index"), follow=True)

    hops = [url for url, status in response.redirect_chain]
    assert hops[:2] == ["/admin/login/?next=/admin/", "/accounts/2fa/totp/activate/?next=%2Fadmin%2F"]


def test_admin_login_page_is_the_portal_sign_in(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def inline_management(prefix: str, *, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def audit_trail():
    from forum_portal.audit.models import AuditEvent

    return list(AuditEvent.objects.order_by("id").values_list("action", "object_repr", "detail"))


def test_admin_adds_a_user_and_the_trail_records_it(client, forum_admin):
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_user_add"),
        {
            "email": "new.officer@example.org",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            **inline_management("memberships"),
        },
    )

    user = User.objects.get(email="new.officer@example.org")
    assert response.status_code == 302
    assert audit_trail() == [
        (
            "user.added",
            "new.officer@example.org",
            {"is_active": True, "is_staff": False, "is_superuser": False, "groups": [], "permissions": []},
        )
    ]
    assert user.check_password("a-long-enough-passphrase")


def user_change_data(user, **changes) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        **inline_management("memberships"),
    }
    data.update(changes)
    return data


def test_admin_changes_a_users_name_without_an_access_event(client, forum_admin):
    person = UserFactory(email="sam@example.org", full_name="Sam")
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_user_change", args=[person.pk]), user_change_data(person, full_name="Sam Green")
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Sam Green"
    assert audit_trail() == []


def test_admin_making_someone_an_admin_is_an_audited_role_change(client, forum_admin):
    person = UserFactory(email="sam@example.org", full_name="Sam")
    group = Group.objects.create(name="Editors")
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_user_change", args=[person.pk]),
        user_change_data(person, is_staff="on", is_superuser="on", groups=[group.pk]),
    )

    assert response.status_code == 302
    assert audit_trail() == [
        (
            "user.access_changed",
            "Sam",
            {
                "changed": ["is_staff", "is_superuser", "groups"],
                "is_active": True,
                "is_staff": True,
                "is_superuser": True,
                "groups": ["Editors"],
                "permissions": [],
            },
        )
    ]


def test_admin_gives_a_user_a_membership_through_the_inline(client, forum_admin):
    person = UserFactory(email="sam@example.org", full_name="Sam")
    council = OrganisationFactory(name="Brookshire Council")
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_user_change", args=[person.pk]),
        user_change_data(
            person,
            **inline_management("memberships", total=1),
            **{
                "memberships-0-user": person.pk,
                "memberships-0-organisation": council.pk,
                "memberships-0-role": "manager",
                "memberships-0-job_title": "SEND lead",
                "memberships-0-created_at_0": "2026-01-01",
                "memberships-0-created_at_1": "10:00:00",
            },
        ),
    )

    assert response.status_code == 302
    assert audit_trail() == [("membership.added", "Sam at Brookshire Council (Manager)", {"role": "manager"})]


def test_admin_adds_and_changes_an_organisation(client, forum_admin):
    client.force_login(forum_admin)
    data = {"name": "Brookshire Council", "slug": "brookshire", "kind": "local_authority", "description": ""}
    data |= {"website": "", "created_at_0": "2026-01-01", "created_at_1": "10:00:00"}

    added = client.post(reverse("admin:people_organisation_add"), {**data, **inline_management("memberships")})
    council = Organisation.objects.get(slug="brookshire")
    changed = client.post(
        reverse("admin:people_organisation_change", args=[council.pk]),
        {**data, "name": "Brookshire County Council", **inline_management("memberships")},
    )

    assert (added.status_code, changed.status_code) == (302, 302)
    council.refresh_from_db()
    assert council.name == "Brookshire County Council"


def test_admin_changes_a_membership_role_and_the_trail_records_it(client, forum_admin):
    officer = OfficerFactory(full_name="Kim")
    membership = officer.memberships.get()
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_membership_change", args=[membership.pk]),
        {
            "user": officer.pk,
            "organisation": membership.organisation.pk,
            "role": "manager",
            "job_title": "",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    assert audit_trail() == [("membership.changed", str(Membership.objects.get()), {"role": "manager"})]


def test_admin_cannot_add_a_parent_carer_profile(client, forum_admin):
    person = UserFactory()
    client.force_login(forum_admin)

    response = client.post(reverse("admin:people_parentcarerprofile_add"), {"user": person.pk})

    assert response.status_code == 403
    assert ParentCarerProfile.objects.count() == 0


def test_admin_deleting_a_profile_is_the_member_leaving_the_forum(client, forum_admin):
    parent = ParentCarerFactory(email="robin@example.org")
    profile = parent.parent_carer_profile
    client.force_login(forum_admin)

    response = client.post(reverse("admin:people_parentcarerprofile_delete", args=[profile.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert ParentCarerProfile.objects.count() == 0
    assert list(ConsentRecord.objects.filter(user=parent).values_list("purpose", "given")) == [
        ("privacy_notice", False)
    ]
    assert [action for action, _, _ in audit_trail()] == ["profile.removed"]


def test_admin_deleting_profiles_with_the_list_action_records_each_leaving(client, forum_admin):
    parents = [ParentCarerFactory(), ParentCarerFactory()]
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_parentcarerprofile_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [parent.parent_carer_profile.pk for parent in parents],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert ParentCarerProfile.objects.count() == 0
    assert sorted(ConsentRecord.objects.filter(given=False).values_list("user_id", flat=True)) == sorted(
        parent.pk for parent in parents
    )


def test_admin_removing_memberships_in_bulk_records_each_removal(client, forum_admin):
    officers = [OfficerFactory(full_name="Kim"), OfficerFactory(full_name="Lee")]
    memberships = [officer.memberships.get() for officer in officers]
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in memberships], "post": "yes"},
    )

    assert response.status_code == 302
    assert Membership.objects.count() == 0
    assert sorted(action_repr[:2] for action_repr in audit_trail()) == sorted(
        ("membership.removed", str(m)) for m in memberships
    )


def test_admin_deleting_an_organisation_records_the_roles_it_removes(client, forum_admin):
    officer = OfficerFactory(full_name="Kim")
    membership = officer.memberships.get()
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:people_organisation_delete", args=[membership.organisation.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert [row[:2] for row in audit_trail()] == [("membership.removed", str(membership))]
