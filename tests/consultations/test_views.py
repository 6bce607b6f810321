import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import services, views
from consultations.models import Answer, Consultation, Question, ReplyItem, Response
from forum_portal import fragments
from forum_portal.audit.models import AuditEvent
from forum_portal.people.models import AgeBand
from forum_portal.people.services import set_profile_data
from tests.factories import (
    ForumStaffFactory,
    MembershipFactory,
    OfficerFactory,
    OrganisationFactory,
    ParentCarerFactory,
    UserFactory,
)
from tests.factories.consultations import (
    ConsultationFactory,
    QuestionFactory,
    closed_consultation,
    open_consultation,
)
from tests.factories.people import activate_totp

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"consultations:{name}", args=args)


@pytest.fixture
def officer():
    return OfficerFactory()


@pytest.fixture
def organisation(officer):
    return officer.memberships.get().organisation


def date_fields(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


# --- Drafting and review ---------------------------------------------------------------------


def test_officer_starts_a_draft_for_their_organisation(client, officer, organisation):
    client.force_login(officer)
    opens = timezone.localdate() + timedelta(days=7)
    data = {
        "title": "Short breaks",
        "topic": "social_care",
        "summary": "How you book short breaks.",
        "proposal": "Book online.",
        "options": "Keep phone booking.",
        "audience": "Families using short breaks",
        **date_fields("opens_on", opens),
        **date_fields("closes_on", opens + timedelta(weeks=4)),
    }

    response = client.post(url("consultation-create"), data)

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == url("consultation-manage", consultation.pk)
    assert (consultation.organisation, consultation.status, consultation.created_by) == (organisation, "draft", officer)
    page = client.get(response.url).content.decode()
    assert "This consultation runs for less than six weeks" in page
    assert "Add at least one question." in page


def test_consultation_form_keeps_what_was_typed_and_explains_bad_dates(client, officer):
    client.force_login(officer)
    opens = timezone.localdate() + timedelta(days=7)

    response = client.post(
        url("consultation-create"),
        {
            "title": "Short breaks",
            "topic": "other",
            **date_fields("opens_on", opens),
            **date_fields("closes_on", opens - timedelta(days=1)),
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "The closing date must be after the opening date" in content
    assert 'value="Short breaks"' in content
    assert Consultation.objects.count() == 0


def test_documents_must_really_be_pdf_word_or_odt(client, officer):
    client.force_login(officer)
    opens = timezone.localdate() + timedelta(days=7)
    fake = SimpleUploadedFile("plan.pdf", b"<html>not a pdf</html>", content_type="application/pdf")

    response = client.post(
        url("consultation-create"),
        {
            "title": "Plan",
            "topic": "other",
            "document": fake,
            **date_fields("opens_on", opens),
            **date_fields("closes_on", opens + timedelta(weeks=8)),
        },
    )

    assert "The document must be a PDF, Word or ODT file" in response.content.decode()
    assert Consultation.objects.count() == 0


def test_documents_are_size_limited_and_a_real_pdf_is_kept(client, officer, settings):
    settings.CONSULTATIONS_MAX_DOCUMENT_BYTES = 100
    client.force_login(officer)
    opens = timezone.localdate() + timedelta(days=7)
    data = {
        "title": "Plan",
        "topic": "other",
        **date_fields("opens_on", opens),
        **date_fields("closes_on", opens + timedelta(weeks=8)),
    }

    big = client.post(
        url("consultation-create"), {**data, "document": SimpleUploadedFile("plan.pdf", b"%PDF-" + b"x" * 200)}
    )
    client.post(url("consultation-create"), {**data, "document": SimpleUploadedFile("plan.pdf", b"%PDF-1.7 small")})

    assert "The document must be smaller than 100\xa0bytes" in big.content.decode()
    consultation = Consultation.objects.get()
    assert consultation.document.read() == b"%PDF-1.7 small"


def test_officer_of_another_organisation_gets_404_everywhere(client):
    consultation = closed_consultation()
    client.force_login(OfficerFactory())

    for name in ["consultation-manage", "consultation-edit", "results", "reply-edit", "question-create"]:
        assert client.get(url(name, consultation.pk)).status_code == 404
    assert client.get(url("export", consultation.pk, "csv")).status_code == 404


def test_draft_is_404_for_the_public(client):
    consultation = ConsultationFactory()

    assert client.get(url("consultation-detail", consultation.pk)).status_code == 404


def test_officer_without_two_factor_is_sent_to_set_it_up(client):
    client.force_login(OfficerFactory(two_factor=False))

    response = client.get(url("consultation-create"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_a_change_the_state_no_longer_allows_is_a_message_not_an_error_page(client, organisation):
    # A forum admin holds every permission, so only the service stands between them and a
    # question added to a consultation that is already open.
    admin = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin)
    consultation = open_consultation(organisation=organisation)
    page = url("consultation-manage", consultation.pk)
    client.force_login(admin)

    response = client.post(
        url("question-create", consultation.pk), {"kind": "short_text", "text": "Late question"}, HTTP_REFERER=page
    )

    assert (response.status_code, response.url) == (302, page)
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert shown == ["Questions can only change while the consultation is a draft."]
    assert not consultation.questions.filter(text="Late question").exists()


def test_officer_adds_questions_and_sends_for_review(client, officer, organisation):
    consultation = ConsultationFactory(organisation=organisation)
    client.force_login(officer)

    bad = client.post(url("question-create", consultation.pk), {"kind": "single_choice", "text": "Which?"})
    assert "Give at least two options, one a line" in bad.content.decode()
    client.post(url("question-create", consultation.pk), {"kind": "yes_no", "text": "Is it fair?", "required": "on"})
    client.post(
        url("question-create", consultation.pk),
        {"kind": "long_text", "text": "Anything else?", "section": "More"},
    )
    second = consultation.questions.get(text="Anything else?")
    client.post(url("question-move", consultation.pk, second.pk), {"direction": "up"})
    response = client.post(url("consultation-submit", consultation.pk))

    assert list(consultation.questions.values_list("text", flat=True)) == ["Anything else?", "Is it fair?"]
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "in_review"
    assert client.get(url("question-create", consultation.pk)).status_code == 404


def test_preview_shows_each_section_as_a_page(client, officer, organisation):
    consultation = ConsultationFactory(organisation=organisation)
    QuestionFactory(consultation=consultation, text="First?")
    QuestionFactory(consultation=consultation, text="Second?", section="Travel", kind="long_text")
    client.force_login(officer)

    content = client.get(url("consultation-preview", consultation.pk)).content.decode()

    assert "Page 1 of 2" in content
    assert "Page 2 of 2: Travel" in content
    assert "Please do not name your child, their school or anyone else." in content


def test_staff_approve_only_with_the_checklist_and_send_back_with_comments(client):
    consultation = ConsultationFactory(status=Consultation.Status.IN_REVIEW)
    QuestionFactory(consultation=consultation)
    staff = ForumStaffFactory()
    client.force_login(staff)

    queue = client.get(url("review-queue")).content.decode()
    assert consultation.title in queue
    refused = client.post(url("consultation-review", consultation.pk), {"decision": "approve"})
    assert "Check this before approving, or send it back" in refused.content.decode()
    client.post(url("consultation-review", consultation.pk), {"decision": "return", "comments": "Add the options."})

    consultation.refresh_from_db()
    assert (consultation.status, consultation.review_comments) == ("draft", "Add the options.")
    assert client.get(url("consultation-review", consultation.pk)).status_code == 404


def test_staff_approve(client):
    consultation = ConsultationFactory(status=Consultation.Status.IN_REVIEW)
    client.force_login(ForumStaffFactory())
    checklist = dict.fromkeys(["plain_english", "documents_accessible", "enough_time", "options_described"], "on")

    client.post(url("consultation-review", consultation.pk), {"decision": "approve", **checklist})

    consultation.refresh_from_db()
    assert consultation.status == "approved"
    assert list(consultation.events.values_list("action", flat=True)) == ["approved"]


def test_officer_extends_an_open_consultation_and_the_reason_shows_publicly(client, officer, organisation):
    consultation = open_consultation(organisation=organisation)
    client.force_login(officer)
    today = timezone.localdate()

    earlier = client.post(
        url("consultation-extend", consultation.pk), {**date_fields("closes_on", today), "reason": "Half term"}
    )
    later = today + timedelta(weeks=8)
    done = client.post(
        url("consultation-extend", consultation.pk), {**date_fields("closes_on", later), "reason": "Half term"}
    )

    blank = client.post(
        url("consultation-extend", consultation.pk),
        {"closes_on_0": " ", "closes_on_1": " ", "closes_on_2": "0", "reason": "Half term"},
    )
    assert "Enter the new closing date" in blank.content.decode()
    assert "The new closing date must be after the current one" in earlier.content.decode()
    assert "Half term</textarea>" in earlier.content.decode()
    assert done.url == consultation.get_absolute_url()
    consultation.refresh_from_db()
    assert timezone.localtime(consultation.closes_at).date() == later
    assert "Half term" in client.get(consultation.get_absolute_url()).content.decode()


def test_staff_withdraw_shows_the_reason_publicly(client):
    consultation = open_consultation()
    client.force_login(ForumStaffFactory())

    client.post(url("consultation-withdraw", consultation.pk), {"reason": "The plan was dropped."})
    client.logout()
    content = client.get(url("consultation-detail", consultation.pk)).content.decode()

    assert "This consultation was withdrawn." in content
    assert "The plan was dropped." in content


def test_review_queue_has_a_plain_title(client, settings):
    client.force_login(ForumStaffFactory())

    content = client.get(url("review-queue")).content.decode()

    assert re.search(r"<title>(.*?)</title>", content, re.S)[1] == f"Consultations to review – {settings.FORUM_NAME}"


def test_review_queue_query_count_is_the_same_for_one_and_five(client, django_assert_num_queries):
    client.force_login(ForumStaffFactory())
    ConsultationFactory(status=Consultation.Status.IN_REVIEW)
    client.get(url("review-queue"))
    with django_assert_num_queries(7) as one:
        client.get(url("review-queue"))
    ConsultationFactory.create_batch(4, status=Consultation.Status.IN_REVIEW)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url("review-queue"))


# --- Answering -------------------------------------------------------------------------------


def test_list_shows_open_closed_and_reply_states_with_filters(client, django_assert_num_queries):
    open_one = open_consultation(title="Open one", topic="health")
    closed_one = closed_consultation(title="Closed one")
    ConsultationFactory(title="Secret draft")

    content = client.get(url("consultation-list")).content.decode()
    assert "Open one" in content and "Closed one" in content and "Secret draft" not in content
    assert "days left" in content
    assert "Reply due by" in content
    filtered = client.get(url("consultation-list"), {"topic": "health"}).content.decode()
    assert "Open one" in filtered and "Closed one" not in filtered
    assert open_one.pk != closed_one.pk

    # From the cache: one query. Rendered again after a change: the count, the page, the
    # organisations, and the fragment kept.
    with django_assert_num_queries(1):
        client.get(url("consultation-list"))
    closed_consultation(title="Closed later")
    with django_assert_num_queries(9) as one:
        assert "Closed later" in client.get(url("consultation-list")).content.decode()
    for _ in range(4):
        closed_consultation()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url("consultation-list"))
    with django_assert_num_queries(1):
        client.get(url("consultation-list"))
    # Other pages, and an organisation's list, are not kept: the count, the page, the organisations.
    with django_assert_num_queries(3):
        client.get(url("consultation-list"), {"page": "2"})


def test_parent_saves_a_draft_comes_back_and_sends(client, django_capture_on_commit_callbacks):
    consultation = open_consultation()
    choice = QuestionFactory(consultation=consultation, text="How do you book?")
    text = QuestionFactory(consultation=consultation, kind="long_text", text="Anything else?", section="More")
    parent = ParentCarerFactory()
    client.force_login(parent)

    saved = client.post(url("answer", consultation.pk), {f"question_{choice.pk}": "Online", "save": ""})
    assert saved.url == consultation.get_absolute_url()
    assert "Continue your answers" in client.get(saved.url).content.decode()
    page = client.get(url("answer", consultation.pk)).content.decode()
    assert 'value="Online"\n    \n      checked="checked"' in page
    assert page.count('name="csrfmiddlewaretoken"') == 1
    nxt = client.post(url("answer", consultation.pk), {f"question_{choice.pk}": "By phone", "continue": ""})
    assert nxt.url == url("answer", consultation.pk) + "?page=2"
    done = client.post(url("answer", consultation.pk) + "?page=2", {f"question_{text.pk}": "Evenings", "continue": ""})
    assert done.url == url("answer-check", consultation.pk)
    check = client.get(done.url).content.decode()
    assert "By phone" in check and "Evenings" in check
    sent = client.post(done.url, {"share_name": "on", "hear_back": "on"})

    assert sent.url == url("answer-sent", consultation.pk)
    response = Response.objects.get(user=parent)
    assert (response.status, response.share_name, response.hear_back) == ("submitted", True, True)
    assert sorted(response.answers.values_list("choice", "text")) == [("", "Evenings"), ("By phone", "")]


def test_continue_checks_required_questions(client):
    consultation = open_consultation()
    question = QuestionFactory(consultation=consultation)
    client.force_login(ParentCarerFactory())

    response = client.post(url("answer", consultation.pk), {"continue": ""})

    assert "Answer this question, or save and come back later" in response.content.decode()
    assert f'href="#id_question_{question.pk}_1"' in response.content.decode()


def test_form_posted_after_closing_is_kept_as_a_draft(client):
    consultation = closed_consultation()
    question = QuestionFactory(consultation=consultation, kind="short_text")
    parent = ParentCarerFactory()
    Response.objects.create(consultation=consultation, user=parent)
    client.force_login(parent)

    response = client.post(
        url("answer", consultation.pk), {f"question_{question.pk}": "Late", "continue": ""}, follow=True
    )

    assert "This consultation has closed, so your answers could not be sent" in response.content.decode()
    kept = Response.objects.get(user=parent)
    assert kept.status == "draft"
    assert list(kept.answers.values_list("text", flat=True)) == ["Late"]


def test_a_page_posted_after_closing_keeps_the_other_pages_answers(client):
    consultation = closed_consultation()
    first = QuestionFactory(consultation=consultation, kind="short_text", section="About you", position=1)
    second = QuestionFactory(consultation=consultation, kind="short_text", section="Your views", position=2)
    parent = ParentCarerFactory()
    draft = Response.objects.create(consultation=consultation, user=parent)
    Answer.objects.create(response=draft, question=first, text="Saved before it closed")
    client.force_login(parent)

    client.post(url("answer", consultation.pk) + "?page=2", {f"question_{second.pk}": "Late", "continue": ""})

    assert sorted(draft.answers.values_list("question__position", "text")) == [
        (1, "Saved before it closed"),
        (2, "Late"),
    ]


def test_answers_sent_before_closing_are_not_changed_by_a_late_post(client):
    consultation = closed_consultation()
    question = QuestionFactory(consultation=consultation, kind="short_text")
    parent = ParentCarerFactory()
    sent = _sent(consultation, parent)
    Answer.objects.create(response=sent, question=question, text="As sent")
    client.force_login(parent)

    page = client.post(url("answer", consultation.pk), {f"question_{question.pk}": "Changed late"}, follow=True)
    check = client.post(url("answer-check", consultation.pk), {"hear_back": "on"}, follow=True)

    sent.refresh_from_db()
    assert (sent.status, list(sent.answers.values_list("text", flat=True))) == ("submitted", ["As sent"])
    message = "The answers you sent before it closed stay as you sent them."
    assert message in page.content.decode() and message in check.content.decode()


def test_a_visitor_posting_after_closing_keeps_a_draft_only_of_what_they_typed(client):
    consultation = closed_consultation(allows_visitors=True)
    question = QuestionFactory(consultation=consultation, kind="short_text")

    nothing = client.post(url("answer-check", consultation.pk), {}, follow=True)
    typed = client.post(url("answer", consultation.pk), {f"question_{question.pk}": "Late"}, follow=True)

    assert "We have kept" not in nothing.content.decode()
    assert "We have kept what you wrote as a draft." in typed.content.decode()
    assert list(Response.objects.values_list("status", "answers__text")) == [("draft", "Late")]


def test_a_sent_answer_is_changed_only_through_the_required_checks(client):
    consultation = open_consultation()
    question = QuestionFactory(consultation=consultation, kind="short_text", required=True)
    parent = ParentCarerFactory()
    sent = _sent(consultation, parent)
    Answer.objects.create(response=sent, question=question, text="Needed")
    client.force_login(parent)

    form = client.get(url("answer", consultation.pk)).content.decode()
    emptied = client.post(url("answer", consultation.pk), {f"question_{question.pk}": "", "save": ""})
    changed = client.post(url("answer", consultation.pk), {f"question_{question.pk}": "Better", "continue": ""})

    assert "Save and come back later" not in form
    assert "Answer this question, or save and come back later" in emptied.content.decode()
    assert changed.url == url("answer-check", consultation.pk)
    assert list(sent.answers.values_list("text", flat=True)) == ["Better"]


def test_visitor_answers_only_where_allowed(client, django_capture_on_commit_callbacks):
    members_only = open_consultation()
    QuestionFactory(consultation=members_only)
    assert client.get(url("answer", members_only.pk)).url.startswith(reverse("account_login"))

    consultation = open_consultation(allows_visitors=True)
    question = QuestionFactory(consultation=consultation, kind="short_text")
    client.post(url("answer", consultation.pk), {f"question_{question.pk}": "Fine", "continue": ""})
    missing_email = client.post(url("answer-check", consultation.pk), {"hear_back": "on"})
    assert "Enter your email address so we can tell you about the reply" in missing_email.content.decode()
    client.post(url("answer-check", consultation.pk), {"hear_back": "on", "email": "v@example.org"})

    response = Response.objects.get(consultation=consultation)
    assert (response.user, response.email, response.status) == (None, "v@example.org", "submitted")


# --- Results and export ----------------------------------------------------------------------


def _sent(consultation, user=None, **answers):
    response = Response.objects.create(
        consultation=consultation, user=user, status="submitted", submitted_at=timezone.now()
    )
    for question, value in answers.items():
        Answer.objects.create(response=response, question=question, **value)
    return response


@pytest.fixture
def closed_with_questions(organisation):
    consultation = closed_consultation(organisation=organisation)
    choice = QuestionFactory(consultation=consultation, text="How do you book?")
    text = QuestionFactory(consultation=consultation, kind="long_text", text="Tell us more")
    return consultation, choice, text


def test_results_count_choices_and_list_written_answers(client, officer, closed_with_questions):
    consultation, choice, text = closed_with_questions
    named = ParentCarerFactory(full_name="Robin Lee")
    response = _sent(consultation, named)
    Answer.objects.create(response=response, question=choice, choice="Online")
    Answer.objects.create(response=response, question=text, text="=Too far")
    response.share_name = True
    response.save()
    _sent(consultation).answers.create(question=choice, choice="Online")
    _sent(consultation).answers.create(question=choice, choice="By phone")
    client.force_login(officer)

    content = client.get(url("results", consultation.pk)).content.decode()

    assert "3 people sent answers." in content
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    assert f'<th scope="row" class="govuk-table__header">Online</th>{cell}2</td>{cell}67%</td>' in content
    assert "=Too far" in content and "From Robin Lee" in content


def test_written_answers_kept_in_the_cache_show_a_new_tag(client, officer, closed_with_questions):
    consultation, _, text = closed_with_questions
    answer = _sent(consultation).answers.create(question=text, text="Too far")
    travel = services.create_theme(consultation, name="Travel")
    client.force_login(officer)
    box = f'id="answer-{answer.pk}-theme-{travel.pk}" name="themes" type="checkbox" value="{travel.pk}"'
    before = client.get(url("results", consultation.pk)).content.decode()

    client.post(url("answer-tag", consultation.pk, answer.pk), {"themes": [travel.pk]})
    after = client.get(url("results", consultation.pk)).content.decode()

    assert f"{box}>" in before
    assert f"{box} checked>" in after


def test_a_theme_of_another_consultation_is_shown_as_no_match_and_not_kept(client, officer, closed_with_questions):
    consultation, _, text = closed_with_questions
    _sent(consultation).answers.create(question=text, text="Too far")
    elsewhere = services.create_theme(closed_consultation(), name="Elsewhere")
    client.force_login(officer)

    content = client.get(url("results", consultation.pk), {"theme": elsewhere.pk}).content.decode()

    own = services.create_theme(consultation, name="Travel")
    client.get(url("results", consultation.pk), {"theme": own.pk})

    assert "No written answers match." in content
    assert cache.get(f"fragments:consultations:{consultation.pk}:text-answers:{elsewhere.pk}::1") is None
    assert cache.get(f"fragments:consultations:{consultation.pk}:text-answers:{own.pk}::1") is not None


def test_written_answers_from_the_cache_carry_each_officers_own_token(organisation, closed_with_questions):
    consultation, _, text = closed_with_questions
    answer = _sent(consultation).answers.create(question=text, text="Too far")
    travel = services.create_theme(consultation, name="Travel")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(OfficerFactory(membership__organisation=organisation))
    second.force_login(OfficerFactory(membership__organisation=organisation))
    first.get(url("results", consultation.pk))

    page = second.get(url("results", consultation.pk)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page[page.index('id="answer-') :])[1]
    tagged = second.post(
        url("answer-tag", consultation.pk, answer.pk), {"themes": [travel.pk], "csrfmiddlewaretoken": token}
    )

    assert views.CSRF_STAND_IN not in page
    assert tagged.status_code == 302
    assert list(answer.themes.all()) == [travel]


def test_a_name_leaves_the_cached_answers_when_the_person_deletes_their_account(client, officer, closed_with_questions):
    consultation, _, text = closed_with_questions
    robin = ParentCarerFactory(full_name="Robin Lee")
    response = _sent(consultation, robin)
    response.answers.create(question=text, text="Too far")
    Response.objects.filter(pk=response.pk).update(share_name=True)
    client.force_login(officer)
    before = client.get(url("results", consultation.pk)).content.decode()

    services.anonymise_responses(robin)
    after = client.get(url("results", consultation.pk)).content.decode()

    assert "From Robin Lee" in before
    assert "From Robin Lee" not in after and "From A parent carer" in after


def test_paging_written_answers_keeps_the_theme_search_and_breakdown(client, officer, closed_with_questions, settings):
    consultation, _, text = closed_with_questions
    travel = services.create_theme(consultation, name="Travel")
    for number in range(51):
        answer = _sent(consultation).answers.create(question=text, text=f"Bus {number}")
        services.tag_answer(answer, themes=[travel])
    client.force_login(officer)

    content = client.get(url("results", consultation.pk), {"theme": travel.pk, "q": "Bus", "by": "need"}).content
    next_link = re.search(r'href="([^"]*)" rel="next"', content.decode())[1]

    assert next_link == f"?theme={travel.pk}&amp;q=Bus&amp;by=need&amp;page=2#answers"
    second = client.get(url("results", consultation.pk) + next_link.replace("&amp;", "&")).content.decode()
    assert "Page 2 of 2" in second and second.count('class="govuk-summary-card" id="answer-') == 1


def test_breakdown_hides_groups_under_five(client, officer, closed_with_questions):
    consultation, choice, _ = closed_with_questions
    for index in range(6):
        parent = ParentCarerFactory()
        set_profile_data(
            parent.parent_carer_profile,
            age_bands=[AgeBand.AGE_5_10 if index < 5 else AgeBand.UNDER_5],
            postcode_district=None,
            needs=None,
        )
        _sent(consultation, parent).answers.create(question=choice, choice="Online")
    client.force_login(officer)

    content = client.get(url("results", consultation.pk), {"by": "age_band"}).content.decode()

    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    # Under 5 (one family) is hidden; 5 to 10 (five families) is shown.
    assert f"{cell}fewer than 5</td>{cell}5</td>" in content


def test_results_query_count_is_the_same_for_ten_and_many_answers(
    client, officer, closed_with_questions, django_assert_num_queries
):
    consultation, choice, text = closed_with_questions
    services.create_theme(consultation, name="Travel")

    def add(n):
        now = timezone.now()
        responses = Response.objects.bulk_create(
            Response(consultation=consultation, status="submitted", submitted_at=now) for _ in range(n)
        )
        Answer.objects.bulk_create(
            answer
            for response in responses
            for answer in (
                Answer(response=response, question=choice, choice="Online"),
                Answer(response=response, question=text, text="Too far"),
            )
        )

    add(10)
    client.force_login(officer)
    # Rendered (and kept), then from the cache: session, user, two-factor, memberships (which
    # answer both roles and ownership), consultation, one cache read, and the breakdown's two
    # (counted live: a withdrawn consent must leave it at once).
    with django_assert_num_queries(41) as rendered:
        client.get(url("results", consultation.pk), {"by": "need"})
    with django_assert_num_queries(8):
        client.get(url("results", consultation.pk), {"by": "need"})
    add(990)
    fragments.changed("consultations")  # bulk_create sends no signal; the services all save a row
    with django_assert_num_queries(len(rendered.captured_queries)):
        client.get(url("results", consultation.pk), {"by": "need"})
    with django_assert_num_queries(8):
        content = client.get(url("results", consultation.pk), {"by": "need"}).content.decode()
    assert "1000 people sent answers." in content


def test_theme_and_tagging(client, officer, closed_with_questions):
    consultation, _, text = closed_with_questions
    answer = _sent(consultation).answers.create(question=text, text="Too far to travel")
    client.force_login(officer)

    empty = client.post(url("theme-create", consultation.pk), {"name": ""})
    assert "Give the theme a name" in empty.content.decode()
    client.post(url("theme-create", consultation.pk), {"name": "Travel"})
    theme = consultation.themes.get()
    client.post(url("answer-tag", consultation.pk, answer.pk), {"themes": [theme.pk]})

    assert list(answer.themes.all()) == [theme]
    assert "Travel</a>: 1 answer" in client.get(url("results", consultation.pk)).content.decode()
    assert "Too far to travel" in client.get(url("results", consultation.pk), {"q": "travel"}).content.decode()
    assert "No written answers match" in client.get(url("results", consultation.pk), {"q": "zzz"}).content.decode()


def test_csv_and_xlsx_export_are_spreadsheet_safe_and_audited(client, officer, closed_with_questions):
    consultation, choice, text = closed_with_questions
    _sent(consultation, ParentCarerFactory(full_name="Hidden Name")).answers.create(question=text, text="=SUM(A1)")
    client.force_login(officer)

    response = client.get(url("export", consultation.pk, "csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(url("export", consultation.pk, "xlsx")).streaming_content))
    )

    assert rows[0] == ["Response", "Sent", "Name", "How do you book?", "Tell us more"]
    assert rows[1][2:] == ["A parent carer", "", "'=SUM(A1)"]
    assert [cell.value for cell in workbook.active[2]][2:] == ["A parent carer", None, "'=SUM(A1)"]
    assert AuditEvent.objects.filter(action="consultation.answers_exported", actor=officer).count() == 2


# --- You said, we did ------------------------------------------------------------------------


def test_officer_writes_and_publishes_a_reply_shown_publicly(client, officer, closed_with_questions):
    consultation, _, _ = closed_with_questions
    client.force_login(officer)

    missing = client.post(
        url("reply-item-create", consultation.pk),
        {"you_said": "Keep phones", "we_did": "Kept online", "outcome": "not_changed"},
    )
    assert "Give the reason, unless the outcome is “changed”" in missing.content.decode()
    client.post(
        url("reply-item-create", consultation.pk),
        {"you_said": "Keep phones", "we_did": "Kept online", "outcome": "not_changed", "reason": "It costs too much."},
    )
    client.post(
        url("reply-item-create", consultation.pk),
        {
            "you_said": "Evenings",
            "we_did": "Evening sessions",
            "outcome": "will_change",
            "reason": "Staff need training first.",
            "owner": "Short breaks team",
            **date_fields("due_date", timezone.localdate() + timedelta(days=60)),
        },
    )
    client.post(url("reply-publish", consultation.pk))
    item = ReplyItem.objects.get(outcome="will_change")
    client.post(url("reply-item-update", consultation.pk, item.pk), {"text": "First evening held."})
    client.logout()

    content = client.get(url("consultation-detail", consultation.pk)).content.decode()
    assert "You said, we did" in content
    assert "It costs too much." in content
    assert "First evening held." in content
    assert content.index("Will change") < content.index("Not changed")


def test_a_visitors_cached_page_shows_nobody_elses_answers(client):
    consultation = open_consultation(allows_visitors=True)
    question = QuestionFactory(consultation=consultation, kind="short_text", required=False)
    parent = ParentCarerFactory()
    services.save_answers(services.start_response(consultation, user=parent), answers={question: "Mine"})
    visitor = client.get(url("consultation-detail", consultation.pk)).content.decode()

    client.force_login(parent)
    member = client.get(url("consultation-detail", consultation.pk)).content.decode()
    client.logout()
    client.post(url("answer", consultation.pk), {f"question_{question.pk}": "Theirs", "save": ""})
    with_draft = client.get(url("consultation-detail", consultation.pk)).content.decode()
    other_visitor = Client().get(url("consultation-detail", consultation.pk)).content.decode()

    assert "Answer the questions" in visitor and "saved answers" not in visitor
    assert "You have saved answers that you have not sent yet." in member
    assert "You have saved answers that you have not sent yet." in with_draft
    assert other_visitor == visitor


def test_a_draft_is_not_found_by_a_visitor_and_nothing_is_kept(client, django_assert_num_queries):
    draft = ConsultationFactory(title="Secret draft")

    assert client.get(url("consultation-detail", draft.pk)).status_code == 404
    with django_assert_num_queries(2):  # the cache read and the consultation, again
        assert client.get(url("consultation-detail", draft.pk)).status_code == 404


def test_detail_page_query_count_with_a_published_reply(client, django_assert_num_queries):
    consultation = closed_consultation()
    reply = services.reply_for(consultation)
    officer = OfficerFactory()
    services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome="changed")
    services.publish_reply(reply, by=officer)
    with django_assert_num_queries(36) as rendered:
        client.get(url("consultation-detail", consultation.pk))
    # A visitor's page: its title and content from the cache in one query.
    with django_assert_num_queries(1):
        client.get(url("consultation-detail", consultation.pk))
    for _ in range(4):
        services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome="changed")
    with django_assert_num_queries(len(rendered.captured_queries)):
        client.get(url("consultation-detail", consultation.pk))
    with django_assert_num_queries(1):
        content = client.get(url("consultation-detail", consultation.pk)).content.decode()
    assert content.count('<dt class="govuk-summary-list__key">We did</dt>') == 5


def test_dashboard_shows_the_officers_consultations_with_next_steps(client, officer, organisation):
    closed_consultation(organisation=organisation, title="Transport review")
    client.force_login(officer)

    content = client.get(reverse("dashboard")).content.decode()

    assert "Transport review" in content
    assert "Publish “You said, we did” by" in content


def test_home_panel_lists_open_consultations(client):
    open_consultation(title="Speech therapy waiting times")

    assert "Speech therapy waiting times" in client.get("/").content.decode()


def test_question_kinds_are_all_answerable(client):
    consultation = open_consultation()
    questions = [
        QuestionFactory(consultation=consultation, kind=kind, scale_low_label="Poor", scale_high_label="Good")
        for kind in Question.Kind.values
    ]
    client.force_login(ParentCarerFactory())

    content = client.get(url("answer", consultation.pk)).content.decode()

    assert all(f"question_{question.pk}" in content for question in questions)
    assert "1 – Poor" in content and "5 – Good" in content


# --- Accountability --------------------------------------------------------------------------


def _replied(consultation, *, days_after_closing, outcome="changed"):
    reply = services.reply_for(consultation)
    reply.published_at = consultation.closes_at + timedelta(days=days_after_closing)
    reply.save()
    ReplyItem.objects.create(reply=reply, you_said="A", we_did="B", outcome=outcome, reason="Because")
    return reply


def test_accountability_counts_replies_on_time_late_and_overdue(client, django_assert_num_queries):
    council = OfficerFactory().memberships.get().organisation
    now = timezone.now()
    on_time = closed_consultation(
        organisation=council, opens_at=now - timedelta(weeks=30), closes_at=now - timedelta(weeks=20)
    )
    _replied(on_time, days_after_closing=30, outcome="not_changed")
    late = closed_consultation(
        organisation=council, opens_at=now - timedelta(weeks=30), closes_at=now - timedelta(weeks=20)
    )
    _replied(late, days_after_closing=100)
    closed_consultation(
        organisation=council,
        opens_at=now - timedelta(weeks=30),
        closes_at=now - timedelta(weeks=14),
        reply_due_at=now - timedelta(weeks=2),
    )
    _sent(open_consultation(organisation=council))

    client.get(url("accountability-organisation", council.slug))
    # The organisation, and the tables from the cache.
    with django_assert_num_queries(2):
        content = client.get(url("accountability-organisation", council.slug)).content.decode()

    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    # 4 run, 1 answer, 1 on time, 1 late, 1 overdue, median of 30 and 100 days is 65.
    assert re.findall(r'numeric">([^<]*)</td>', content)[:6] == ["4", "1", "1", "1", "1", "65"]
    assert f"Not changed</th>{cell}1</td>" in content
    assert client.get(url("accountability-organisation", "no-such")).status_code == 404


def test_accountability_for_all_has_the_same_queries_for_one_and_five_organisations(client, django_assert_num_queries):
    closed_consultation()
    fragments.changed("consultations")  # a generation exists, as on a portal that has served a page
    # Rendered: the cache read, consultations, organisations and outcomes, and the fragment kept.
    with django_assert_num_queries(9):
        client.get(url("accountability"))
    with django_assert_num_queries(1):
        client.get(url("accountability"))
    for _ in range(4):
        _replied(
            closed_consultation(organisation=OfficerFactory().memberships.get().organisation), days_after_closing=5
        )
    with django_assert_num_queries(9):
        client.get(url("accountability"))
    with django_assert_num_queries(1):
        content = client.get(url("accountability")).content.decode()
    assert content.count('href="/consultations/accountability/partner-') == 5


def test_counts_show_publicly_only_once_the_officer_releases_them(client, officer, closed_with_questions):
    consultation, choice, text = closed_with_questions
    response = _sent(consultation)
    response.answers.create(question=choice, choice="Online")
    response.answers.create(question=text, text="Private words")
    public = url("consultation-detail", consultation.pk)
    assert "Results" not in client.get(public).content.decode()

    client.force_login(officer)
    client.post(url("results-release", consultation.pk))
    client.logout()
    content = client.get(public).content.decode()

    assert '<h2 class="govuk-heading-l">Results</h2>' in content
    assert "How do you book?" in content and "Private words" not in content
    assert "Results published" in content
    assert AuditEvent.objects.filter(action="consultation.results_released", actor=officer).count() == 1


def test_results_cannot_be_released_before_closing(officer, organisation):
    consultation = open_consultation(organisation=organisation)

    with pytest.raises(ValidationError):
        services.release_results(consultation, by=officer)


def test_officer_dashboard_query_count_is_the_same_for_one_and_five(
    client, officer, organisation, django_assert_num_queries
):
    closed_consultation(organisation=organisation)
    client.force_login(officer)
    client.get(reverse("dashboard"))
    # The dashboard holds every rung's panel, so only the growth is this app's to guard.
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard"))
    for _ in range(2):
        open_consultation(organisation=organisation)
        ConsultationFactory(organisation=organisation)
    with django_assert_num_queries(len(one.captured_queries)):
        content = client.get(reverse("dashboard")).content.decode()
    assert content.count('href="/consultations/') >= 5


def test_officer_of_two_organisations_chooses_which_one_asks(client, officer, organisation):
    nhs = OrganisationFactory(kind="nhs", name="Brookshire ICB", slug="brookshire-icb")
    MembershipFactory(user=officer, organisation=nhs)
    client.force_login(officer)
    opens = timezone.localdate() + timedelta(days=7)
    data = {"title": "Wheelchairs", "topic": "health", **date_fields("opens_on", opens)}
    data.update(date_fields("closes_on", opens + timedelta(weeks=8)))

    missing = client.post(url("consultation-create"), data)
    client.post(url("consultation-create"), {**data, "organisation": nhs.pk})

    assert "Choose the organisation that is asking" in missing.content.decode()
    assert Consultation.objects.get().organisation == nhs


def test_preview_for_forum_staff_leads_back_to_the_review(client):
    consultation = ConsultationFactory(status=Consultation.Status.IN_REVIEW)
    QuestionFactory(consultation=consultation)
    client.force_login(ForumStaffFactory())

    content = client.get(url("consultation-preview", consultation.pk)).content.decode()

    assert f'href="{url("consultation-review", consultation.pk)}">Back to the review</a>' in content


def _same_queries(client, path, grow, django_assert_num_queries):
    """The page makes as many queries after ``grow()`` adds rows as before; returns the count."""

    def load():
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)

    load()
    with CaptureQueriesContext(connection) as before:
        load()
    grow()
    with django_assert_num_queries(len(before.captured_queries)):
        load()
    return len(before.captured_queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_is_the_same_for_one_and_five_responses(
    client, officer, closed_with_questions, django_assert_num_queries, fmt
):
    consultation, choice, text = closed_with_questions
    _sent(consultation).answers.create(question=choice, choice="Online")
    client.force_login(officer)

    def grow():
        for _ in range(4):
            _sent(consultation, ParentCarerFactory()).answers.create(question=text, text="More")

    assert _same_queries(client, url("export", consultation.pk, fmt), grow, django_assert_num_queries) > 0


def test_manage_and_reply_pages_query_counts_are_the_same_for_one_and_five_rows(
    client, officer, closed_with_questions, django_assert_num_queries
):
    consultation, _, _ = closed_with_questions
    reply = services.reply_for(consultation)
    services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome="changed")
    client.force_login(officer)

    def more_items():
        for _ in range(4):
            services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome="changed")

    def more_questions():
        for _ in range(4):
            QuestionFactory(consultation=consultation)

    _same_queries(client, url("reply-edit", consultation.pk), more_items, django_assert_num_queries)
    _same_queries(client, url("consultation-manage", consultation.pk), more_questions, django_assert_num_queries)


def test_answers_of_a_withdrawn_consultation_are_kept_and_never_shown(client, officer, organisation):
    consultation = open_consultation(organisation=organisation)
    question = QuestionFactory(consultation=consultation)
    _sent(consultation).answers.create(question=question, choice="Online")
    services.withdraw_consultation(consultation, by=ForumStaffFactory(), reason="Dropped.")
    client.force_login(officer)

    assert client.get(url("results", consultation.pk)).status_code == 404
    assert client.get(url("export", consultation.pk, "csv")).status_code == 404
    assert "answered" not in client.get(url("consultation-detail", consultation.pk)).content.decode()
    assert Answer.objects.filter(question=question).count() == 1
