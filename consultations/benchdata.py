"""Benchmark data: many consultations in every state, and one busy closed consultation."""

import random
from datetime import timedelta

from django.utils import timezone

from forum_portal.benchdata import BenchJob, BenchPage

from .models import REPLY_DUE_AFTER, Answer, Consultation, Question, Reply, ReplyItem, ReplyUpdate, Response, Theme

BUSY_TITLE = "Bench: busy closed consultation"
EXPORT_TITLE = "Bench: consultation with the most answers"
OPEN_TITLE = "Bench: open consultation"
REPLY_TITLE = "Bench: consultation with a published reply"
# Consultations in all (the reminder sweep's twenty and the four named above among them), each
# with QUESTIONS questions; a response answers every question, so answers = responses x 10.
# Large: 5,000 responses to the busy one (its results page), 10,000 to the export one (100,000
# answer rows for the CSV job), 1,000 each to the open and the replied one, and 10 each to 300
# others: 200,000 answers in all.
SIZES = {
    "small": {"consultations": 30, "busy": 40, "export": 100, "open": 10, "reply": 10, "answered": 5, "each": 2},
    "large": {
        "consultations": 2000,
        "busy": 5000,
        "export": 10_000,
        "open": 1000,
        "reply": 1000,
        "answered": 300,
        "each": 10,
    },
}
QUESTIONS = 10
BATCH = 2000

# The questions every benchmark consultation asks, in three sections (three pages to answer).
QUESTION_SET = [
    (
        "About the service",
        Question.Kind.SINGLE_CHOICE,
        "Which service do you use most?",
        "Short breaks\nTherapy\nTransport\nSchool support",
    ),
    ("About the service", Question.Kind.SCALE, "How good is it?", ""),
    ("About the service", Question.Kind.YES_NO, "Did you get the help you needed?", ""),
    (
        "About the service",
        Question.Kind.MULTIPLE_CHOICE,
        "How did you hear of it?",
        "A friend\nThe Local Offer\nSchool\nA professional",
    ),
    ("The proposal", Question.Kind.SINGLE_CHOICE, "Which option do you prefer?", "Option A\nOption B\nNeither"),
    ("The proposal", Question.Kind.SCALE, "How much would it help your family?", ""),
    ("The proposal", Question.Kind.SHORT_TEXT, "In a few words, why?", ""),
    ("The proposal", Question.Kind.YES_NO, "Would you use it?", ""),
    ("Anything else", Question.Kind.LONG_TEXT, "What else should we know?", ""),
    (
        "Anything else",
        Question.Kind.SINGLE_CHOICE,
        "How should we tell you what we did?",
        "Email\nThe forum's newsletter\nA meeting",
    ),
]
WORDS = [
    "transport", "school", "waiting", "therapy", "respite", "letters", "phone", "meeting", "staff",
    "notice", "plan", "review", "support", "parking", "hours", "forms",
]  # fmt: skip


def _consultation(people, n: int, title: str, opens, closes, **fields) -> Consultation:
    return Consultation(
        organisation=people.partners[n % len(people.partners)],
        title=title,
        summary="A consultation made for the benchmark.",
        summary_html='<p class="govuk-body">A consultation made for the benchmark.</p>',
        status=Consultation.Status.APPROVED,
        opens_at=opens,
        closes_at=closes,
        reply_due_at=closes + REPLY_DUE_AFTER,
        **fields,
    )


def _answer(rng: random.Random, response_id: int, question: Question) -> Answer:
    if question.kind in Question.TEXT_KINDS:
        words = " ".join(rng.choice(WORDS) for _ in range(12 if question.kind == Question.Kind.LONG_TEXT else 4))
        return Answer(response_id=response_id, question_id=question.pk, text=f"About {words}.")
    return Answer(response_id=response_id, question_id=question.pk, choice=rng.choice(question.options())[0])


