"""Reads for consultations, with their joins, and the results computed in the database."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from statistics import median

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from forum_portal import fragments
from forum_portal.people.models import AgeBand, NeedCategory, Organisation

from .models import Answer, Consultation, LocalOfferComment, Phase, Question, Reply, ReplyItem, Response, Theme

SMALLEST_GROUP = 5


def public_consultations(*, phase: str = "", organisation: str = "", topic: str = "", now=None) -> QuerySet:
    """The consultations anyone may see, newest first, filtered as asked."""
    now = now or timezone.now()
    consultations = Consultation.objects.public().select_related("organisation", "reply")
    if phase in (Phase.UPCOMING, Phase.OPEN, Phase.CLOSED, Phase.WITHDRAWN):
        consultations = consultations.with_phase(phase, now)
    if organisation:
        consultations = consultations.filter(organisation__slug=organisation)
    if topic:
        consultations = consultations.filter(topic=topic)
    return consultations.order_by("-opens_at", "-pk")


def consultation_for(user, pk: int, perm: str) -> Consultation:
    """The consultation if ``user`` has ``perm`` on it; 404 otherwise, so that what someone may not
    see does not even seem to exist. The reply comes along: the status line of a closed one shows
    its state. The row is kept while nothing in consultations or people (its organisation) changes."""
    consultation = fragments.kept(
        f"consultation:{pk}", partial(_consultation_row, pk), sources=("consultations", "people")
    )
    if consultation is None or not user.has_perm(perm, consultation):
        raise Http404
    return consultation


def _consultation_row(pk):
    return Consultation.objects.select_related("organisation", "reply").filter(pk=pk).first()


def consultations_of(user) -> QuerySet:
    """Every consultation of the organisations the officer works for, with their answer counts."""
    return (
        Consultation.objects.filter(organisation__memberships__user=user)
        .exclude(organisation__kind="forum")
        .select_related("organisation", "reply")
        .annotate(answer_count=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)))
        .order_by("-created_at", "-pk")
    )


def review_queue() -> QuerySet:
    """Consultations waiting for the forum's review, oldest first."""
    return (
        Consultation.objects.filter(status=Consultation.Status.IN_REVIEW)
        .select_related("organisation")
        .order_by("updated_at", "pk")
    )


def history_of(consultation: Consultation) -> QuerySet:
    return consultation.events.select_related("by").order_by("at", "pk")


def submitted_count(consultation: Consultation) -> int:
    return consultation.responses.filter(status=Response.Status.SUBMITTED).count()


def published_reply(consultation: Consultation) -> Reply | None:
    """The published reply with its items, themes (and how many raised each) and updates."""
    reply = (
        Reply.objects.filter(consultation=consultation, published_at__isnull=False)
        .prefetch_related("updates", "items__updates")
        .first()
    )
    if reply is None:
        return None
    reply.grouped_items = items_by_outcome(reply)
    return reply


def raised_count(prefix: str = "") -> Count:
    """How many sent answers, or on Local Offer feedback publishable comments, are tagged with the
    theme at ``prefix`` ("" for a Theme, "theme__" for a reply item). A consultation has answers
    or comments, never both, so the two joins never multiply each other's rows."""
    answers = Q(**{f"{prefix}answers__response__status": Response.Status.SUBMITTED})
    comments = Q(**{f"{prefix}comments__moderation": LocalOfferComment.Moderation.PUBLISHABLE})
    return Count(f"{prefix}answers", filter=answers, distinct=True) + Count(
        f"{prefix}comments", filter=comments, distinct=True
    )


def reply_items(reply: Reply) -> list:
    """The items with their theme and the number of sent answers (or comments) tagged with it."""
    return list(
        reply.items.select_related("theme").annotate(theme_count=raised_count("theme__")).prefetch_related("updates")
    )


def items_by_outcome(reply: Reply) -> list[tuple[str, list]]:
    groups = defaultdict(list)
    for item in reply_items(reply):
        groups[item.outcome].append(item)
    return [(label, groups[value]) for value, label in ReplyItem.Outcome.choices if groups[value]]


def response_of(consultation: Consultation, *, user, session_response_id: int | None) -> Response | None:
    """The person's own response: by account for members, by the id kept in the session for visitors."""
    if user.is_authenticated:
        return Response.objects.filter(consultation=consultation, user=user).first()
    if session_response_id:
        return Response.objects.filter(consultation=consultation, pk=session_response_id, user__isnull=True).first()
    return None


def answers_by_question(response: Response) -> dict[int, list[Answer]]:
    answers = defaultdict(list)
    for answer in response.answers.all():
        answers[answer.question_id].append(answer)
    return answers


# --- Results -------------------------------------------------------------------------------------


