"""Benchmark data: many consultations in every state, and one busy closed consultation."""

import random
from datetime import timedelta

from django.utils import timezone

from forum_portal.benchdata import BenchPage

from .models import REPLY_DUE_AFTER, Answer, Consultation, Question, Reply, ReplyItem, Response

BUSY_TITLE = "Bench: busy closed consultation"
SIZES = {"small": {"consultations": 20, "busy_answers": 40}, "large": {"consultations": 400, "busy_answers": 5000}}
BATCH = 2000


def seed(scale: str, people) -> None:
    now = timezone.now()
    sizes = SIZES[scale]
    consultations = []
    for n in range(sizes["consultations"]):
        opens = now + timedelta(days=random.randint(-200, 30))
        closes = opens + timedelta(weeks=random.choice([4, 6, 8, 12]))
        consultations.append(
            Consultation(
                organisation=people.partners[n % len(people.partners)],
                title=f"Bench consultation {n}",
                summary="A consultation made for the benchmark.",
                summary_html='<p class="govuk-body">A consultation made for the benchmark.</p>',
                status=Consultation.Status.APPROVED,
                opens_at=opens,
                closes_at=closes,
                reply_due_at=closes + REPLY_DUE_AFTER,
            )
        )
    busy = Consultation(
        organisation=people.partners[0],
        title=BUSY_TITLE,
        summary="The busiest consultation.",
        summary_html='<p class="govuk-body">The busiest consultation.</p>',
        status=Consultation.Status.APPROVED,
        opens_at=now - timedelta(weeks=10),
        closes_at=now - timedelta(days=1),
        reply_due_at=now - timedelta(days=1) + REPLY_DUE_AFTER,
    )
    consultations = Consultation.objects.bulk_create([*consultations, busy], batch_size=BATCH)
    busy = consultations[-1]
    choice, scale_question, text = Question.objects.bulk_create(
        [
            Question(consultation=busy, position=1, kind=Question.Kind.SINGLE_CHOICE, text="Which?", choices="A\nB\nC"),
            Question(consultation=busy, position=2, kind=Question.Kind.SCALE, text="How good?"),
            Question(consultation=busy, position=3, kind=Question.Kind.LONG_TEXT, text="Tell us more"),
        ]
    )
    members = people.members[: sizes["busy_answers"]]
    responses = Response.objects.bulk_create(
        (
            Response(consultation=busy, user=user, status=Response.Status.SUBMITTED, submitted_at=now)
            for user in members
        ),
        batch_size=BATCH,
    )
    Answer.objects.bulk_create(
        (
            answer
            for response in responses
            for answer in (
                Answer(response=response, question=choice, choice=random.choice("ABC")),
                Answer(response=response, question=scale_question, choice=str(random.randint(1, 5))),
                Answer(response=response, question=text, text="Some words about the service."),
            )
        ),
        batch_size=BATCH,
    )
    # Every third closed consultation has a published reply, so the list shows all reply states.
    closed = [c for c in consultations[:-1] if c.closes_at < now][::3]
    replies = Reply.objects.bulk_create(Reply(consultation=c, published_at=now) for c in closed)
    ReplyItem.objects.bulk_create(
        ReplyItem(reply=reply, position=1, you_said="More notice", we_did="Done", outcome=ReplyItem.Outcome.CHANGED)
        for reply in replies
    )


def _busy_path(suffix: str) -> str:
    busy = Consultation.objects.get(title=BUSY_TITLE)
    return f"/consultations/{busy.pk}/{suffix}"


# The officers' results page needs a two-factor sign-in, which bench_queries does not make; its
# query count is held flat from 10 to 1,000 answers by tests/consultations/test_views.py instead.
PAGES = [
    BenchPage("consultation list", lambda: "/consultations/"),
    BenchPage("consultation closed", lambda: _busy_path("")),
]
