"""A parent downloads their data, then deletes their account."""

import zipfile

import pytest
from playwright.sync_api import expect

from forum_portal.people.models import DataExport, User
from tests.factories import ParentCarerFactory
from tests.factories.people import PASSWORD

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
