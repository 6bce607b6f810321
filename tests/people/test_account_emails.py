"""Account emails (allauth's) use the portal's own wording, in plain text and HTML, via the outbox."""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from forum_portal.notify.models import OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Every email allauth may send with the portal's settings (and its notifications, if turned on).
ACCOUNT_EMAILS = {
    "account/email/email_confirmation_signup": "Confirm your email address for Brookshire Parent Carer Forum",
    "account/email/email_confirmation": "Confirm your email address for Brookshire Parent Carer Forum",
    "account/email/password_reset_key": "Reset your Brookshire Parent Carer Forum password",
    "account/email/unknown_account": "You do not have a Brookshire Parent Carer Forum account",
    "account/email/account_already_exists": "You already have a Brookshire Parent Carer Forum account",
    "account/email/password_reset": "Your Brookshire Parent Carer Forum password was reset",
    "account/email/password_changed": "Your Brookshire Parent Carer Forum password was changed",
    "account/email/password_set": "A password was set for your Brookshire Parent Carer Forum account",
    "account/email/email_changed": "The email address of your Brookshire Parent Carer Forum account was changed",
    "account/email/email_confirm": "Your email address is confirmed",
    "account/email/email_deleted": "An email address was removed from your Brookshire Parent Carer Forum account",
    "mfa/email/totp_activated": "Two-factor sign-in is on for your Brookshire Parent Carer Forum account",
    "mfa/email/totp_deactivated": "Two-factor sign-in is off for your Brookshire Parent Carer Forum account",
    "mfa/email/recovery_codes_generated": "New recovery codes for your Brookshire Parent Carer Forum account",
}


@pytest.fixture
def adapter():
    adapter = get_adapter(RequestFactory().get("/"))
    return adapter


@pytest.mark.parametrize(("prefix", "subject"), ACCOUNT_EMAILS.items(), ids=list(ACCOUNT_EMAILS))
def test_every_account_email_has_the_forums_wording_in_text_and_html(adapter, prefix, subject):
    context = {
        "user": UserFactory(),
        "activate_url": "https://portal.example.org/confirm/",
        "password_reset_url": "https://portal.example.org/reset/",
        "signup_url": "https://portal.example.org/signup/",
        "email": "robin@example.org",
    }

    adapter.send_mail(prefix, "robin@example.org", context)

    email = OutgoingEmail.objects.get()
    assert email.subject == subject
    assert email.body_text.startswith("Hello,\n\n")
    assert email.body_text.endswith(f"{settings.FORUM_NAME}\n{settings.SITE_URL}")
    assert "Hello from" not in email.body_text
    assert email.body_html.startswith("<p>Hello,</p>")
    assert f'<a href="{settings.SITE_URL}">{settings.SITE_URL}</a>' in email.body_html


def test_the_sign_up_email_gives_the_link_on_its_own_line(client):
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"},
    )

    email = OutgoingEmail.objects.get(recipient="new@example.org")
    assert email.subject == "Confirm your email address for Brookshire Parent Carer Forum"
    link = re.search(r"^(http://testserver/accounts/confirm-email/\S+/)$", email.body_text, re.MULTILINE).group(1)
    assert email.body_text == (
        "Hello,\n\n"
        "Someone, we hope you, made an account on the Brookshire Parent Carer Forum website with this email "
        f"address. To finish making it, confirm your email address:\n{link}\n\n"
        "The link works for 3 days. If it has expired, sign in and we will send you a new one.\n\n"
        "If you did not make this account, you do not need to do anything. It will be deleted if nobody "
        "confirms it.\n\n"
        f"Brookshire Parent Carer Forum\n{settings.SITE_URL}"
    )
    assert f'confirm your email address: <a href="{link}">Confirm your email address</a>.' in email.body_html


def test_the_password_reset_email_has_the_reset_link(client):
    UserFactory(email="robin@example.org")

    client.post(reverse("account_reset_password"), {"email": "robin@example.org"})

    email = OutgoingEmail.objects.get(recipient="robin@example.org")
    assert email.subject == "Reset your Brookshire Parent Carer Forum password"
    assert re.search(r"^http://testserver/accounts/password/reset/key/\S+/$", email.body_text, re.MULTILINE)
    assert "The link works once, for 3 days." in email.body_text
