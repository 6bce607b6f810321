"""Demo consultations: one open, one closed and waiting for its reply, one with its
"You said, we did" published, and this year's Local Offer feedback.

Safe to run again: each is looked up first."""

from datetime import timedelta

from django.utils import timezone

from . import services
from .models import Answer, Consultation, Question, ReplyItem, Response

OPEN_TITLE = "Short breaks: how you book them"
AWAITING_TITLE = "Speech and language therapy waiting times"
REPLIED_TITLE = "Home to school transport"


def seed(people) -> None:
    now = timezone.now()
    _open(people, now)
    _awaiting_reply(people, now)
    _replied(people, now)
    _local_offer(people, now)


def _consultation(people, organisation, officer, title, *, opens_at, closes_at, questions, **fields):
    """The consultation, made and approved through the services the first time only."""
    existing = Consultation.objects.filter(organisation=organisation, title=title).first()
    if existing is not None:
        return existing, False
    consultation = services.create_consultation(
        organisation=organisation, by=officer, title=title, opens_at=opens_at, closes_at=closes_at, **fields
    )
    for question in questions:
        services.add_question(consultation, **question)
    services.submit_for_review(consultation, by=officer)
    services.approve_consultation(consultation, by=people.staff)
    consultation.refresh_from_db()
    return consultation, True


def _answer(consultation, user, values: dict, *, at, share_name=False, hear_back=True):
    response = Response.objects.create(
        consultation=consultation,
        user=user,
        status=Response.Status.SUBMITTED,
        submitted_at=at,
        share_name=share_name,
        hear_back=hear_back,
    )
    for question, value in zip(consultation.questions.all(), values, strict=False):
        if value is None:
            continue
        for one in value if isinstance(value, list) else [value]:
            if question.is_text:
                Answer.objects.create(response=response, question=question, text=one)
            else:
                Answer.objects.create(response=response, question=question, choice=one)
    return response


BOOKING_QUESTIONS = [
    {
        "kind": Question.Kind.SINGLE_CHOICE,
        "text": "How would you like to book short breaks?",
        "choices": "Online\nBy phone\nIn person",
    },
    {
        "kind": Question.Kind.SCALE,
        "text": "How easy is booking now?",
        "scale_low_label": "Very hard",
        "scale_high_label": "Very easy",
    },
    {"kind": Question.Kind.LONG_TEXT, "text": "What would make booking easier?", "required": False},
]


def _open(people, now):
    consultation, created = _consultation(
        people,
        people.council,
        people.council_officer,
        OPEN_TITLE,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(weeks=5),
        topic="social_care",
        summary="We want to make booking short breaks simpler. Tell us how you book now and what would help.",
        proposal="Move booking to a new online system, with help by phone for anyone who needs it.",
        options=(
            "We also looked at keeping the paper forms (rejected: slow and easy to lose) "
            "and booking only by phone (rejected: long waits)."
        ),
        audience="Families of disabled children who use, or could use, short breaks",
        allows_visitors=True,
        questions=BOOKING_QUESTIONS,
    )
    if created:
        _answer(consultation, people.parents[1], ["Online", "2", "Evening sessions book up in minutes."], at=now)


def _awaiting_reply(people, now):
    questions = [
        {"kind": Question.Kind.YES_NO, "text": "Has your child waited more than 18 weeks for therapy?"},
        {
            "kind": Question.Kind.MULTIPLE_CHOICE,
            "text": "What would help while you wait?",
            "choices": "Drop-in sessions\nAdvice line\nResources to use at home",
        },
        {"kind": Question.Kind.LONG_TEXT, "text": "Tell us about waiting", "required": False},
    ]
    consultation, created = _consultation(
        people,
        people.nhs,
        people.nhs_officer,
        AWAITING_TITLE,
        opens_at=now - timedelta(weeks=9),
        closes_at=now - timedelta(days=5),
        topic="health",
        summary="Children wait too long for speech and language therapy. We want to know what would help.",
        proposal="Offer support while families wait, and change how referrals are prioritised.",
        options=(
            "More therapists (not possible this year: we cannot recruit them); a private provider (rejected: cost)."
        ),
        questions=questions,
    )
    if created:
        texts = [
            "Nobody told us how long it would be.",
            "The advice line would really help.",
            None,
            None,
            "We paid privately in the end.",
        ]
        for index, parent in enumerate(people.parents):
            _answer(
                consultation,
                parent,
                ["yes" if index % 3 else "no", ["Advice line", "Drop-in sessions"][: 1 + index % 2], texts[index]],
                at=now - timedelta(weeks=2),
                share_name=index == 0,
            )


