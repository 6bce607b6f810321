"""Consultations, in each state of their life: draft, in review, upcoming, open, closed, withdrawn.

Officers see their own organisation's at every state; other officers only once published.
Forum staff review what is sent to them. Parent carers answer open ones. A superuser (the forum
admin) holds every permission, as Django grants superusers.
"""

from datetime import timedelta

from django.utils import timezone

from consultations import services
from consultations.models import Answer, Consultation, LocalOfferComment, Question, Response, Theme
from tests.factories.consultations import ConsultationFactory, QuestionFactory, closed_consultation, open_consultation

from .walker import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, redirect, redirect_matching, row

STATES = ("draft", "in_review", "upcoming", "open", "closed", "withdrawn")
DETAIL_PAGE = redirect_matching("the consultation's page", r"/consultations/\d+/")


def build(world):
    now = timezone.now()
    owner = world.owning_organisation
    world.consultations = {
        "draft": ConsultationFactory(organisation=owner, title="Draft"),
        "in_review": ConsultationFactory(organisation=owner, title="In review", status=Consultation.Status.IN_REVIEW),
        "upcoming": ConsultationFactory(organisation=owner, title="Upcoming", status=Consultation.Status.APPROVED),
        "open": open_consultation(organisation=owner, title="Open"),
        "closed": closed_consultation(organisation=owner, title="Closed"),
        "withdrawn": ConsultationFactory(
            organisation=owner,
            title="Withdrawn",
            status=Consultation.Status.WITHDRAWN,
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(weeks=3),
        ),
    }
    world.questions = {state: QuestionFactory(consultation=c) for state, c in world.consultations.items()}
    world.text_questions = {
        state: QuestionFactory(consultation=c, kind=Question.Kind.LONG_TEXT, choices="")
        for state, c in world.consultations.items()
    }
    closed = world.consultations["closed"]
    response = Response.objects.create(
        consultation=closed, user=world.parent, status=Response.Status.SUBMITTED, submitted_at=now - timedelta(days=2)
    )
    world.answer = Answer.objects.create(
        response=response, question=world.text_questions["closed"], text="Longer hours"
    )
    Theme.objects.create(consultation=closed, name="Opening hours")
    world.local_offer = open_consultation(organisation=owner, title="Local Offer", kind=Consultation.Kind.LOCAL_OFFER)
    last_year = closed_consultation(
        organisation=owner, title="Local Offer, last year", kind=Consultation.Kind.LOCAL_OFFER
    )
    world.published_comment = LocalOfferComment.objects.create(
        consultation=last_year, aspect="content", text="No list of clubs.", moderation="publishable"
    )
    reply = services.reply_for(closed)
    world.reply_item = services.save_reply_item(
        reply, by=world.officer, you_said="Longer hours", we_did="We will open later.", outcome="changed"
    )


def of(state):
    return lambda world: {"pk": world.consultations[state].pk}


def with_question(state):
    return lambda world: {"pk": world.consultations[state].pk, "question": world.questions[state].pk}


def rows(key, states, kwargs=of, **by_state):
    """One row per state; ``by_state`` maps a state (or "default") to the answers for it."""
    made = []
    for state in states:
        answers = by_state.get(state, by_state.get("default"))
        made.append(row(key, state=state, kwargs=kwargs(state), **answers))
    return made


PUBLIC = {"everyone": OK}
# Officer pages: visitors sign in; parent carers and forum staff are refused; other officers find
# nothing there; the owning officers (and superusers) get in.
OWNERS = {"visitor": LOGIN, "officer": OK, "admin": OK, "other_officer": NOT_FOUND, "others": FORBIDDEN}
OWNERS_POST = {**OWNERS, "officer": NOT_ALLOWED, "admin": NOT_ALLOWED}
OWNERS_BUT_NOT_NOW = {**OWNERS, "officer": NOT_FOUND}
STAFF = {"visitor": LOGIN, "staff": OK, "admin": OK, "others": FORBIDDEN}
STAFF_NOT_NOW = {**STAFF, "staff": NOT_FOUND}

