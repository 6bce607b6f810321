import pytest
from django.urls import reverse

from forum_portal.people.models import ConsentRecord, ParentCarerProfile
from tests.factories import OfficerFactory, ParentCarerFactory, UserFactory
from tests.factories.people import activate_totp

pytestmark = pytest.mark.django_db


def test_account_page_sends_visitors_to_sign_in(client):
    response = client.get(reverse("people:account"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse('people:account')}"


def test_join_forum_without_ticking_the_box_keeps_the_name_and_explains(client):
    user = UserFactory(full_name="")
    client.force_login(user)

    response = client.post(reverse("people:join"), {"full_name": "Robin Lee"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Tick the box to say you have read the privacy notice and want to join" in content
    assert 'value="Robin Lee"' in content
    assert not ParentCarerProfile.objects.filter(user=user).exists()


def test_join_forum_creates_the_profile(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("people:join"), {"full_name": "Robin Lee", "accept_privacy_notice": "on"})

    assert response.status_code == 302
    assert response.url == reverse("people:profile")
    assert ParentCarerProfile.objects.filter(user=user).count() == 1


def test_join_page_sends_members_to_their_profile(client):
    client.force_login(ParentCarerFactory())

    response = client.get(reverse("people:join"))

    assert response.status_code == 302
    assert response.url == reverse("people:profile")


def test_profile_page_sends_non_members_to_join(client):
    client.force_login(UserFactory())

    response = client.get(reverse("people:profile"))

    assert response.status_code == 302
    assert response.url == reverse("people:join")


def test_profile_rejects_data_without_consent_and_keeps_what_was_typed(client):
    user = ParentCarerFactory()
    client.force_login(user)

    response = client.post(reverse("people:profile"), {"postcode_district": "BS16", "age_bands": ["5-10"]})

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("Tick the box to let us keep this, or clear what you entered") == 4  # summary + field, x2
    assert 'value="BS16"' in content
    user.parent_carer_profile.refresh_from_db()
    assert user.parent_carer_profile.postcode_district == ""


def test_profile_rejects_a_malformed_postcode_district(client):
    client.force_login(ParentCarerFactory())

    response = client.post(reverse("people:profile"), {"postcode_consent": "on", "postcode_district": "12AB"})

    assert "Enter the first part of a postcode, like BS16 or M1" in response.content.decode()


def test_profile_saves_consented_data_and_shows_the_history(client):
    user = ParentCarerFactory()
    client.force_login(user)

    response = client.post(
        reverse("people:profile"),
        {"postcode_consent": "on", "postcode_district": "bs16", "needs_consent": "on", "needs": ["ASD", "SEMH"]},
        follow=True,
    )

    profile = ParentCarerProfile.objects.get(user=user)
    assert profile.postcode_district == "BS16"
    assert sorted(profile.needs.values_list("need", flat=True)) == ["ASD", "SEMH"]
    assert profile.age_bands_consented_at is None
    assert "Keep my children&#x27;s need categories" in response.content.decode()


def test_leave_forum_deletes_the_profile(client):
    user = ParentCarerFactory()
    client.force_login(user)

    response = client.post(reverse("people:leave"), {"confirm": "on"})

    assert response.status_code == 302
    assert not ParentCarerProfile.objects.filter(user=user).exists()
    assert ConsentRecord.objects.filter(user=user, purpose="privacy_notice", given=False).count() == 1


def test_dashboard_sends_officer_without_two_factor_to_set_it_up(client):
    client.force_login(OfficerFactory(two_factor=False))

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_activate_totp')}?next=/dashboard/"


def test_dashboard_is_forbidden_to_parent_carers(client):
    client.force_login(ParentCarerFactory())

    response = client.get(reverse("dashboard"))

    assert response.status_code == 403


def test_dashboard_shows_the_officers_organisation(client):
    officer = OfficerFactory(membership__organisation__name="Brookshire Council")
    client.force_login(officer)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert "Brookshire Council" in response.content.decode()


def test_forum_admin_without_two_factor_is_sent_to_set_it_up_on_portal_pages(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    without = client.get(reverse("dashboard"))
    activate_totp(admin)
    with_two_factor = client.get(reverse("dashboard"))

    assert without.status_code == 302
    assert without.url == f"{reverse('mfa_activate_totp')}?next={reverse('dashboard')}"
    assert with_two_factor.status_code == 200


def test_unticking_a_consent_withdraws_it_and_deletes_its_data(client):
    user = ParentCarerFactory()
    client.force_login(user)
    client.post(
        reverse("people:profile"),
        {"postcode_consent": "on", "postcode_district": "BS16", "needs_consent": "on", "needs": ["ASD"]},
    )

    # The form still holds the stored data, as the page showed it; only the boxes are unticked.
    response = client.post(
        reverse("people:profile"), {"postcode_district": "BS16", "needs": ["ASD"], "needs_consent": ""}, follow=True
    )

    profile = ParentCarerProfile.objects.get(user=user)
    assert (profile.postcode_district, profile.postcode_consented_at, profile.needs_consented_at) == ("", None, None)
    assert list(profile.needs.all()) == []
    assert list(
        ConsentRecord.objects.filter(user=user, given=False).order_by("purpose").values_list("purpose", flat=True)
    ) == ["needs", "postcode"]
    assert (
        "Your details are saved. We have deleted your postcode district and your children&#x27;s need categories."
        in response.content.decode()
    )
