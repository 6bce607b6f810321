from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from consultations import services
from consultations.models import (
    Answer,
    Consultation,
    ConsultationEvent,
    Question,
    Reply,
    ReplyItem,
    ReplyUpdate,
    Response,
)
from forum_portal.audit.models import AuditEvent
from forum_portal.notify.models import OutgoingEmail
from tests.factories import ForumStaffFactory, OfficerFactory, OrganisationFactory, ParentCarerFactory
from tests.factories.consultations import (
    ConsultationFactory,
    QuestionFactory,
    closed_consultation,
    open_consultation,
)

pytestmark = pytest.mark.django_db


def test_create_consultation_renders_markdown_and_sets_reply_due_twelve_weeks_after_closing():
    officer = OfficerFactory()
    organisation = officer.memberships.get().organisation
    closes = timezone.now() + timedelta(weeks=7)

    consultation = services.create_consultation(
        organisation=organisation,
        by=officer,
        title="Short breaks",
        summary="**Short breaks** are changing.",
        opens_at=timezone.now(),
        closes_at=closes,
    )

    assert consultation.status == Consultation.Status.DRAFT
    assert consultation.summary_html == '<p class="govuk-body"><strong>Short breaks</strong> are changing.</p>'
    assert consultation.reply_due_at == closes + timedelta(weeks=12)
    assert list(consultation.events.values_list("action", "by")) == [("created", officer.pk)]


def test_submit_for_review_blocks_without_summary_question_and_valid_dates():
    consultation = ConsultationFactory(summary="", opens_at=None, closes_at=None)

    with pytest.raises(ValidationError) as error:
        services.submit_for_review(consultation, by=OfficerFactory())

    assert error.value.messages == [
        "Write a plain-English summary.",
        "Add at least one question.",
        "Give the opening and closing dates.",
    ]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.DRAFT


def test_submit_for_review_moves_a_complete_draft_into_review_and_records_it():
    question = QuestionFactory()
    officer = OfficerFactory()

    services.submit_for_review(question.consultation, by=officer)

    consultation = Consultation.objects.get(pk=question.consultation.pk)
    assert consultation.status == Consultation.Status.IN_REVIEW
    assert consultation.events.last().action == ConsultationEvent.Action.SUBMITTED
    assert AuditEvent.objects.filter(action="consultation.submitted", actor=officer).count() == 1


def test_return_consultation_needs_comments_and_makes_it_a_draft_again():
    consultation = ConsultationFactory(status=Consultation.Status.IN_REVIEW)
    staff = ForumStaffFactory()

    with pytest.raises(ValidationError):
        services.return_consultation(consultation, by=staff, comments="  ")
    services.return_consultation(consultation, by=staff, comments="Say what the options are.")

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.DRAFT
    assert consultation.review_comments == "Say what the options are."
    assert consultation.events.last().note == "Say what the options are."


def test_approve_only_from_review():
    consultation = ConsultationFactory()

    with pytest.raises(ValidationError):
        services.approve_consultation(consultation, by=ForumStaffFactory())

    consultation.status = Consultation.Status.IN_REVIEW
    consultation.save()
    services.approve_consultation(consultation, by=ForumStaffFactory())
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.APPROVED
    assert consultation.phase() == "upcoming"


def test_phase_follows_the_clock_without_any_job():
    consultation = open_consultation()
    now = timezone.now()

    assert consultation.phase(now - timedelta(days=2)) == "upcoming"
    assert consultation.phase(now) == "open"
    assert consultation.phase(consultation.closes_at) == "closed"
    assert list(Consultation.objects.open_at(now)) == [consultation]
    assert list(Consultation.objects.closed_at(consultation.closes_at)) == [consultation]


def test_withdraw_needs_a_reason_and_a_consultation_not_yet_closed():
    staff = ForumStaffFactory()
    live = open_consultation()
    closed = closed_consultation()

    with pytest.raises(ValidationError):
        services.withdraw_consultation(closed, by=staff, reason="Plans changed.")
    services.withdraw_consultation(live, by=staff, reason="Plans changed.")

    live.refresh_from_db()
    assert (live.status, live.withdrawn_reason) == (Consultation.Status.WITHDRAWN, "Plans changed.")


