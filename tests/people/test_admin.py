import pytest
from django.urls import reverse

from tests.factories import OfficerFactory, ParentCarerFactory, UserFactory, activate_totp

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