def seed(scale: str, people) -> None:
    now = timezone.now()
    sizes = SIZES[scale]
    rng = random.Random(2026)
    named = [
        _consultation(people, 0, BUSY_TITLE, now - timedelta(weeks=10), now - timedelta(days=1)),
        _consultation(people, 1, EXPORT_TITLE, now - timedelta(weeks=20), now - timedelta(weeks=8)),
        _consultation(
            people, 2, OPEN_TITLE, now - timedelta(weeks=2), now + timedelta(weeks=6), audience="Parent carers"
        ),
        _consultation(
            people, 3, REPLY_TITLE, now - timedelta(weeks=20), now - timedelta(weeks=12), results_released=True
        ),
    ]
    others = []
    for n in range(sizes["consultations"] - len(named) - REMINDER_CONSULTATIONS):
        opens = now + timedelta(days=rng.randint(-400, 30))
        closes = opens + timedelta(weeks=rng.choice([4, 6, 8, 12]))
        others.append(_consultation(people, n, f"Bench consultation {n}", opens, closes))
    consultations = Consultation.objects.bulk_create([*named, *others], batch_size=BATCH)
    consultations += _seed_reminders(people, now)
    busy, export, open_, replied = consultations[:4]

    questions = Question.objects.bulk_create(
        (
            Question(
                consultation=consultation,
                position=position,
                section=section,
                kind=kind,
                text=text,
                choices=choices,
                required=kind not in Question.TEXT_KINDS,
            )
            for consultation in consultations
            for position, (section, kind, text, choices) in enumerate(QUESTION_SET, 1)
        ),
        batch_size=BATCH,
    )
    asked = {}
    for question in questions:
        asked.setdefault(question.consultation_id, []).append(question)

    # Who answers what: members in turn (one response each per consultation), then visitors (the
    # small data set has fewer members than the export consultation has answers).
    members = people.members
    closed = [c for c in others if c.closes_at < now]
    answering = [
        (busy, sizes["busy"]),
        (export, sizes["export"]),
        (open_, sizes["open"]),
        (replied, sizes["reply"]),
        *[(consultation, sizes["each"]) for consultation in closed[: sizes["answered"]]],
    ]
    responses = []
    for consultation, count in answering:
        sent = min(consultation.closes_at, now) - timedelta(days=1)
        responses += [
            Response(
                consultation=consultation,
                user=members[n] if n < len(members) else None,
                email="" if n < len(members) else f"visitor{n}@bench.example.org",
                status=Response.Status.SUBMITTED,
                submitted_at=sent,
                share_name=n % 4 == 0,
                hear_back=n % 2 == 0,
            )
            for n in range(count)
        ]
    # The parent who signs in to the answer form comes back to a draft with the first page answered.
    draft = Response(consultation=open_, user=members[sizes["open"]])
    responses = Response.objects.bulk_create([*responses, draft], batch_size=BATCH)
    first_page = [question for question in asked[open_.pk] if question.section == QUESTION_SET[0][0]]
    Answer.objects.bulk_create(
        (
            _answer(rng, response.pk, question)
            for response in responses
            for question in (asked[response.consultation_id] if response.pk != draft.pk else first_page)
        ),
        batch_size=BATCH,
    )
    _seed_reply(replied, asked[replied.pk], now)
    # Every third closed consultation has a published reply, so the list shows all reply states.
    replies = Reply.objects.bulk_create(Reply(consultation=c, published_at=now) for c in closed[::3])
    ReplyItem.objects.bulk_create(
        ReplyItem(reply=reply, position=1, you_said="More notice", we_did="Done", outcome=ReplyItem.Outcome.CHANGED)
        for reply in replies
    )


def _seed_reply(consultation: Consultation, questions: list[Question], now) -> None:
    """A published "You said, we did" with an item of every outcome, themes tagged on answers
    and progress updates: what the reply page shows at its fullest."""
    themes = Theme.objects.bulk_create(
        Theme(consultation=consultation, name=name) for name in ["Transport", "Waiting times", "Letters"]
    )
    texts = Answer.objects.filter(question__in=[q for q in questions if q.is_text]).values_list("pk", flat=True)
    Tag = Answer.themes.through
    Tag.objects.bulk_create(
        (Tag(answer_id=pk, theme_id=themes[n % len(themes)].pk) for n, pk in enumerate(texts) if n % 3 == 0),
        batch_size=BATCH,
    )
    reply = Reply.objects.create(
        consultation=consultation,
        summary="Thank you to everyone who answered.",
        summary_html='<p class="govuk-body">Thank you to everyone who answered.</p>',
        published_at=consultation.closes_at + timedelta(weeks=4),
    )
    Outcome = ReplyItem.Outcome
    items = ReplyItem.objects.bulk_create(
        [
            ReplyItem(reply=reply, position=1, theme=themes[0], you_said="Buses are late.", we_did="New routes.",
                      outcome=Outcome.CHANGED),
            ReplyItem(reply=reply, position=2, theme=themes[1], you_said="Waiting is too long.", we_did="More staff.",
                      outcome=Outcome.WILL_CHANGE, reason="Staff start in the spring.", owner="Head of service",
                      due_date=(now + timedelta(weeks=12)).date()),
            ReplyItem(reply=reply, position=3, theme=themes[2], you_said="Letters are hard to read.",
                      we_did="Plain English letters.", outcome=Outcome.WILL_CHANGE, reason="Being rewritten.",
                      owner="Communications team", due_date=(now + timedelta(weeks=8)).date()),
            ReplyItem(reply=reply, position=4, you_said="Open on Saturdays.", we_did="Not this year.",
                      outcome=Outcome.NOT_CHANGED, reason="No budget for it this year."),
            ReplyItem(reply=reply, position=5, you_said="One phone number.", we_did="Looking at it.",
                      outcome=Outcome.CONSIDERING, reason="Needs the NHS to agree."),
        ]
    )  # fmt: skip
    ReplyUpdate.objects.bulk_create(
        ReplyUpdate(reply=reply, item=item, text=f"Progress, month {month}.", at=now - timedelta(weeks=4 - month))
        for item in items
        if item.outcome == Outcome.WILL_CHANGE
        for month in (1, 2, 3)
    )


