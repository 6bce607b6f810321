"""Sign-in flows beyond sign-up: password reset and change, email change, sign-out, recovery codes."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from forum_portal.notify.models import OutgoingEmail
from tests.factories import OfficerFactory, UserFactory
from tests.factories.people import PASSWORD
from tests.totp import totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def link_in(email: OutgoingEmail, path: str) -> str:
    return re.search(rf"^http://testserver({re.escape(path)}\S+/)$", email.body_text, re.MULTILINE).group(1)


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_as(client):
    return client.get(reverse("people:account")).context["user"]


def test_password_reset_from_request_to_signing_in_with_the_new_password(client):
    user = UserFactory(email="robin@example.org")

    requested = client.post(reverse("account_reset_password"), {"email": "Robin@Example.org"})
    email = OutgoingEmail.objects.get(recipient="robin@example.org", kind="account")
    key_page = client.get(link_in(email, "/accounts/password/reset/key/"), follow=True)
    form_url = key_page.redirect_chain[-1][0]
    changed = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    signed_in = sign_in(client, "robin@example.org", NEW_PASSWORD)

    assert requested.url == reverse("account_reset_password_done")
    assert "Choose a new password" in key_page.content.decode()
    assert "Your password has been changed" in changed.content.decode()
    assert signed_in.url == reverse("people:account")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert signed_in_as(client) == user


def test_a_used_reset_link_says_it_has_expired_and_offers_a_new_one(client):
    UserFactory(email="robin@example.org")
    client.post(reverse("account_reset_password"), {"email": "robin@example.org"})
    link = link_in(OutgoingEmail.objects.get(recipient="robin@example.org"), "/accounts/password/reset/key/")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    response = client.get(link, follow=True)

    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">This link has expired or is not valid</h1>' in content
    assert f'<a class="govuk-link" href="{reverse("account_reset_password")}">Get a new link' in content


def test_an_expired_reset_link_says_so(client, time_machine):
    time_machine.move_to("2026-03-01 10:00Z")
    UserFactory(email="robin@example.org")
    client.post(reverse("account_reset_password"), {"email": "robin@example.org"})
    link = link_in(OutgoingEmail.objects.get(recipient="robin@example.org"), "/accounts/password/reset/key/")
    time_machine.move_to("2026-03-05 10:00Z")  # Django's reset links last 3 days

    response = client.get(link, follow=True)

    assert "This link has expired or is not valid" in response.content.decode()


def test_an_unknown_reset_link_says_so_and_offers_a_new_one(client):
    response = client.get("/accounts/password/reset/key/zz-not-a-real-key/", follow=True)

    content = response.content.decode()
    assert "This link has expired or is not valid" in content
    assert "Get a new link to reset your password" in content


def test_email_change_is_confirmed_by_the_link_then_signs_in_with_the_new_address(client):
    user = UserFactory(email="old@example.org")
    sign_in(client, "old@example.org")

    client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    user.refresh_from_db()
    before_confirming = user.email
    email = OutgoingEmail.objects.get(recipient="new@example.org")
    link = link_in(email, "/accounts/confirm-email/")
    client.post(link)
    client.post(reverse("account_logout"))

    assert before_confirming == "old@example.org"
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert sign_in(client, "new@example.org").url == reverse("people:account")
    client.post(reverse("account_logout"))
    assert sign_in(client, "old@example.org").status_code == 200  # the old address no longer signs in


def test_password_change_needs_the_current_password(client):
    user = UserFactory()
    sign_in(client, user.email)

    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    right = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert "That is not your current password. Enter the password you sign in with now." in wrong.content.decode()
    assert right.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_sign_out_ends_the_session(client):
    user = UserFactory()
    sign_in(client, user.email)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_unverified_account_cannot_sign_in_and_is_sent_a_new_link(client):
    user = UserFactory(email="unverified@example.org", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = sign_in(client, "unverified@example.org")

    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert OutgoingEmail.objects.filter(recipient="unverified@example.org").count() == 1


def activate_totp_through_the_pages(client, user) -> None:
    sign_in(client, user.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    client.post(reverse("account_logout"))


def test_setting_up_two_factor_makes_recovery_codes(client):
    officer = OfficerFactory(two_factor=False)

    activate_totp_through_the_pages(client, officer)

    assert sorted(Authenticator.objects.filter(user=officer).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    codes = RecoveryCodes(Authenticator.objects.get(user=officer, type="recovery_codes")).get_unused_codes()
    assert len(codes) == 10


def test_a_recovery_code_signs_an_officer_in_once(client):
    officer = OfficerFactory(two_factor=False)
    activate_totp_through_the_pages(client, officer)
    code = RecoveryCodes(Authenticator.objects.get(user=officer, type="recovery_codes")).get_unused_codes()[0]

    password_step = sign_in(client, officer.email)
    code_step = client.post(reverse("mfa_authenticate"), {"code": code})
    dashboard = client.get(reverse("dashboard"))
    client.post(reverse("account_logout"))
    sign_in(client, officer.email)
    reused = client.post(reverse("mfa_authenticate"), {"code": code})

    assert password_step.url == reverse("mfa_authenticate")
    assert code_step.url == reverse("people:account")
    assert dashboard.status_code == 200
    assert "That code is not right" in reused.content.decode()
    assert "_auth_user_id" not in client.session