ROWS = [
    row("consultations:consultation-list", everyone=OK),
    row("consultations:accountability", everyone=OK),
    row(
        "consultations:accountability-organisation",
        kwargs=lambda world: {"slug": world.owning_organisation.slug},
        everyone=OK,
    ),
    row("consultations:local-offer-start", **STAFF),
    row(
        "consultations:local-offer-comment",
        state="Local Offer feedback, open",
        kwargs=lambda world: {"pk": world.local_offer.pk},
        everyone=OK,
    ),
    row(
        "consultations:local-offer-comment",
        state="an ordinary consultation, open",
        kwargs=of("open"),
        admin=OK,
        others=NOT_FOUND,
    ),
    row(
        "consultations:local-offer-moderate",
        state="Local Offer feedback, open",
        kwargs=lambda world: {"pk": world.local_offer.pk},
        **STAFF,
    ),
    *rows("consultations:local-offer-moderate", ("open",), default=STAFF_NOT_NOW),
    *rows("consultations:results-release", ("closed",), default=OWNERS_POST),
    row("consultations:consultation-create", visitor=LOGIN, officer=OK, other_officer=OK, admin=OK, others=FORBIDDEN),
    row("consultations:review-queue", **STAFF),
    *rows(
        "consultations:consultation-detail",
        STATES,
        draft={"officer": OK, "admin": OK, "others": NOT_FOUND},
        in_review={"officer": OK, "staff": OK, "admin": OK, "others": NOT_FOUND},
        default=PUBLIC,
    ),
    *rows("consultations:consultation-manage", ("draft", "open"), default=OWNERS),
    *rows("consultations:consultation-edit", ("draft", "open"), draft=OWNERS, default=OWNERS_BUT_NOT_NOW),
    *rows("consultations:question-create", ("draft", "open"), draft=OWNERS, default=OWNERS_BUT_NOT_NOW),
    *rows("consultations:question-edit", ("draft", "open"), with_question, draft=OWNERS, default=OWNERS_BUT_NOT_NOW),
    *rows("consultations:question-move", ("draft",), with_question, default=OWNERS_POST),
    *rows("consultations:question-delete", ("draft",), with_question, default=OWNERS_POST),
    # The preview shows a consultation as it will be published: to whoever may see it.
    *rows(
        "consultations:consultation-preview",
        ("draft", "open"),
        draft={"officer": OK, "admin": OK, "others": NOT_FOUND},
        open=PUBLIC,
    ),
    *rows("consultations:consultation-submit", ("draft",), default=OWNERS_POST),
    # A superuser passes every permission whatever the state; the services still check the state.
    *rows("consultations:consultation-review", ("in_review", "open"), in_review=STAFF, default=STAFF_NOT_NOW),
    *rows("consultations:consultation-withdraw", ("open", "closed"), open=STAFF, default=STAFF_NOT_NOW),
    # The owning officers or the forum give families longer, until it closes.
    *rows(
        "consultations:consultation-extend",
        ("open", "closed"),
        open={**OWNERS, "staff": OK},
        default={**OWNERS_BUT_NOT_NOW, "staff": NOT_FOUND},
    ),
    *rows(
        "consultations:answer",
        ("open", "closed", "draft"),
        open={"visitor": LOGIN, "parent": OK, "other_parent": OK, "admin": OK, "others": redirect("people:join")},
        closed={"admin": OK, "others": DETAIL_PAGE},
        draft={"officer": DETAIL_PAGE, "admin": OK, "others": NOT_FOUND},
    ),
    *rows(
        "consultations:answer-check",
        ("open", "closed"),
        open={"visitor": LOGIN, "parent": OK, "other_parent": OK, "admin": OK, "others": redirect("people:join")},
        closed={"admin": OK, "others": DETAIL_PAGE},
    ),
    *rows(
        "consultations:answer-sent",
        ("open", "draft"),
        open=PUBLIC,
        draft={"officer": OK, "admin": OK, "others": NOT_FOUND},
    ),
    *rows("consultations:results", ("closed", "open"), closed=OWNERS, default=OWNERS_BUT_NOT_NOW),
    *rows("consultations:theme-create", ("closed",), default=OWNERS),
    *rows(
        "consultations:answer-tag",
        ("closed",),
        lambda state: lambda world: {"pk": world.consultations[state].pk, "answer": world.answer.pk},
        default=OWNERS_POST,
    ),
    row(
        "consultations:comment-tag",
        state="a publishable comment on last year's Local Offer feedback",
        kwargs=lambda world: {"pk": world.published_comment.consultation_id, "comment": world.published_comment.pk},
        **OWNERS_POST,
    ),
    *rows(
        "consultations:export",
        ("closed", "open"),
        lambda state: lambda world: {"pk": world.consultations[state].pk, "fmt": "csv"},
        closed=OWNERS,
        default=OWNERS_BUT_NOT_NOW,
    ),
    *rows("consultations:reply-edit", ("closed", "open"), closed=OWNERS, default=OWNERS_BUT_NOT_NOW),
    *rows("consultations:reply-item-create", ("closed",), default=OWNERS),
    *rows(
        "consultations:reply-item-edit",
        ("closed",),
        lambda state: lambda world: {"pk": world.consultations[state].pk, "item": world.reply_item.pk},
        default=OWNERS,
    ),
    *rows(
        "consultations:reply-item-update",
        ("closed",),
        lambda state: lambda world: {"pk": world.consultations[state].pk, "item": world.reply_item.pk},
        default=OWNERS,
    ),
    *rows("consultations:reply-publish", ("closed",), default=OWNERS_POST),
]
