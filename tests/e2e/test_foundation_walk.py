"""A new parent signs up, verifies, signs in and joins; an officer signs in with two-factor."""

import re

import pytest
from playwright.sync_api import expect

from forum_portal.notify.models import OutgoingEmail
from forum_portal.people.models import ConsentRecord, ParentCarerProfile
from tests.factories import OfficerFactory, OrganisationFactory
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
