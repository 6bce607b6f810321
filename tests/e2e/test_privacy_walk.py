"""A parent downloads their data, then deletes their account."""

import zipfile

import pytest
from playwright.sync_api import expect

from forum_portal.people.models import DataExport, User
from tests.factories import ForumStaffFactory, ParentCarerFactory
from tests.factories.people import PASSWORD
from tests.totp import totp_code

pytestmark = pytest.mark.e2e


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_parent_downloads_their_data_then_deletes_their_account(page, check):
    parent = ParentCarerFactory(email="leaving@example.org")
    sign_in(page, parent.email)

    page.get_by_role("link", name="Download your data").click()
    check(page)
    page.get_by_role("button", name="Prepare my data").click()
    # Mail and tasks run in-process in browser tests, so the download is ready at once.
    expect(page.get_by_text("We are preparing your data.")).to_be_visible()
    check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").first.click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        assert "everything.json" in archive.namelist()
    assert DataExport.objects.get(user=parent).status == "ready"

    page.goto("/account/")
    page.get_by_role("link", name="Delete your account").click()
    check(page)
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("I understand my account will be deleted and this cannot be undone").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand my account will be deleted and this cannot be undone").check()
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    check(page)
    assert not User.objects.filter(email="leaving@example.org").exists()


def test_forum_staff_delete_an_account_on_a_written_request(page, check):
    ParentCarerFactory(email="asked@example.org", full_name="Sam Asked")
    staff = ForumStaffFactory(email="staff@example.org")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(staff.totp_secret))
    page.get_by_role("button", name="Sign in").click()

    page.goto("/dashboard/")
    page.get_by_role("link", name="Delete an account on a written request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete an account on a written request")
    check(page)
    page.get_by_label("Email address of the account").fill("nobody@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Email address of the account").fill("asked@example.org")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Where the request is kept (optional)").fill("Letter, file 2026/14")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this account?")
    expect(page.get_by_text("2 March 2026")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Delete this account").click()

    expect(page.get_by_text("The account asked@example.org is deleted.")).to_be_visible()
    check(page)
    assert not User.objects.filter(email="asked@example.org").exists()