def _replied(people, now):
    questions = [
        {
            "kind": Question.Kind.SINGLE_CHOICE,
            "text": "Should pick-up times be shared a day ahead?",
            "choices": "Yes\nNo\nNot sure",
        },
        {"kind": Question.Kind.LONG_TEXT, "text": "What else should change?", "required": False},
    ]
    consultation, created = _consultation(
        people,
        people.council,
        people.council_officer,
        REPLIED_TITLE,
        opens_at=now - timedelta(weeks=20),
        closes_at=now - timedelta(weeks=12),
        topic="transport",
        summary="We asked how home to school transport could work better for children with SEND.",
        proposal="Share pick-up times a day ahead and keep the same drivers where we can.",
        options="Personal travel budgets for every family (kept as an option, not for everyone).",
        questions=questions,
    )
    if not created:
        return
    for index, parent in enumerate(people.parents):
        _answer(
            consultation,
            parent,
            ["Yes" if index < 4 else "Not sure", "Same driver every day."],
            at=now - timedelta(weeks=14),
        )
    theme = services.create_theme(consultation, name="Same driver")
    theme.answers.set(Answer.objects.filter(question__consultation=consultation, text__startswith="Same driver"))
    reply = services.reply_for(consultation)
    officer = people.council_officer
    services.save_reply_summary(reply, summary="Five families answered. Thank you.", by=officer)
    services.save_reply_item(
        reply,
        by=officer,
        you_said="Tell us pick-up times a day ahead.",
        we_did="Pick-up times are now texted by 4pm the day before.",
        outcome=ReplyItem.Outcome.CHANGED,
    )
    services.save_reply_item(
        reply,
        by=officer,
        theme=theme,
        you_said="Keep the same driver every day.",
        we_did="We will keep the same driver on each route from September.",
        outcome=ReplyItem.Outcome.WILL_CHANGE,
        reason="Contracts with the taxi firms change in September; we cannot change them sooner.",
        owner="Transport commissioning team",
        due_date=(now + timedelta(weeks=30)).date(),
    )
    services.save_reply_item(
        reply,
        by=officer,
        you_said="Give every family a travel budget.",
        we_did="We kept travel budgets as a choice, not for everyone.",
        outcome=ReplyItem.Outcome.NOT_CHANGED,
        reason="Some families told us a budget would not work for them, so it stays optional.",
    )
    services.publish_reply(reply, by=officer, now=now - timedelta(weeks=2))


def _local_offer(people, now):
    """This year's Local Offer feedback, with one comment of each moderation decision."""
    if Consultation.objects.filter(organisation=people.council, kind=Consultation.Kind.LOCAL_OFFER).exists():
        return
    round_ = services.start_local_offer_round(
        organisation=people.council, by=people.staff, now=now - timedelta(days=60)
    )
    comments = [
        ("accessibility", "The search does not find short breaks unless you know the exact name.", "publishable", ""),
        ("missing", "There is nothing about holiday clubs for older children.", "publishable", ""),
        (
            "content",
            "My daughter's school will not give her the support in her plan.",
            "individual",
            "About one child's school place; passed to the forum's helpline.",
        ),
        ("development", "Parents were asked what to include last spring, which helped.", "pending", ""),
    ]
    for aspect, text, decision, reason in comments:
        comment = services.add_local_offer_comment(round_, aspect=aspect, text=text, user=people.parents[2])
        if decision != "pending":
            services.moderate_comment(comment, decision=decision, reason=reason, by=people.staff)