def test_questions_only_change_while_draft_and_move_renumbers():
    consultation = ConsultationFactory()
    first = services.add_question(consultation, kind=Question.Kind.YES_NO, text="First?")
    second = services.add_question(consultation, kind=Question.Kind.LONG_TEXT, text="Second?")

    services.move_question(second, up=True)

    assert list(consultation.questions.values_list("text", "position")) == [("Second?", 1), ("First?", 2)]
    consultation.status = Consultation.Status.IN_REVIEW
    consultation.save()
    with pytest.raises(ValidationError):
        services.add_question(consultation, kind=Question.Kind.YES_NO, text="Third?")
    with pytest.raises(ValidationError):
        services.delete_question(Question.objects.get(pk=first.pk))


def _answer(consultation, user=None, **answers):
    response = services.start_response(consultation, user=user)
    services.save_answers(response, answers=answers)
    return response


def test_submit_response_keeps_answers_sends_a_receipt_and_allows_changes_until_closing(
    django_capture_on_commit_callbacks,
):
    consultation = open_consultation()
    choice = QuestionFactory(consultation=consultation)
    many = QuestionFactory(consultation=consultation, kind=Question.Kind.MULTIPLE_CHOICE, required=False)
    parent = ParentCarerFactory()

    response = services.start_response(consultation, user=parent)
    services.save_answers(response, answers={choice: "Online", many: ["Online", "By phone"]})
    services.submit_response(response, share_name=True, hear_back=True)
    services.save_answers(response, answers={choice: "In person"})
    services.submit_response(response, share_name=False, hear_back=True)

    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert response.share_name is False
    assert sorted(response.answers.values_list("choice", flat=True)) == ["By phone", "In person", "Online"]
    receipts = OutgoingEmail.objects.filter(kind="consultation_receipt", recipient=parent.email)
    assert receipts.count() == 2
    assert "In person" in receipts.order_by("pk").last().body_text
    assert services.start_response(consultation, user=parent) == response


def test_submit_response_refuses_after_closing_but_keeps_the_draft():
    consultation = open_consultation()
    question = QuestionFactory(consultation=consultation)
    response = _answer(consultation, ParentCarerFactory(), **{})
    services.save_answers(response, answers={question: "Online"})

    with pytest.raises(services.ConsultationClosedError):
        services.submit_response(response, share_name=False, hear_back=False, now=consultation.closes_at)

    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT
    assert list(response.answers.values_list("choice", flat=True)) == ["Online"]


def test_submit_response_needs_every_required_question():
    consultation = open_consultation()
    QuestionFactory(consultation=consultation, text="How do you book?")
    response = services.start_response(consultation, user=ParentCarerFactory())

    with pytest.raises(ValidationError) as error:
        services.submit_response(response, share_name=False, hear_back=False)

    assert error.value.messages == ["Answer the question: How do you book?"]


def test_one_response_per_member_is_a_database_rule():
    consultation = open_consultation()
    parent = ParentCarerFactory()
    Response.objects.create(consultation=consultation, user=parent)

    with pytest.raises(IntegrityError):
        Response.objects.create(consultation=consultation, user=parent)


def test_visitor_receipt_goes_to_the_address_they_left(django_capture_on_commit_callbacks):
    consultation = open_consultation(allows_visitors=True)
    question = QuestionFactory(consultation=consultation, kind=Question.Kind.SHORT_TEXT)
    response = services.start_response(consultation, user=None)
    services.save_answers(response, answers={question: "Evenings are best"})

    services.submit_response(response, share_name=False, hear_back=True, email="Visitor@Example.org")

    email = OutgoingEmail.objects.get(kind="consultation_receipt")
    assert email.recipient == "visitor@example.org"
    assert "Evenings are best" in email.body_text


def test_reply_item_needs_a_reason_unless_changed():
    consultation = closed_consultation()
    reply = services.reply_for(consultation)
    officer = OfficerFactory()

    with pytest.raises(ValidationError) as error:
        services.save_reply_item(
            reply, by=officer, you_said="Phone booking", we_did="Kept online", outcome=ReplyItem.Outcome.NOT_CHANGED
        )
    assert "Give the reason unless the outcome is “changed”." in error.value.messages

    with pytest.raises(ValidationError):
        services.save_reply_item(
            reply, by=officer, you_said="X", we_did="Y", outcome=ReplyItem.Outcome.WILL_CHANGE, reason="Soon"
        )
    item = services.save_reply_item(
        reply, by=officer, you_said="More evenings", we_did="Added evenings", outcome=ReplyItem.Outcome.CHANGED
    )
    assert item.position == 1