@dataclass
class OptionCount:
    value: str
    label: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)


def question_results(consultation: Consultation) -> list[QuestionResult]:
    """Counts and percentages per option of every choice question, from one GROUP BY query.

    A percentage is of the people who answered that question (multiple choice adds to over 100).
    """
    questions = list(consultation.questions.all())
    counts = defaultdict(dict)
    answered = defaultdict(int)
    submitted = Answer.objects.filter(question__consultation=consultation, response__status=Response.Status.SUBMITTED)
    for row in submitted.values("question_id", "choice").annotate(n=Count("id")).order_by():
        counts[row["question_id"]][row["choice"]] = row["n"]
    for row in submitted.values("question_id").annotate(n=Count("response_id", distinct=True)).order_by():
        answered[row["question_id"]] = row["n"]
    results = []
    for question in questions:
        result = QuestionResult(question=question, answered=answered[question.pk])
        for value, label in question.options():
            count = counts[question.pk].get(value, 0)
            percent = round(100 * count / result.answered) if result.answered else 0
            result.options.append(OptionCount(value, label, count, percent))
        results.append(result)
    return results


def text_answers(consultation: Consultation, *, search: str = "", theme: int | None = None) -> QuerySet:
    """Free-text answers that were sent, newest question order, with their themes and respondent."""
    answers = (
        Answer.objects.filter(
            question__consultation=consultation,
            question__kind__in=Question.TEXT_KINDS,
            response__status=Response.Status.SUBMITTED,
        )
        .select_related("question", "response__user")
        .prefetch_related("themes")
        .order_by("question__position", "question_id", "id")
    )
    if search:
        answers = answers.filter(text__icontains=search)
    if theme:
        answers = answers.filter(themes__pk=theme)
    return answers


def theme_counts(consultation: Consultation) -> QuerySet:
    return Theme.objects.filter(consultation=consultation).annotate(raised_count=raised_count())


BREAKDOWNS = {
    "age_band": ("Age of children", "response__user__parent_carer_profile__age_bands__age_band", AgeBand),
    "need": ("Needs of children", "response__user__parent_carer_profile__needs__need", NeedCategory),
}


@dataclass
class Breakdown:
    title: str
    groups: list[tuple[str, str]]
    # question -> option label -> one cell per group: a number, or "fewer than 5"
    rows: list[tuple[Question, list[tuple[str, list]]]]


