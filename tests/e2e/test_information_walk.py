"""Staff publish a guide with an Easy Read version; a parent finds it by search and by topic,
follows the topic and the digest email arrives with it; a visitor filters the directory to a service."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from forum_portal.notify.models import OutgoingEmail
from information import services
from information.models import Article
from tests.e2e.accounts import sign_in
from tests.factories import ForumStaffFactory, ParentCarerFactory
from tests.factories.information import ServiceAtLocationFactory, TopicFactory

pytestmark = pytest.mark.e2e


def next_midday() -> datetime.datetime:
    """The next 12:00 in the UK: a time outside email's quiet hours, after anything published now."""
    now = timezone.now().astimezone(ZoneInfo("Europe/London"))
    midday = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return midday if midday > now else midday + datetime.timedelta(days=1)


def sign_out(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()


def test_staff_publish_a_guide_and_a_parent_finds_follows_and_gets_the_digest(page, check):
    education = TopicFactory(name="Education", slug="education")
    TopicFactory(name="Health", slug="health")
    staff = ForumStaffFactory(full_name="Sam Okafor")
    parent = ParentCarerFactory(full_name="Jo Bennett")

    sign_in(page, staff, code=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.goto("/dashboard/")
    expect(page.get_by_text("Every page is published and within its review date.")).to_be_visible()
    check(page)
    page.goto("/information/")
    check(page)
    page.get_by_role("link", name="Manage guides and news").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage guides and news")
    check(page)
    page.get_by_role("link", name="Topics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Topics")
    check(page)
    page.get_by_label("Name").fill("Money")
    page.get_by_role("button", name="Save the topic").click()
    expect(page.get_by_text("The topic “Money” is added.")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Change Money").click()
    check(page)
    page.goto("/information/manage/")
    page.get_by_role("link", name="New guide").click()
    check(page)
    page.get_by_label("Title").fill("Asking for an EHC needs assessment")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)

    page.get_by_label("Summary").fill("How to ask the council to assess your child's needs.")
    page.get_by_label("Text", exact=True).fill("## How to ask\n\nWrite to the council's **SEND team**.")
    page.get_by_label("Easy Read version (optional)").fill(
        "## What you can do\n\nYou can ask the council for help at school.\n\n"
        "* Write to the council.\n* Ask us to help you."
    )
    page.get_by_label("Education").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This is a draft. Only forum staff can see it.")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Edit this guide").click()
    check(page)
    page.get_by_role("link", name="Attach a document").click()
    check(page)
    page.goto("/dashboard/")
    expect(page.get_by_text("1 draft not yet published")).to_be_visible()
    check(page)
    page.goto(Article.objects.get().get_absolute_url())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("“Asking for an EHC needs assessment” is published.")).to_be_visible()
    check(page)
    sign_out(page)

    sign_in(page, parent)
    page.goto("/information/")
    page.get_by_role("searchbox", name="Search guides, news and services").fill("EHC assessment")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("mark").first).to_be_visible()
    check(page)
    page.get_by_role("link", name="Asking for an EHC needs assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asking for an EHC needs assessment")
    check(page)
    page.get_by_role("link", name="Show the Easy Read version").click()
    expect(page.get_by_text("You can ask the council for help at school.")).to_be_visible()
    # Easy Read is larger all through: its lists and headings as well as its paragraphs.
    sizes = page.locator(".portal-prose--easy-read").evaluate(
        "prose => Object.fromEntries(['p', 'li', 'h2'].map("
        "tag => [tag, getComputedStyle(prose.querySelector(tag)).fontSize]))"
    )
    assert sizes == {"p": "24px", "li": "24px", "h2": "36px"}
    check(page)

    page.get_by_role("link", name="Education").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Education")
    expect(page.get_by_role("link", name="Asking for an EHC needs assessment")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Follow this topic by email").click()
    check(page)
    page.get_by_label("Education").check()
    page.get_by_role("button", name="Save the topics I follow").click()
    expect(page.get_by_text("You follow 1 topic. We will email you weekly.")).to_be_visible()
    check(page)

    assert list(parent.topic_subscriptions.values_list("topic", flat=True)) == [education.pk]
    # The weekly job, run at midday: digests wait out the night's quiet hours, so at night this
    # would only queue it. The clock stands still for this call alone, not for the browser.
    with time_machine.travel(next_midday(), tick=False):
        assert services.send_topic_digests() == 1
    row = OutgoingEmail.objects.get(kind="information_digest")
    assert (row.recipient, row.status) == (parent.email, OutgoingEmail.Status.SENT)
    [digest] = [message for message in mail.outbox if message.extra_headers["X-Portal-Email-Id"] == str(row.pk)]
    assert digest.to == [parent.email]
    guide_url = settings.SITE_URL + Article.objects.get().get_absolute_url()
    assert digest.subject == "1 new in the topics you follow"
    assert (
        f"- Asking for an EHC needs assessment\n  How to ask the council to assess your child's needs.\n  {guide_url}\n"
        in (digest.body)
    )
    assert f'<a href="{guide_url}">Asking for an EHC needs assessment</a>' in digest.alternatives[0][0]

    page.goto("/")
    expect(page.get_by_role("link", name="Asking for an EHC needs assessment")).to_be_visible()
    check(page)
    page.goto("/information/search/?q=zebra")
    expect(page.get_by_text("No guides or news match.")).to_be_visible()
    check(page)

    unsubscribe = re.search(r"https?://\S+/email/unsubscribe/\S+/", digest.body).group(0)
    page.goto(unsubscribe)
    check(page)


def test_visitor_browses_guides_news_and_filters_the_directory(page, check):
    ServiceAtLocationFactory(
        service__name="Autism play club", service__needs=["ASD"], service__minimum_age=5, service__maximum_age=11
    )
    ServiceAtLocationFactory(service__name="Hearing support", service__needs=["HI"])

    for path in ["/information/guides/", "/information/news/"]:
        page.goto(path)
        check(page)

    # An old link with a topic that is no more: the search says so beside the filter.
    page.goto("/information/search/?q=play&topic=astronomy")
    expect(page.locator("#id_topic-error")).to_have_text(
        "Error: There is no topic “astronomy”: choose one from the list"
    )
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)

    page.goto("/information/services/")
    check(page)
    page.get_by_label("Age of the child or young person").fill("eight")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Need").select_option("ASD")
    page.get_by_label("Age of the child or young person").fill("8")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 service", exact=True)).to_be_visible()
    check(page)
    page.get_by_role("link", name="Autism play club").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autism play club")
    check(page)