def test_publish_reply_notifies_those_who_asked_and_later_changes_show_as_updates(
    django_capture_on_commit_callbacks,
):
    consultation = closed_consultation()
    question = QuestionFactory(consultation=consultation)
    listener, quiet = ParentCarerFactory(), ParentCarerFactory()
    for parent, hear_back in [(listener, True), (quiet, False)]:
        Response.objects.create(
            consultation=consultation,
            user=parent,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
            hear_back=hear_back,
        )
    Answer.objects.create(response=consultation.responses.first(), question=question, choice="Online")
    officer = OfficerFactory()
    reply = services.reply_for(consultation)
    with pytest.raises(ValidationError):
        services.publish_reply(reply, by=officer)
    item = services.save_reply_item(
        reply,
        by=officer,
        you_said="Phone booking",
        we_did="We kept online booking",
        outcome=ReplyItem.Outcome.NOT_CHANGED,
        reason="The phone line costs too much.",
    )
    assert ReplyUpdate.objects.count() == 0

    services.publish_reply(reply, by=officer)
    services.save_reply_item(reply, by=officer, item=item, we_did="We kept online booking, with help by phone")

    assert list(OutgoingEmail.objects.filter(kind="consultation_reply").values_list("recipient", flat=True)) == [
        listener.email
    ]
    assert list(consultation.events.values_list("action", flat=True)) == ["reply_published", "reply_corrected"]
    assert ReplyUpdate.objects.get().text == (
        "An item was corrected (“Phone booking”). We did was “We kept online booking”, "
        "now “We kept online booking, with help by phone”."
    )
    with pytest.raises(ValidationError):
        services.publish_reply(reply, by=officer)


def test_a_correction_names_each_field_it_changed_and_an_unchanged_save_adds_none():
    consultation = closed_consultation()
    officer = OfficerFactory()
    reply = services.reply_for(consultation)
    item = services.save_reply_item(
        reply, by=officer, you_said="Longer hours", we_did="Nothing yet", outcome="considering", reason="Costs"
    )
    services.save_reply_summary(reply, summary="First words", by=officer)
    services.publish_reply(reply, by=officer)

    services.save_reply_item(reply, by=officer, item=item, you_said="Longer hours")  # nothing changes
    services.save_reply_item(
        reply,
        by=officer,
        item=item,
        outcome="will_change",
        owner="Play team",
        due_date=date(2027, 3, 1),
        reason="Funded from April",
    )
    services.save_reply_summary(reply, summary="Second words", by=officer)

    assert list(reply.updates.values_list("text", flat=True)) == [
        "An item was corrected (“Longer hours”). The outcome was “Still considering”, now “Will change”; "
        "Why was “Costs”, now “Funded from April”; Who was “none”, now “Play team”; "
        "By when was “none”, now “1 March 2027”.",
        "The summary was corrected. It said: “First words”",
    ]


def test_progress_updates_only_on_will_change_items_of_a_published_reply():
    consultation = closed_consultation()
    officer = OfficerFactory()
    reply = services.reply_for(consultation)
    kept = services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome="not_changed", reason="C")
    coming = services.save_reply_item(
        reply,
        by=officer,
        you_said="D",
        we_did="E",
        outcome="will_change",
        reason="F",
        owner="G",
        due_date=date(2027, 3, 1),
    )

    with pytest.raises(ValidationError, match="Progress updates follow publication."):
        services.add_progress_update(coming, text="Started", by=officer)
    services.publish_reply(reply, by=officer)
    with pytest.raises(ValidationError, match="Progress updates are for “will change” items."):
        services.add_progress_update(kept, text="Nothing to add", by=officer)
    services.add_progress_update(coming, text="Started", by=officer)

    assert list(ReplyUpdate.objects.filter(item__isnull=False).values_list("item__you_said", "text")) == [
        ("D", "Started")
    ]


def test_anonymise_responses_keeps_the_answers_without_the_person():
    consultation = open_consultation()
    parent = ParentCarerFactory()
    response = Response.objects.create(consultation=consultation, user=parent, share_name=True)

    services.anonymise_responses(parent)

    response.refresh_from_db()
    assert (response.user, response.share_name, response.respondent_name()) == (None, False, "A parent carer")


def test_tag_answer_refuses_a_theme_of_another_consultation():
    consultation = closed_consultation()
    other = closed_consultation(organisation=OrganisationFactory())
    question = QuestionFactory(consultation=consultation, kind=Question.Kind.LONG_TEXT)
    response = Response.objects.create(consultation=consultation)
    answer = Answer.objects.create(response=response, question=question, text="Too far to travel")

    with pytest.raises(ValidationError):
        services.tag_answer(answer, themes=[services.create_theme(other, name="Travel")])
    services.tag_answer(answer, themes=[services.create_theme(consultation, name="  Travel  time ")])

    assert list(answer.themes.values_list("name", flat=True)) == ["Travel time"]