def _named_path(title: str, suffix: str = "") -> str:
    return f"/consultations/{Consultation.objects.get(title=title).pk}/{suffix}"


def _open_consultation_parent():
    """A member who saved a draft of the open consultation and comes back to finish it."""
    response = (
        Response.objects.filter(consultation__title=OPEN_TITLE, status=Response.Status.DRAFT)
        .select_related("user")
        .first()
    )
    return response.user


def _busy_officer():
    from forum_portal.people.models import Membership

    busy = Consultation.objects.get(title=BUSY_TITLE)
    return Membership.objects.filter(organisation_id=busy.organisation_id).select_related("user").first().user


# The answer form is behind sign-in (a parent carer coming back to a draft): its ratio is reported,
# and held to no target, as the issue sets targets for public pages and the results page only.
PAGES = [
    BenchPage("consultation list", lambda: "/consultations/"),
    BenchPage("consultation page", lambda: _named_path(OPEN_TITLE)),
    BenchPage("consultation closed", lambda: _named_path(BUSY_TITLE)),
    BenchPage("answer form", lambda: _named_path(OPEN_TITLE, "answer/"), public=False,
              signed_in_as=_open_consultation_parent),
    BenchPage("results page", lambda: _named_path(BUSY_TITLE, "results/"), public=False, target_ratio=0.3,
              signed_in_as=_busy_officer),
    BenchPage("reply page", lambda: _named_path(REPLY_TITLE)),
    BenchPage("accountability", lambda: "/consultations/accountability/"),
]  # fmt: skip


# --- The reminder sweep -------------------------------------------------------------------------

REMINDERS_TITLE = "Bench reminders"
REMINDER_CONSULTATIONS = 20


def _seed_reminders(people, now) -> list[Consultation]:
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
    return consultations


def sweep_closing_soon() -> dict:
    """Find and queue the week-before reminders of the benchmark's twenty consultations (10,000
    members, 9,000 of them due at large scale), as the first sweep after 10:00 on the day they fell
    due would, and hand them to the workers. The moment is given explicitly, so the run does not
    depend on the clock; ``make bench`` runs it with NOTIFY_QUIET_HOURS empty (quiet hours apply to
    the moment of queueing, which is now) and with its own Redis as the broker."""
    from datetime import datetime, time

    from forum_portal.notify.models import OutgoingEmail

    from . import reminders

    among = Consultation.objects.filter(title__startswith=REMINDERS_TITLE)
    first = among.order_by("closes_at").first()
    # The reminder falls due on a day, not at an hour: 10:01 on the UK day a week before the closing
    # day, whatever the hour the data was seeded at, and across a change of the clocks.
    fell_due = timezone.localdate(first.closes_at) - timedelta(days=7)
    moment = timezone.make_aware(datetime.combine(fell_due, time(10, 1)))
    due = reminders.closing_soon_due(moment, among=among)
    queued = reminders.queue_reminders(due)
    again = reminders.closing_soon_due(moment, among=among)
    handed = OutgoingEmail.objects.filter(kind="consultation_closing_soon", dispatched_at__isnull=False).count()
    figures = {"due": len(due), "queued": queued, "handed_to_workers": handed, "due_on_a_second_run": len(again)}
    if handed < queued:
        figures["problems"] = [f"only {handed} of {queued} handed to workers (quiet hours, or no broker)"]
    return figures


def _export(title: str) -> dict:
    """The officers' CSV download of every answer to a consultation, through the view, read to the
    end as a browser would and thrown away chunk by chunk."""
    from django.test import Client

    from forum_portal.people.models import Membership

    consultation = Consultation.objects.get(title=title)
    officer = Membership.objects.filter(organisation_id=consultation.organisation_id).select_related("user").first()
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(officer.user)
    response = client.get(f"/consultations/{consultation.pk}/results/export.csv")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    answers = Answer.objects.filter(question__consultation=consultation, response__status="submitted").count()
    return {
        "status": response.status_code,
        "answers": answers,
        "csv_rows": lines - 1,
        "megabytes": round(size / 2**20, 1),
    }


EXPORT_MOST = "csv export: most answers"
EXPORT_BUSY = "csv export: busy consultation"

JOBS = [
    BenchJob("reminder sweep: closing soon", sweep_closing_soon, max_seconds=10, max_queries=200),
    # Run in processes of their own, so each peak is its own: twice the rows must not take more memory.
    BenchJob(EXPORT_BUSY, lambda: _export(BUSY_TITLE), max_seconds=10, max_rss_mb=200),
    BenchJob(
        EXPORT_MOST,
        lambda: _export(EXPORT_TITLE),
        max_seconds=10,
        max_rss_mb=200,
        flat_memory_against=EXPORT_BUSY,
    ),
]