def breakdown(consultation: Consultation, by: str) -> Breakdown | None:
    """Choice answers split by the respondents' consented profile data, in one query.

    Profile data exists only with its consent, so nobody without consent is counted in a group.
    Any count from 1 to 4 is shown as "fewer than 5", so nobody can be singled out.
    """
    if by not in BREAKDOWNS:
        return None
    title, path, choices = BREAKDOWNS[by]
    counts = defaultdict(int)
    rows = (
        Answer.objects.filter(
            question__consultation=consultation,
            response__status=Response.Status.SUBMITTED,
            **{f"{path}__isnull": False},
        )
        .exclude(choice="")
        .values("question_id", "choice", path)
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    for row in rows:
        counts[(row["question_id"], row["choice"], row[path])] = row["n"]
    groups = list(choices.choices)
    table = []
    for question in consultation.questions.all():
        if question.is_text:
            continue
        lines = []
        for value, label in question.options():
            cells = []
            for group, _ in groups:
                n = counts[(question.pk, value, group)]
                cells.append(f"fewer than {SMALLEST_GROUP}" if 0 < n < SMALLEST_GROUP else n)
            lines.append((label, cells))
        table.append((question, lines))
    return Breakdown(title=title, groups=groups, rows=table)


def export_rows(consultation: Consultation):
    """One row per sent response, a column per question; names only where shared. Streamed in
    batches so a large consultation does not sit in memory."""
    questions = list(consultation.questions.all())
    header = ["Response", "Sent", "Name"] + [question.text for question in questions]
    yield header
    responses = (
        consultation.responses.filter(status=Response.Status.SUBMITTED)
        .select_related("user")
        .prefetch_related("answers")
        .order_by("pk")
    )
    for response in responses.iterator(chunk_size=500):
        by_question = defaultdict(list)
        for answer in response.answers.all():
            by_question[answer.question_id].append(answer.text or answer.choice)
        yield [
            response.pk,
            response.submitted_at.isoformat(timespec="minutes"),
            response.respondent_name(),
            *["; ".join(by_question[question.pk]) for question in questions],
        ]


def answers_of_person(user) -> list[dict]:
    """For "Download my data": every answer the person gave, consultation by consultation."""
    rows = []
    responses = (
        Response.objects.filter(user=user)
        .select_related("consultation")
        .prefetch_related("answers__question")
        .order_by("started_at")
    )
    for response in responses:
        for answer in response.answers.all():
            rows.append(
                {
                    "consultation": response.consultation.title,
                    "status": response.get_status_display(),
                    "sent": response.submitted_at.isoformat() if response.submitted_at else None,
                    "name_shared": response.share_name,
                    "question": answer.question.text,
                    "answer": answer.text or answer.choice,
                }
            )
    for comment in LocalOfferComment.objects.filter(user=user).select_related("consultation"):
        rows.append(
            {
                "consultation": comment.consultation.title,
                "status": comment.get_moderation_display(),
                "sent": comment.created_at.isoformat(),
                "name_shared": False,
                "question": comment.get_aspect_display(),
                "answer": comment.text,
            }
        )
    return rows


# --- Accountability ------------------------------------------------------------------------------


@dataclass
class AccountabilityRow:
    organisation: object
    run: int = 0
    answers: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    awaiting: int = 0
    outcomes: dict = field(default_factory=dict)
    days_to_reply: list = field(default_factory=list)

    @property
    def median_days(self) -> int | None:
        return round(median(self.days_to_reply)) if self.days_to_reply else None

    def outcome_counts(self) -> list[tuple[str, int]]:
        return [(label, self.outcomes.get(value, 0)) for value, label in ReplyItem.Outcome.choices]


def accountability(*, organisation=None, now=None) -> list[AccountabilityRow]:
    """How each organisation keeps its side of the bargain: consultations run, answers received,
    replies on time, late or overdue, what changed, and the median days from closing to reply.
    Withdrawn consultations are not counted: nobody is owed a reply to them. Three queries.

    Consultations are read as plain rows, not model instances: building 2,000 consultations with
    their organisation and reply took 100 ms; the rows take a tenth of that.
    """
    now = now or timezone.now()
    consultations = (
        Consultation.objects.live()
        .filter(opens_at__lte=now)
        .annotate(answer_count=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)))
        .order_by("organisation__name", "pk")
        .values_list("organisation_id", "closes_at", "reply_due_at", "reply__published_at", "answer_count")
    )
    outcomes = ReplyItem.objects.filter(
        reply__published_at__isnull=False, reply__consultation__status=Consultation.Status.APPROVED
    )
    if organisation is not None:
        consultations = consultations.filter(organisation=organisation)
        outcomes = outcomes.filter(reply__consultation__organisation=organisation)
    rows: dict[int, AccountabilityRow] = {}
    for organisation_id, closes_at, reply_due_at, published_at, answer_count in consultations:
        row = rows.setdefault(organisation_id, AccountabilityRow(organisation=None))
        row.run += 1
        row.answers += answer_count
        if closes_at > now:
            continue
        if published_at:
            if published_at <= reply_due_at:
                row.on_time += 1
            else:
                row.late += 1
            row.days_to_reply.append(max(0, (published_at - closes_at).days))
        elif now > reply_due_at:
            row.overdue += 1
        else:
            row.awaiting += 1
    named = {organisation.pk: organisation} if organisation is not None else Organisation.objects.in_bulk(rows)
    for organisation_id, row in rows.items():
        row.organisation = named[organisation_id]
    counts = outcomes.values("reply__consultation__organisation", "outcome").annotate(n=Count("pk")).order_by()
    for count in counts:
        row = rows.get(count["reply__consultation__organisation"])
        if row is not None:
            row.outcomes[count["outcome"]] = count["n"]
    return list(rows.values())


def total_row(rows: list[AccountabilityRow]) -> AccountabilityRow:
    total = AccountabilityRow(organisation=None)
    for row in rows:
        for name in ("run", "answers", "on_time", "late", "overdue", "awaiting"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.days_to_reply += row.days_to_reply
        for outcome, n in row.outcomes.items():
            total.outcomes[outcome] = total.outcomes.get(outcome, 0) + n
    return total


def local_offer_comments(consultation: Consultation, *, moderation: str | None = None) -> QuerySet:
    comments = consultation.local_offer_comments.select_related("moderated_by").order_by("created_at", "pk")
    if moderation:
        comments = comments.filter(moderation=moderation)
    return comments


def local_offer_rounds_to_moderate() -> QuerySet:
    """Local Offer rounds with comments waiting, and how many."""
    return (
        Consultation.objects.filter(kind=Consultation.Kind.LOCAL_OFFER, status=Consultation.Status.APPROVED)
        .select_related("organisation")
        .annotate(
            pending=Count(
                "local_offer_comments", filter=Q(local_offer_comments__moderation=LocalOfferComment.Moderation.PENDING)
            )
        )
        .order_by("-opens_at")
    )
