"""Benchmark data: many consultations in every state, and one busy closed consultation."""

import random
from datetime import timedelta

from django.utils import timezone

from forum_portal.benchdata import BenchJob, BenchPage

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
    _seed_reminders(people, now)
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


# --- The reminder sweep -------------------------------------------------------------------------

REMINDERS_TITLE = "Bench reminders"
REMINDER_CONSULTATIONS = 20


def _seed_reminders(people, now) -> None:
    """Twenty open consultations two days apart in closing; the first closes in a week. A tenth of
    the members answered it and a fiftieth saved a draft."""
    consultations = Consultation.objects.bulk_create(
        Consultation(
            organisation=people.partners[n % len(people.partners)],
            title=f"{REMINDERS_TITLE} {n}",
            summary="A consultation for the reminder benchmark.",
            summary_html='<p class="govuk-body">A consultation for the reminder benchmark.</p>',
            status=Consultation.Status.APPROVED,
            opens_at=now - timedelta(days=21),
            closes_at=now + timedelta(days=7 + 2 * n),
            reply_due_at=now + timedelta(days=7 + 2 * n) + REPLY_DUE_AFTER,
        )
        for n in range(REMINDER_CONSULTATIONS)
    )
    first = consultations[0]
    members = people.members
    Response.objects.bulk_create(
        (
            Response(consultation=first, user=user, status=Response.Status.SUBMITTED, submitted_at=now)
            for user in members[: len(members) // 10]
        ),
        batch_size=BATCH,
    )
    Response.objects.bulk_create(
        (Response(consultation=first, user=user) for user in members[len(members) // 10 :][: len(members) // 50]),
        batch_size=BATCH,
    )


def sweep_closing_soon() -> dict:
    """Find and queue the week-before reminders of the benchmark's consultations, as the first
    sweep after 10:00 on the day they fell due would (inside the look-back window)."""
    from datetime import datetime, time

    from . import reminders

    among = Consultation.objects.filter(title__startswith=REMINDERS_TITLE)
    first = among.order_by("closes_at").first()
    fell_due = first.closes_at - timedelta(days=7)
    moment = timezone.make_aware(datetime.combine(timezone.localdate(fell_due), time(10, 1)))
    if moment < fell_due:
        moment += timedelta(days=1)
    due = reminders.closing_soon_due(moment, among=among)
    queued = reminders.queue_reminders(due)
    again = reminders.closing_soon_due(moment, among=among)
    return {"due": len(due), "queued": queued, "due_on_a_second_run": len(again)}


JOBS = [BenchJob("reminder sweep: closing soon", sweep_closing_soon, max_seconds=10)]
