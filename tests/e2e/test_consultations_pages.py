"""The consultation pages the main walk does not reach: changing a draft and a question,
withdrawing, progress on a published reply, the list's filters, accountability and the home panel."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations import services
from consultations.models import Consultation, ReplyItem, ReplyUpdate
from tests.e2e.test_consultations_walk import new_page, sign_in  # noqa: F401 - new_page is a fixture
from tests.factories import ForumStaffFactory, OfficerFactory, OrganisationFactory
from tests.factories.consultations import ConsultationFactory, QuestionFactory, closed_consultation, open_consultation

pytestmark = pytest.mark.e2e


def test_officer_changes_a_draft_and_a_question(page, check):
    council = OrganisationFactory(name="Brookshire Council", slug="brookshire-council")
    officer = OfficerFactory(membership__organisation=council)
    consultation = ConsultationFactory(organisation=council, title="Respite review", review_comments="Add options.")
    QuestionFactory(consultation=consultation, text="First question?")
    sign_in(page, officer, check)

    page.goto(f"/consultations/{consultation.pk}/manage/")
    expect(page.get_by_text("The forum asked for changes:")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Change the details and dates").click()
    check(page)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Title").fill("Respite review 2027")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Respite review 2027")

    page.get_by_role("link", name="Change question 1").click()
    check(page)
    page.get_by_label("Question", exact=True).fill("How often do you use respite?")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("How often do you use respite?")).to_be_visible()
    check(page)


def test_staff_withdraw_a_live_consultation_with_a_public_reason(page, new_page, check):  # noqa: F811
    consultation = open_consultation(title="Transport pilot")
    staff = ForumStaffFactory()
    sign_in(page, staff, check)

    page.goto("/dashboard/")
    expect(page.get_by_text("No consultations are waiting for review.")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Review queue").click()
    check(page)
    # First the forum gives families longer, then the pilot is cancelled.
    page.get_by_role("link", name="Extend Transport pilot").click()
    check(page)
    page.get_by_role("button", name="Extend the consultation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    later = timezone.localdate(consultation.closes_at) + timedelta(weeks=2)
    group = page.get_by_role("group", name="New closing date")
    group.get_by_label("Day").fill(str(later.day))
    group.get_by_label("Month").fill(str(later.month))
    group.get_by_label("Year").fill(str(later.year))
    page.get_by_label("Why it is extended").fill("Half term fell in the middle.")
    page.get_by_role("button", name="Extend the consultation").click()
    expect(page.get_by_text("Half term fell in the middle.")).to_be_visible()
    check(page)
    page.goto("/consultations/review/")
    page.get_by_role("link", name="Withdraw Transport pilot").click()
    check(page)
    page.get_by_role("button", name="Withdraw the consultation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Why it is withdrawn").fill("The pilot was cancelled by the council.")
    page.get_by_role("button", name="Withdraw the consultation").click()
    expect(page.get_by_text("This consultation was withdrawn.")).to_be_visible()
    check(page)
    assert Consultation.objects.get(pk=consultation.pk).status == "withdrawn"


def test_officer_adds_progress_to_a_published_reply(page, check):
    council = OrganisationFactory(name="Brookshire Council", slug="brookshire-council")
    officer = OfficerFactory(membership__organisation=council)
    consultation = closed_consultation(organisation=council, title="Short breaks")
    reply = services.reply_for(consultation)
    services.save_reply_item(
        reply,
        by=officer,
        you_said="More evening sessions.",
        we_did="Evening sessions from spring.",
        outcome=ReplyItem.Outcome.WILL_CHANGE,
        reason="New staff start in spring.",
        owner="Short breaks team",
        due_date=timezone.localdate() + timedelta(days=90),
    )
    services.publish_reply(reply, by=officer)
    sign_in(page, officer, check)

    page.goto(f"/consultations/{consultation.pk}/reply/")
    check(page)
    page.get_by_role("link", name="Change item 1").click()
    check(page)
    page.get_by_role("button", name="Add update").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Progress update").fill("Two evening sessions now run each week.")
    page.get_by_role("button", name="Add update").click()
    expect(page.get_by_text("The progress update is published.")).to_be_visible()
    page.goto(consultation.get_absolute_url())
    expect(page.get_by_text("Two evening sessions now run each week.")).to_be_visible()
    check(page)
    assert ReplyUpdate.objects.get().text == "Two evening sessions now run each week."


def test_visitor_filters_the_list_and_reads_accountability(page, check):
    council = OrganisationFactory(name="Brookshire Council", slug="brookshire-council")
    open_consultation(organisation=council, title="Speech therapy", topic="health")
    closed_consultation(organisation=council, title="School transport", topic="transport")

    page.goto("/")
    expect(page.get_by_role("link", name="Speech therapy")).to_be_visible()
    check(page)
    page.goto("/consultations/")
    check(page)
    page.get_by_label("Topic").select_option("transport")
    page.get_by_role("button", name="Show consultations").click()
    expect(page.get_by_role("link", name="School transport")).to_be_visible()
    expect(page.get_by_role("link", name="Speech therapy")).to_have_count(0)
    check(page)
    page.get_by_role("link", name="See who replies on time").click()
    check(page)
    page.get_by_role("link", name="Brookshire Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brookshire Council")
    check(page)


def test_visitor_must_give_an_address_to_hear_back(page, check):
    consultation = open_consultation(title="Play schemes", allows_visitors=True)
    question = QuestionFactory(consultation=consultation, kind="short_text", text="Which play scheme?")

    page.goto(f"/consultations/{consultation.pk}/answer/")
    page.get_by_label(question.text).fill("The summer one")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email me when they publish what they did").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)


def test_local_offer_feedback_from_comment_to_moderation(page, new_page, check):  # noqa: F811
    OrganisationFactory(name="Brookshire Council", slug="brookshire-council")
    staff = ForumStaffFactory()
    sign_in(page, staff, check)

    page.goto("/consultations/review/")
    page.get_by_role("link", name="Open Local Offer feedback for a council").click()
    check(page)
    page.get_by_role("button", name="Open Local Offer feedback for a year").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Council").select_option(label="Brookshire Council")
    page.get_by_role("button", name="Open Local Offer feedback for a year").click()
    expect(page.get_by_text("Local Offer feedback is open for a year.")).to_be_visible()
    check(page)
    round_url = page.url

    visitor = new_page()
    visitor.goto(round_url)
    visitor.get_by_role("link", name="Comment on the Local Offer").click()
    check(visitor)
    visitor.get_by_role("button", name="Send comment").click()
    expect(visitor.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(visitor)
    visitor.get_by_label("Something that is missing").check()
    visitor.get_by_label("Your comment").fill("There is nothing about holiday clubs.")
    visitor.get_by_role("button", name="Send comment").click()
    expect(visitor.get_by_text("Thank you. The forum reads every comment")).to_be_visible()

    page.goto("/consultations/review/")
    page.get_by_role("link", name=f"Local Offer feedback {timezone.now():%Y}, Brookshire Council").click()
    check(page)
    page.get_by_label("Vexatious").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Publishable").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("No comments are waiting.")).to_be_visible()
    check(page)

    visitor.goto(round_url)
    expect(visitor.get_by_text("There is nothing about holiday clubs.")).to_be_visible()
    check(visitor)

    # The year is over: the council's officer reads the publishable comments and tags them.
    round_ = Consultation.objects.get(kind=Consultation.Kind.LOCAL_OFFER)
    Consultation.objects.filter(pk=round_.pk).update(
        opens_at=round_.opens_at - timedelta(days=400), closes_at=round_.closes_at - timedelta(days=400)
    )
    officer = OfficerFactory(membership__organisation=round_.organisation)
    officer_page = new_page()
    sign_in(officer_page, officer, check)
    officer_page.goto(f"/consultations/{round_.pk}/results/")
    officer_page.get_by_label("New theme").fill("Holiday clubs")
    officer_page.get_by_role("button", name="Add theme").click()
    officer_page.get_by_label("Holiday clubs").check()
    officer_page.get_by_role("button", name="Save themes of this comment").click()
    expect(officer_page.get_by_text("The themes of the comment are saved.")).to_be_visible()
    expect(officer_page.get_by_text("Holiday clubs: 1 comment")).to_be_visible()
    check(officer_page)
