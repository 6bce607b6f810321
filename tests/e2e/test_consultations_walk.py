"""A consultation from an officer's draft to a published "You said, we did", in Chromium.

Officer drafts with three kinds of question → forum staff approve → a parent saves a draft, comes
back and sends → a visitor answers → it closes → the officer tags a theme, exports the answers and
publishes a reply whose "not changed" item shows its reason publicly.
"""

import csv
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Consultation, Response
from forum_portal.audit.models import AuditEvent
from forum_portal.notify.models import OutgoingEmail
from tests.e2e.accounts import signed_in
from tests.factories import ForumStaffFactory, OfficerFactory, OrganisationFactory, ParentCarerFactory
from tests.factories.people import PASSWORD
from tests.totp import totp_code

pytestmark = pytest.mark.e2e


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, user, check, *, code=True):
    page.goto("/accounts/login/")
    check(page)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if code:
        expect(page.get_by_label("Code")).to_be_visible()
        check(page)
        page.get_by_label("Code").fill(totp_code(user.totp_secret))
        page.get_by_role("button", name="Sign in").click()
    signed_in(page)


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_consultation_from_draft_to_you_said_we_did(page, new_page, check, tmp_path):
    council = OrganisationFactory(name="Brookshire Council", slug="brookshire-council")
    officer = OfficerFactory(email="officer@council.example.org", membership__organisation=council)
    staff = ForumStaffFactory(email="staff@example.org")
    parent = ParentCarerFactory(email="parent@example.org", full_name="Jo Bennett")

    # The officer drafts the consultation.
    sign_in(page, officer, check)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    check(page)
    page.get_by_role("link", name="Start a consultation").click()
    check(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Title").fill("Short breaks booking")
    page.get_by_label("Social care and short breaks").check()
    page.get_by_label("Summary in plain English").fill("We want to make booking **short breaks** simpler.")
    page.get_by_label("What is proposed").fill("Book online, with help by phone.")
    page.get_by_label("The options and alternatives you considered").fill("Paper forms (rejected: slow).")
    today = timezone.localdate()
    fill_date(page, "Opening date", today)
    fill_date(page, "Closing date", today + timedelta(weeks=8))
    page.get_by_label("People can answer without an account").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Short breaks booking")
    check(page)

    questions = [
        ("Choose one", "How would you like to book?", {"choices": "Online\nBy phone\nIn person"}, ""),
        ("Long text", "What would make booking easier?", {}, "More"),
        ("Yes or no", "Would you use an app?", {}, "More"),
    ]
    for kind, text, extra, section in questions:
        page.get_by_role("link", name="Add a question").click()
        check(page)
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Question", exact=True).fill(text)
        page.get_by_label("People must answer this question").check()
        if "choices" in extra:
            page.get_by_label("Choices").fill(extra["choices"])
        if section:
            page.get_by_label("Section").fill(section)
        page.get_by_role("button", name="Save question").click()
        expect(page.get_by_text("The question is added.")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Preview the questions as a parent will see them").click()
    expect(page.get_by_role("heading", name="Page 2 of 2: More")).to_be_visible()
    check(page)
    page.go_back()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent to the forum for review.")).to_be_visible()
    check(page)

    # Forum staff review it: the checklist comes first.
    staff_page = new_page()
    sign_in(staff_page, staff, check)
    staff_page.goto("/consultations/review/")
    check(staff_page)
    staff_page.get_by_role("link", name="Short breaks booking").click()
    check(staff_page)
    staff_page.get_by_label("Approve: it opens on its opening date").check()
    staff_page.get_by_role("button", name="Record decision").click()
    expect(staff_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(staff_page)
    for label in [
        "The summary is in plain English",
        "The documents are accessible",
        "Families have enough time to answer",
        "The options and the alternatives considered are described",
    ]:
        staff_page.get_by_label(label).check()
    staff_page.get_by_role("button", name="Record decision").click()
    expect(staff_page.get_by_text("is approved")).to_be_visible()
    check(staff_page)
    consultation = Consultation.objects.get(title="Short breaks booking")
    assert consultation.phase() == "open"

    # A parent saves a draft, comes back and sends.
    parent_page = new_page()
    sign_in(parent_page, parent, check, code=False)
    parent_page.goto("/consultations/")
    check(parent_page)
    parent_page.get_by_role("link", name="Short breaks booking").click()
    check(parent_page)
    parent_page.get_by_role("link", name="Answer the questions").click()
    check(parent_page)
    parent_page.get_by_label("By phone").check()
    parent_page.get_by_role("button", name="Save and come back later").click()
    expect(parent_page.get_by_text("Your answers are saved.")).to_be_visible()
    check(parent_page)
    parent_page.get_by_role("link", name="Continue your answers").click()
    expect(parent_page.get_by_label("By phone")).to_be_checked()
    parent_page.get_by_role("button", name="Continue").click()
    check(parent_page)
    parent_page.get_by_role("button", name="Continue").click()
    expect(parent_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(parent_page)
    parent_page.get_by_label("What would make booking easier?").fill("Evening slots go too fast.")
    parent_page.get_by_label("Yes").check()
    parent_page.get_by_role("button", name="Continue").click()
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    check(parent_page)
    parent_page.get_by_label("Share my name with the organisation").check()
    parent_page.get_by_label("Email me when they publish what they did").check()
    parent_page.get_by_role("button", name="Send my answers").click()
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Your answers are sent")
    check(parent_page)
    assert Response.objects.get(user=parent).status == "submitted"
    assert OutgoingEmail.objects.filter(kind="consultation_receipt", recipient=parent.email).count() == 1

    # A visitor answers without an account and leaves an address.
    visitor_page = new_page()
    visitor_page.goto(consultation.get_absolute_url())
    check(visitor_page)
    visitor_page.get_by_role("link", name="Answer the questions").click()
    check(visitor_page)
    visitor_page.get_by_label("Online").check()
    visitor_page.get_by_role("button", name="Continue").click()
    expect(visitor_page.get_by_label("What would make booking easier?")).to_be_visible()
    check(visitor_page)
    visitor_page.get_by_label("What would make booking easier?").fill("A booking app would help.")
    visitor_page.get_by_label("No", exact=True).check()
    visitor_page.get_by_role("button", name="Continue").click()
    expect(visitor_page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    check(visitor_page)
    visitor_page.get_by_label("Email me when they publish what they did").check()
    visitor_page.get_by_label("Your email address (optional)").fill("visitor@example.org")
    visitor_page.get_by_role("button", name="Send my answers").click()
    expect(visitor_page.get_by_role("heading", level=1)).to_have_text("Your answers are sent")
    check(visitor_page)

    # The closing date passes.
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(weeks=8), closes_at=now - timedelta(minutes=1)
    )

    # The officer tags a theme, exports the answers and publishes the reply.
    page.goto(f"/consultations/{consultation.pk}/manage/")
    check(page)
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_text("2 people sent answers.")).to_be_visible()
    check(page)
    page.get_by_label("New theme").fill("Evening slots")
    page.get_by_role("button", name="Add theme").click()
    check(page)
    card = page.locator(".govuk-summary-card", has_text="Evening slots go too fast.")
    expect(card.get_by_text("From Jo Bennett")).to_be_visible()
    card.get_by_label("Evening slots").check()
    card.get_by_role("button", name="Save themes").click()
    expect(page.get_by_text("Evening slots: 1 answer")).to_be_visible()
    check(page)
    page.get_by_label("Break down by").select_option("age_band")
    page.get_by_role("button", name="Show breakdown").click()
    check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    with open(download_info.value.path(), newline="") as exported:
        rows = list(csv.reader(exported))
    assert rows[0][2:] == [
        "Name",
        "How would you like to book?",
        "What would make booking easier?",
        "Would you use an app?",
    ]
    assert sorted(row[2] for row in rows[1:]) == ["A parent carer", "Jo Bennett"]
    assert AuditEvent.objects.filter(action="consultation.answers_exported", actor=officer).count() == 1

    page.get_by_role("button", name="Publish the counts").click()
    expect(page.get_by_text("These counts are on the public page.")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Write “You said, we did”").first.click()
    check(page)
    page.get_by_role("link", name="Add an item").click()
    check(page)
    page.get_by_label("Theme (optional)").select_option(label="Evening slots")
    page.get_by_label("What people said").fill("Keep booking by phone.")
    page.get_by_label("What we did or will do").fill("Booking moves online; phone help stays for those who need it.")
    page.get_by_label("Not changed").check()
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Reason").fill("A phone-only line cost too much and had long waits.")
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_text("The item is saved.")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Publish “You said, we did”").click()
    expect(page.get_by_text("is published")).to_be_visible()
    check(page)

    visitor_page.goto(consultation.get_absolute_url())
    expect(visitor_page.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(visitor_page.get_by_role("heading", name="How would you like to book?")).to_be_visible()
    expect(visitor_page.get_by_text("A phone-only line cost too much and had long waits.")).to_be_visible()
    check(visitor_page)
    assert sorted(OutgoingEmail.objects.filter(kind="consultation_reply").values_list("recipient", flat=True)) == [
        "parent@example.org",
        "visitor@example.org",
    ]
