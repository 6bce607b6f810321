"""The main journeys in a browser with JavaScript switched off: every page is server-rendered and
every form a plain form, so a parent on an old phone (or behind a network that drops scripts)
can still answer, book and sign in, and an officer can still sign in with a code."""

import re

import pytest
from playwright.sync_api import expect

from consultations.models import Response
from participation.models import Booking
from tests.e2e.accounts import sign_in
from tests.factories.consultations import QuestionFactory, open_consultation
from tests.factories.information import PublishedArticleFactory
from tests.factories.participation import EventFactory
from tests.factories.people import OfficerFactory, ParentCarerFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_script_page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 800}, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def assert_no_script_ran(page):
    # GOV.UK Frontend's check never ran: the page is as a browser without scripts shows it.
    expect(page.locator("body")).not_to_have_class(re.compile("govuk-frontend-supported"))


def test_a_parent_answers_and_books_without_javascript(no_script_page):
    page = no_script_page
    consultation = open_consultation(title="School transport")
    QuestionFactory(consultation=consultation, text="How do you book?", required=True)
    QuestionFactory(consultation=consultation, kind="long_text", text="Anything else?", required=False)
    EventFactory(title="Coffee morning at the library", capacity=5)
    parent = ParentCarerFactory()
    sign_in(page, parent)
    assert_no_script_ran(page)

    page.goto("/consultations/")
    page.get_by_role("link", name="School transport").click()
    page.get_by_role("link", name="Answer the questions").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("By phone").check()
    page.get_by_label("Anything else?").fill("The bus comes too early.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are sent")
    response = Response.objects.get(user=parent)
    assert response.status == "submitted"
    assert {answer.text or answer.choice for answer in response.answers.all()} == {
        "By phone",
        "The bus comes too early.",
    }

    page.goto("/get-involved/events/")
    page.get_by_role("link", name="Coffee morning at the library").click()
    page.get_by_role("button", name="Book a place").click()
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_text("You have a place at this event.")).to_be_visible()
    assert Booking.objects.get(user=parent).status == "booked"


def test_an_officer_signs_in_with_a_code_without_javascript(no_script_page):
    officer = OfficerFactory()
    sign_in(no_script_page, officer, code=True)
    assert_no_script_ran(no_script_page)
    no_script_page.goto("/dashboard/")
    expect(no_script_page.get_by_role("heading", level=1)).to_have_text("Your dashboard")


def test_a_visitor_searches_and_reads_a_guide_without_javascript(no_script_page):
    PublishedArticleFactory(title="Getting to school", slug="getting-to-school", body="Free **travel** help.")
    page = no_script_page
    page.goto("/information/")
    page.get_by_role("searchbox", name="Search guides, news and services").fill("travel")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Getting to school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Getting to school")
    expect(page.locator("strong", has_text="travel")).to_be_visible()
