"""A new parent signs up, verifies, signs in and joins; an officer signs in with two-factor."""

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from playwright.sync_api import expect

from forum_portal.notify import kinds
from forum_portal.notify.models import OutgoingEmail
from forum_portal.notify.services import unsubscribe_token
from forum_portal.people.models import ConsentRecord, ParentCarerProfile
from tests.factories import OfficerFactory, OrganisationFactory, UserFactory
from tests.factories.people import PASSWORD
from tests.totp import totp_code

pytestmark = pytest.mark.e2e


def test_visitor_reads_the_public_pages(page, check):
    for path, heading in [
        ("/", "Brookshire Parent Carer Forum"),
        ("/about/", "About the forum"),
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check(page)
    assert [cookie["name"] for cookie in page.context.cookies()] == []


def test_unknown_page_shows_the_404_page(page, check):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check(page)


def test_a_page_the_person_may_not_see_shows_the_403_page(page, check):
    UserFactory(email="robin@example.org")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    response = page.goto("/dashboard/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    check(page)


def test_parent_signs_up_verifies_signs_in_and_joins(page, check):
    page.goto("/accounts/signup/")
    check(page)
    page.get_by_label("Email").fill("new.parent@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password (again)").fill("a-different-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)

    page.get_by_label("Password", exact=True).fill("a-long-enough-passphrase")
    page.get_by_label("Password (again)").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check(page)

    email = OutgoingEmail.objects.get(recipient="new.parent@example.org", kind="account")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", email.body_text).group(0)
    page.goto(link)
    check(page)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check(page)
    page.get_by_label("Email").fill("new.parent@example.org")
    page.get_by_label("Password").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check(page)
    page.get_by_role("button", name="Join the forum").click()
    check(page)
    page.get_by_role("button", name="Join the forum").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Your name (optional)").fill("Robin Lee")
    page.get_by_label("I have read the privacy notice and want to join the forum").check()
    page.get_by_role("button", name="Join the forum").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your forum profile")
    check(page)
    page.get_by_label("Yes, keep my postcode district").check()
    page.get_by_role("textbox", name="Postcode district").fill("bs16")
    page.get_by_label("Yes, keep my children's age bands").check()
    page.get_by_label("5 to 10").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your details are saved.")).to_be_visible()
    check(page)

    profile = ParentCarerProfile.objects.get(user__email="new.parent@example.org")
    assert profile.postcode_district == "BS16"
    assert [row.age_band for row in profile.age_bands.all()] == ["5-10"]
    assert profile.needs_consented_at is None
    assert sorted(ConsentRecord.objects.filter(user=profile.user).values_list("purpose", "given")) == [
        ("age_bands", True),
        ("postcode", True),
        ("privacy_notice", True),
    ]

    # Unticking a box withdraws that consent, and the data goes with it.
    page.get_by_label("Yes, keep my postcode district").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your details are saved. We have deleted your postcode district.")).to_be_visible()
    check(page)
    expect(page.get_by_role("textbox", name="Postcode district")).to_have_value("")
    profile.refresh_from_db()
    assert (profile.postcode_district, profile.postcode_consented_at) == ("", None)
    assert ConsentRecord.objects.filter(user=profile.user, purpose="postcode", given=False).count() == 1


def test_officer_signs_in_with_a_code_from_their_authenticator(page, check):
    officer = OfficerFactory(email="officer@council.example.org", membership__organisation=OrganisationFactory())
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    check(page)
    page.get_by_label("Code").fill(totp_code(officer.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    check(page)


def test_officer_without_two_factor_is_sent_to_set_it_up(page, check):
    officer = OfficerFactory(two_factor=False)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.goto("/dashboard/")

    # Changing two-factor settings asks for the password again, even just after signing in.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    check(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    check(page)
    page.get_by_text("I cannot scan the code").click()
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    check(page)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")


def outbox_link(recipient: str, path: str) -> str:
    email = OutgoingEmail.objects.filter(recipient=recipient, kind="account").order_by("-id").first()
    return re.search(rf"^https?://\S+?({re.escape(path)}\S+/)$", email.body_text, re.MULTILINE).group(1)


def test_parent_resets_changes_and_manages_their_sign_in(page, check):
    UserFactory(email="robin@example.org")

    # Forgotten password: ask for a link, follow it, choose a new password.
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check(page)
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check(page)
    page.goto(outbox_link("robin@example.org", "/accounts/password/reset/key/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check(page)
    page.get_by_label("New Password", exact=True).fill("a-brand-new-passphrase")
    page.get_by_label("New Password (again)").fill("not-the-same-passphrase")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("New Password", exact=True).fill("a-brand-new-passphrase")
    page.get_by_label("New Password (again)").fill("a-brand-new-passphrase")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been changed")
    check(page)

    # A link that does not work says so, and offers a new one.
    page.goto("/accounts/password/reset/key/zz-not-a-real-key/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or is not valid")
    check(page)
    page.get_by_role("link", name="Get a new link to reset your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill("a-brand-new-passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    # Change the email address: it changes once the link sent to the new address is followed.
    page.get_by_role("link", name="Change email address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address")
    check(page)
    page.get_by_label("New email address").fill("robin.new@example.org")
    page.get_by_role("button", name="Change email address").click()
    expect(page.get_by_text("You asked to change it to")).to_be_visible()
    check(page)
    page.goto(outbox_link("robin.new@example.org", "/accounts/confirm-email/"))
    check(page)
    page.get_by_role("button", name="Confirm").click()
    page.goto("/account/")
    expect(page.get_by_text("robin.new@example.org")).to_be_visible()

    # Change the password.
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    check(page)
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New Password", exact=True).fill("another-new-passphrase")
    page.get_by_label("New Password (again)").fill("another-new-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Current password").fill("a-brand-new-passphrase")
    page.get_by_label("New Password", exact=True).fill("another-new-passphrase")
    page.get_by_label("New Password (again)").fill("another-new-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password successfully changed.")).to_be_visible()
    check(page)

    # Email preferences, and the one-click unsubscribe page a switchable email links to.
    page.goto("/account/")
    page.get_by_role("link", name="Choose which emails you get").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email preferences")
    check(page)
    kind = kinds.switchable()[0]
    page.goto(f"/email/unsubscribe/{unsubscribe_token('robin.new@example.org', kind.key)}/")
    check(page)
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You will not get these emails")
    check(page)
    page.goto("/email/unsubscribe/not-a-real-token/")
    check(page)

    # Sign out.
    page.goto("/accounts/logout/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign out")
    check(page)
    page.get_by_role("button", name="Sign out").click()
    check(page)
    page.goto("/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_officer_sees_their_backup_codes_and_signs_in_with_one(page, check):
    officer = OfficerFactory(email="officer@council.example.org")
    RecoveryCodes.activate(officer)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(officer.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    page.get_by_role("link", name="Manage two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    check(page)
    page.get_by_role("button", name="See your backup codes").click()
    # Seeing the codes asks for the password again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    check(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    check(page)
    code = page.locator(".portal-codes li").first.inner_text().strip()

    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