def test_reply_email_waits_for_the_end_of_quiet_hours():
    consultation = closed_consultation()
    parent = ParentCarerFactory()
    Response.objects.create(
        consultation=consultation, user=parent, status="submitted", submitted_at=timezone.now(), hear_back=True
    )
    officer = OfficerFactory()
    reply = services.reply_for(consultation)
    services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome=ReplyItem.Outcome.CHANGED)
    uk = ZoneInfo("Europe/London")

    evening = (timezone.now() + timedelta(days=2)).astimezone(uk).date()

    with time_machine.travel(datetime.combine(evening, time(22, 30), tzinfo=uk)):
        services.publish_reply(reply, by=officer)

    email = OutgoingEmail.objects.get(kind="consultation_reply")
    assert email.not_before == datetime.combine(evening + timedelta(days=1), time(8, 0), tzinfo=uk)
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_extending_moves_the_closing_and_reply_dates_and_says_why_publicly():
    consultation = open_consultation(closes_at=datetime(2027, 3, 10, 23, 59, tzinfo=ZoneInfo("Europe/London")))
    officer = OfficerFactory(membership__organisation=consultation.organisation)
    later = datetime(2027, 3, 24, 23, 59, tzinfo=ZoneInfo("Europe/London"))

    with pytest.raises(ValidationError, match="Give the reason"):
        services.extend_consultation(consultation, closes_at=later, reason=" ", by=officer)
    with pytest.raises(ValidationError, match="must be after the current one"):
        services.extend_consultation(consultation, closes_at=consultation.closes_at, reason="More time", by=officer)
    services.extend_consultation(consultation, closes_at=later, reason="Half term got in the way.", by=officer)

    consultation.refresh_from_db()
    assert (consultation.closes_at, consultation.reply_due_at) == (later, later + timedelta(weeks=12))
    event = consultation.events.get(action=ConsultationEvent.Action.EXTENDED)
    assert (event.by, event.note) == (
        officer,
        "It now closes on 24 March 2027 instead of 10 March 2027. Half term got in the way.",
    )
    assert AuditEvent.objects.filter(action="consultation.extended").count() == 1


def test_a_closed_or_withdrawn_consultation_cannot_be_extended():
    staff = ForumStaffFactory()
    withdrawn = open_consultation()
    Consultation.objects.filter(pk=withdrawn.pk).update(status=Consultation.Status.WITHDRAWN)
    for consultation in [closed_consultation(), withdrawn]:
        with pytest.raises(ValidationError, match="Only an upcoming or open consultation can be extended."):
            services.extend_consultation(
                consultation, closes_at=timezone.now() + timedelta(weeks=10), reason="Longer", by=staff
            )


def test_answers_lose_their_link_to_the_person_two_years_after_the_reply(settings):
    now = timezone.now()
    settings.RETAIN_ANSWER_LINK = timedelta(days=730)
    officer = OfficerFactory()

    def answered(closes_at, *, published_at=None):
        consultation = closed_consultation(opens_at=closes_at - timedelta(weeks=8), closes_at=closes_at)
        response = Response.objects.create(
            consultation=consultation,
            user=ParentCarerFactory(),
            email="",
            share_name=True,
            hear_back=True,
            status=Response.Status.SUBMITTED,
            submitted_at=closes_at,
        )
        if published_at:
            reply = services.reply_for(consultation)
            services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome="changed")
            Reply.objects.filter(pk=reply.pk).update(published_at=published_at)
        return response

    old_reply = answered(now - timedelta(days=900), published_at=now - timedelta(days=731))
    recent_reply = answered(now - timedelta(days=900), published_at=now - timedelta(days=700))
    never_replied = answered(now - timedelta(days=1000))  # its reply was due 916 days ago
    still_waiting = answered(now - timedelta(days=30))

    assert services.unlink_old_answers(now=now) == 2
    assert services.unlink_old_answers(now=now) == 0

    def link(response):
        response.refresh_from_db()
        return (response.user_id is not None, response.share_name, response.hear_back)

    assert [link(r) for r in (old_reply, never_replied)] == [(False, False, False)] * 2
    assert [link(r) for r in (recent_reply, still_waiting)] == [(True, True, True)] * 2
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 4  # the answers themselves stay
